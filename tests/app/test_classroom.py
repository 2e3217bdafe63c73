"""AppTest of classroom links: the language and hidden controls a link sets, the teacher's
panel, and each page's settings in its URL under the names lib.links knows."""

import pathlib

import pytest

from lib import i18n, links
from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENTRYPOINT = str(ROOT / "streamlit_app.py")

pytestmark = pytest.mark.slow


def test_a_link_sets_the_language_and_what_is_hidden():
    app = pages.run_page(ENTRYPOINT, "en", query={
        "lang": "zh", "hide": "train.optimizer,nav.applications,bogus", "present": "1"})
    assert app.session_state["language"] == "zh"
    assert app.selectbox(key="lang").value == "zh"
    assert app.session_state["classroom"] == {
        "hidden": ["nav.applications", "train.optimizer"], "present": True}
    assert app.caption[0].value == i18n.text("classroom.locked", "zh")
    [toast] = app.toast
    assert toast.value == i18n.text("classroom.link_ignored", "zh", names="` bogus `")
    # The URL keeps them for a reload, whatever the page writes.
    assert app.query_params["hide"] == ["nav.applications,train.optimizer"] or (
        app.query_params["hide"] == "nav.applications,train.optimizer")
    app.run()  # Later runs keep the session's, and say nothing again.
    assert not app.toast and app.session_state["language"] == "zh"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_teachers_panel_builds_the_link_and_its_qr_code(language):
    app = pages.run_page(ENTRYPOINT, language, lang=language)
    # Home offers the pages and the sidebar's controls (a page offers its own too).
    assert "recognize.upload" not in app.multiselect(key="classroom_hide").options
    app.multiselect(key="classroom_hide").set_value(["sidebar.model", "nav.train"]).run()
    link = app.code[-1].value
    assert link == links.classroom_link("http://localhost:8501", "", language, {},
                                        ["nav.train", "sidebar.model"])
    assert app.get("image")  # The QR code.
    app.toggle(key="classroom_present").set_value(True).run()
    assert app.session_state["classroom"]["present"]
    assert app.code[-1].value.endswith("&present=1")


def test_hidden_controls_are_not_drawn_and_the_links_values_stay():
    hidden = {"hidden": ["train.optimizer", "train.layers", "train.data"], "present": False}
    app = pages.run_page(str(ROOT / "app_pages" / "train.py"), "zh", classroom=hidden,
                         query={"optimizer": "sgd", "lr": "0.1"})
    keys = {element.key for kind in ("selectbox", "number_input", "radio")
            for element in app.get(kind)}
    assert "train_w_optimizer" not in keys and "train_w_data" not in keys
    assert not any(key.startswith(("train_w_layer_", "train_w_opt_")) for key in keys)
    assert "train_add" not in {button.key for button in app.button}
    assert i18n.text("classroom.fixed", "zh", what=i18n.text("train.optimizer", "zh"),
                     value="sgd, lr=0.1, momentum=0, decay=0, nesterov=False") in [
        caption.value for caption in app.caption]
    assert app.query_params["optimizer"] in ("sgd", ["sgd"])
    app = pages.run_page(str(ROOT / "app_pages" / "recognize.py"), "en",
                         classroom={"hidden": ["recognize.upload"], "present": False})
    assert "recognize_mode" not in {element.key for element in app.get("segmented_control")}


PAGE_FILES = {"recognize": "recognize.py", "layers": "layers.py",
              "activations": "activations.py", "inside": "inside.py",
              "optimizers": "optimizers.py", "datasets": "datasets.py",
              "applications": "applications.py"}


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_each_page_keeps_its_settings_in_the_url_by_the_names_lib_links_knows(page, keras_home):
    app = pages.run_page(str(ROOT / "app_pages" / PAGE_FILES[page]), "zh")
    bound = set()
    for kind in ("selectbox", "radio", "slider", "number_input", "multiselect", "toggle",
                 "segmented_control", "select_slider"):
        for element in app.get(kind):
            if getattr(element.proto, "query_param_key", ""):
                bound.add(element.proto.query_param_key)
    written = set(app.query_params) - set(links.SHARED)
    assert bound | written <= set(links.PAGE_PARAMS[page])
    assert bound | written, "the page keeps nothing in its URL"
