"""Classroom links in a real Chromium: a teacher's link with hidden controls in Chinese, opened
by a student, and kept by a reload and by a page switch.

Screenshots go to `test-artifacts/e2e/classroom-*.png`.
"""

import pytest
from playwright.sync_api import expect

from lib import i18n, links
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def zh(key, **values):
    return i18n.text(key, "zh", **values)


def test_a_chinese_classroom_link_with_hidden_controls_survives_a_reload(page, app_url):
    link = links.classroom_link(app_url, "train", "zh",
                                {"optimizer": "sgd", "lr": "0.1", "epochs": "3"},
                                ["train.optimizer", "train.data", "nav.applications"])
    page.goto(link)
    wait_for_app(page)
    for reload in (False, True):
        if reload:
            page.reload()
            wait_for_app(page)
        expect(page.get_by_role("heading", name=zh("train.title"))).to_be_visible()
        expect(page.get_by_text(zh("classroom.locked").split(": ", 1)[-1].split("：")[-1]))
        # The hidden controls are not there; the link's values are.
        page.get_by_role("tab", name=zh("train.tab.training")).click()
        expect(page.locator(".st-key-train_w_epochs input")).to_have_value("3")
        assert page.locator(".st-key-train_w_optimizer").count() == 0
        assert page.locator(".st-key-train_w_data").count() == 0
        expect(page.get_by_text("sgd, lr=0.1", exact=False)).to_be_visible()
        # The hidden page is out of the navigation; the others are there, in Chinese.
        navigation = page.locator('[data-testid="stSidebarNav"]')
        expect(navigation.get_by_text(zh("nav.recognize"))).to_be_visible()
        assert navigation.get_by_text(zh("nav.applications")).count() == 0
        assert "lang=zh" in page.url and "hide=" in page.url
    screenshot(page, "classroom-train-zh")

    # A page switch keeps the language and what is hidden.
    page.locator('[data-testid="stSidebarNav"]').get_by_text(zh("nav.recognize")).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=zh("recognize.title"))).to_be_visible()
    assert "lang=zh" in page.url and "hide=" in page.url
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=zh("recognize.title"))).to_be_visible()
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text(
        zh("nav.applications")).count() == 0


def test_the_teachers_panel_link_opens_the_same_view(page, app_url):
    page.goto(f"{app_url}/recognize?lang=zh")
    wait_for_app(page)
    page.get_by_text(zh("classroom.share")).click()
    page.locator(".st-key-classroom_hide").click()
    page.get_by_role("option", name=zh("classroom.control.recognize.upload")).click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"] code').inner_text()
    assert link.startswith(app_url + "/recognize?") and "hide=recognize.upload" in link
    assert page.locator('[data-testid="stSidebar"] [data-testid="stImage"] img').count() == 1
    screenshot(page, "classroom-panel-zh")
    student = page.context.new_page()
    student.goto(link)
    wait_for_app(student)
    expect(student.get_by_role("heading", name=zh("recognize.title"))).to_be_visible()
    expect(student.locator("canvas.upper-canvas").first).to_be_visible()
    assert student.locator(".st-key-recognize_mode").count() == 0  # Drawing only.
    student.close()
