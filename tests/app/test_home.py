"""AppTest of the app shell (streamlit_app.py: sidebar, navigation) with the home page.

AppTest runs the entrypoint and its default page (home); it cannot switch pages
through `st.navigation`, so the other pages are tested file by file. Home runs
through the entrypoint only: its `st.page_link`s need the pages registered.
"""

import pathlib

import pytest

from lib import i18n, models
from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENTRYPOINT = str(ROOT / "streamlit_app.py")

pytestmark = pytest.mark.slow


def _app(language="en", path=ENTRYPOINT, **state):
    return pages.run_page(path, language, **state)


def _tiny_model(input_shape=(28, 28, 1), outputs=10):
    import keras

    return keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(outputs, activation="softmax"),
    ])


def _model_bytes(model, tmp_path, name="tiny.keras"):
    path = tmp_path / name
    model.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_home_and_sidebar_with_the_bundled_model(language):
    t = i18n.translator(language)
    app = _app(language)
    assert not app.exception
    assert [title.value for title in app.title] == [t("home.title")]
    assert [box.label for box in app.sidebar.selectbox] == [t("app.language"), t("sidebar.model")]
    picker = app.selectbox(key=f"sidebar_model_picker_{language}")
    assert picker.value == "bundled" and picker.options == [t("sidebar.model.bundled")]
    labels = [metric.label for metric in app.metric]
    assert labels == [t("home.card.accuracy"), t("home.generalization.optdigits"),
                      t("home.generalization.styles"), t("home.card.params"),
                      t("home.card.epochs")]
    # Beside the MNIST figure, the card's figures on digits the model never trained on.
    figures = models.read_card(models.BUNDLED_MODEL_PATH)["generalization"]
    styles = min(figures[f"styles_{name}"]["accuracy"]
                 for name in ("canvas", "black_on_white", "phone_photo"))
    assert [metric.value for metric in app.metric[:3]] == [
        f"{figures['mnist_test']['accuracy']:.2%}", f"{figures['optdigits']['accuracy']:.1%}",
        f"{styles:.1%}"]
    assert app.metric[3].value == "935,562"
    assert t("home.generalization.caption") in [caption.value for caption in app.caption]
    assert app.code[0].value == "python -m lib.bundled_model"
    # The tutorial's table of Keras modules.
    modules = [text.value for text in app.markdown if text.value.startswith("**`keras.")]
    assert modules == [f"**`keras.{name}`**" for name in
                       ("layers", "models", "optimizers", "activations", "datasets",
                        "applications")]


def test_language_switch_translates_the_frame():
    app = _app("en")
    app.selectbox(key="lang").set_value("zh").run()
    assert not app.exception
    assert app.title[0].value == i18n.text("home.title", "zh")
    assert app.sidebar.selectbox[1].label == i18n.text("sidebar.model", "zh")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_model_trained_in_this_session(language):
    from lib.ui import session

    model = _tiny_model()
    app = _app(language, session_models={"mine": session.SessionModel("mine", model)},
               model_choice="mine")
    assert not app.exception
    t = i18n.translator(language)
    assert t("sidebar.model.session", name="` mine `") in [m.value for m in app.markdown]
    assert [info.value for info in app.info] == [t("home.card.none")]
    assert app.metric[0].value == f"{model.count_params():,}"
    # Back to the bundled model through the picker.
    app.selectbox(key=f"sidebar_model_picker_{language}").set_value("bundled").run()
    assert not app.exception
    assert app.session_state["model_choice"] == "bundled"
    assert len(app.metric) == 5


def test_a_model_chosen_after_the_picker_is_drawn_shows_on_the_next_run():
    from lib.ui import session

    app = _app()
    app.session_state["session_models"] = {"late": session.SessionModel("late", _tiny_model())}
    session_state = app.session_state
    session_state["model_choice"] = "late"
    app.run()
    assert not app.exception
    assert app.selectbox(key="sidebar_model_picker_en").value == "late"


def test_an_uploaded_model_is_loaded_and_chosen(tmp_path):
    app = _app()
    data = _model_bytes(_tiny_model(), tmp_path)
    app.file_uploader(key="sidebar_model_upload").set_value(
        ("tiny.keras", data, "application/octet-stream")).run()
    assert not app.exception
    assert not app.error
    assert app.session_state["model_choice"] == "uploaded"
    assert app.session_state["uploaded_model_file"][0] == "tiny.keras"
    assert app.selectbox(key="sidebar_model_picker_en").value == "uploaded"
    assert i18n.text("sidebar.model.loaded", name=i18n.markdown_literal("tiny.keras")) in [
        c.value for c in app.caption]
    assert i18n.text("home.card.none") in [info.value for info in app.info]
    # It stays chosen across a language switch (the browser test switches with the widget).
    app.session_state["lang"] = "zh"  # The sidebar's language widget.
    app.run()
    app.run()
    assert not app.exception
    assert app.session_state["model_choice"] == "uploaded"
    assert app.selectbox(key="sidebar_model_picker_zh").value == "uploaded"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_refused_model_upload_says_why(tmp_path, language):
    app = _app(language)
    app.file_uploader(key="sidebar_model_upload").set_value(
        ("evil.h5", b"this is not a model", "application/octet-stream")).run()
    assert not app.exception
    assert len(app.error) == 1
    assert app.session_state["model_choice"] == "bundled"
    assert app.session_state["uploaded_model_file"] is None

    wrong_input = _model_bytes(_tiny_model(input_shape=(4,)), tmp_path, "wrong.keras")
    app.file_uploader(key="sidebar_model_upload").set_value(
        ("wrong.keras", wrong_input, "application/octet-stream")).run()
    assert not app.exception
    (error,) = app.error
    assert error.value == i18n.text("error.model_input_shape", language, shape="(4,)") or (
        "28 x 28 x 1" in error.value)
    assert app.session_state["model_choice"] == "bundled"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_names_on_the_model_card_are_shown_literally(tmp_path, language):
    from lib.ui import cache, session

    t = i18n.translator(language)
    name = "[prize](http://evil.example) :red[!] **x**\n# big.keras"
    data = _model_bytes(_tiny_model(), tmp_path)
    app = _app(language, uploaded_model_file=(name, cache.digest(data), data),
               model_choice="uploaded")
    assert not app.exception
    shown = [m.value for m in app.markdown]
    literal = "` [prize](http://evil.example) :red[!] **x** # big.keras `"
    assert t("sidebar.model.uploaded", name=literal) in shown
    # A card's data origin is a file name (an uploaded mnist.npz's, say).
    card = {"test_accuracy": 0.5, "parameters": 7850, "epochs": 1, "data_source": "npz",
            "data_origin": "www.evil.example.npz", "split": {"train": 90, "test": 10},
            "augmentation": "none", "keras_version": "3", "tensorflow_version": "2",
            "date": "2025-01-01", "command": "/train"}
    app = _app(language, session_models={"__mine__": session.SessionModel(
        "__mine__", _tiny_model(), card)}, model_choice="__mine__")
    assert not app.exception
    shown = [m.value for m in app.markdown]
    assert t("sidebar.model.session", name="` __mine__ `") in shown
    [card_text] = [text for text in shown if "www.evil.example.npz" in text]
    assert t("home.card.data.npz", origin="` www.evil.example.npz `", n_train=90,
             n_test=10) in card_text
