"""What /train keeps in the session: its place in the queue, the settings and layer stack a
first visit takes from the link, the stack's editing callbacks, the uploaded data set, and
the runs it has taken in. The page reads widgets and renders; this module owns its keys
(`train_*` in `lib.ui.session.DEFAULTS`).
"""

import datetime
import uuid

import numpy as np
import streamlit as st

from lib import data, layer_stack, train_settings, training
from lib.errors import InputError
from lib.ui import cache, session


def with_ids(stack):
    """The stack with a stable id per layer: it keys the layer's widgets, so that their values
    follow the layer when it moves."""
    return [{**spec, "id": uuid.uuid4().hex[:8]} for spec in stack]


def owner(manager):
    """This session's handle in the server-wide queue (made on first use). When the session
    ends, its jobs end after a grace period in which a reload of the same tab takes them over
    (see `lib.ui.session.run_binding`)."""
    state = st.session_state
    if state["train_owner"] is None:
        state["train_owner"] = manager.new_owner(binding=session.run_binding(),
                                                 browser=session.browser_id())
    return state["train_owner"]


def restore_from_link(manager, query):
    """On this session's first visit, takes the settings, the stack and a running job (a
    reload's) from the link.

    Args:
        manager: The `lib.jobs.JobManager`.
        query: The link's values (`st.query_params.to_dict()`).

    Returns:
        The link's names whose values could not be read (empty on later visits).
    """
    state = st.session_state
    if state["train_settings"] is not None:
        return []
    settings, ignored = train_settings.from_query(query)
    stack = layer_stack.preset(settings["preset"])
    if "stack" in query:
        try:
            stack = layer_stack.from_query(query["stack"])
        except layer_stack.StackError:
            ignored.append("stack")
    state["train_settings"], state["train_stack"] = settings, with_ids(stack)
    reloaded = manager.attach(owner(manager))
    if reloaded is not None:
        state["train_job"] = reloaded.id
    return ignored


def widget_key(name, default):
    """The key of /train's widget `name`, set to `default` on first use.

    Widgets keep their value across page switches through the settings and the stack, not
    their own key (Streamlit forgets the keys of widgets a page did not draw).
    """
    key = f"train_w_{name}"
    if key not in st.session_state:
        st.session_state[key] = default
    return key


def clamp_train_size(available):
    """The settings' number of training digits, at most the `available` ones (a smaller data
    set may have been chosen since); the widget follows."""
    state = st.session_state
    size = min(int(state["train_settings"]["train_size"]), available)
    if state.get("train_w_train_size", 0) > available:
        state["train_w_train_size"] = size
    return size


def choose_preset(picker):
    """The preset selectbox's callback: the stack becomes the preset chosen in `picker` (its
    key)."""
    state = st.session_state
    state["train_settings"]["preset"] = state[picker]
    state["train_stack"] = with_ids(layer_stack.preset(state[picker]))


def move_layer(position, offset):
    """An arrow button's callback: moves the layer at `position` by `offset`."""
    stack = st.session_state["train_stack"]
    stack.insert(position + offset, stack.pop(position))


def remove_layer(position):
    """A delete button's callback."""
    st.session_state["train_stack"].pop(position)


def add_layer():
    """The add button's callback: a layer of the chosen type, before the output if there is one."""
    stack = st.session_state["train_stack"]
    output_last = stack and stack[-1]["type"] == "Dense" and stack[-1].get("units") == 10
    new = with_ids([layer_stack.new_layer(st.session_state["train_w_new_layer"])])[0]
    stack.insert(len(stack) - 1 if output_last else len(stack), new)


def uploaded_mnist(upload):
    """An uploaded `mnist.npz`, read in memory and kept in this session only, never on disk or
    in a cache every session shares. It is kept by digest, a refusal too, so a rerun neither
    reads it again nor (with the same upload) hashes it again.

    Raises:
        InputError: why the file was refused.
    """
    state = st.session_state
    kept = state["train_npz_data"]
    if kept is None or kept["file_id"] != upload.file_id:
        contents = upload.getvalue()
        digest = cache.digest(contents)
        if kept is None or kept["digest"] != digest:
            try:
                kept = {"mnist": data.read_npz(contents, origin=upload.name), "error": None}
            except InputError as error:
                kept = {"mnist": None, "error": error}
        state["train_npz_data"] = kept = {**kept, "file_id": upload.file_id, "digest": digest}
    if kept["error"] is not None:
        raise kept["error"]
    return kept["mnist"]


def forget_upload():
    """The upload was removed: its digits leave with it."""
    st.session_state["train_npz_data"] = None


def start_run(manager, database, mnist):
    """Queues a run of the session's stack and settings on `mnist`, and watches it.

    Its name is the preset's (or "custom" for an edited stack) and the time; its command
    reproduces it (the CLI's for a preset, the link's otherwise).

    Raises:
        jobs.QueueLimitError: this tab, this browser or the server has as many runs as allowed.
    """
    state = st.session_state
    settings, specs = state["train_settings"], layer_stack.normalize(state["train_stack"])
    unchanged = specs == layer_stack.normalize(layer_stack.preset(settings["preset"]))
    config = train_settings.to_config(settings)
    name = f"{settings['preset'] if unchanged else 'custom'}-{datetime.datetime.now():%H%M%S}"
    query = {**train_settings.to_query(settings), "stack": layer_stack.to_query(specs)}
    command = train_settings.cli_command(settings) if unchanged else "/train?" + "&".join(
        f"{key}={value}" for key, value in query.items())
    # The first test digit of each class, whose answers the live view shows after each epoch.
    watch = mnist.x_test[[int(np.flatnonzero(mnist.y_test == digit)[0]) for digit in range(10)]]
    browser = session.student_id()

    def work(job):
        return training.train_live(config, mnist, specs, job, watch_images=watch,
                                   database=database, name=name, command=command,
                                   browser=browser)

    job = manager.submit(owner(manager), work, meta={
        "name": name, "watch": watch, "epochs": config.epochs, "x_test": mnist.x_test,
        "y_test": mnist.y_test})
    state["train_job"] = job.id


def take_in(snapshot):
    """Takes in a finished run once: its downloads' slot, and its model in the sidebar's picker.

    Returns:
        Whether a model was added (the page then reruns, so that the picker lists it).
    """
    finished = st.session_state["train_finished"]
    if snapshot is None or snapshot.active or snapshot.id in finished:
        return False
    finished[snapshot.id] = {"downloads": {}}
    if snapshot.result is None:
        return False
    session.keep_session_model(snapshot.meta["name"], snapshot.result.result.model,
                               snapshot.result.card)
    return True


def describe_seconds(seconds, t):
    """`"2 min 5 s"`, `"30 min"`, `"40 s"` (in the page's language), or `"?"` for `None`."""
    if seconds is None:
        return "?"
    minutes, seconds = divmod(int(round(seconds)), 60)
    if not minutes:
        return t("train.time.seconds", seconds=seconds)
    if not seconds:
        return t("train.time.minutes", minutes=minutes)
    return t("train.time.minutes_seconds", minutes=minutes, seconds=seconds)
