"""/inside in a real Chromium: a digit drawn on /recognize followed through the model, the tabs,
a mistake inspected from the gallery, a point picked on the 2-D map, and 中文.

Screenshots go to `test-artifacts/e2e/inside-*.png`.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_for_app
from tests.e2e.test_recognize import draw, metric

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# A 4 written with its top closed, the way that makes models (and people) read a 9.
CLOSED_FOUR = [(0.64, 0.88), (0.66, 0.14), (0.34, 0.16), (0.32, 0.5), (0.74, 0.5)]


def tall(page):
    # The app scrolls inside its own frame: a tall window shows a whole tab in a screenshot.
    page.set_viewport_size({"width": 1400, "height": 2600})


def open_tab(page, name):
    page.get_by_role("tab", name=re.compile(name)).click()
    wait_for_app(page)


def test_a_drawn_digit_inside_the_model(page, app_url):
    tall(page)
    page.goto(f"{app_url}/recognize")
    wait_for_app(page)
    draw(page, CLOSED_FOUR)
    wait_for_app(page)
    expect(metric(page, "Prediction")).to_have_text(re.compile(r"^\d$"))
    drawn_as = metric(page, "Prediction").inner_text()

    # Through the sidebar, in the same session (a new page load would start a new one).
    page.locator('[data-testid="stSidebarNav"] a[href$="/inside"]').click()
    wait_for_app(page)
    # The last drawn digit is the input, and the page agrees with /recognize about it.
    expect(page.get_by_role("radio", name=re.compile("Last drawn on Recognize"))).to_be_checked()
    expect(metric(page, "Prediction")).to_have_text(drawn_as)
    screenshot(page, "inside-drawn-layers")
    feature_maps = page.locator('[class*="st-key-inside_layer_"] .js-plotly-plot')
    expect(feature_maps.first).to_be_visible()
    assert feature_maps.count() >= 10

    open_tab(page, "Why this answer")
    expect(page.locator(".st-key-inside_explanation .js-plotly-plot")).to_be_visible()
    screenshot(page, "inside-drawn-why")

    open_tab(page, "Filters")
    expect(page.locator(".st-key-inside_kernels .js-plotly-plot")).to_be_visible()
    expect(page.locator(".st-key-inside_pattern .js-plotly-plot")).to_be_visible()
    screenshot(page, "inside-filters")


def test_mistakes_and_the_map_select_the_input(page, app_url):
    tall(page)
    page.goto(f"{app_url}/inside")
    wait_for_app(page)
    open_tab(page, "Where it goes wrong")
    expect(page.locator(".st-key-inside_confusion .js-plotly-plot")).to_be_visible()
    screenshot(page, "inside-errors")

    # Inspect the most confident mistake: it becomes the input, and the model is wrong on it.
    first = page.locator('[class*="st-key-inside_inspect_"]').first
    index = re.search(r"inside_inspect_(\d+)", first.get_attribute("class"))
    first.locator("button").click()
    wait_for_app(page)
    expect(page.locator(".st-key-inside_test_index input")).to_have_value(index.group(1))
    label = page.get_by_text(re.compile(r"^True digit: \d$")).inner_text()[-1]
    assert metric(page, "Prediction").inner_text() != label

    # Click a point of the PCA map (its pixel position from Plotly's own axes).
    chart = page.locator(".st-key-inside_map .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    position = chart.evaluate("""(plot) => {
        // Plotly decodes the figure's binary arrays into _fullData.
        const trace = plot._fullData[0], x = plot._fullLayout.xaxis, y = plot._fullLayout.yaxis;
        return {left: x._offset + x.l2p(trace.x[0]), top: y._offset + y.l2p(trace.y[0]),
                index: Number(trace.customdata[0])};
    }""")
    chart.click(position={"x": position["left"], "y": position["top"]})
    wait_for_app(page)
    picked = page.locator(".st-key-inside_map_inspect button")
    expect(picked).to_be_visible()
    screenshot(page, "inside-map-picked")
    picked.click()
    wait_for_app(page)
    expect(page.locator(".st-key-inside_test_index input")).to_have_value(
        str(position["index"]))


def test_chinese(page, app_url):
    tall(page)
    page.goto(f"{app_url}/inside")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="简体中文").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="模型内部")).to_be_visible()
    open_tab(page, "为什么是这个答案")
    expect(page.locator(".st-key-inside_explanation .js-plotly-plot")).to_be_visible()
    # No English label left behind in a selectbox after the switch.
    expect(page.get_by_role("combobox", name="解释哪个类别")).to_have_value("预测的数字")
    screenshot(page, "inside-zh-why")
