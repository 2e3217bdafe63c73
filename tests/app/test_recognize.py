"""AppTest of app_pages/recognize.py: drawing (the canvas replaced), uploads, both languages.

AppTest cannot draw on `streamlit-drawable-canvas`, so the `canvas` fixture's
stand-in returns the pixels a test "drew" (see tests/pages.py); the page's
`draw_canvas` imports it like the real one.
"""

import functools
import io
import pathlib
import zipfile

import numpy as np
import pytest
from PIL import Image

from lib import i18n
from tests import pages

PAGE = str(pathlib.Path(__file__).resolve().parents[2] / "app_pages" / "recognize.py")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mnist():
    from lib import data

    return data.load_embedded()


def png(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


_app = functools.partial(pages.run_page, PAGE)


def _t(language):
    return i18n.translator(language)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_empty_canvas_shows_a_hint_not_a_guess(canvas, language):
    app = _app(language)
    assert not app.exception
    assert [info.value for info in app.info] == [_t(language)("recognize.draw.empty")]
    assert not app.metric
    canvas.pixels = np.zeros((280, 280, 4), np.uint8)  # Touched, then erased: still blank.
    app.run()
    assert not app.exception and not app.metric and len(app.info) == 1
    assert canvas.calls[-1]["drawing_mode"] == "freedraw"
    assert canvas.calls[-1]["return_image_data"] is True


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_drawn_digit_is_predicted(canvas, mnist, language):
    t = _t(language)
    index = int(np.flatnonzero(mnist.y_test == 3)[0])
    canvas.pixels = pages.drawn(mnist.x_test[index])
    app = _app(language)
    assert not app.exception
    prediction, confidence = app.metric
    assert prediction.label == t("recognize.prediction")
    assert prediction.label == ("Prediction" if language == "en" else "预测结果")
    assert prediction.value == "3"
    assert confidence.value.endswith("%")
    assert not app.warning
    last = app.session_state["recognize_last_digit"]
    assert last.shape == (28, 28) and last.max() == pytest.approx(1.0)
    charts = app.get("plotly_chart")
    assert len(charts) == 2

    app.toggle(key="recognize_show_steps").set_value(True).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 3
    assert t("recognize.steps.explain", box=20) in [caption.value for caption in app.caption]


def test_corrections_follow_a_prediction_and_the_examples_stay_across_modes(canvas, mnist):
    # Nothing to correct on an empty canvas; after a prediction, "Right" and the ten digits.
    app = _app()
    assert not [button for button in app.button if button.key == "teach_right"]
    assert not app.pills
    canvas.pixels = pages.drawn(mnist.x_test[int(np.flatnonzero(mnist.y_test == 6)[0])])
    app.run()
    app.pills(key="teach_correct").set_value(6).run()
    assert not app.exception
    assert len(app.session_state["teach_examples"]) == 1
    # The same page in upload mode still shows them, and can teach with them.
    app.segmented_control(key="recognize_mode").set_value("upload").run()
    assert not app.exception
    assert _t("en")("teach.gallery") in [header.value for header in app.subheader]
    assert not app.button(key="teach_start").disabled


def test_brush_width_and_clear(canvas, mnist):
    canvas.pixels = pages.drawn(mnist.x_test[0])
    app = _app()
    app.slider(key="recognize_brush").set_value(12).run()
    assert canvas.calls[-1]["stroke_width"] == 12
    first_key = canvas.calls[-1]["key"]
    app.button(key="recognize_clear").click().run()
    assert not app.exception
    assert app.session_state["recognize_canvas_version"] == 1
    assert canvas.calls[-1]["key"] != first_key  # A new canvas key clears the drawing.


def _constant_model(probabilities):
    """A model that answers `probabilities` whatever it is shown."""
    import keras

    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    kernel, _ = model.layers[-1].get_weights()
    model.layers[-1].set_weights([np.zeros_like(kernel), np.log(np.asarray(probabilities))])
    return model


@pytest.mark.parametrize("language", ["en", "zh"])
def test_low_confidence_names_both_digits_with_a_session_model(canvas, mnist, language):
    from lib.ui import session

    probabilities = np.full(10, 0.02)
    probabilities[[5, 8]] = [0.5, 0.34]
    model = _constant_model(probabilities / probabilities.sum())
    canvas.pixels = pages.drawn(mnist.x_test[0])
    app = _app(language, session_models={"unsure": session.SessionModel("unsure", model)},
               model_choice="unsure")
    assert not app.exception
    assert app.metric[0].value == "5"
    (warning,) = app.warning
    assert warning.value == _t(language)("recognize.close_call", digit=5, confidence=0.5,
                                         runner_up=8, probability=0.34)
    assert warning.value.startswith("5 or 8?" if language == "en" else "是 5 还是 8？")
    assert "unsure" in app.caption[0].value


def _upload_app(language="en"):
    app = _app(language)
    app.segmented_control(key="recognize_mode").set_value("upload").run()
    assert not app.exception
    return app


def _metrics(app):
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_upload_zip_and_files_with_bad_members(canvas, mnist, language):
    t = _t(language)
    app = _upload_app(language)
    assert app.info[0].value == t("recognize.upload.empty")
    limits = app.caption[1].value
    if language == "en":
        for stated in ["50 MB per uploaded file and 50 MB per image", "at most 10,000 files",
                       "256 MB, counting what zips unpack to", "500 million pixels",
                       "at most 5,000 files and 200 MB unpacked", "at most 120 million",
                       "any other image at most 40 million"]:
            assert stated in limits
    else:
        assert "10,000 个文件" in limits and "500 百万像素" in limits
    uploader = app.file_uploader(key="recognize_files")
    assert uploader.accept_multiple_files
    assert {"png", "jpg", "jpeg", "bmp", "gif", "webp", "tiff", "zip"} <= {
        kind.lstrip(".") for kind in uploader.allowed_type}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for index in range(12):
            zipped.writestr(f"num-draft/num{mnist.y_test[index]}_{index}.png",
                            png(255 - mnist.x_test[index]))
        zipped.writestr("num-draft/broken.png", b"\x89PNG\r\n\x1a\n broken")
        zipped.writestr("__MACOSX/num-draft/._num1.png", b"x")
        zipped.writestr("num-draft/notes.txt", b"x")
    uploader.set_value([
        ("num-draft.zip", archive.getvalue(), "application/zip"),
        ("digit_7.png", png(mnist.x_test[np.flatnonzero(mnist.y_test == 7)[0]]), "image/png"),
        ("empty.png", b"", "image/png"),
    ]).run()
    assert not app.exception
    metrics = _metrics(app)
    assert metrics[t("recognize.upload.recognised")] == "13"
    assert metrics[t("recognize.upload.unusable")] == "2"
    assert metrics[t("recognize.upload.skipped")] == "2"
    assert metrics[t("recognize.upload.accuracy")].endswith("%")
    table = app.dataframe[0].value
    assert len(table) == 15
    errors = dict(zip(table["file"], table["error"], strict=True))
    assert errors["empty.png"] == i18n.text("error.empty_file", language)
    assert errors["num-draft.zip/num-draft/broken.png"] in {
        i18n.text("error.truncated", language), i18n.text("error.not_an_image", language)}
    # In natural order of the names (num2 before num10), unusable files among them.
    from lib.recognition import natural_key

    assert list(table["file"]) == sorted(table["file"], key=natural_key)
    assert sum(bool(error) for error in table["error"]) == 2
    assert app.session_state["recognize_batch"] is not None
    # The confusion matrix and per-digit accuracy /train and /inside show, and the thumbnail grid.
    charts = app.get("plotly_chart")
    assert len(charts) == 3
    assert {chart.proto.id.split("-", 2)[-1] for chart in charts} == {
        "recognize_confusion", "recognize_per_digit", "recognize_grid"}
    assert app.get("download_button")


def test_zip_bomb_is_refused_and_the_rest_recognised(canvas, mnist):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("bomb.png", b"\0" * (8 * 2**20))
    app = _upload_app()
    app.file_uploader(key="recognize_files").set_value([
        ("bomb.zip", archive.getvalue(), "application/zip"),
        ("num4.png", png(mnist.x_test[np.flatnonzero(mnist.y_test == 4)[0]]), "image/png"),
    ]).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) == 2
    bomb = table[table["file"] == "bomb.zip"].iloc[0]
    assert "zip bomb" in bomb["error"]
    assert table[table["file"] == "num4.png"].iloc[0]["prediction"] == 4


def test_folder_upload_pages_the_grid(canvas, mnist):
    app = _upload_app()
    folder = app.file_uploader(key="recognize_folder")
    assert folder.accept_directory
    files = [(f"num-draft/{mnist.y_test[i]}/scan_{i}.png", png(mnist.x_test[i]), "image/png")
             for i in range(25)]
    files.append(("num-draft/.DS_Store", b"\0\0", "application/octet-stream"))
    folder.set_value(files).run()
    assert not app.exception
    assert _metrics(app)["Recognised"] == "25" and _metrics(app)["Skipped"] == "1"
    page = app.number_input(key="recognize_grid_page")
    assert page.max == 2
    page.set_value(2).run()
    assert not app.exception
    # Paging reuses the recognised batch; it does not recognise again.
    assert app.session_state["recognize_batch"][1][0].file.startswith("num-draft/")


def test_a_batch_with_hostile_files_still_shows_the_rest(canvas, mnist):
    from tests.unit.test_hostile_batches import png_header, raw_zip

    digit = png(255 - mnist.x_test[np.flatnonzero(mnist.y_test == 2)[0]])
    app = _upload_app("zh")
    app.file_uploader(key="recognize_files").set_value([
        ("phone.png", png_header(8000, 6000), "image/png"),  # Lost the whole batch before.
        ("nameless.zip", raw_zip([("", digit), ("num2.png", digit)]), "application/zip"),
        ("=HYPERLINK(1).png", digit, "image/png"),
    ]).run()
    assert not app.exception
    table = app.dataframe[0].value
    errors = dict(zip(table["file"], table["error"], strict=True))
    assert errors["phone.png"] == i18n.text(
        "error.batch_image_pixels", "zh", width=8000, height=6000, pixels=48_000_000,
        limit=40_000_000)
    assert errors["nameless.zip/"] == i18n.text("error.batch_zip_member_unnamed", "zh")
    recognised = table[table["error"] == ""]
    assert sorted(recognised["file"]) == ["=HYPERLINK(1).png", "nameless.zip/num2.png"]
    assert set(recognised["prediction"]) == {2}
    assert _metrics(app)[_t("zh")("recognize.upload.unusable")] == "2"
    (download,) = app.get("download_button")
    assert download.proto.label == i18n.text("recognize.upload.download", "zh")
