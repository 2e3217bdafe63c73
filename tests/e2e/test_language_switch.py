"""Switching the language back and forth on every page, in Chromium: the page stays whole.

A list whose labels are translated must not hand its value (or its callback) the other
language's label: on /train the preset list once did, and its third switch raised in the
callback, which no page's try/except can catch (the error box, the sidebar gone).
"""

import pytest
from playwright.sync_api import expect

from lib import i18n
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Each page's address and the key of its title's text (its first heading).
PAGES = {
    "home": ("", "home.title"),
    "recognize": ("recognize", "recognize.title"),
    "train": ("train", "train.title"),
    "layers": ("layers", "layers.title"),
    "activations": ("activations", "activations.title"),
    "inside": ("inside", "inside.title"),
    "optimizers": ("optimizers", "optimizers.title"),
    "datasets": ("datasets", "datasets.title"),
    "applications": ("applications", "applications.title"),
}
SWITCHES = ["zh", "en", "zh", "en"]


def choose_language(page, language):
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    box.locator("[role='combobox']").click()
    page.locator("[role='option']").filter(has_text=i18n.LANGUAGES[language]).click()
    wait_for_app(page)


@pytest.mark.parametrize("name", list(PAGES))
def test_switching_the_language_back_and_forth_keeps_the_page(page, app_url, name):
    path, title = PAGES[name]
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    for language in SWITCHES:
        choose_language(page, language)
        try:
            expect(page.locator("h1").first).to_have_text(i18n.text(title, language))
            expect(page.get_by_test_id("stException")).to_have_count(0)
            expect(page.get_by_test_id("stSidebar")).to_be_visible()
        except AssertionError:
            screenshot(page, f"language-switch-{name}-{language}")
            raise
