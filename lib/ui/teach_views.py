"""The teaching parts of /recognize: a student's corrections kept as examples, the gallery of
them, and "Teach the model my handwriting", which fine-tunes a copy of the active model on them
(`lib.teach`) as a job in the server's training queue (`lib.jobs`).

The examples belong to this browser session only (`st.session_state["teach_examples"]`), keyed
by a digest of the model's input, so that the same drawing is never kept twice. The taught
model joins the session's models (`lib.ui.session.add_session_model`) and is selected in the
sidebar; the shared model it was copied from is never changed. The keys are `teach_*` in
`lib.ui.session.DEFAULTS`.
"""

import base64
import dataclasses
import hashlib
import io
import zipfile

import numpy as np
import pandas as pd
import streamlit as st
import tensorflow as tf
from PIL import Image

from lib import i18n, inference, inspection, jobs, teach, training
from lib.charts import digits as charts
from lib.errors import InputError
from lib.ui import cache, session

# The gallery shows each digit's newest examples, at this many pixels square.
GALLERY_PER_DIGIT = 12
THUMBNAIL_SCALE = 2
# Unlabelled rows of a batch listed for the student to label, at most.
EDITOR_ROWS = 200
# How `python -m lib.cli teach` repeats a run from the examples' download.
EXAMPLES_FILE = "my-examples.zip"


@dataclasses.dataclass(frozen=True)
class Kept:
    """An example a student gave: the `lib.teach.Example` and its thumbnail, a PNG data URI
    (`st.image` passes a URI through as it is; given bytes, it decodes and re-encodes them on
    every run: 120 thumbnails took 50 ms of each stroke's rerun)."""

    example: teach.Example
    thumbnail: str


@dataclasses.dataclass(frozen=True)
class Lesson:
    """What a teaching job returns: `lib.teach.Taught`, the session model's card (with its
    per-layer weight changes, `session_card`) and the Keras code of the run."""

    taught: teach.Taught
    card: dict
    code: str


def digest(image):
    """The key of an example: a digest of the `(28, 28)` input the model saw."""
    return hashlib.sha256(image.astype("float32").tobytes()).hexdigest()[:20]


def thumbnail(image):
    """A `(28, 28)` digit as a PNG data URI, `THUMBNAIL_SCALE` times larger."""
    buffer = io.BytesIO()
    Image.fromarray(charts.thumbnail(image, THUMBNAIL_SCALE)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def keep(image, label, source="canvas"):
    """Keeps `image` as an example of `label` in this session.

    Returns:
        `"kept"`, `"relabelled"` (the same drawing was kept with another digit: the newer
        answer wins), `"same"` (already kept as that digit) or `"full"` (at
        `lib.teach.MAX_EXAMPLES`: nothing kept).
    """
    examples = st.session_state["teach_examples"]
    key, label = digest(image), int(label)
    if key in examples:
        if examples[key].example.label == label:
            return "same"
        examples[key] = dataclasses.replace(
            examples[key], example=dataclasses.replace(examples[key].example, label=label))
        return "relabelled"
    if len(examples) >= teach.MAX_EXAMPLES:
        return "full"
    examples[key] = Kept(teach.Example(image, label, source), thumbnail(image))
    return "kept"


def _say(outcome, label):
    st.session_state["teach_notice"] = (outcome, label)


def _keep_drawing(image, label):
    """The Right button's callback: the drawing is what the model said."""
    _say(keep(image, label), label)


def _keep_picked(image):
    """The digit pills' callback: the drawing is the digit picked. The pills are emptied
    again, so that the next drawing starts with none picked."""
    label = st.session_state["teach_correct"]
    if label is not None:
        _say(keep(image, label), label)
    st.session_state["teach_correct"] = None


def _remove(key):
    st.session_state["teach_examples"].pop(key, None)


def _forget_all():
    st.session_state["teach_examples"].clear()
    st.session_state["teach_notice"] = None


def examples():
    """This session's `lib.teach.Example`s, oldest first."""
    return [kept.example for kept in st.session_state["teach_examples"].values()]


# The ten digit pills are 33 px each at Streamlit's padding: they took two lines beside the
# canvas at 1024 px with the sidebar open ("9" alone on the second). Narrower, they keep one.
_NARROW_PILLS = """<style>
.st-key-teach_correct [role="radiogroup"] button { padding-left: 0.5rem; padding-right: 0.5rem; }
</style>"""


def correct_drawing(reading, t):
    """Under a drawn digit's prediction: "Right", or the true digit, each keeping the drawing
    (the model's `(28, 28)` input) as an example at once.

    Args:
        reading: The `lib.recognition.Reading` of the drawing.
        t: The page's translator.
    """
    image = reading.steps.mnist
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    # No tooltip: a button with `help` is drawn twice in Streamlit 1.67 (the copy hidden), so
    # `.st-key-teach_right button` would match two; the caption below says what it does.
    row.button(t("teach.right"), icon=":material/check:", key="teach_right",
               on_click=_keep_drawing, args=(image, reading.digit))
    row.pills(t("teach.correct"), list(range(10)), key="teach_correct",
              on_change=_keep_picked, args=(image,), help=t("teach.correct_help"))
    st.html(_NARROW_PILLS)  # Style only: it takes no room.
    notice, st.session_state["teach_notice"] = st.session_state["teach_notice"], None
    if notice is not None and notice[0] == "batch":  # Said by the batch's view, not here.
        notice = None
    kept = st.session_state["teach_examples"].get(digest(image))
    count = len(st.session_state["teach_examples"])
    if notice is not None and notice[0] == "full":
        st.warning(t("teach.full", limit=teach.MAX_EXAMPLES), icon=":material/inventory_2:")
    elif kept is not None:
        outcome = notice[0] if notice is not None else "same"
        st.caption(t("teach.relabelled" if outcome == "relabelled" else "teach.kept",
                     label=kept.example.label, count=count))
    else:
        st.caption(t("teach.ask"))


def correct_batch(results, t):
    """Under a recognised batch: its files labelled by their names kept as examples in one
    click, and a table where the student labels the others.

    Args:
        results: The batch's `lib.uploads.Result`s, in the page's order.
        t: The page's translator.
    """
    readable = [result for result in results if result.image is not None]
    if not readable:
        return
    st.subheader(t("teach.batch.title"), anchor=False)
    notice = st.session_state["teach_notice"]
    if notice is not None and notice[0] == "batch":  # What the last keep did, said once.
        st.session_state["teach_notice"] = None
        _, new, relabelled, full = notice
        st.success(t("teach.batch.kept", kept=new, relabelled=relabelled,
                     count=len(st.session_state["teach_examples"])),
                   icon=":material/check_circle:")
        if full:
            st.warning(t("teach.batch.full", left=full, limit=teach.MAX_EXAMPLES),
                       icon=":material/inventory_2:")
    named = [(result, result.label) for result in readable if result.label is not None]
    unnamed = [result for result in readable if result.label is None]
    if named:
        new = [(result, label) for result, label in named if _kept_label(result) != label]
        if new:
            st.button(t("teach.batch.keep_named", count=len(named)), key="teach_keep_named",
                      icon=":material/label:", on_click=_keep_batch, args=(new,))
        else:
            st.caption(t("teach.batch.named_kept", count=len(named)))
    if unnamed:
        _label_unnamed(unnamed[:EDITOR_ROWS], len(unnamed), t)


def _kept_label(result):
    """The label a batch row is kept with, or `None`."""
    kept = st.session_state["teach_examples"].get(digest(result.image))
    return None if kept is None else kept.example.label


def _label_unnamed(shown, total, t):
    """The rows without a label in their name, in a table whose label column the student
    fills in (prefilled for rows kept already), and a button that keeps them."""
    if total == 1:
        st.caption(t("teach.batch.pick_help.one"))
    elif len(shown) == total:
        st.caption(t("teach.batch.pick_help.all", count=total))
    else:  # The first EDITOR_ROWS of them.
        st.caption(t("teach.batch.pick_help", count=len(shown), total=total))
    table = pd.DataFrame({
        "picture": [thumbnail(result.image) for result in shown],
        "file": [result.file for result in shown],
        "prediction": [result.prediction for result in shown],
        "label": pd.Series([_kept_label(result) for result in shown], dtype="Int64"),
    })
    # Keyed by the rows, so that a new batch starts with none of the last one's edits.
    rows = "".join(digest(result.image) for result in shown)
    editor_key = "teach_batch_labels_" + hashlib.sha256(rows.encode()).hexdigest()[:12]
    edited = st.data_editor(table, key=editor_key, hide_index=True, width="stretch",
                            disabled=["picture", "file", "prediction"], column_config={
        "picture": st.column_config.ImageColumn(t("teach.col.picture"), width="small"),
        "file": st.column_config.TextColumn(t("recognize.col.file")),
        "prediction": st.column_config.NumberColumn(t("recognize.col.prediction")),
        "label": st.column_config.SelectboxColumn(t("teach.col.label"), options=list(range(10)),
                                                  help=t("teach.col.label_help")),
    })
    picked = [(result, int(label)) for result, label in zip(shown, edited["label"], strict=True)
              if not pd.isna(label) and _kept_label(result) != int(label)]
    st.button(t("teach.batch.keep_picked", count=len(picked)) if picked
              else t("teach.batch.keep_picked.none"), key="teach_keep_picked",
              icon=":material/label:", disabled=not picked, on_click=_keep_batch,
              args=(picked,))


def _keep_batch(labelled):
    """A keep button's callback: keeps `(result, label)` pairs, and says what became of them
    on the next run."""
    outcomes = [keep(result.image, label, result.file) for result, label in labelled]
    st.session_state["teach_notice"] = ("batch", *(outcomes.count(name) for name in (
        "kept", "relabelled", "full")))


def gallery(t):
    """"Your examples": each digit's newest thumbnails, each with a remove button, and
    "Forget all". Nothing while there is none (the teaching panel says how to give some)."""
    kept = st.session_state["teach_examples"]
    if not kept:
        return
    st.subheader(t("teach.gallery"), anchor=False)
    head = st.container(horizontal=True, vertical_alignment="center")
    head.markdown(t("teach.gallery.count", count=len(kept), limit=teach.MAX_EXAMPLES))
    head.button(t("teach.forget"), icon=":material/delete_sweep:", key="teach_forget",
                on_click=_forget_all)
    given = examples()
    head.download_button(
        t("teach.download.examples"), lambda: examples_zip(given), file_name=EXAMPLES_FILE,
        mime="application/zip", icon=":material/download:", on_click="ignore",
        key="teach_download_examples",
        help=t("teach.download.examples_help", command=f"python -m lib.cli teach "
               f"{EXAMPLES_FILE} --out mine.keras"))
    by_digit = {}
    for key, item in kept.items():
        by_digit.setdefault(item.example.label, []).append((key, item))
    size = 28 * THUMBNAIL_SCALE
    # A box per digit, as wide as its thumbnails: boxes of a few examples sit side by side,
    # a box of many takes the row and wraps.
    boxes = st.container(horizontal=True, gap="small")
    for digit in sorted(by_digit):
        items = by_digit[digit]
        box = boxes.container(border=True, width="content", gap="small")
        box.markdown(t("teach.gallery.digit", digit=digit, count=len(items)))
        cells = box.container(horizontal=True, gap="small", vertical_alignment="center")
        for key, item in items[-GALLERY_PER_DIGIT:][::-1]:  # The newest first.
            cell = cells.container(width=size, gap=None, horizontal_alignment="center")
            cell.image(item.thumbnail, width=size)
            cell.button("", icon=":material/close:", key=f"teach_remove_{key}", type="tertiary",
                        help=t("teach.remove"), on_click=_remove, args=(key,))
        if len(items) > GALLERY_PER_DIGIT:
            cells.caption(t("teach.gallery.more", count=len(items) - GALLERY_PER_DIGIT),
                          width=70)


def _owner(manager):
    """This session's handle in the queue for teaching. It is not bound to the tab: /train's
    reload takes back the tab's latest bound job, which must never be a teaching one."""
    state = st.session_state
    if state["teach_owner"] is None:
        state["teach_owner"] = manager.new_owner(browser=session.browser_id())
    return state["teach_owner"]


def model_name(count, t):
    """The taught model's name in the sidebar: "Mine (taught with 12 examples)"."""
    return t("teach.model_name.one" if count == 1 else "teach.model_name", count=count)


def teach_panel(active, t):
    """"Teach the model my handwriting": what a run does, its button, the live run and the
    result.

    Args:
        active: The `lib.ui.session.ActiveModel` to copy and fine-tune.
        t: The page's translator.
    """
    language = st.session_state["language"]
    manager = cache.job_manager()
    owner = _owner(manager)
    # A finished run's model joins the sidebar's picker, selected. The picker is already drawn
    # in this run: rerun once so that it shows the new model.
    if _take_in(manager):
        st.rerun()
    st.subheader(t("teach.title"), anchor=False)
    given = examples()
    # A taught model is taught again from the model it was copied from, on all the examples
    # (the earlier ones included): teaching a copy of a copy would drift further each time.
    active = st.session_state["teach_bases"].get(active.key, active)
    problem = None
    try:
        teach.check_teachable(active.model)
    except InputError as error:
        problem = error
        st.error(i18n.markdown_message(error, language), icon=":material/error:")
    if given:
        counts = teach.label_counts([example.label for example in given])
        st.markdown(t("teach.explain", model=active.label, count=len(given),
                      repeats=teach.REPEATS, replay=teach.REPLAY_SIZE, epochs=teach.EPOCHS,
                      rate=f"{teach.LEARNING_RATE:g}"))
        missing = [digit for digit in range(10) if digit not in counts]
        if missing:
            st.caption(t("teach.missing", digits=", ".join(map(str, missing))))
    else:
        st.caption(t("teach.none"))
    running = manager.active_job(owner) is not None
    can_start = bool(given) and problem is None and not running
    if st.button(t("teach.start"), icon=":material/school:", type="primary", key="teach_start",
                 disabled=not can_start) and can_start:
        try:
            _start(manager, owner, active, given, t)
        except jobs.QueueLimitError as error:  # This tab's, this browser's or the server's.
            st.warning(error.message(language), icon=":material/hourglass_top:")
        except InputError as error:
            st.error(i18n.markdown_message(error, language), icon=":material/error:")
        else:
            st.rerun()  # Draw the page again with Teach disabled and the live view ticking.
    _live_view(manager, t)
    _result(t)


def _start(manager, owner, active, given, t):
    """Queues the fine-tuning of a copy of the active model on `given`, and watches it.

    Raises:
        jobs.QueueLimitError: a run of this session, browser or the server's queue is full.
        InputError: no example, too many, or a model that cannot be fine-tuned.
    """
    teach.check_examples(given)
    teach.check_teachable(active.model)
    model, base_card, name = active.model, active.card, model_name(len(given), t)
    mnist = cache.mnist()
    # Read now, not as defaults: the run is the one the page described (and a test may make
    # it quick).
    epochs, replay_size = teach.EPOCHS, teach.REPLAY_SIZE
    code = teach.keras_code(teach.frozen_layers(model), epochs=epochs, replay_size=replay_size)
    command = f"python -m lib.cli teach {EXAMPLES_FILE} --out mine.keras --epochs {epochs}"
    if active.key != "bundled":
        command = command.replace(" --out", " --model model.keras --out")

    def work(job):
        try:
            taught = teach.teach(model, given, replay=mnist, epochs=epochs,
                                 replay_size=replay_size, reporter=job, base_card=base_card,
                                 command=command)
        except InputError as error:  # Refused before training: said in the user's language.
            return error
        with inference.model_lock(model):  # The model it was copied from may be shared.
            changes = inspection.weight_changes(model, taught.model)
        return Lesson(taught, session_card(taught, base_card, mnist, changes), code)

    job = manager.submit(owner, work, meta={"name": name, "epochs": epochs,
                                            "examples": len(given), "base": active})
    st.session_state["teach_job"] = job.id


def session_card(taught, base_card, mnist, changes):
    """The taught model's card: `lib.teach`'s, with what a card says about the data (the
    model's it was taught from, or the replay's for a model without a card) and the weight
    changes /inside shows."""
    card = dict(taught.card)
    base = base_card or {}
    if "split" in base and "data_source" in base:
        card.update({name: base[name] for name in ("data_source", "data_origin", "split")
                     if name in base})
    else:
        card.update(data_source=mnist.source,
                    data_origin=str(mnist.origin).rsplit("/", 1)[-1],
                    split={"train": card["examples"] - card["held_out"] + card["replay"],
                           "test": len(mnist.y_test)})
    card["tensorflow_version"] = tf.__version__
    card["mnist_test"] = len(mnist.y_test)
    card["weight_changes"] = [dataclasses.asdict(change) for change in changes]
    return card


def _take_in(manager):
    """Takes in the watched run once it has ended: its model selected in the sidebar, its
    result kept. Returns whether a model was added."""
    state = st.session_state
    job_id = state["teach_job"]
    if job_id is None or job_id in state["teach_taken"]:
        return False
    snapshot = manager.snapshot(job_id)
    if snapshot is not None and snapshot.active:
        return False
    state["teach_taken"][job_id] = True
    if snapshot is None or snapshot.result is None:  # Failed, cancelled, or long forgotten.
        state["teach_result"] = {"status": getattr(snapshot, "status", jobs.CANCELLED),
                                 "error": getattr(snapshot, "error", None)}
        return False
    if isinstance(snapshot.result, InputError):
        state["teach_result"] = {"status": "refused", "error": snapshot.result}
        return False
    lesson, name = snapshot.result, snapshot.meta["name"]
    session.add_session_model(name, lesson.taught.model, lesson.card)
    state["teach_bases"][name] = snapshot.meta["base"]
    state["teach_result"] = {"status": snapshot.status, "name": name, "card": lesson.card,
                             "code": lesson.code}
    return True


def _live_view(manager, t):
    """The run's place in the queue, or its progress and loss: a fragment that reruns every
    second while the run is queued or running, and reruns the page once when it ends."""
    state = st.session_state
    job_id = state["teach_job"]
    job = manager.job(job_id) if job_id else None

    @st.fragment(run_every=1.0 if job is not None and job.status in jobs.ACTIVE else None)
    def fragment():
        snapshot = manager.snapshot(job_id) if job_id else None
        if snapshot is None:
            return
        if not snapshot.active:
            if snapshot.id not in state["teach_taken"]:
                st.rerun()  # The whole page takes in the result.
            return
        if snapshot.status == jobs.QUEUED:
            running, _ = manager.counts()
            st.info(t("teach.queued", position=snapshot.position, running=running),
                    icon=":material/hourglass_top:")
            return
        progress = snapshot.progress or {}
        epochs = snapshot.meta["epochs"]
        loss = (progress.get("logs") or {}).get("loss")
        bar, number = st.columns([3, 1], vertical_alignment="center")
        # Before its first batch a run measures the model on your examples and on MNIST.
        bar.progress(training.progress_fraction(progress, epochs), text=t(
            "teach.progress", epoch=progress["epoch"], epochs=progress["epochs"],
            step=progress["step"], steps=progress["steps"]) if progress.get("steps")
            else t("teach.starting"))
        losses = [entry["loss"] for entry in snapshot.history if "loss" in entry]
        number.metric(t("teach.loss"), "…" if loss is None else f"{loss:.3f}",
                      chart_data=losses if len(losses) > 1 else None, border=True)

    fragment()


def _result(t):
    """The last run's result: the model selected, before and after, the digits not taught,
    the Keras code, and the model and the examples to download."""
    state = st.session_state
    result = state["teach_result"]
    if result is None:
        return
    if result["status"] == jobs.FAILED:
        st.error(t("teach.failed", error=i18n.markdown_literal(result["error"])),
                 icon=":material/error:")
        return
    if result["status"] == "refused":
        st.error(i18n.markdown_message(result["error"], state["language"]),
                 icon=":material/error:")
        return
    entry = state["session_models"].get(result.get("name"))
    if entry is None:  # Cancelled before it started (the session ended and came back).
        st.caption(t("teach.cancelled"))
        return
    name, card = result["name"], result["card"]
    if result["status"] in (jobs.STOPPED, jobs.TIMED_OUT):
        st.warning(t("teach.stopped", epochs=card["epochs"]), icon=":material/timer_off:")
    if state["model_choice"] == name:
        st.success(t("teach.done", name=i18n.markdown_literal(name),
                     seconds=card["training_seconds"]), icon=":material/check_circle:")
    else:
        # A callback runs before the sidebar's picker exists, so it may select the model.
        st.button(t("teach.use", name=i18n.markdown_literal(name)),
                  icon=":material/check_circle:", key="teach_use",
                  on_click=session.select_model, args=(name,))
    before, after = card["before"], card["after"]
    mine, mnist = st.columns(2)
    held_out = card["held_out"]
    _compare(mine, t("teach.result.examples", count=held_out) if held_out
             else t("teach.result.examples.none"), before["examples"], after["examples"],
             t("teach.result.examples_help"), t)
    _compare(mnist, t("teach.result.mnist", count=card.get("mnist_test", 0)), before["mnist"],
             after["mnist"], t("teach.result.mnist_help"), t)
    # Not an st.info: /recognize's one info box says the canvas is empty (the browser tests
    # wait for it after Clear).
    if card["digits_not_taught"]:
        st.markdown(t("teach.not_taught", digits=", ".join(map(str, card["digits_not_taught"]))))
    with st.expander(t("teach.code"), icon=":material/code:"):
        st.markdown(t("teach.code_help", frozen=", ".join(
            i18n.markdown_literal(layer) for layer in card["frozen_layers"]) or "-"))
        st.code(result["code"], language="python")
    # Saved only when clicked (about a second, off the script's thread).
    st.download_button(
        t("teach.download"), lambda model=entry.model: training.model_file_bytes(model, ".keras"),
        file_name=f"mine-taught-{card['examples']}.keras", mime="application/octet-stream",
        icon=":material/download:", on_click="ignore", key="teach_download")


def _compare(column, label, before, after, help_text, t):
    """A metric of an accuracy after teaching, its change from before as the delta."""
    if after is None:
        column.metric(label, "—", help=t("teach.result.none_held_out"), border=True)
        return
    points = 100 * (after - before)
    # An unchanged figure is neither good nor bad news: grey, no arrow.
    unchanged = abs(points) < 0.05
    column.metric(label, f"{after:.1%}", delta=t("teach.result.delta", points=points),
                  delta_color="off" if unchanged else "normal",
                  delta_arrow="off" if unchanged else "auto",
                  help=help_text + " " + t("teach.result.before", before=before), border=True)


def examples_zip(given):
    """The examples as a zip of 28 x 28 PNGs named by their digit (`3/example-001.png`), the
    way `python -m lib.cli teach` reads labels."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, example in enumerate(given, start=1):
            png = io.BytesIO()
            pixels = (np.clip(example.image, 0.0, 1.0) * 255).astype(np.uint8)
            Image.fromarray(pixels).save(png, format="PNG")
            archive.writestr(f"{example.label}/example-{number:03d}.png", png.getvalue())
    return buffer.getvalue()
