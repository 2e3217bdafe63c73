"""AppTest of app_pages/optimizers.py in both languages, with several widget settings."""

import functools

import pytest

from lib import explore
from tests import pages
from tests.conftest import ROOT

PAGE = str(ROOT / "app_pages" / "optimizers.py")
pytestmark = pytest.mark.slow


run_page = functools.partial(pages.run_page, PAGE, timeout=120)


@pytest.mark.parametrize(("language", "title"), [("en", "Optimizers"), ("zh", "优化器")])
def test_page_in_both_languages(language, title):
    app = run_page(language)
    assert app.title[0].value == title
    assert not app.error and not app.warning
    assert any("keras.optimizers.SGD(" in block.value for block in app.code)
    assert any("InverseTimeDecay" in item.value for item in app.markdown)


def test_surfaces_optimizers_and_decay():
    app = run_page()
    app.multiselect(key="optimizers_picks").set_value(["sgd", "rmsprop", "adagrad", "adam"]).run()
    for surface in explore.optimizers.SURFACES:
        app.selectbox(key="optimizers_surface").set_value(surface).run()
        assert not app.exception, surface
    app.selectbox(key="optimizers_surface").set_value("bowl").run()
    app.number_input(key="optimizers_bowl_sgd_decay").set_value(0.01).run()
    app.slider(key="optimizers_bowl_sgd_momentum").set_value(0.9).run()
    app.checkbox(key="optimizers_bowl_sgd_nesterov").check().run()
    assert not app.exception
    code = "\n".join(block.value for block in app.code)
    assert "decay_rate=0.01" in code and "nesterov=True" in code


def test_too_large_learning_rate_warns_in_plain_words():
    app = run_page("zh")
    app.selectbox(key="optimizers_surface").set_value("rosenbrock").run()
    app.number_input(key="optimizers_rosenbrock_sgd_lr").set_value(0.01).run()
    assert any("发散" in item.value for item in app.warning)


def test_mnist_curves_after_the_button():
    app = run_page()
    app.slider(key="optimizers_mnist_steps").set_value(100).run()
    assert any("Press the button" in item.value for item in app.caption)
    app.button(key="optimizers_mnist_run").click().run()
    assert not app.exception and not app.warning
    finals = [item.value for item in app.caption if "mean loss of the last 50" in item.value]
    assert len(finals) == 2
    # A widget change elsewhere keeps the curves (same settings, cached).
    app.slider(key="optimizers_steps").set_value(100).run()
    assert len([item for item in app.caption if "mean loss" in item.value]) == 2
