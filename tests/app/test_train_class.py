"""AppTest of /train with a class on one server: other students' runs finishing between reruns,
and the layer editor's arithmetic after each edit."""

import pathlib

import keras
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Multiselect

from lib import layer_stack
from tests import pages

PAGE = str(pathlib.Path(__file__).resolve().parents[2] / "app_pages" / "train.py")

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("temporary_runs")]


def _database():
    from lib.ui import cache

    return cache.run_database()


def _labels_the_browser_shows(picker):
    """A multiselect's state as the browser sends it: the labels it last showed. (AppTest
    formats the values again with the newest labels, so it cannot meet a stale one.)"""
    state = WidgetState(id=picker.id)
    shown = picker.proto.raw_values if picker.proto.set_value else [
        picker.proto.options[index] for index in picker.proto.default]
    state.string_array_value.data[:] = list(shown)
    return state


def test_another_students_run_finishing_between_reruns_breaks_nothing(monkeypatch):
    monkeypatch.setattr(Multiselect, "_widget_state", property(_labels_the_browser_shows))
    database = _database()
    # Student A's run is under way (as lib.training records it) when B opens /train.
    running = database.start_run("small_cnn-071042", {"epochs": 1}, parameters=1000)
    app = pages.run_page(PAGE, "en", train_runs_scope="class")
    assert not app.exception
    app.number_input(key="train_w_epochs").set_value(3).run()  # B changes a setting.
    assert not app.exception
    database.finish_run(running, "done", seconds=30.8965, test_loss=0.2, test_accuracy=0.945)
    app.number_input(key="train_w_epochs").set_value(4).run()  # And another one.
    assert not app.exception
    picker = next(element for element in app.get("multiselect")
                  if element.key.startswith("train_runs_picked"))
    # The run stays picked, and the table has its figures.
    assert picker.value == [running]
    [table] = app.dataframe
    row = table.value.iloc[0]
    assert (row["Test accuracy"], row["Time"], row["Parameters"]) == ("94.5%", "31 s", "1,000")


def _row_captions(app):
    return [caption.value for caption in app.caption if "param" in caption.value]


def test_each_layer_row_shows_keras_own_count_after_every_edit():
    app = pages.run_page(PAGE, "en",
                         query={"stack": "conv_32_5_same_relu~flatten~dense_10_softmax"})
    stack = app.session_state["train_stack"]
    conv = stack[0]["id"]
    for edit, value in ((f"train_w_layer_{conv}_filters", 8),
                        (f"train_w_layer_{conv}_kernel_size", 3)):
        app.number_input(key=edit).set_value(value).run()
        assert not app.exception
        model = layer_stack.build_model(layer_stack.normalize(app.session_state["train_stack"]))
        expected = [f"{layer.count_params():,} parameters" for layer in model.layers]
        assert [caption.split(", ")[-1] for caption in _row_captions(app)] == expected
        keras.backend.clear_session()
    # Filters 8 and kernel 3 on one channel: 8 * 3 * 3 + 8 = 80 parameters.
    assert _row_captions(app)[0].endswith(", 80 parameters")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_student_sees_their_runs_or_the_class_and_renames_and_deletes_only_their_own(
        monkeypatch, language):
    from lib import i18n

    monkeypatch.setattr("lib.ui.session.student_id", lambda: "anna")
    database = _database()
    mine = database.start_run("adam-1", {"optimizer": "adam", "optimizer_arguments": {
        "lr": 0.001}, "batch_size": 64}, parameters=1234567, browser="anna")
    theirs = database.start_run("sgd-1", {"optimizer": "sgd", "optimizer_arguments": {
        "lr": 0.1}, "batch_size": 64}, parameters=1234567, browser="ben")
    for run_id in (mine, theirs):
        database.finish_run(run_id, "done", seconds=125.4, test_accuracy=0.9)

    app = pages.run_page(PAGE, language)
    [table] = app.dataframe
    run_column = i18n.text("train.runs.column.run", language)
    assert list(table.value[run_column]) == ["#1 adam-1"]  # Mine by default.
    assert table.value.iloc[0][i18n.text("train.runs.column.seconds", language)] == (
        "2 min 5 s" if language == "en" else "2 分 5 秒")
    assert table.value.iloc[0][i18n.text("train.runs.column.params", language)] == "1,234,567"
    app.segmented_control(key="train_runs_scope").set_value("class").run()
    [table] = app.dataframe
    assert list(table.value[run_column]) == ["#2 sgd-1", "#1 adam-1"]
    assert list(table.value["optimizer"]) == ["sgd", "adam"]  # The settings that differ...
    assert list(table.value["lr"]) == ["0.1", "0.001"]
    assert "batch_size" not in table.value  # ...and not those all runs share.
    assert app.selectbox(key="train_runs_manage").options == ["#1 adam-1"]  # Only mine.

    rename = i18n.text("train.runs.rename", language)
    app.text_input(key=f"train_runs_name_{mine}").input("  ")  # Sent with the form's button.
    next(b for b in app.button if b.label == rename).click().run()
    assert [e.value for e in app.error] == [i18n.text("error.run_name_empty", language)]
    app.text_input(key=f"train_runs_name_{mine}").input("Anna, *lr* 0.001")
    next(b for b in app.button if b.label == rename).click().run()
    assert not app.exception and not app.error
    assert database.run(mine)["name"] == "Anna, *lr* 0.001"
    assert "#1 Anna, *lr* 0.001" in list(app.dataframe[0].value[run_column])
    app.button(key="train_runs_delete").click().run()
    assert database.run(mine) is None and database.run(theirs) is not None
    assert list(app.dataframe[0].value[run_column]) == ["#2 sgd-1"]
    assert not app.get("selectbox") or "train_runs_manage" not in [
        s.key for s in app.selectbox]  # Nothing of mine left to manage.
