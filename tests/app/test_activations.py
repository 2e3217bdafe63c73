"""AppTest of app_pages/activations.py in both languages, with several widget settings."""

import functools

import pytest

from lib import explore
from tests import pages
from tests.conftest import ROOT

PAGE = str(ROOT / "app_pages" / "activations.py")
pytestmark = pytest.mark.slow


run_page = functools.partial(pages.run_page, PAGE)


@pytest.mark.parametrize(("language", "title", "dead"), [
    ("en", "Activation functions", "Dead ReLUs"), ("zh", "激活函数", "ReLU 死亡"),
])
def test_page_in_both_languages(language, title, dead):
    app = run_page(language)
    assert app.title[0].value == title
    assert any(dead in item.value for item in app.markdown)
    assert not app.error
    table = app.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["relu", "sigmoid", "tanh"]


def test_all_activations_at_once_and_their_arguments():
    app = run_page()
    app.multiselect(key="activations_picks").set_value(list(explore.activations.ACTIVATIONS)).run()
    assert not app.exception and not app.error
    assert len(app.dataframe[0].value) == len(explore.activations.ACTIVATIONS)
    app.slider(key="activations_relu_max_value").set_value(2.0).run()
    app.slider(key="activations_elu_alpha").set_value(0.5).run()
    app.checkbox(key="activations_gelu_approximate").check().run()
    app.toggle(key="activations_derivative").set_value(False).run()
    app.slider(key="activations_range").set_value((-2.0, 8.0)).run()
    assert not app.exception and not app.error
    sigmoid = app.dataframe[0].value.set_index("Function").loc["sigmoid"]
    assert sigmoid["Largest |f'|"] == "0.25"


def test_nothing_picked_asks_for_one():
    app = run_page()
    app.multiselect(key="activations_picks").set_value([]).run()
    assert any("at least one" in item.value for item in app.info)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_softmax_axis_and_temperature(language):
    app = run_page(language)
    app.radio(key="activations_axis").set_value(0).run()
    app.select_slider(key="activations_temperature").set_value(4.0).run()
    assert not app.exception and not app.error
    assert any("softmax(logits / 4, axis=0)" in block.value for block in app.code)
    assert any("1.00, 1.00, 1.00" in item.value for item in app.caption)
