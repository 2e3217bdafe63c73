"""Styles MNIST has few of, drawn with the mouse on /recognize in a real Chromium.

A 4 with a closed top and a 1 with a flag (and with a flag and a base), as a
class in Europe or China writes them: the model bundled before read such a 1
as 7. Drawn by hand here, stroke by stroke, not by the generator that trained
the model. Screenshots go to `test-artifacts/e2e/styles-*.png`.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_for_app
from tests.e2e.test_recognize import clear, draw, metric, open_recognize

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Strokes in fractions of the canvas, each drawn without lifting the mouse.
CLOSED_FOUR = [[(0.6, 0.15), (0.27, 0.62), (0.78, 0.62)], [(0.6, 0.15), (0.6, 0.87)]]
FLAGGED_ONE = [[(0.36, 0.32), (0.56, 0.14), (0.56, 0.86)]]
FLAG_AND_BASE_ONE = [*FLAGGED_ONE, [(0.36, 0.86), (0.76, 0.86)]]


@pytest.mark.parametrize(("name", "strokes", "digit"), [
    ("closed-four", CLOSED_FOUR, "4"),
    ("flagged-one", FLAGGED_ONE, "1"),
    ("flag-and-base-one", FLAG_AND_BASE_ONE, "1"),
])
def test_a_class_handwriting_is_read(page, app_url, name, strokes, digit):
    open_recognize(page, app_url)
    for stroke in strokes:
        draw(page, stroke)
        wait_for_app(page)
    expect(metric(page, "Prediction")).to_have_text(digit, timeout=30_000)
    wait_for_app(page)
    # The answer stays once every stroke is in (a last rerun may still be on its way).
    page.wait_for_timeout(500)
    wait_for_app(page)
    expect(metric(page, "Prediction")).to_have_text(digit)
    screenshot(page, f"styles-{name}")
    clear(page)
