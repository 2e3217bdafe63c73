"""The explore pages in a real Chromium: change a layer argument and an activation, see the
figures change. Screenshots go to `test-artifacts/e2e/explore-*.png`."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
# The legend entry of elu alone (not relu's or selu's).
ELU = re.compile(r"^elu f\(x\)$")


def chart(page, key):
    """The Plotly chart with `key`, once drawn."""
    locator = page.locator(f".st-key-{key} .js-plotly-plot")
    expect(locator).to_be_visible(timeout=60_000)
    return locator


def set_number(page, key, value):
    field = page.locator(f".st-key-{key} input")
    field.fill(str(value))
    field.press("Enter")
    wait_for_app(page)


def choose(page, key, option):
    box = page.locator(f".st-key-{key}").get_by_role("combobox")
    box.click()
    box.fill(option)
    box.press("Enter")
    wait_for_app(page)


def test_layer_argument_changes_the_feature_maps(page, app_url):
    page.goto(f"{app_url}/layers")
    wait_for_app(page)
    output = chart(page, "layers_output_chart")
    before = output.screenshot()
    expect(page.get_by_text("(5 x 5 x 1 + 1) x 8 = 208")).to_be_visible(timeout=60_000)
    screenshot(page, "explore-layers-conv2d")

    set_number(page, "layers_Conv2D_filters", 16)
    expect(page.get_by_text("(5 x 5 x 1 + 1) x 16 = 416")).to_be_visible()
    expect(page.locator('[data-testid="stMetricValue"]').nth(1)).to_have_text("(1, 24, 24, 16)")
    after = chart(page, "layers_output_chart").screenshot()
    assert after != before
    screenshot(page, "explore-layers-conv2d-16-filters")

    choose(page, "layers_type", "Dropout")
    expect(page.get_by_text("Dropout mask (white: kept)")).to_be_visible()
    screenshot(page, "explore-layers-dropout")
    choose(page, "layers_type", "Conv2D")

    set_number(page, "layers_Conv2D_kernel_size_0", 30)
    expect(page.get_by_text("does not fit in the (28, 28) input")).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)
    screenshot(page, "explore-layers-refused")


def test_activation_choice_changes_the_chart(page, app_url):
    page.goto(f"{app_url}/activations")
    wait_for_app(page)
    figure = chart(page, "activations_chart")
    before = figure.screenshot()
    expect(figure.locator(".legendtext", has_text=ELU)).to_have_count(0)

    picker = page.locator(".st-key-activations_picks input")
    picker.click()
    picker.fill("elu")
    page.get_by_role("option", name="elu", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    figure = chart(page, "activations_chart")
    expect(figure.locator(".legendtext", has_text=ELU)).to_have_count(1)
    assert figure.screenshot() != before
    screenshot(page, "explore-activations-elu")


def test_optimizers_page_in_chinese(page, app_url):
    page.goto(f"{app_url}/optimizers")
    wait_for_app(page)
    chart(page, "optimizers_contour")
    choose(page, "lang", "简体中文")
    expect(page.get_by_role("heading", name="优化器", exact=True)).to_be_visible()
    chart(page, "optimizers_contour")
    screenshot(page, "explore-optimizers")
    page.locator(".st-key-optimizers_mnist_run button").click()
    wait_for_app(page)
    chart(page, "optimizers_mnist_chart")
    expect(page.get_by_text("最后 50 个批次的平均损失").first).to_be_visible()
    screenshot(page, "explore-optimizers-mnist")
