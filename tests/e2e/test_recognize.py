"""The recognition page in a real Chromium: drawing with the mouse, uploads, a legacy model, 中文.

What AppTest cannot see: the drawing canvas, real file uploads, the CSV
download and the sidebar's model upload. Screenshots of every state go to
`test-artifacts/e2e/recognize-*.png`.
"""

import csv
import io
import math
import pathlib
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _arc(cx, cy, rx, ry, start, end, points=16):
    angles = np.radians(np.linspace(start, end, points))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


# One mouse stroke per digit, in fractions of the canvas: how a student writes them.
STROKES = {
    0: _arc(0.5, 0.5, 0.22, 0.33, 0, 360, 24),
    1: [(0.5, 0.15), (0.5, 0.85)],
    2: _arc(0.5, 0.33, 0.2, 0.17, 200, 360, 12) + [(0.3, 0.82), (0.75, 0.82)],
    3: _arc(0.48, 0.32, 0.2, 0.16, 200, 450, 14) + _arc(0.48, 0.66, 0.22, 0.18, -90, 160, 14),
    4: [(0.62, 0.85), (0.62, 0.15), (0.25, 0.6), (0.78, 0.6)],
    5: [(0.7, 0.17), (0.35, 0.17), (0.32, 0.45)] + _arc(0.5, 0.63, 0.22, 0.2, -140, 150, 14),
    6: [(0.62, 0.15), (0.38, 0.45)] + _arc(0.5, 0.65, 0.18, 0.18, 180, 540),
    7: [(0.28, 0.2), (0.72, 0.2), (0.42, 0.85)],
    8: _arc(0.5, 0.32, 0.16, 0.16, 90, 450) + _arc(0.5, 0.67, 0.2, 0.18, -90, 270),
    9: _arc(0.5, 0.33, 0.18, 0.17, 0, 360) + [(0.68, 0.33), (0.66, 0.85)],
}


def open_recognize(page, app_url):
    page.goto(f"{app_url}/recognize")
    wait_for_app(page)
    expect(page.locator("canvas.upper-canvas").first).to_be_visible()


def draw(page, stroke):
    """Draws one stroke with the mouse on the canvas (fractions of its size)."""
    canvas = page.locator("canvas.upper-canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()

    def at(point):
        return box["x"] + point[0] * box["width"], box["y"] + point[1] * box["height"]

    page.mouse.move(*at(stroke[0]))
    page.mouse.down()
    for point in stroke[1:]:
        page.mouse.move(*at(point), steps=4)
    page.mouse.up()


def metric(page, label):
    return page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True)).locator('[data-testid="stMetricValue"]')


def clear(page):
    page.locator(".st-key-recognize_clear button").click()
    wait_for_app(page)
    expect(page.locator('[data-testid="stAlertContentInfo"]')).to_be_visible()
    expect(page.locator("canvas.upper-canvas")).to_have_count(1)  # The new, empty canvas.


def choose_upload(page, label="Upload"):
    page.locator(".st-key-recognize_mode button").filter(has_text=label).click()
    wait_for_app(page)


def test_draw_every_digit(page, app_url):
    open_recognize(page, app_url)
    expect(page.locator('[data-testid="stAlertContentInfo"]')).to_be_visible()  # The hint.
    screenshot(page, "recognize-empty")
    for digit, stroke in STROKES.items():
        draw(page, stroke)
        expect(metric(page, "Prediction")).to_have_text(str(digit), timeout=30_000)
        wait_for_app(page)
        if digit in (3, 9):
            screenshot(page, f"recognize-drawn-{digit}")
        clear(page)
    draw(page, STROKES[7])
    expect(metric(page, "Prediction")).to_have_text("7", timeout=30_000)
    page.get_by_text("Show the preprocessing steps").click()
    wait_for_app(page)
    expect(page.locator(".st-key-recognize_steps")).to_be_visible()
    screenshot(page, "recognize-steps")


def _png(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def digits():
    """Four real MNIST digits of each class from the embedded set, as black-on-white PNGs."""
    from lib import data

    mnist = data.load_embedded()
    images, labels = mnist.x_test, mnist.y_test
    chosen = [np.flatnonzero(labels == digit)[:4] for digit in range(10)]
    return [(int(labels[i]), _png(255 - images[i].astype(np.uint8)))
            for indices in chosen for i in indices]


def test_zip_with_good_and_bad_members(page, app_url, digits, tmp_path):
    archive = tmp_path / "num-draft.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for index, (label, data) in enumerate(digits):
            zipped.writestr(f"num-draft/num{label}_{index}.png", data)
        zipped.writestr("num-draft/empty.png", b"")
        zipped.writestr("num-draft/truncated.png", digits[0][1][:60])
        zipped.writestr("num-draft/notes.png", b"not an image at all")
        zipped.writestr("num-draft/blank.png", _png(np.full((60, 60), 255, np.uint8)))
        zipped.writestr("__MACOSX/num-draft/._num1_4.png", b"\0\5\26\7")
        zipped.writestr("num-draft/.DS_Store", b"\0\0\0\1Bud1")
        zipped.writestr("num-draft/readme.txt", "the tutorial's drafts")

    open_recognize(page, app_url)
    choose_upload(page)
    page.locator(".st-key-recognize_files input[type=file]").set_input_files(archive)
    wait_for_app(page)
    expect(metric(page, "Recognised")).to_have_text(str(len(digits)), timeout=60_000)
    expect(metric(page, "Unusable")).to_have_text("4")
    expect(metric(page, "Skipped")).to_have_text("3")
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    expect(page.locator(".st-key-recognize_grid")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 2300})  # The page scrolls inside its frame.
    wait_for_app(page)
    screenshot(page, "recognize-zip")

    with page.expect_download() as download_info:
        page.locator(".st-key-recognize_download button").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:5] == ["file", "prediction", "confidence", "label", "correct"]
    assert len(rows) == len(digits) + 4
    errors = {row["file"].rsplit("/", 1)[-1]: row["error"] for row in rows if row["error"]}
    assert set(errors) == {"empty.png", "truncated.png", "notes.png", "blank.png"}
    assert "empty" in errors["empty.png"] and "blank" in errors["blank.png"]
    recognised = [row for row in rows if not row["error"]]
    assert sum(row["correct"] == "True" for row in recognised) >= 0.9 * len(recognised)
    # Wrong answers come first, then unusable files.
    first_error = next(i for i, row in enumerate(rows) if row["error"])
    assert all(row["correct"] == "False" for row in rows[:first_error])


def test_folder_upload(page, app_url, digits, tmp_path):
    folder = tmp_path / "num-draft"
    folder.mkdir()
    for index, (label, data) in enumerate(digits[::4]):
        (folder / f"num{label}.png").write_bytes(data)
        assert index == label
    open_recognize(page, app_url)
    choose_upload(page)
    page.locator(".st-key-recognize_folder input[type=file]").set_input_files(folder)
    wait_for_app(page)
    expect(metric(page, "Recognised")).to_have_text("10", timeout=60_000)
    expect(metric(page, "Accuracy")).to_be_visible()
    screenshot(page, "recognize-folder")


_MAKE_LEGACY_H5 = """
import sys
import keras
import tf_keras
from tf_keras import layers

bundled = keras.saving.load_model(sys.argv[1], compile=False)
# The tutorial's script, on Keras 2: the same CNN, trained weights copied over.
model = tf_keras.Sequential([
    layers.Conv2D(32, (5, 5), padding="same", activation="relu", input_shape=(28, 28, 1)),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (5, 5), padding="same", activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(128, (3, 3), padding="same", activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(128, (3, 3), padding="same", activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(1024, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.set_weights(bundled.get_weights())
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.save(sys.argv[2])
"""


@pytest.fixture(scope="module")
def legacy_h5(tmp_path_factory):
    """The bundled CNN saved by Keras 2 (`tf_keras`) like the tutorial: `model.save('model.h5')`."""
    path = tmp_path_factory.mktemp("legacy") / "model.h5"
    subprocess.run(
        [sys.executable, "-c", _MAKE_LEGACY_H5, str(ROOT / "models" / "mnist_cnn.keras"),
         str(path)], check=True, capture_output=True, timeout=300,
    )
    return path


def test_legacy_h5_model_and_chinese(page, app_url, legacy_h5):
    open_recognize(page, app_url)
    page.locator(".st-key-sidebar_model_upload input[type=file]").set_input_files(legacy_h5)
    wait_for_app(page)
    expect(page.get_by_text("Using the model: Uploaded: model.h5")).to_be_visible(timeout=60_000)
    draw(page, STROKES[4])
    expect(metric(page, "Prediction")).to_have_text("4", timeout=30_000)
    wait_for_app(page)
    screenshot(page, "recognize-legacy-h5")

    page.locator(".st-key-lang").click()
    page.get_by_role("option", name="简体中文").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="识别手写数字")).to_be_visible()
    expect(page.get_by_text("使用的模型：已上传：model.h5")).to_be_visible()
    clear(page)
    draw(page, STROKES[2])
    expect(metric(page, "预测结果")).to_have_text("2", timeout=30_000)
    wait_for_app(page)
    # The uploaded model stays chosen across the language switch and later runs.
    expect(page.get_by_text("使用的模型：已上传：model.h5")).to_be_visible()
    screenshot(page, "recognize-zh")
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").nth(1).click()
    page.get_by_role("option", name="内置 CNN（已训练）").click()
    wait_for_app(page)
    expect(page.get_by_text("使用的模型：内置 CNN（已训练）")).to_be_visible()
    choose_upload(page, "上传")
    expect(page.get_by_text("图片文件夹")).to_be_visible()
    screenshot(page, "recognize-zh-upload")


def test_the_active_model_downloads_as_keras_and_h5(page, app_url, legacy_h5):
    from lib import model_files, models

    def download(suffix):
        wait_for_app(page)
        # Streamlit draws a download button with a help tooltip twice (one copy is hidden).
        with page.expect_download() as info:
            page.locator(f".st-key-sidebar_download_{suffix} button").first.click()
        assert info.value.suggested_filename.endswith(f".{suffix}")
        return info.value.suggested_filename, info.value.path().read_bytes()

    open_recognize(page, app_url)
    # The bundled model's .keras is the file as shipped; its .h5 is made on the click.
    assert download("keras") == ("mnist_cnn.keras", models.BUNDLED_MODEL_PATH.read_bytes())
    name, h5 = download("h5")
    assert name == "mnist_cnn.h5"
    bundled = models.load_bundled_model()
    assert model_files.load_model(h5).count_params() == bundled.count_params()
    # A student's Keras 2 upload comes back as a Keras 3 .keras file, read by the safe loader.
    page.locator(".st-key-sidebar_model_upload input[type=file]").set_input_files(legacy_h5)
    wait_for_app(page)
    expect(page.get_by_text("Using the model: Uploaded: model.h5")).to_be_visible(timeout=60_000)
    name, keras_file = download("keras")
    assert name == "model.keras"
    uploaded = model_files.load_model(pathlib.Path(legacy_h5).read_bytes())
    again = model_files.load_model(keras_file)
    assert again.count_params() == uploaded.count_params()
    assert all((a == b).all() for a, b in zip(again.get_weights(), uploaded.get_weights(),
                                              strict=True))
    screenshot(page, "recognize-model-downloads")
