"""AppTest: a page failing for a reason nobody foresaw shows a short message, not a traceback."""

import pathlib

import pytest

from lib import i18n
from lib.ui import session
from tests import pages

ENTRYPOINT = str(pathlib.Path(__file__).resolve().parents[2] / "streamlit_app.py")

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_unexpected_error_is_a_message_not_a_traceback(monkeypatch, language):
    def broken():
        raise RuntimeError("/srv/digitlab/secret.py line 12: boom")

    monkeypatch.setattr(session, "active_model", broken)
    app = pages.run_page(ENTRYPOINT, language)  # Fails on any exception shown to the user.
    assert [error.value for error in app.error] == [i18n.text("app.unexpected", language)]
    shown = [element.value for element in (*app.markdown, *app.caption, *app.error)]
    assert not any("secret" in str(value) for value in shown)
    assert app.sidebar.selectbox  # The frame around the page is still drawn.
