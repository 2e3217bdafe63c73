"""AppTest of app_pages/layers.py in both languages, with several widget settings."""

import functools

import numpy as np
import pytest

from lib import explore
from tests import pages
from tests.conftest import ROOT

PAGE = str(ROOT / "app_pages" / "layers.py")
pytestmark = pytest.mark.slow


run_page = functools.partial(pages.run_page, PAGE, timeout=120)


def metric(app, label):
    return next(item.value for item in app.metric if item.label == label)


@pytest.mark.parametrize(("language", "title", "same"), [
    ("en", "Layers on a real digit", "The same network all three ways"),
    ("zh", "在真实数字上试验网络层", "三种方式得到同一个网络"),
])
def test_page_in_both_languages(language, title, same):
    app = run_page(language)
    assert app.title[0].value == title
    assert not app.error
    assert any(same in item.value and "935,562" in item.value for item in app.success)
    parameters = "Parameters" if language == "en" else "参数数量"
    assert metric(app, parameters) == "208"
    assert any("(5 x 5 x 1 + 1) x 8 = 208" in item.value for item in app.markdown)


def test_every_layer_type_renders():
    app = run_page()
    for layer_type in explore.layers.LAYERS:
        app.selectbox(key="layers_type").set_value(layer_type).run()
        assert not app.exception, (layer_type, [e.value for e in app.exception])
        assert not app.error, layer_type
        assert any(f"layers.{layer_type}(" in block.value for block in app.code), layer_type


def test_arguments_change_shape_and_formula():
    app = run_page()
    app.number_input(key="layers_Conv2D_filters").set_value(32).run()
    app.selectbox(key="layers_Conv2D_padding").set_value("same").run()
    assert metric(app, "Output shape") == "(1, 28, 28, 32)"
    assert any("(5 x 5 x 1 + 1) x 32 = 832" in item.value for item in app.markdown)
    app.number_input(key="layers_Conv2D_strides_0").set_value(2).run()
    app.number_input(key="layers_Conv2D_strides_1").set_value(2).run()
    assert metric(app, "Output shape") == "(1, 14, 14, 32)"


@pytest.mark.parametrize(("language", "message"), [
    ("en", "does not fit in the (28, 28) input"), ("zh", "放不进 (28, 28) 的输入"),
])
def test_kernel_larger_than_the_input_is_explained(language, message):
    app = run_page(language)
    app.number_input(key="layers_Conv2D_kernel_size_0").set_value(30).run()
    app.number_input(key="layers_Conv2D_kernel_size_1").set_value(30).run()
    assert not app.exception
    assert any(message in item.value and "Computed output size" in item.value
               for item in app.error)


def test_stride_zero_is_explained():
    app = run_page(layers_type="MaxPooling2D")
    app.checkbox(key="layers_MaxPooling2D_strides_none").uncheck().run()
    app.number_input(key="layers_MaxPooling2D_strides_0").set_value(0).run()
    assert any("strides must be at least 1" in item.value for item in app.error)


def test_the_digit_drawn_on_recognize_is_offered():
    drawn = np.zeros((28, 28), dtype=np.float32)
    drawn[4:24, 13:15] = 1.0
    app = run_page(recognize_last_digit=drawn)
    app.radio(key="layers_digit_source").set_value("drawn").run()
    assert not app.exception and not app.error
    app.selectbox(key="layers_kernel_preset").set_value("edge_vertical").run()
    assert not app.exception and not app.error
