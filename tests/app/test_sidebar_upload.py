"""AppTest of the sidebar's model upload: an upload is tried in the sandbox once, a refused one is
remembered by its digest and never tried again on a rerun, and its reason follows the language."""

import io
import json
import pathlib
import zipfile

import pytest

from lib import i18n, sandbox
from lib.errors import InputError
from tests import pages

ENTRYPOINT = str(pathlib.Path(__file__).resolve().parents[2] / "streamlit_app.py")

pytestmark = pytest.mark.slow


@pytest.fixture
def sandbox_calls(monkeypatch):
    calls = []
    check = sandbox.check_model
    monkeypatch.setattr(sandbox, "check_model", lambda data: calls.append(len(data)) or check(data))
    return calls


def lora_model():
    """A config-only `.keras` whose last Dense asks for LoRA weights the budget does not allow."""
    config = {"class_name": "Sequential", "config": {"name": "lora", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 28, 28, 1]}},
        {"class_name": "Flatten", "config": {"name": "flatten"}},
        {"class_name": "Dense", "config": {"name": "dense", "units": 10, "lora_rank": 500000}}]}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", b"")
    return buffer.getvalue()


def test_a_refused_upload_is_never_tried_again(sandbox_calls):
    app = pages.run_page(ENTRYPOINT)
    app.file_uploader(key="sidebar_model_upload").set_value(
        ("lora.keras", lora_model(), "application/octet-stream")).run()
    refusal = InputError("model_setting_refused", layer="dense", class_name="Dense",
                         setting="lora_rank", value="500000")
    message = i18n.markdown_message(refusal, "en")
    assert [error.value for error in app.error] == [message]
    assert len(sandbox_calls) == 1
    app.run()
    app.run()
    assert [error.value for error in app.error] == [message]
    assert len(sandbox_calls) == 1, "a refused upload was tried again on a rerun"
    assert app.session_state["uploaded_model_file"] is None
    # The remembered reason is said in the language chosen since.
    app.session_state["lang"] = "zh"  # The sidebar's language widget.
    app.run()
    assert [error.value for error in app.error] == [i18n.markdown_message(refusal, "zh")]
    assert len(sandbox_calls) == 1


def test_a_good_upload_passes_the_sandbox_once(sandbox_calls, tmp_path):
    import keras

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")],
                             name="sidebar_upload_test")  # A digest no other test caches.
    model.save(tmp_path / "tiny.keras")
    app = pages.run_page(ENTRYPOINT)
    app.file_uploader(key="sidebar_model_upload").set_value(
        ("tiny.keras", (tmp_path / "tiny.keras").read_bytes(), "application/octet-stream")).run()
    assert not app.error
    assert app.session_state["model_choice"] == "uploaded"
    app.run()
    assert len(sandbox_calls) == 1


def test_the_active_models_files_are_built_only_when_clicked(monkeypatch):
    from lib import training

    built = []
    monkeypatch.setattr(training, "model_file_bytes",
                        lambda model, suffix: built.append(suffix) or b"")
    app = pages.run_page(ENTRYPOINT, "en")
    keys = {element.key for element in app.get("download_button")}
    assert {"sidebar_download_keras", "sidebar_download_h5"} <= keys
    assert built == []  # Rendering the sidebar on every page saves nothing.
