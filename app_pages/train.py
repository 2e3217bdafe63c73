"""Train: build a model layer by layer, train it live in a worker, stop it, compare runs, use it.

Training runs in a `lib.jobs` worker thread, never in this script: a click reruns the
script (and would kill anything inside it). The live view is a fragment that reads the
job's snapshot every second. The settings live in the link (`st.query_params`).
"""

import contextlib
import datetime
import sqlite3
import time

import numpy as np
import streamlit as st

from lib import i18n, jobs, layer_stack, models, train_settings, training
from lib.charts import evaluation as evaluation_charts
from lib.charts import training as train_charts
from lib.errors import InputError
from lib.ui import cache, session, train_state

session.init_state()
t = session.translator()
state = st.session_state
manager = cache.job_manager()
database = cache.run_database()
CHART_TEXT = {key: t(f"train.chart.{key}") for key in (
    "loss", "accuracy", "epoch", "train", "validation", "true", "predicted", "digit")}

owner = train_state.owner(manager)
ignored = train_state.restore_from_link(manager, st.query_params.to_dict())
if ignored:
    st.toast(t("train.link.ignored", names=", ".join(ignored)), icon=":material/link_off:")
settings, stack = state["train_settings"], state["train_stack"]


def widget(name, default):
    # Widgets keep their value across page switches through `settings`, not their own key.
    key = f"train_w_{name}"
    if key not in state:
        state[key] = default
    return key


st.title(t("train.title"), anchor=False)
st.markdown(t("train.intro"))
build, fit_settings = st.tabs([t("train.tab.model"), t("train.tab.training")])

with build:
    st.selectbox(t("train.preset"), list(layer_stack.PRESETS),
                 key=widget("preset", settings["preset"]),
                 format_func=lambda name: t(f"train.preset.{name}"),
                 on_change=train_state.choose_preset)
    rows, problem = layer_stack.summarize_partial(stack)
    for position, spec in enumerate(stack):
        columns = st.columns([0.3, 1.3, 1, 1, 1, 1, 1.5, 0.35, 0.35, 0.35],
                             vertical_alignment="bottom")
        columns[0].markdown(f"**{position + 1}**")
        columns[1].markdown(f"`{spec['type']}`")
        for column, argument in zip(columns[2:6], layer_stack.ARGUMENTS[spec["type"]],
                                    strict=False):
            name = argument.name
            key = widget(f"layer_{spec['id']}_{name}", spec[name])
            if argument.kind == "choice":
                spec[name] = column.selectbox(name, argument.choices, key=key)
            else:  # Whole numbers step by 1; the dropout rate by its own step.
                spec[name] = column.number_input(name, argument.minimum, argument.maximum,
                                                 step=argument.step or 1, key=key)
        if position < len(rows):
            row = rows[position]
            columns[6].caption(t("train.layer.shape", shape=str(row["output_shape"]),
                                 params=f"{row['parameters']:,}"))
        elif problem is not None and problem.index == position + 1:
            columns[6].caption(":red[:material/error:]")
        columns[7].button("", icon=":material/arrow_upward:", key=f"train_up_{spec['id']}",
                          help=t("train.layer.up"), on_click=train_state.move_layer,
                          args=(position, -1),
                          disabled=position == 0)
        columns[8].button("", icon=":material/arrow_downward:", key=f"train_down_{spec['id']}",
                          help=t("train.layer.down"), on_click=train_state.move_layer,
                          args=(position, 1),
                          disabled=position == len(stack) - 1)
        columns[9].button("", icon=":material/delete:", key=f"train_remove_{spec['id']}",
                          help=t("train.layer.remove"), on_click=train_state.remove_layer,
                          args=(position,))
    kind, add = st.columns([3, 1], vertical_alignment="bottom")
    kind.selectbox(t("train.layer.type"), list(layer_stack.LAYER_TYPES),
                   key=widget("new_layer", "Dense"))
    add.button(t("train.layer.add"), icon=":material/add:", key="train_add",
               on_click=train_state.add_layer)
    rows, problem = layer_stack.summarize_partial(stack)
    if problem is None:
        try:
            cost = layer_stack.cost(stack)  # Per digit: parameters, activations, FLOPs.
        except InputError as error:  # Over lib.model_budget's limits.
            problem = error
    if problem is not None:
        st.error(problem.message(state["language"]), icon=":material/error:")
    else:
        st.success(t("train.stack.ok", params=f"{sum(r['parameters'] for r in rows):,}"),
                   icon=":material/check_circle:")
        with st.expander(t("train.code"), icon=":material/code:"):
            for tab, style in zip(st.tabs([t(f"train.code.{s}") for s in layer_stack.CODE_STYLES]),
                                  layer_stack.CODE_STYLES, strict=True):
                tab.code(layer_stack.keras_code(stack, style), language="python")

with fit_settings:
    left, right = st.columns(2)
    optimizers = list(models.OPTIMIZERS)
    optimizer = left.selectbox(t("train.optimizer"), optimizers,
                               key=widget("optimizer", settings["optimizer"]))
    if optimizer != settings["optimizer"]:
        settings["optimizer"] = optimizer
        settings["optimizer_arguments"] = train_settings.optimizer_defaults(optimizer)
    for name, value in list(settings["optimizer_arguments"].items()):
        key = widget(f"opt_{optimizer}_{name}", value)
        if isinstance(value, bool):
            settings["optimizer_arguments"][name] = left.checkbox(name, key=key)
        else:
            settings["optimizer_arguments"][name] = left.number_input(
                name, min_value=0.0, format="%g", step=None, key=key)
    left.caption(t("train.loss"))
    epochs, batch, split = (train_settings.SETTINGS[name] for name in (
        "epochs", "batch_size", "validation_split"))
    settings["epochs"] = right.number_input(t("train.epochs"), epochs.minimum, epochs.maximum,
                                            key=widget("epochs", settings["epochs"]))
    settings["batch_size"] = right.number_input(t("train.batch_size"), batch.minimum,
                                                batch.maximum,
                                                key=widget("batch_size", settings["batch_size"]))
    settings["validation_split"] = right.slider(
        t("train.validation_split"), split.minimum, split.maximum, step=split.step,
        key=widget("validation_split", settings["validation_split"]))
    sources = list(train_settings.DATA_CHOICES)
    settings["data"] = right.radio(t("train.data"), sources, horizontal=True,
                                   format_func=lambda s: t(f"train.data.{s}"),
                                   key=widget("data", settings["data"]))
    mnist, data_error = None, None
    try:
        if settings["data"] == "keras":
            if not cache.keras_mnist_available():
                raise ValueError(t("train.data.keras_unavailable"))
            mnist = cache.mnist("keras")
        elif settings["data"] == "npz":
            upload = right.file_uploader(t("train.data.upload"), type=["npz"], key="train_npz")
            if upload is None:
                train_state.forget_upload()
                raise ValueError(t("train.data.upload_first"))
            mnist = train_state.uploaded_mnist(upload)
        else:
            mnist = cache.mnist("embedded")
    except InputError as error:
        data_error = error.message(state["language"])
        right.error(data_error, icon=":material/database_off:")
    except (ValueError, OSError) as error:
        data_error = str(error)
        right.warning(data_error, icon=":material/database_off:")
    if mnist is not None:
        right.caption(t(f"data.source.{mnist.source}", **mnist.describe()))
        settings["train_size"] = min(int(settings["train_size"]), len(mnist.y_train))
        if state.get("train_w_train_size", 0) > len(mnist.y_train):
            state["train_w_train_size"] = settings["train_size"]
        settings["train_size"] = right.number_input(
            t("train.train_size"), 0, len(mnist.y_train), step=100,
            key=widget("train_size", settings["train_size"]), help=t("train.train_size_help"))
    settings["augment"] = right.toggle(t("train.augment"), key=widget("augment",
                                       settings["augment"]), help=t("train.augment_help"))

# The link reproduces this setup.
query = train_settings.to_query(settings)
if problem is None:
    query["stack"] = layer_stack.to_query(stack)
# It also keeps this tab's id, so that a reload takes its run back (not in a model's card).
link = {**query, **session.link_query()}
if link != st.query_params.to_dict():
    st.query_params.from_dict(link)


# What the run would cost on this server: over the budget, it cannot start.
run_problem = None
if problem is None and mnist is not None:
    estimate = training.estimate_run(cost, train_settings.to_config(settings),
                                     len(mnist.y_train), len(mnist.y_test))
    try:
        training.check_budget(estimate)
    except training.BudgetError as error:
        run_problem = error
        st.error(error.message(state["language"]), icon=":material/timer_off:")
    else:
        st.caption(t("train.budget.estimate", time=train_state.describe_seconds(estimate.seconds),
                     step_mb=estimate.step_bytes / 2**20,
                     limit_time=train_state.describe_seconds(training.max_run_seconds()),
                     limit_mb=training.MAX_STEP_BYTES / 2**20))

# Start a run.
active = manager.active_job(owner)
unchanged = problem is None and layer_stack.normalize(stack) == layer_stack.normalize(
    layer_stack.preset(settings["preset"]))
if st.button(t("train.start"), icon=":material/play_arrow:", type="primary", key="train_start",
             disabled=problem is not None or mnist is None or active is not None
             or run_problem is not None) and run_problem is None:
    config = train_settings.to_config(settings)
    name = f"{settings['preset'] if unchanged else 'custom'}-{datetime.datetime.now():%H%M%S}"
    command = train_settings.cli_command(settings) if unchanged else "/train?" + "&".join(
        f"{key}={value}" for key, value in query.items())
    watch = mnist.x_test[[int(np.flatnonzero(mnist.y_test == digit)[0]) for digit in range(10)]]
    specs = layer_stack.normalize(stack)

    def work(job, config=config, mnist=mnist, specs=specs, watch=watch, name=name,
             command=command):
        return training.train_live(config, mnist, specs, job, watch_images=watch,
                                   database=database, name=name, command=command)

    try:
        job = manager.submit(owner, work, meta={
            "name": name, "watch": watch, "epochs": config.epochs, "x_test": mnist.x_test,
            "y_test": mnist.y_test})
    except jobs.QueueLimitError as error:  # This tab's, this browser's or the server's limit.
        st.warning(error.message(state["language"]), icon=":material/hourglass_top:")
    else:
        state["train_job"] = job.id
        st.rerun()  # Draw the page again with Train disabled and the live view ticking.


watched = manager.job(state["train_job"]) if state["train_job"] else None
# A finished run's model joins the sidebar's picker once. The picker is already drawn in
# this run (so it cannot be selected from here): rerun once so it lists the new model.
if train_state.take_in(manager.snapshot(state["train_job"]) if state["train_job"] else None):
    st.rerun()


# Reruns only while the job is queued or running; they never interrupt a full run.
@st.fragment(run_every=1.0 if watched is not None and watched.status in jobs.ACTIVE else None)
def live_view():
    snapshot = manager.snapshot(state["train_job"]) if state["train_job"] else None
    if snapshot is None:
        return
    st.subheader(t("train.live.title", name=i18n.markdown_literal(snapshot.meta["name"])),
                 anchor=False)
    if snapshot.status == jobs.QUEUED:
        running, waiting = manager.counts()
        st.info(t("train.live.queued", position=snapshot.position, running=running),
                icon=":material/hourglass_top:")
    elif snapshot.status == jobs.RUNNING:
        progress = snapshot.progress or {}
        st.progress(training.progress_fraction(progress, snapshot.meta["epochs"]), text=t(
            "train.live.progress", epoch=progress.get("epoch", 1),
            epochs=progress.get("epochs", snapshot.meta["epochs"]), step=progress.get("step", 0),
            steps=progress.get("steps", 0), rate=f"{progress.get('samples_per_second', 0):,.0f}",
            left=train_state.describe_seconds(progress.get("seconds_left"))))
        st.button(t("train.stop"), icon=":material/stop_circle:", key="train_stop",
                  disabled=snapshot.stop_requested, on_click=manager.stop, args=(snapshot.id,))
    if snapshot.history:
        st.plotly_chart(train_charts.learning_curves(snapshot.history, CHART_TEXT),
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
    if not snapshot.active and snapshot.id not in state["train_finished"]:
        st.rerun()  # Only in a fragment rerun: the whole app takes in the result.


live_view()

# A finished run: what it learned, and the model to download or keep.
snapshot = manager.snapshot(state["train_job"]) if state["train_job"] else None
if snapshot is not None and not snapshot.active:
    if snapshot.status == jobs.FAILED:
        st.error(t("train.failed", error=i18n.markdown_literal(snapshot.error)),
                 icon=":material/error:")
    elif snapshot.status == jobs.CANCELLED and snapshot.result is None:
        st.info(t("train.cancelled"), icon=":material/cancel:")
    elif snapshot.result is not None:
        live = snapshot.result
        result, evaluation = live.result, live.evaluation
        name = snapshot.meta["name"]
        if snapshot.status == jobs.STOPPED:
            st.info(t("train.stopped", epochs=len(result.history)), icon=":material/stop_circle:")
        elif snapshot.status == jobs.TIMED_OUT:
            st.warning(t("jobs.timed_out", minutes=f"{snapshot.time_limit / 60:g}",
                         epochs=len(result.history)), icon=":material/timer_off:")
        if state["model_choice"] == name:
            st.success(t("train.added", name=i18n.markdown_literal(name)),
                       icon=":material/check_circle:")
        else:
            # A callback runs before the sidebar's picker exists, so it may select the model.
            st.button(t("train.use", name=i18n.markdown_literal(name)),
                      icon=":material/check_circle:", type="primary",
                      key="train_use", on_click=session.add_session_model,
                      args=(name, result.model, live.card))
        accuracy, seconds, epochs = st.columns(3)
        accuracy.metric(t("train.result.accuracy"), f"{result.test_accuracy:.2%}")
        seconds.metric(t("train.result.seconds"), train_state.describe_seconds(result.seconds))
        epochs.metric(t("train.result.epochs"), len(result.history))
        matrix, per_digit = st.columns(2)
        matrix.markdown(f"**{t('train.result.confusion')}**")
        matrix.plotly_chart(evaluation_charts.confusion_matrix(
            evaluation.confusion, CHART_TEXT["predicted"], CHART_TEXT["true"]),
            key="train_confusion")
        per_digit.markdown(f"**{t('train.result.per_digit')}**")
        per_digit.plotly_chart(evaluation_charts.per_digit_accuracy(
            evaluation.per_digit, CHART_TEXT["digit"], CHART_TEXT["accuracy"]),
                               key="train_per_digit")
        x_test, y_test = snapshot.meta["x_test"], snapshot.meta["y_test"]
        if len(evaluation.mistakes):
            st.markdown(f"**{t('train.result.mistakes')}**")
            for column, index in zip(st.columns(12), evaluation.mistakes, strict=False):
                column.image(np.kron(x_test[index], np.ones((2, 2), np.uint8)))
                column.caption(t("train.result.mistake", label=int(y_test[index]),
                                 guess=int(evaluation.predictions[index]),
                                 confidence=f"{evaluation.confidences[index]:.0%}"))
        downloads = state["train_finished"][snapshot.id]["downloads"]
        keras_file, h5_file, saved_model, save = st.columns([1, 1, 1.6, 1.6],
                                                            vertical_alignment="bottom")
        for column, suffix in ((keras_file, ".keras"), (h5_file, ".h5")):
            if suffix not in downloads:
                downloads[suffix] = training.model_file_bytes(result.model, suffix)
            column.download_button(t("train.download", suffix=suffix), downloads[suffix],
                                   file_name=f"{name}{suffix}", icon=":material/download:",
                                   key=f"train_download{suffix.replace('.', '_')}")
        # Exported and zipped only when clicked (about 1.5 s, off the script's thread).
        saved_model.download_button(
            t("train.download.saved_model"),
            lambda model=result.model, name=name: models.saved_model_zip(model, name),
            file_name=f"{name}-saved_model.zip", mime="application/zip",
            icon=":material/download:", key="train_download_saved_model", on_click="ignore",
            help=t("train.download.saved_model_help", name=i18n.markdown_literal(name)))
        with save.form("train_save", border=False):
            new_name = st.text_input(t("train.save.name"), value=name)
            if st.form_submit_button(t("train.save"), icon=":material/save:"):
                try:
                    path = training.save_trained_model(result.model, live.card, new_name)
                except ValueError as error:  # A name, the quota, a read-only folder.
                    st.error(i18n.markdown_message(error, state["language"]),
                             icon=":material/error:")
                else:
                    # Saved all the same if the database fails (the runs below say so).
                    if live.run_id is not None:
                        with contextlib.suppress(sqlite3.Error, OSError):
                            database.set_model_path(live.run_id, path)
                    st.success(t("train.saved",
                                 path=i18n.markdown_literal(f"models/{path.name}")))

# Every run on this server, and the learning curves of the ones picked, overlaid.
st.subheader(t("train.runs"), anchor=False)
try:
    listed = database.list_runs(limit=30)
    recoveries = database.recoveries()
except (sqlite3.Error, OSError) as error:  # Even a damaged file is moved aside: this is worse.
    reason = getattr(error, "strerror", None) or str(error)
    st.error(t("runs.unreadable", reason=i18n.markdown_literal(reason),
               file=i18n.markdown_literal(database.path.name)), icon=":material/database_off:")
    listed, recoveries = [], []
for recovery in recoveries:  # Told to whoever opens /train, on every replica, until it is gone.
    st.warning(t("runs.recovered", reason=i18n.markdown_literal(recovery["reason"]),
                 file=i18n.markdown_literal(recovery["file"]),
                 date=time.strftime("%Y-%m-%d %H:%M", time.localtime(recovery["moved_at"]))),
               icon=":material/database:")
if not listed:
    st.caption(t("train.runs.none"))
else:
    labels = {run["id"]: t("train.runs.label", id=run["id"], name=run["name"],
                           accuracy="?" if run["test_accuracy"] is None
                           else f"{run['test_accuracy']:.1%}") for run in listed}
    st.dataframe(
        [{t("train.runs.column.run"): labels[run["id"]],
          t("train.runs.column.status"): t(f"train.status.{run['status']}")
          if f"train.status.{run['status']}" in i18n.TEXTS else run["status"],
          t("train.runs.column.epochs"): run["config"].get("epochs"),
          t("train.runs.column.seconds"): run["seconds"],
          t("train.runs.column.params"): run["parameters"],
          t("train.runs.column.model"): run["model_path"] or ""} for run in listed],
        hide_index=True)
    picked = st.multiselect(t("train.runs.pick"), list(labels), format_func=labels.get,
                            default=list(labels)[:2], key="train_runs_picked")
    if picked:
        curves = database.epochs(picked)
        st.plotly_chart(train_charts.overlay_runs(
            {labels[run_id]: curves[run_id] for run_id in picked}, CHART_TEXT),
            key="train_runs_overlay")
