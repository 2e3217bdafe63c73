"""Real-browser smoke test of /datasets and /applications on this offline machine."""

import pytest

from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_datasets_and_applications_offline(app_url, page):
    page.set_viewport_size({"width": 1400, "height": 3400})  # The page scrolls inside its frame.
    page.goto(f"{app_url}/datasets")
    wait_for_app(page)
    page.get_by_text("MNIST: handwritten digits").wait_for()
    page.locator(".st-key-datasets_mnist_grid .js-plotly-plot").wait_for()
    assert page.locator(".js-plotly-plot").count() == 4
    page.get_by_text("is not in Keras's cache and its server cannot be reached").wait_for()
    screenshot(page, "datasets_offline")

    page.goto(f"{app_url}/applications")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Classify a photo with the ImageNet weights").wait_for()
    page.locator(".st-key-applications_compare_chart .js-plotly-plot").wait_for()
    page.get_by_text("The ImageNet weights of MobileNetV2 are not in Keras's cache").wait_for()
    assert page.get_by_text("Traceback").count() == 0
    screenshot(page, "applications_offline")
