"""AppTest of app_pages/inside.py: every kind of input in both languages, the mistake gallery and a
model without convolutions.

AppTest cannot draw on `streamlit-drawable-canvas`: the `canvas` fixture's stand-in returns the
pixels a test "drew" (see tests/pages.py).
"""

import functools
import io
import pathlib

import numpy as np
import pytest
from PIL import Image

from lib import i18n, models
from lib.ui import session
from tests import pages

PAGE = str(pathlib.Path(__file__).resolve().parents[2] / "app_pages" / "inside.py")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mnist():
    from lib import data

    return data.load_mnist()


def png(digit):
    buffer = io.BytesIO()
    Image.fromarray(255 - digit).save(buffer, format="PNG")  # Black on white, like a scan.
    return buffer.getvalue()


run = functools.partial(pages.run_page, PAGE)


def prediction(app, language):
    return next(m.value for m in app.metric
                if m.label == i18n.text("inside.prediction", language))


def chart_keys(app):
    """The keys of the Plotly charts drawn (an element id ends with its key)."""
    return {chart.proto.id.split("-", 2)[-1] for chart in app.get("plotly_chart")}


def check_views(app, language):
    """No exception or error, and every view of the page drawn."""
    assert not app.exception and not app.error
    assert {"inside_input", "inside_probabilities", "inside_kernels", "inside_pattern",
            "inside_explanation", "inside_confusion", "inside_per_digit", "inside_map",
            "inside_layer_0", "inside_layer_13"} <= chart_keys(app)
    assert app.title[0].value == i18n.text("inside.title", language)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_last_drawn_digit(language, mnist, canvas):
    digit = mnist.x_test[3].astype(np.float32) / 255.0
    app = run(language, recognize_last_digit=digit)
    check_views(app, language)
    assert app.session_state["inside_source"] == "drawn"
    assert prediction(app, language) == str(mnist.y_test[3])
    # The gallery: one inspect button per mistake on the test set, at most a gallery's worth.
    mistakes = int((models.load_bundled_model().predict(mnist.x_test / 255.0, verbose=0)
                    .argmax(axis=1) != mnist.y_test).sum())
    inspect = [button for button in app.button if button.key.startswith("inside_inspect_")]
    assert 0 < len(inspect) == min(mistakes, 12)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_nothing_drawn_yet(language, canvas):
    app = run(language, inside_source="drawn")
    assert not app.exception
    assert i18n.text("inside.drawn.none", language) in [info.value for info in app.info]
    assert i18n.text("inside.needs_input", language) in [info.value for info in app.info]
    # The test-set views do not need an input.
    assert {"inside_confusion", "inside_map", "inside_kernels"} <= chart_keys(app)
    assert "inside_explanation" not in chart_keys(app)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_new_drawing(language, mnist, canvas):
    app = run(language, inside_source="draw")
    assert i18n.text("inside.draw.empty", language) in [info.value for info in app.info]
    canvas.pixels = pages.drawn(mnist.x_test[7])
    app.run()
    check_views(app, language)
    assert prediction(app, language) == str(mnist.y_test[7])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_uploaded_image(language, mnist, canvas):
    app = run(language, inside_source="upload")
    assert i18n.text("inside.upload.empty", language) in [info.value for info in app.info]
    app.file_uploader(key="inside_upload").set_value(("digit.png", png(mnist.x_test[11]),
                                                      "image/png"))
    app.run()
    check_views(app, language)
    assert prediction(app, language) == str(mnist.y_test[11])
    app.file_uploader(key="inside_upload").set_value(("broken.png", b"not a picture",
                                                      "image/png"))
    app.run()
    assert not app.exception
    assert [error.value for error in app.error] == [i18n.text("error.not_an_image", language)]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_test_digits_by_number_class_and_mistake(language, mnist, canvas):
    app = run(language, inside_source="test", inside_test_index=5)
    check_views(app, language)
    app.button(key="inside_random").click().run()
    assert not app.exception
    assert 0 <= app.number_input(key="inside_test_index").value < len(mnist.y_test)
    app.number_input(key="inside_test_index").set_value(5).run()
    assert any(i18n.text("inside.label", language, label=mnist.y_test[5]) == caption.value
               for caption in app.caption)

    app.session_state["inside_test_mode"] = "class"
    app.run()
    app.selectbox(key="inside_digit").set_value(4).run()
    app.number_input(key="inside_nth_4").set_value(2).run()
    check_views(app, language)
    assert any(i18n.text("inside.label", language, label=4) == caption.value
               for caption in app.caption)

    app.session_state["inside_test_mode"] = "mistake"
    app.run()
    check_views(app, language)
    mistake = app.selectbox(key=f"inside_mistake_{language}").value
    assert prediction(app, language) != str(mnist.y_test[mistake])


def test_inspecting_a_mistake_makes_it_the_input(mnist, canvas):
    app = run("en")
    button = next(b for b in app.button if b.key.startswith("inside_inspect_"))
    index = int(button.key.rsplit("_", 1)[1])
    button.click().run()
    assert not app.exception
    assert app.session_state["inside_source"] == "test"
    assert app.number_input(key="inside_test_index").value == index
    assert prediction(app, "en") != str(mnist.y_test[index])


def test_explaining_another_class(mnist, canvas):
    app = run("en", recognize_last_digit=mnist.x_test[0].astype(np.float32) / 255.0)
    app.selectbox(key="inside_class_en").set_value(9).run()
    app.selectbox(key="inside_cam_layer").set_value("conv2d").run()
    assert not app.exception and not app.error
    assert any("**9**" in markdown.value for markdown in app.markdown)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_session_model_without_convolutions(language, mnist, canvas):
    model = models.mlp()
    app = run(language, recognize_last_digit=mnist.x_test[0].astype(np.float32) / 255.0,
              session_models={"mlp": session.SessionModel("mlp", model)}, model_choice="mlp")
    assert not app.exception and not app.error
    infos = [info.value for info in app.info]
    assert i18n.text("inside.filters.none", language) in infos
    assert i18n.text("inside.why.no_conv", language) in infos


@pytest.mark.parametrize("language", ["en", "zh"])
def test_layer_names_are_shown_literally(language, mnist, canvas):
    import keras

    # Names a student may give layers in an uploaded model (TensorFlow allows letters, digits
    # and _.\/>- in them): an autolink and bold text, were they rendered as Markdown.
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="www.evil.example"),
        keras.layers.Flatten(name="__bold__"),
        keras.layers.Dense(10, activation="softmax", name="out"),
    ])
    app = run(language, recognize_last_digit=mnist.x_test[0].astype(np.float32) / 255.0,
              session_models={"__mine__": session.SessionModel("__mine__", model)},
              model_choice="__mine__")
    assert not app.exception and not app.error
    shown = "\n".join(element.value for element in [*app.markdown, *app.caption])
    assert i18n.text("inside.using", language, model=i18n.text(
        "sidebar.model.session", language, name="` __mine__ `")) in shown
    headers = [m.value for m in app.markdown if "` · `` " in m.value or "`` ·" in m.value]
    assert [header.split(" · ")[0] for header in headers] == [
        "**` www.evil.example `**", "**` __bold__ `**", "**` out `**"]
    assert "`` www.evil.example ``" in shown  # Inside the text's own backticks too.
    assert "`` __bold__ ``" in shown
    assert "www.evil.example" not in shown.replace("` www.evil.example `", "")
