"""AppTest of app_pages/train.py: build, train a tiny model (really, in a worker), see results."""

import io
import os
import pathlib
import zipfile

import pytest

from lib import i18n
from tests import pages

PAGE = str(pathlib.Path(__file__).resolve().parents[2] / "app_pages" / "train.py")
TINY = {"stack": "flatten~dense_10_softmax", "size": "300", "epochs": "2", "val": "0.2"}

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("temporary_runs")]


def _app(language="en", **query):
    return pages.run_page(PAGE, language, query=query)


def _wait_for_job(app):
    from lib.ui import cache

    job = cache.job_manager().job(app.session_state["train_job"])
    assert job.wait(120)
    return job.snapshot()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_page_renders_the_tutorial_preset(language):
    app = _app(language)
    assert not app.exception
    assert app.title[0].value == ("Train a model" if language == "en" else "训练模型")
    assert "935,562" in app.success[0].value
    assert len(app.code) == 3  # The three ways to build it.
    assert app.query_params["stack"].startswith("conv_32_5_same_relu~pool_2~")


def test_invalid_stack_is_explained_and_training_disabled():
    app = _app(stack="flatten~conv_8_3_same_relu~dense_10_softmax")
    assert not app.exception
    assert "comes after Flatten" in app.error[0].value
    assert app.button(key="train_start").disabled


def test_editing_layers_updates_shapes_and_the_link():
    app = _app(stack="flatten~dense_10_softmax")
    app.selectbox(key="train_w_new_layer").set_value("Dropout").run()
    app.button(key="train_add").click().run()
    assert not app.exception
    assert app.query_params["stack"] == "flatten~dropout_0.5~dense_10_softmax"
    remove = [button for button in app.button if button.key and
              button.key.startswith("train_remove_")]
    remove[1].click().run()
    assert app.query_params["stack"] == "flatten~dense_10_softmax"


def test_bad_link_values_fall_back_to_defaults():
    app = _app(epochs="many", optimizer="lion", stack="lstm_3")
    assert not app.exception
    assert app.number_input(key="train_w_epochs").value == 5
    assert app.selectbox(key="train_w_optimizer").value == "adam"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_training_a_tiny_model_end_to_end(language):
    app = _app(language, **TINY)
    app.button(key="train_start").click().run()
    assert not app.exception
    snapshot = _wait_for_job(app)
    assert snapshot.status == "done", snapshot.error
    app.run()
    assert not app.exception
    name = snapshot.meta["name"]
    assert name in app.session_state["session_models"]
    app.button(key="train_use").click().run()
    assert app.session_state["model_choice"] == name
    assert app.success[-1].value.startswith("The model" if language == "en" else "模型")
    assert len(app.metric) == 3 and app.metric[2].value == "2"
    assert "job" not in app.query_params  # A shared link never carries someone's run.
    # The run is listed among this student's own, and its curves are overlaid.
    assert app.session_state["train_runs_scope"] == "mine"
    [picker] = [element for element in app.get("multiselect")
                if element.key.startswith("train_runs_picked_")]
    assert picker.value == [snapshot.result.run_id]
    assert len(app.get("plotly_chart")) == 4  # Curves, confusion, per digit, runs.


def test_save_into_models(tmp_path):
    app = _app(**TINY)
    app.button(key="train_start").click().run()
    _wait_for_job(app)
    app.run()
    app.text_input[0].set_value("../My model!")
    [save] = [button for button in app.button if button.label == "Save into models/"]
    save.click().run()
    assert not app.exception
    saved = tmp_path / "models" / "My_model.keras"
    assert saved.exists() and saved.with_suffix(".json").exists()


def test_saved_model_download_is_built_only_when_clicked(monkeypatch):
    # Streamlit keeps a download's callable until the click: record it to call it here.
    from streamlit.runtime.media_file_manager import MediaFileManager

    deferred, register = {}, MediaFileManager.add_deferred

    def record(self, data_callable, *arguments, file_name=None, **keywords):
        deferred[file_name] = data_callable
        return register(self, data_callable, *arguments, file_name=file_name, **keywords)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    app = _app(**TINY)
    app.button(key="train_start").click().run()
    name = _wait_for_job(app).meta["name"]
    app.run()
    assert not app.exception
    [button] = [button for button in app.get("download_button")
                if button.key == "train_download_saved_model"]
    assert button.label == "Download SavedModel"
    assert button.proto.deferred_file_id  # Not exported while the page ran.
    archive = zipfile.ZipFile(io.BytesIO(deferred[f"{name}-saved_model.zip"]()))
    assert {f"{name}/1/saved_model.pb", f"{name}/1/variables/variables.index"} <= set(
        archive.namelist())


# Faults and limits, as the page tells them.


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_damaged_run_database_is_moved_aside_and_the_page_says_so(tmp_path, language):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)  # A header, then garbage.
    app = _app(language)
    [moved] = [p.name for p in tmp_path.iterdir() if p.name.startswith("runs.sqlite.corrupt-")]
    [notice] = [w.value for w in app.warning if moved in w.value]
    assert notice.startswith("The run database was damaged (" if language == "en"
                             else "训练记录数据库已损坏（")
    assert f"` {moved} `" in notice  # The file's name, literally.
    assert not app.error and not app.get("dataframe")  # A new, empty database.


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_unusable_run_database_is_explained(monkeypatch, language):
    # /sys cannot be written to, even by root: SQLite cannot make its file there.
    monkeypatch.setenv("DIGITLAB_RUNS_DB", "/sys/runs.sqlite")
    app = _app(language)
    [error] = app.error
    assert error.value.startswith("The run database cannot be used: " if language == "en"
                                  else "无法使用训练记录数据库：")
    assert "` runs.sqlite `" in error.value


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_run_killed_mid_training_is_listed_as_interrupted(tmp_path, language):
    import subprocess
    import sys

    from lib import runs

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    killed = runs.RunDatabase(tmp_path / "runs.sqlite")
    killed.owner = runs.process_id(child.pid)  # The process that trained it...
    killed.start_run("custom-killed", {"epochs": 5})
    child.kill()  # ...is killed mid-training.
    child.wait()
    app = pages.run_page(PAGE, language, train_runs_scope="class")  # Nobody's run: the class's.
    table = app.dataframe[0].value
    assert list(table[i18n.text("train.runs.column.status", language)]) == [
        "interrupted" if language == "en" else "已中断"]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_full_queue_refuses_the_run_and_says_why(monkeypatch, language):
    from lib.ui import cache

    monkeypatch.setattr(cache.job_manager(), "max_queued", 0)
    app = _app(language, **TINY)
    app.button(key="train_start").click().run()
    assert not app.exception
    assert app.session_state["train_job"] is None
    assert [w.value for w in app.warning] == [i18n.text("jobs.queue_full", language, waiting=0)]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_run_at_the_time_limit_and_saves_that_are_refused(tmp_path, monkeypatch, language):
    import errno

    from lib import models, training
    from lib.ui import cache

    monkeypatch.setattr(cache.job_manager(), "max_run_seconds", 0.0)  # Over after one batch.
    app = _app(language, **TINY)
    app.button(key="train_start").click().run()
    snapshot = _wait_for_job(app)
    assert snapshot.status == "timed_out", snapshot.error
    app.run()
    assert not app.exception
    epochs = len(snapshot.result.result.history)
    assert i18n.text("jobs.timed_out", language, minutes="0", epochs=epochs) in [
        w.value for w in app.warning]
    assert app.button(key="train_use")  # It keeps what it learned: usable, downloadable.
    # The quota is full.
    monkeypatch.setattr(training, "MAX_SAVED_MODELS", 0)
    save = i18n.text("train.save", language)
    [button] = [button for button in app.button if button.label == save]
    button.click().run()
    assert [e.value for e in app.error] == [i18n.text(
        "save.quota_count", language, count=0, folder="` models `")]
    # The folder is read-only.
    monkeypatch.setattr(training, "MAX_SAVED_MODELS", 50)

    def read_only(model, path, include_optimizer=False):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(models, "save_model", read_only)
    [button] = [button for button in app.button if button.label == save]
    button.click().run()
    assert [e.value for e in app.error] == [i18n.text(
        "save.os_error", language, folder="` models `", cause="` Read-only file system `")]
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
    runs = app.dataframe[0].value  # The run is in the table, stopped at its time limit.
    assert list(runs[i18n.text("train.runs.column.status", language)]) == [
        i18n.text("train.status.timed_out", language)]


# What /train refuses before a run starts: a stack over the budget, a bad mnist.npz.

ISSUE_STACK = "~".join(["conv_1024_1_same_relu"] * 4 + ["pool_28", "flatten", "dense_10_softmax"])
WIDE_STACK = "conv_1024_1_same_relu~pool_28~flatten~dense_10_softmax"
HEAVY_STACK = "conv_128_3_same_relu~conv_128_3_same_relu~pool_2~flatten~dense_10_softmax"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_issues_stack_is_refused_per_digit(language):
    app = _app(language, stack=ISSUE_STACK, batch="2048")
    [error] = app.error
    assert error.value.startswith(
        "Up to the layer conv2d_2, one image already takes 1,646 million operations"
        if language == "en" else "到网络层 conv2d_2 为止，一张图片已需要 1,646 百万次运算")
    assert app.button(key="train_start").disabled


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_run_over_the_memory_budget_says_which_batch_fits(language):
    app = _app(language, stack=WIDE_STACK, batch="2048")
    [error] = app.error
    assert error.value.startswith(
        "A training step of this model at batch size 2,048 needs about" if language == "en"
        else "该模型在批大小 2,048 时，一个训练步骤约需")
    assert app.button(key="train_start").disabled
    app.number_input(key="train_w_batch_size").set_value(64).run()
    assert not app.error
    assert not app.button(key="train_start").disabled
    [estimate] = [caption.value for caption in app.caption if "MB" in caption.value and (
        "Estimated" in caption.value or "估计" in caption.value)]
    assert estimate.startswith("Estimated on this server: up to " if language == "en"
                               else "在本服务器上的估计：最多 ")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_run_over_the_time_budget_says_how_many_epochs_fit(language):
    app = _app(language, stack=HEAVY_STACK, epochs="100")
    [error] = app.error
    assert error.value.startswith("This run would take up to about" if language == "en"
                                  else "这次训练在本服务器上最多约需")
    assert ("Train at most" if language == "en" else "请把训练轮数设为不超过") in error.value
    assert app.button(key="train_start").disabled


def _digits_npz(compressed=True, **overrides):
    import numpy as np

    from lib import data

    embedded = data.load_embedded()
    arrays = {"x_train": embedded.x_train[:200], "y_train": embedded.y_train[:200],
              "x_test": embedded.x_test[:50], "y_test": embedded.y_test[:50], **overrides}
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def _upload(app, contents, name="mnist.npz"):
    app.file_uploader(key="train_npz").set_value((name, contents, "application/octet-stream"))
    return app.run()


def test_an_uploaded_npz_is_kept_in_the_session_and_trains(tmp_path):
    import tempfile

    before = set(pathlib.Path(tempfile.gettempdir()).glob("digitlab-*"))
    app = _app(data="npz", stack="flatten~dense_10_softmax", epochs="1")
    assert app.button(key="train_start").disabled  # Nothing uploaded yet.
    _upload(app, _digits_npz(), name="class [3b](x).npz")
    assert not app.exception and not app.error
    assert any(caption.value == "MNIST from the file class??3b??x?.npz (200 training, 50 test "
               "digits)." for caption in app.caption)
    kept = app.session_state["train_npz_data"]
    assert kept["mnist"].x_train.shape == (200, 28, 28) and kept["error"] is None
    assert set(pathlib.Path(tempfile.gettempdir()).glob("digitlab-*")) == before
    app.button(key="train_start").click().run()
    snapshot = _wait_for_job(app)
    assert snapshot.status == "done", snapshot.error
    assert len(snapshot.meta["y_test"]) == 50
    # Removing the upload removes its digits from the session.
    app.file_uploader(key="train_npz").set_value(None)
    app.run()
    assert app.session_state["train_npz_data"] is None


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_refused_npz_upload_is_explained_and_remembered(language, monkeypatch):
    import numpy as np

    from lib import data

    app = _app(language, data="npz")
    _upload(app, _digits_npz(compressed=False, x_train=np.full((200, 28, 28), 0.5)))
    [error] = app.error
    assert error.value.startswith(
        "x_train holds the value 0.5. Expected whole numbers" if language == "en"
        else "x_train 中有值 0.5。需要 0 到 255 之间的整数")
    assert app.button(key="train_start").disabled
    # A rerun with the same upload neither reads nor hashes it again.
    monkeypatch.setattr(data, "read_npz", lambda *a, **k: pytest.fail("read again"))
    app.number_input(key="train_w_epochs").set_value(3).run()
    assert not app.exception
    assert app.error[0].value == error.value
