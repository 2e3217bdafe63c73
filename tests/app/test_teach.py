"""AppTest of teaching the model one's handwriting on /recognize (lib/ui/teach_views.py).

The canvas is replaced (see tests/pages.py); teaching runs for real in the server's job queue,
made quick (one epoch, a small replay) by setting `lib.teach`'s constants, which the page reads
when it starts a run.
"""

import base64
import functools
import io
import pathlib
import threading
import zipfile

import numpy as np
import pytest
from PIL import Image

from lib import i18n
from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "app_pages" / "recognize.py")

pytestmark = pytest.mark.slow

_app = functools.partial(pages.run_page, PAGE)


@pytest.fixture(scope="module")
def mnist():
    from lib import data

    return data.load_embedded()


@pytest.fixture
def quick(monkeypatch):
    """Teaching runs of one epoch on a small replay: a few seconds."""
    from lib import teach

    monkeypatch.setattr(teach, "EPOCHS", 1)
    monkeypatch.setattr(teach, "REPLAY_SIZE", 64)


def _digits(mnist, label, count):
    return [mnist.x_test[index] for index in np.flatnonzero(mnist.y_test == label)[:count]]


def _kept(mnist, labels_and_counts):
    """`teach_examples` as the corrections keep them: {digest: Kept}."""
    from lib import teach
    from lib.ui import teach_views

    kept = {}
    for label, count in labels_and_counts.items():
        for digit in _digits(mnist, label, count):
            image = digit.astype(np.float32) / 255.0
            kept[teach_views.digest(image)] = teach_views.Kept(
                teach.Example(image, label), teach_views.thumbnail(image))
    return kept


def _removes(app):
    return [button for button in app.button if button.key.startswith("teach_remove_")]


def _wait(app):
    from lib.ui import cache

    job = cache.job_manager().job(app.session_state["teach_job"])
    assert job.wait(120)
    return job.snapshot()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_corrections_keep_examples_in_a_gallery(canvas, mnist, language):
    t = i18n.translator(language)
    seven, two = _digits(mnist, 7, 1)[0], _digits(mnist, 2, 1)[0]
    canvas.pixels = pages.drawn(seven)
    app = _app(language)
    right = app.button(key="teach_right")
    assert right.label == t("teach.right") == ("Right" if language == "en" else "对")
    picker = app.pills(key="teach_correct")
    assert picker.label == t("teach.correct") == ("It is a" if language == "en" else "其实是")
    assert picker.options == [str(digit) for digit in range(10)]
    assert t("teach.ask") in [caption.value for caption in app.caption]
    assert not _removes(app) and t("teach.gallery") not in [h.value for h in app.subheader]
    assert app.button(key="teach_start").disabled  # Nothing to teach with yet.

    predicted = int(app.metric[0].value)
    right.click().run()
    assert not app.exception
    [kept] = app.session_state["teach_examples"].values()
    assert kept.example.label == predicted and kept.example.source == "canvas"
    assert kept.example.image.shape == (28, 28)
    np.testing.assert_array_equal(kept.example.image, app.session_state["recognize_last_digit"])
    assert kept.thumbnail.startswith("data:image/png;base64,")
    assert Image.open(io.BytesIO(base64.b64decode(kept.thumbnail.split(",")[1]))).size == (56, 56)
    assert t("teach.kept", label=predicted, count=1) in [c.value for c in app.caption]
    assert t("teach.gallery") in [header.value for header in app.subheader]
    assert len(_removes(app)) == 1

    # The same drawing again: kept once, with the newer answer.
    app.button(key="teach_right").click().run()
    app.pills(key="teach_correct").set_value(1).run()
    assert not app.exception
    assert [k.example.label for k in app.session_state["teach_examples"].values()] == [1]
    assert t("teach.relabelled", label=1, count=1) in [c.value for c in app.caption]
    assert app.pills(key="teach_correct").value is None  # Ready for the next drawing.

    canvas.pixels = pages.drawn(two)
    app.run()
    app.pills(key="teach_correct").set_value(2).run()
    assert not app.exception
    assert sorted(k.example.label for k in app.session_state["teach_examples"].values()) == [1, 2]
    assert len(_removes(app)) == 2
    assert t("teach.gallery.count", count=2, limit=500) in [m.value for m in app.markdown]
    assert not app.button(key="teach_start").disabled

    _removes(app)[0].click().run()
    assert not app.exception and len(app.session_state["teach_examples"]) == 1
    app.button(key="teach_forget").click().run()
    assert not app.exception and not app.session_state["teach_examples"]
    assert not _removes(app) and app.button(key="teach_start").disabled


def test_examples_are_capped_with_a_message(canvas, mnist, monkeypatch):
    from lib import teach

    monkeypatch.setattr(teach, "MAX_EXAMPLES", 2)
    app = _app("zh")
    for digit in _digits(mnist, 5, 3):
        canvas.pixels = pages.drawn(digit)
        app.run()
        app.pills(key="teach_correct").set_value(5).run()
        assert not app.exception
    assert len(app.session_state["teach_examples"]) == 2
    [warning] = app.warning
    assert warning.value == i18n.text("teach.full", "zh", limit=2)


def test_examples_download_as_a_zip_named_by_digit(mnist):
    from lib.ui import teach_views
    from lib.uploads import label_from_name

    given = [kept.example for kept in _kept(mnist, {3: 2, 8: 1}).values()]
    with zipfile.ZipFile(io.BytesIO(teach_views.examples_zip(given))) as archive:
        names = archive.namelist()
        assert [label_from_name(name) for name in names] == [3, 3, 8]
        image = np.asarray(Image.open(io.BytesIO(archive.read(names[0]))))
    assert image.shape == (28, 28) and image.dtype == np.uint8


@pytest.mark.parametrize("language", ["en", "zh"])
def test_teach_selects_the_taught_model_with_before_and_after(canvas, mnist, quick, language):
    t = i18n.translator(language)
    kept = _kept(mnist, {3: 4, 5: 4})
    app = _app(language, teach_examples=kept)
    assert t("teach.missing", digits="0, 1, 2, 4, 6, 7, 8, 9") in [c.value for c in app.caption]
    app.button(key="teach_start").click().run()
    assert not app.exception
    assert app.button(key="teach_start").disabled  # While the run is queued or running.
    snapshot = _wait(app)
    assert snapshot.status == "done", snapshot.error
    app.run()
    assert not app.exception
    name = t("teach.model_name", count=8)
    assert name == ("Mine (taught with 8 examples)" if language == "en"
                    else "我的模型（用 8 个例子教过）")
    assert app.session_state["model_choice"] == name
    entry = app.session_state["session_models"][name]
    assert name in app.caption[0].value  # "Using the model: ..." at the top of the page.
    card = entry.card
    assert card["examples"] == 8 and card["held_out"] == 2
    assert card["digits_not_taught"] == [0, 1, 2, 4, 6, 7, 8, 9]
    assert {"split", "data_source", "data_origin", "tensorflow_version"} <= set(card)
    changes = {change["name"]: change["relative_change"] for change in card["weight_changes"]}
    assert all(changes[layer] == 0.0 for layer in card["frozen_layers"])
    assert max(changes.values()) > 0
    [success] = app.success
    assert success.value.startswith("Taught in" if language == "en" else "用时")
    metrics = {metric.label: metric for metric in app.metric}
    mine = metrics[t("teach.result.examples", count=2)]
    mnist_metric = metrics[t("teach.result.mnist", count=len(mnist.y_test))]
    assert mine.value == f"{card['after']['examples']:.1%}"
    assert mnist_metric.value == f"{card['after']['mnist']:.1%}"
    assert mnist_metric.proto.delta == t(
        "teach.result.delta", points=100 * (card["after"]["mnist"] - card["before"]["mnist"]))
    assert t("teach.not_taught", digits="0, 1, 2, 4, 6, 7, 8, 9") in [m.value for m in app.markdown]
    [code] = app.code
    assert "layer.trainable = layer.name not in (" in code.value
    from lib import teach

    assert f"keras.optimizers.Adam({teach.LEARNING_RATE:g})" in code.value
    assert "range(1)" in code.value
    assert app.get("download_button")
    # The shared model was copied, never changed.
    from lib.ui import cache

    assert entry.model is not cache.bundled_model()


def test_examples_of_one_digit_teach_and_say_the_rest_were_not(canvas, mnist, quick):
    app = _app(teach_examples=_kept(mnist, {4: 3}))
    app.button(key="teach_start").click().run()
    assert _wait(app).status == "done"
    app.run()
    assert not app.exception
    assert app.session_state["model_choice"] == "Mine (taught with 3 examples)"
    assert i18n.text("teach.not_taught", digits="0, 1, 2, 3, 5, 6, 7, 8, 9") in [
        text.value for text in app.markdown]


def test_teaching_again_copies_the_model_the_taught_one_came_from(canvas, mnist, quick,
                                                                 monkeypatch):
    from lib import teach
    from lib.ui import cache

    copied = []
    copy_model = teach.copy_model
    monkeypatch.setattr(teach, "copy_model", lambda model: copied.append(model) or copy_model(
        model))
    app = _app(teach_examples=_kept(mnist, {4: 3}))
    app.button(key="teach_start").click().run()
    assert _wait(app).status == "done"
    app.run()
    assert app.session_state["model_choice"] == "Mine (taught with 3 examples)"
    # More examples, the taught model selected: the new lesson starts from the bundled model
    # again, on all six, and the page says so.
    app.session_state["teach_examples"] = _kept(mnist, {4: 3, 9: 3})
    app.run()
    explained = next(m.value for m in app.markdown if m.value.startswith("Fine-tunes a"))
    assert i18n.text("sidebar.model.bundled") in explained
    app.button(key="teach_start").click().run()
    assert _wait(app).status == "done"
    app.run()
    assert not app.exception
    assert app.session_state["model_choice"] == "Mine (taught with 6 examples)"
    assert copied == [cache.bundled_model(), cache.bundled_model()]


def _untrainable_model():
    """Only a convolution (frozen by teaching) before the softmax: nothing left to train."""
    import keras

    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(10, kernel_size=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Softmax(),
    ])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_model_that_cannot_be_taught_says_why(canvas, mnist, language):
    from lib.errors import InputError
    from lib.ui import session

    app = _app(language, session_models={"convs": session.SessionModel(
        "convs", _untrainable_model())}, model_choice="convs",
        teach_examples=_kept(mnist, {1: 2}))
    assert not app.exception
    [error] = app.error
    assert error.value == InputError("teach_no_trainable").message(language)
    assert app.button(key="teach_start").disabled


@pytest.mark.parametrize("raised", ["refused", "bug"])
def test_a_run_that_fails_says_so_in_the_users_language(canvas, mnist, monkeypatch, raised):
    from lib import teach
    from lib.errors import InputError

    def failing_teach(*arguments, **keywords):
        if raised == "refused":  # E.g. over a budget that only the run itself checks.
            raise InputError("teach_too_many", count=501, limit=500)
        raise RuntimeError("out of luck")

    monkeypatch.setattr(teach, "teach", failing_teach)
    app = _app("zh", teach_examples=_kept(mnist, {2: 2}))
    app.button(key="teach_start").click().run()
    assert _wait(app).status == ("done" if raised == "refused" else "failed")
    app.run()
    assert not app.exception
    [error] = app.error
    if raised == "refused":
        assert error.value == InputError("teach_too_many", count=501, limit=500).message("zh")
    else:
        assert error.value.startswith("教模型失败") and "out of luck" in error.value
    assert app.session_state["model_choice"] == "bundled"
    assert not app.button(key="teach_start").disabled  # It can be tried again.


def test_pressing_teach_twice_queues_one_job(canvas, mnist, monkeypatch):
    from lib import teach
    from lib.ui import cache

    release, real_teach = threading.Event(), teach.teach

    def slow_teach(*arguments, **keywords):
        release.wait(60)
        return real_teach(*arguments, **{**keywords, "epochs": 1, "replay_size": 32})

    monkeypatch.setattr(teach, "teach", slow_teach)
    manager = cache.job_manager()
    try:
        app = _app(teach_examples=_kept(mnist, {6: 2}))
        app.button(key="teach_start").click().run()
        first = app.session_state["teach_job"]
        start = app.button(key="teach_start")
        assert start.disabled
        # A second press from a browser that has not drawn the disabled button yet (a quick
        # double click): the page ignores it.
        start.proto.disabled = False
        start.click().run()
        assert not app.exception
        assert app.session_state["teach_job"] == first
        owner = app.session_state["teach_owner"]
        assert sum(owner.id in job.owners for job in manager._jobs.values()) == 1
        # Even past the disabled button, the queue takes one run per session.
        from lib import jobs

        with pytest.raises(jobs.QueueLimitError, match="already"):
            manager.submit(owner, lambda job: None)
    finally:
        release.set()
    assert _wait(app).status == "done"


def test_a_queue_refusal_is_said_in_the_users_language(canvas, mnist, monkeypatch):
    from lib import jobs
    from lib.ui import cache

    def refuse(owner, work, meta=None):
        raise jobs.QueueLimitError("queue_full", waiting=50)

    monkeypatch.setattr(cache.job_manager(), "submit", refuse)
    app = _app("zh", teach_examples=_kept(mnist, {9: 2}))
    app.button(key="teach_start").click().run()
    assert not app.exception
    assert [warning.value for warning in app.warning] == [
        jobs.QueueLimitError("queue_full", waiting=50).message("zh")]
    assert app.session_state["teach_job"] is None


def _png(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_batch_rows_become_examples(canvas, mnist, language):
    t = i18n.translator(language)
    app = _app(language)
    app.segmented_control(key="recognize_mode").set_value("upload").run()
    named = [(f"num{label}_{number}.png", _png(digit), "image/png")
             for label in (0, 8) for number, digit in enumerate(_digits(mnist, label, 2))]
    unnamed = [(f"scan_{number}.png", _png(digit), "image/png")
               for number, digit in enumerate(_digits(mnist, 6, 2))]
    app.file_uploader(key="recognize_files").set_value([*named, *unnamed]).run()
    assert not app.exception
    keep_named = app.button(key="teach_keep_named")
    assert keep_named.label == t("teach.batch.keep_named", count=4)
    keep_named.click().run()
    assert not app.exception
    kept = app.session_state["teach_examples"]
    assert sorted(item.example.label for item in kept.values()) == [0, 0, 8, 8]
    assert {item.example.source for item in kept.values()} == {name for name, _, _ in named}
    assert t("teach.batch.kept", kept=4, relabelled=0, count=4) in [s.value for s in app.success]
    assert not [button for button in app.button if button.key == "teach_keep_named"]
    assert t("teach.batch.named_kept", count=4) in [caption.value for caption in app.caption]

    # The unnamed ones: the student picks a label in the table.
    assert t("teach.batch.pick_help.all", count=2) in [caption.value for caption in app.caption]
    [editor] = app.data_editor
    assert list(editor.value["file"]) == ["scan_0.png", "scan_1.png"]
    assert app.button(key="teach_keep_picked").disabled
    app.session_state[editor.key] = {"edited_rows": {1: {"label": 6}}, "added_rows": [],
                                     "deleted_rows": []}
    app.run()
    keep_picked = app.button(key="teach_keep_picked")
    assert keep_picked.label == t("teach.batch.keep_picked", count=1)
    keep_picked.click().run()
    assert not app.exception
    labels = {item.example.source: item.example.label
              for item in app.session_state["teach_examples"].values()}
    assert labels["scan_1.png"] == 6 and "scan_0.png" not in labels
    assert t("teach.batch.kept", kept=1, relabelled=0, count=5) in [s.value for s in app.success]


def test_inside_shows_what_teaching_changed(canvas, mnist, quick):
    app = _app(teach_examples=_kept(mnist, {2: 3, 7: 3}))
    app.button(key="teach_start").click().run()
    assert _wait(app).status == "done"
    app.run()
    name = app.session_state["model_choice"]
    models = app.session_state["session_models"]
    inside = pages.run_page(ROOT / "app_pages" / "inside.py", session_models=models,
                            model_choice=name, inside_source="test")
    assert not inside.exception
    assert i18n.text("teach.changed.title") in inside.markdown[1].value
    [table] = [frame.value for frame in inside.dataframe if "frozen" in frame.value]
    card = models[name].card
    assert list(table["layer"]) == [change["name"] for change in card["weight_changes"]]
    assert table[table["frozen"]]["change"].eq(0).all()
    assert table[~table["frozen"]]["change"].gt(0).all()
    # Home's card of the taught model, through the entrypoint (the sidebar shows it selected).
    home = pages.run_page(ROOT / "streamlit_app.py", session_models=models, model_choice=name)
    assert not home.exception
    assert home.selectbox(key="sidebar_model_picker_en").value == name
    assert "Mine (taught with 6 examples)" in home.selectbox(
        key="sidebar_model_picker_en").options[1]


def test_weight_changes_are_relative_per_layer():
    import keras

    from lib import inspection

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, name="a"),
                              keras.layers.Dropout(0.5), keras.layers.Dense(2, name="b")])
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    kernel, bias = copy.get_layer("b").get_weights()
    copy.get_layer("b").set_weights([kernel * 1.1, bias])
    changes = inspection.weight_changes(model, copy)
    assert [change.name for change in changes] == ["a", "b"]
    assert changes[0].relative_change == 0.0
    assert changes[1].relative_change == pytest.approx(0.1, rel=1e-5)  # Bias starts at zero.
    other = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(5)])
    with pytest.raises(ValueError, match="same layers and weight shapes"):
        inspection.weight_changes(model, other)
