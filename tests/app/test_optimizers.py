"""AppTest of app_pages/optimizers.py in both languages, with several widget settings."""

import functools

import pytest

from lib import explore, i18n, models
from lib.ui import cache
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


def final_losses(app):
    """The captions under the MNIST curves: "sgd (lr 0.3): mean loss of ... 0.512"."""
    return [item.value for item in app.caption if "(lr " in item.value or "（学习率 " in item.value]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_mnist_has_its_own_learning_rates(language):
    # Rosenbrock's rates suit the surface (SGD's is 0.001): MNIST starts from its own instead.
    app = run_page(language)
    app.selectbox(key="optimizers_surface").set_value("rosenbrock").run()
    app.multiselect(key="optimizers_picks").set_value(list(models.OPTIMIZERS)).run()
    app.slider(key="optimizers_mnist_steps").set_value(100).run()
    for name, rate in explore.optimizers.MNIST_LEARNING_RATES.items():
        widget = app.number_input(key=f"optimizers_mnist_{name}_lr")
        assert widget.value == rate
        assert widget.label == i18n.text("optimizers.mnist.lr", language, name=name)
    assert app.number_input(key="optimizers_rosenbrock_sgd_lr").value == 0.001
    app.number_input(key="optimizers_mnist_adam_lr").set_value(0.001).run()
    app.button(key="optimizers_mnist_run").click().run()
    assert not app.exception and not app.warning
    finals = final_losses(app)
    assert len(finals) == 4
    assert any(item.startswith(("adam (lr 0.001)", "adam（学习率 0.001）")) for item in finals)
    # SGD with its MNIST rate learns in 100 batches (with the surface's 0.001 it stays at 2.3).
    sgd = next(item for item in finals if item.startswith("sgd"))
    assert float(sgd.rsplit(" ", 1)[-1]) < 1.0
    # A surface setting that MNIST does not use keeps the curves.
    app.number_input(key="optimizers_rosenbrock_sgd_lr").set_value(0.002).run()
    assert len(final_losses(app)) == 4


def test_steps_cut_paths_and_warmed_defaults_compute_nothing(monkeypatch):
    # What the server warms (lib.ui.server) is what a first visit asks for, on every surface.
    cache._explore_full_path.clear()
    cache.explore_warm_optimizers()
    computed = []
    real = explore.optimizers.optimizer_path

    def counting(*args, **kwargs):
        computed.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(explore.optimizers, "optimizer_path", counting)
    app = run_page()
    assert app.slider(key="optimizers_steps").max == explore.optimizers.MAX_STEPS
    app.multiselect(key="optimizers_picks").set_value(list(models.OPTIMIZERS)).run()
    for surface in explore.optimizers.SURFACES:
        app.selectbox(key="optimizers_surface").set_value(surface).run()
        for steps in (10, 300, 150):
            app.slider(key="optimizers_steps").set_value(steps).run()
            assert not app.exception
    assert computed == []
    app.number_input(key="optimizers_saddle_sgd_lr").set_value(0.004).run()
    assert [args[:2] for args in computed] == [("saddle", "sgd")]
