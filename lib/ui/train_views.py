"""The parts /train draws: the layer editor, the training settings, the live view of a run, a
finished run and the server's runs. Each reads its widgets, calls `lib` and renders; what
they keep in the session is `lib.ui.train_state`'s.
"""

import contextlib
import hashlib
import sqlite3
import time

import numpy as np
import streamlit as st

from lib import i18n, jobs, layer_stack, models, train_settings, training
from lib import runs as run_records
from lib.charts import training as train_charts
from lib.errors import InputError
from lib.ui import cache, classroom, glossary, session, train_state, widgets

CHART_KEYS = ("loss", "accuracy", "epoch", "train", "validation")
# The test digits a finished run shows it got wrong, the most confident first.
MISTAKES_SHOWN = 12


def chart_text(t):
    """The learning curves' titles, in the page's language."""
    return {key: t(f"train.chart.{key}") for key in CHART_KEYS}


def layer_editor(stack, t):
    """The preset picker, a row of widgets per layer, and the stack's verdict.

    Args:
        stack: The session's layer stack (edited in place by the widgets).
        t: The page's translator.

    Returns:
        `(problem, cost)`: the `InputError` that stops the stack from being built (or `None`),
        and its cost per digit (`layer_stack.cost`, `None` with a problem).
    """
    state = st.session_state
    # The list is a view of the settings' preset, one widget per language: a selectbox keeps
    # its choice by label, and the same one under the other language's labels handed its
    # callback a label instead of a preset.
    picker = f"train_w_preset_{state['language']}"
    state[picker] = state["train_settings"]["preset"]
    st.selectbox(t("train.preset"), list(layer_stack.PRESETS), key=picker,
                 format_func=lambda name: t(f"train.preset.{name}"),
                 on_change=train_state.choose_preset, args=(picker,))
    # Each row's shape and parameters are worked out once every widget has written its value
    # into the stack, so that they count this edit, not the one before.
    editable = not classroom.hidden("train.layers")  # A classroom link may fix the stack.
    captions = [_layer_row(stack, position, spec, t) if editable
                else _fixed_layer_row(position, spec) for position, spec in enumerate(stack)]
    rows, problem = layer_stack.summarize_partial(stack)
    for position, caption in enumerate(captions):
        if position < len(rows):
            caption.caption(t("train.layer.shape", shape=str(rows[position]["output_shape"]),
                              params=f"{rows[position]['parameters']:,}"))
        elif problem is not None and problem.index == position + 1:
            caption.caption(":red[:material/error:]")
    if editable:
        kind, add = st.columns([3, 1], vertical_alignment="bottom")
        kind.selectbox(t("train.layer.type"), list(layer_stack.LAYER_TYPES),
                       key=train_state.widget_key("new_layer", "Dense"))
        add.button(t("train.layer.add"), icon=":material/add:", key="train_add",
                   on_click=train_state.add_layer)

    cost = None
    if problem is None:
        try:
            cost = layer_stack.cost(stack)  # Per digit: parameters, activations, FLOPs.
        except InputError as error:  # Over lib.model_budget's limits.
            problem = error
    if problem is not None:
        st.error(problem.message(state["language"]), icon=":material/error:")
        return problem, None
    st.success(t("train.stack.ok", params=f"{sum(r['parameters'] for r in rows):,}"),
               icon=":material/check_circle:")
    with st.expander(t("train.code"), icon=":material/code:"):
        for tab, style in zip(st.tabs([t(f"train.code.{s}") for s in layer_stack.CODE_STYLES]),
                              layer_stack.CODE_STYLES, strict=True):
            tab.code(layer_stack.keras_code(stack, style), language="python")
    return None, cost


def _fixed_layer_row(position, spec):
    """One layer as text (a classroom link fixed the stack); returns its caption's slot."""
    row = st.container(border=True, horizontal=True, vertical_alignment="center", gap="small")
    row.markdown(f"**{position + 1}** `{layer_stack.describe(spec)}`", width=360)
    return row.container().empty()


# A layer's widgets, in pixels: they keep this width and wrap onto another line when the page is
# narrower (a 1024 px projector with the sidebar open), rather than squeezing "softmax" to "sof".
ARGUMENT_WIDTH = 130


def _layer_row(stack, position, spec, t):
    """One layer: its number, type, shape and buttons on one line, its arguments below them.

    Returns:
        The empty slot for its shape and parameters.
    """
    layer = st.container(border=True, gap="small")
    head = layer.container(horizontal=True, vertical_alignment="center", gap="small")
    head.markdown(f"**{position + 1}** `{spec['type']}`", width=180)
    shape = head.container().empty()
    head.button("", icon=":material/arrow_upward:", key=f"train_up_{spec['id']}",
                help=t("train.layer.up"), on_click=train_state.move_layer,
                args=(position, -1), disabled=position == 0)
    head.button("", icon=":material/arrow_downward:", key=f"train_down_{spec['id']}",
                help=t("train.layer.down"), on_click=train_state.move_layer,
                args=(position, 1), disabled=position == len(stack) - 1)
    head.button("", icon=":material/delete:", key=f"train_remove_{spec['id']}",
                help=t("train.layer.remove"), on_click=train_state.remove_layer,
                args=(position,))
    if layer_stack.ARGUMENTS[spec["type"]]:
        arguments = layer.container(horizontal=True, vertical_alignment="bottom", gap="small")
        for argument in layer_stack.ARGUMENTS[spec["type"]]:
            key = train_state.widget_key(f"layer_{spec['id']}_{argument.name}",
                                         spec[argument.name])
            spec[argument.name] = widgets.argument_input(
                argument, arguments.container(width=ARGUMENT_WIDTH), key, t,
                help=glossary.argument_tooltip(argument.name, t))
    return shape


def training_settings(settings, t):
    """The optimizer, epochs, batch, validation split, data and augmentation widgets.

    Args:
        settings: The session's `/train` settings (written by the widgets).
        t: The page's translator.

    Returns:
        The `lib.data.Mnist` to train on, or `None` when the chosen source has none (the reason
        is shown).
    """
    widget_key = train_state.widget_key
    glossary.popover(["epoch", "batch", "validation_split", "overfitting", "learning_rate"], t)
    left, right = st.columns(2)
    if classroom.hidden("train.optimizer"):  # A classroom link fixed it.
        left.caption(t("classroom.fixed", what=t("train.optimizer"), value=", ".join(
            [settings["optimizer"], *(f"{name}={value:g}" if not isinstance(value, bool)
                                      else f"{name}={value}" for name, value in
                                      settings["optimizer_arguments"].items())])))
    else:
        _optimizer_widgets(settings, left, t)
    left.caption(t("train.loss"))
    epochs, batch, split = (train_settings.SETTINGS[name] for name in (
        "epochs", "batch_size", "validation_split"))
    settings["epochs"] = right.number_input(t("train.epochs"), epochs.minimum, epochs.maximum,
                                            key=widget_key("epochs", settings["epochs"]),
                                            help=glossary.tooltip("epoch", t))
    settings["batch_size"] = right.number_input(t("train.batch_size"), batch.minimum,
                                                batch.maximum,
                                                key=widget_key("batch_size",
                                                               settings["batch_size"]),
                                                help=glossary.tooltip("batch", t))
    settings["validation_split"] = right.slider(
        t("train.validation_split"), split.minimum, split.maximum, step=split.step,
        key=widget_key("validation_split", settings["validation_split"]),
        help=glossary.tooltip("validation_split", t))
    if not classroom.hidden("train.data"):  # Else the link's choice stays.
        settings["data"] = right.radio(
            t("train.data"), list(train_settings.DATA_CHOICES), horizontal=True,
            format_func=lambda s: t(f"train.data.{s}"), key=widget_key("data", settings["data"]))
    mnist = _training_digits(settings["data"], right, t)
    if mnist is not None:
        right.caption(t(f"data.source.{mnist.source}", **mnist.describe()))
        settings["train_size"] = train_state.clamp_train_size(len(mnist.y_train))
        settings["train_size"] = right.number_input(
            t("train.train_size"), 0, len(mnist.y_train), step=100,
            key=widget_key("train_size", settings["train_size"]), help=t("train.train_size_help"))
    settings["augment"] = right.toggle(t("train.augment"), key=widget_key(
        "augment", settings["augment"]), help=t("train.augment_help"))
    return mnist


def _optimizer_widgets(settings, left, t):
    """The optimizer and its arguments in column `left`, each starting from the settings."""
    widget_key = train_state.widget_key
    optimizer = left.selectbox(t("train.optimizer"), list(models.OPTIMIZERS),
                               key=widget_key("optimizer", settings["optimizer"]))
    if optimizer != settings["optimizer"]:
        settings["optimizer"] = optimizer
        settings["optimizer_arguments"] = train_settings.optimizer_defaults(optimizer)
    arguments = settings["optimizer_arguments"]
    for name, argument in models.optimizer_arguments(optimizer, **arguments).items():
        key = widget_key(f"opt_{optimizer}_{name}", arguments[name])
        arguments[name] = widgets.argument_input(argument, left, key, t,
                                                 help=glossary.argument_tooltip(name, t))


def _training_digits(source, column, t):
    """The chosen source's digits, or `None` with the reason shown in `column`."""
    try:
        if source == "keras":
            if not cache.keras_mnist_available():
                raise ValueError(t("train.data.keras_unavailable"))
            return cache.mnist("keras")
        if source == "npz":
            upload = column.file_uploader(t("train.data.upload"), type=["npz"], key="train_npz")
            if upload is None:
                train_state.forget_upload()
                raise ValueError(t("train.data.upload_first"))
            return train_state.uploaded_mnist(upload)
        return cache.mnist("embedded")
    except InputError as error:
        column.error(error.message(st.session_state["language"]), icon=":material/database_off:")
    except (ValueError, OSError) as error:
        column.warning(str(error), icon=":material/database_off:")
    return None


def run_budget(cost, settings, mnist, t):
    """What the run would cost on this server, shown; over the budget it cannot start.

    Returns:
        The `training.BudgetError` that stops the run, or `None`.
    """
    estimate = training.estimate_run(cost, train_settings.to_config(settings),
                                     len(mnist.y_train), len(mnist.y_test))
    try:
        training.check_budget(estimate)
    except training.BudgetError as error:
        st.error(error.message(st.session_state["language"]), icon=":material/timer_off:")
        return error
    st.caption(t("train.budget.estimate", time=train_state.describe_seconds(estimate.seconds, t),
                 step_mb=estimate.step_bytes / 2**20,
                 limit_time=train_state.describe_seconds(training.max_run_seconds(), t),
                 limit_mb=training.MAX_STEP_BYTES / 2**20))
    return None


def live_view(manager, t):
    """The watched run's progress, learning curves and watched digits.

    A fragment that reruns every second while the run is queued or running (it never
    interrupts the run), and reruns the whole page once when the run ends.
    """
    job_id = st.session_state["train_job"]
    watched = manager.job(job_id) if job_id else None

    @st.fragment(run_every=1.0 if watched is not None and watched.status in jobs.ACTIVE
                 else None)
    def fragment():
        snapshot = manager.snapshot(job_id) if job_id else None
        if snapshot is None:
            return
        st.subheader(t("train.live.title", name=i18n.markdown_literal(snapshot.meta["name"])),
                     anchor=False)
        if snapshot.status == jobs.QUEUED:
            running, _ = manager.counts()
            st.info(t("train.live.queued", position=snapshot.position, running=running),
                    icon=":material/hourglass_top:")
        elif snapshot.status == jobs.RUNNING:
            _progress(manager, snapshot, t)
        if snapshot.history:
            st.plotly_chart(train_charts.learning_curves(snapshot.history, chart_text(t)),
                            key="train_live_curves")
        if snapshot.watch_probabilities is not None:
            st.caption(t("train.live.gallery", epoch=len(snapshot.history)))
            for digit, (column, image, probabilities) in enumerate(zip(
                    st.columns(10), snapshot.meta["watch"], snapshot.watch_probabilities,
                    strict=True)):
                guess = int(np.argmax(probabilities))
                column.image(np.kron(image, np.ones((2, 2), dtype=image.dtype)), clamp=True)
                colour = "green" if guess == digit else "red"
                column.markdown(f":{colour}[**{guess}**] {probabilities[guess]:.0%}")
        if not snapshot.active and snapshot.id not in st.session_state["train_finished"]:
            st.rerun()  # Only in a fragment rerun: the whole app takes in the result.

    fragment()


def _progress(manager, snapshot, t):
    progress = snapshot.progress or {}
    epochs = snapshot.meta["epochs"]
    st.progress(training.progress_fraction(progress, epochs), text=t(
        "train.live.progress", epoch=progress.get("epoch", 1),
        epochs=progress.get("epochs", epochs), step=progress.get("step", 0),
        steps=progress.get("steps", 0), rate=f"{progress.get('samples_per_second', 0):,.0f}",
        left=train_state.describe_seconds(progress.get("seconds_left"), t)))
    st.button(t("train.stop"), icon=":material/stop_circle:", key="train_stop",
              disabled=snapshot.stop_requested, on_click=manager.stop, args=(snapshot.id,))


def finished_run(snapshot, database, t):
    """A run that ended: how it ended, what it learned, and its model to use, download or save.

    Args:
        snapshot: The run's `lib.jobs` snapshot (not active).
        database: The server's `lib.runs.RunDatabase`.
        t: The page's translator.
    """
    if snapshot.status == jobs.FAILED:
        st.error(t("train.failed", error=i18n.markdown_literal(snapshot.error)),
                 icon=":material/error:")
        return
    if snapshot.result is None:
        if snapshot.status == jobs.CANCELLED:
            st.info(t("train.cancelled"), icon=":material/cancel:")
        return
    live = snapshot.result
    result, name = live.result, snapshot.meta["name"]
    if snapshot.status == jobs.STOPPED:
        st.info(t("train.stopped", epochs=len(result.history)), icon=":material/stop_circle:")
    elif snapshot.status == jobs.TIMED_OUT:
        st.warning(t("jobs.timed_out", minutes=f"{snapshot.time_limit / 60:g}",
                     epochs=len(result.history)), icon=":material/timer_off:")
    if st.session_state["model_choice"] == name:
        st.success(t("train.added", name=i18n.markdown_literal(name)),
                   icon=":material/check_circle:")
    else:
        # A callback runs before the sidebar's picker exists, so it may select the model.
        st.button(t("train.use", name=i18n.markdown_literal(name)),
                  icon=":material/check_circle:", type="primary", key="train_use",
                  on_click=session.add_session_model, args=(name, result.model, live.card))
    accuracy, seconds, epochs = st.columns(3)
    accuracy.metric(t("train.result.accuracy"), f"{result.test_accuracy:.2%}")
    seconds.metric(t("train.result.seconds"), train_state.describe_seconds(result.seconds, t))
    epochs.metric(t("train.result.epochs"), len(result.history))
    widgets.evaluation_view(live.evaluation, t, "train")
    _mistakes(live.evaluation, snapshot.meta["x_test"], snapshot.meta["y_test"], t)
    _model_files(snapshot, database, t)


def _mistakes(evaluation, x_test, y_test, t):
    if not len(evaluation.mistakes):
        return
    st.markdown(f"**{t('train.result.mistakes')}**")
    # As many to a row as fit: twelve columns at 1024 px wrapped each caption a word a line.
    with st.container(horizontal=True):
        for index in evaluation.mistakes[:MISTAKES_SHOWN]:
            with st.container(width=96, gap="small"):
                st.image(np.kron(x_test[index], np.ones((2, 2), np.uint8)))
                st.caption(t("train.result.mistake", label=int(y_test[index]),
                             guess=int(evaluation.predictions[index]),
                             confidence=f"{evaluation.confidences[index]:.0%}"))


def _model_files(snapshot, database, t):
    """The trained model as `.keras`, `.h5` and a SavedModel zip, and saved under a name."""
    live, name = snapshot.result, snapshot.meta["name"]
    model = live.result.model
    downloads = st.session_state["train_finished"][snapshot.id]["downloads"]
    files, save = st.columns([3, 1.4], vertical_alignment="bottom")
    # Buttons as wide as their labels, wrapping to a second line where the page is narrow.
    files = files.container(horizontal=True)
    for suffix in (".keras", ".h5"):
        if suffix not in downloads:
            downloads[suffix] = training.model_file_bytes(model, suffix)
        files.download_button(t("train.download", suffix=suffix), downloads[suffix],
                              file_name=f"{name}{suffix}", icon=":material/download:",
                              key=f"train_download{suffix.replace('.', '_')}")
    # Exported and zipped only when clicked (about 1.5 s, off the script's thread).
    files.download_button(
        t("train.download.saved_model"),
        lambda model=model, name=name: models.saved_model_zip(model, name),
        file_name=f"{name}-saved_model.zip", mime="application/zip",
        icon=":material/download:", key="train_download_saved_model", on_click="ignore",
        help=t("train.download.saved_model_help", name=i18n.markdown_literal(name)))
    with save.form("train_save", border=False):
        new_name = st.text_input(t("train.save.name"), value=name)
        if not st.form_submit_button(t("train.save"), icon=":material/save:"):
            return
    try:
        path = training.save_trained_model(model, live.card, new_name)
    except ValueError as error:  # A name, the quota, a read-only folder.
        save.error(i18n.markdown_message(error, st.session_state["language"]),
                   icon=":material/error:")
        return
    # Saved all the same if the database fails (the runs below say so).
    if live.run_id is not None:
        with contextlib.suppress(sqlite3.Error, OSError):
            database.set_model_path(live.run_id, path)
    save.success(t("train.saved", path=i18n.markdown_literal(f"models/{path.name}")))


def runs(database, t):
    """The runs on this server, the student's own or the whole class's, with the settings that
    tell them apart; the learning curves of the ones picked, overlaid; and renaming or deleting
    one's own."""
    st.subheader(t("train.runs"), anchor=False)
    if st.session_state["train_runs_notice"]:
        st.toast(st.session_state["train_runs_notice"], icon=":material/check_circle:")
        st.session_state["train_runs_notice"] = None
    student = session.student_id()
    scope = st.segmented_control(t("train.runs.scope"), RUN_SCOPES, required=True,
                                 key="train_runs_scope",
                                 format_func=lambda option: t(f"train.runs.scope.{option}"))
    try:
        listed = database.list_runs(limit=MAX_LISTED_RUNS,
                                    browser=student if scope == "mine" else None)
        recoveries = database.recoveries()
    except (sqlite3.Error, OSError) as error:  # Even a damaged file is moved aside: this is worse.
        _database_error(database, error, t)
        listed, recoveries = [], []
    for recovery in recoveries:  # Told to whoever opens /train, on every replica, until gone.
        st.warning(t("runs.recovered", reason=i18n.markdown_literal(recovery["reason"]),
                     file=i18n.markdown_literal(recovery["file"]),
                     date=time.strftime("%Y-%m-%d %H:%M", time.localtime(recovery["moved_at"]))),
                   icon=":material/database:")
    if not listed:
        st.caption(t(f"train.runs.none.{scope}"))
        return
    differ = run_records.settings_that_differ(listed)
    labels = {run["id"]: run_label(run, differ) for run in listed}
    st.dataframe([_run_row(run, differ, t) for run in listed], hide_index=True)
    _overlay(database, labels, t)
    mine = [run for run in listed if run["browser"] == student]
    if mine:
        _manage_runs(database, mine, student, t)


# Which runs /train lists: the student's own, or everyone's on this server.
RUN_SCOPES = ["mine", "class"]
MAX_LISTED_RUNS = 200


def run_label(run, differ):
    """`"#3 Anna, lr 0.1 (lr 0.1, batch_size 64)"`: the run's id, its name (the student's own
    text) and the settings in `differ`, for the picker and the curves' legend."""
    settings = run_records.compared_settings(run)
    shown = ", ".join(f"{name} {_setting_text(settings.get(name))}" for name in differ)
    return f"#{run['id']} {run['name']}" + (f" ({shown})" if shown else "")


def _setting_text(value):
    if isinstance(value, float):
        return f"{value:g}"
    return "-" if value is None else str(value)


def _run_row(run, differ, t):
    settings = run_records.compared_settings(run)
    status = f"train.status.{run['status']}"
    accuracy = run["test_accuracy"]
    started = time.localtime(run["started"])
    when = time.strftime("%H:%M" if started[:3] == time.localtime()[:3] else "%Y-%m-%d %H:%M",
                         started)
    return {
        t("train.runs.column.run"): f"#{run['id']} {run['name']}",
        t("train.runs.column.when"): when,
        **{name: _setting_text(settings.get(name)) for name in differ},
        t("train.runs.column.accuracy"): "" if accuracy is None else f"{accuracy:.1%}",
        t("train.runs.column.seconds"): "" if run["seconds"] is None
        else train_state.describe_seconds(run["seconds"], t),
        t("train.runs.column.params"): "" if run["parameters"] is None
        else f"{run['parameters']:,}",
        t("train.runs.column.status"): t(status) if status in i18n.TEXTS else run["status"],
        t("train.runs.column.model"): run["model_path"] or "",
    }


def _overlay(database, labels, t):
    """The picked runs' learning curves, overlaid.

    The picker's key holds its labels, which change as runs finish or are renamed: a label
    the browser still shows would otherwise come back as a stale choice. The choice itself is
    kept by run id (`train_runs_picked`), so it survives the new labels.
    """
    state = st.session_state
    kept = state["train_runs_picked"]
    default = list(labels)[:2] if kept is None else [run for run in kept if run in labels]
    version = hashlib.sha256(repr(sorted(labels.items())).encode()).hexdigest()[:12]
    picked = st.multiselect(t("train.runs.pick"), list(labels), default=default,
                            format_func=lambda run: labels.get(run, f"#{run}"),
                            key=f"train_runs_picked_{version}")
    state["train_runs_picked"] = picked
    if picked:
        curves = database.epochs(picked)
        st.plotly_chart(train_charts.overlay_runs(
            {labels[run_id]: curves[run_id] for run_id in picked}, chart_text(t)),
            key="train_runs_overlay")


def _manage_runs(database, mine, student, t):
    """Renaming or deleting one of the student's own runs (the database checks it is theirs)."""
    names = {run["id"]: run["name"] for run in mine}
    with st.expander(t("train.runs.manage"), icon=":material/edit:"):
        chosen = st.selectbox(t("train.runs.manage.run"), list(names),
                              format_func=lambda run: f"#{run} {names.get(run, '')}",
                              key="train_runs_manage")
        if chosen is None:
            return
        with st.form("train_runs_rename", border=False):
            name, rename = st.columns([3, 1], vertical_alignment="bottom")
            new_name = name.text_input(t("train.runs.rename.name"), value=names[chosen],
                                       max_chars=run_records.MAX_NAME_LENGTH,
                                       key=f"train_runs_name_{chosen}")
            renamed = rename.form_submit_button(t("train.runs.rename"), icon=":material/edit:")
        deleted = st.button(t("train.runs.delete", id=chosen), icon=":material/delete:",
                            key="train_runs_delete")
        try:
            if renamed:
                done = database.rename_run(chosen, new_name, student)
            elif deleted:
                done = database.delete_run(chosen, student)
            else:
                return
        except InputError as error:
            st.error(error.message(st.session_state["language"]), icon=":material/error:")
            return
        except (sqlite3.Error, OSError) as error:
            _database_error(database, error, t)
            return
    if not done:  # Gone since the list was read (deleted in another tab).
        st.warning(t("train.runs.gone", id=chosen), icon=":material/warning:")
        return
    # Said after the rerun that lists the runs as they now are.
    st.session_state["train_runs_notice"] = t(
        "train.runs.renamed" if renamed else "train.runs.deleted", id=chosen)
    st.rerun()


def _database_error(database, error, t):
    reason = getattr(error, "strerror", None) or str(error)
    st.error(t("runs.unreadable", reason=i18n.markdown_literal(reason),
               file=i18n.markdown_literal(database.path.name)), icon=":material/database_off:")
