"""lib.ui.session: a run's binding to its tab, and names shown literally in Markdown (lib.i18n)."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from lib import errors, i18n, layer_stack


@pytest.fixture(autouse=True)
def test_browser(monkeypatch):
    """AppTest sends no cookies: a session's browser id is what the test puts in its state."""
    import streamlit as st

    from lib.ui import session

    monkeypatch.setattr(session, "browser_id", lambda: st.session_state.get("test_browser"))


def _binding_script():
    import streamlit as st

    from lib.ui import session

    st.session_state["binding"] = session.run_binding()
    st.session_state["link"] = session.link_query()


def _tab(browser, link=None):
    """A new session (a new tab, or a reload when `link` is the old tab's)."""
    app = AppTest.from_function(_binding_script, default_timeout=60)  # lib.session imports Keras.
    app.session_state["test_browser"] = browser
    for key, value in (link or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def test_a_reload_of_a_tab_keeps_its_binding_and_nothing_else_has_it():
    tab = _tab("browser-a")
    binding, link = tab.session_state["binding"], tab.session_state["link"]
    assert list(link) == ["tab"] and re.fullmatch(r"[A-Za-z0-9_-]{22}", link["tab"])
    assert binding not in (None, link["tab"], "browser-a")  # Neither value alone.
    tab.run()
    assert tab.session_state["binding"] == binding  # Every run of the session.
    assert _tab("browser-a", link).session_state["binding"] == binding  # A reload.
    others = [
        _tab("browser-a"),  # A second tab of the same browser.
        _tab("browser-b", link),  # The link, shared with another browser.
        _tab("browser-a", {"tab": "../../not-an-id"}),  # A made-up id is replaced.
    ]
    assert all(other.session_state["binding"] not in (None, binding) for other in others)
    assert others[2].session_state["link"]["tab"] != "../../not-an-id"


def test_without_a_browser_id_runs_are_not_bound():
    tab = _tab(None)
    assert tab.session_state["binding"] is None and tab.session_state["link"] == {}


HOSTILE_NAMES = [
    "[click me](http://evil.example)",
    "![x](http://evil.example/p.png)",
    "http://evil.example/a www.evil.example a@evil.example",
    ":red[alarm] :material/warning: :streamlit: $x^2$",
    "**bold** _it_ # head\n\n- item <b>html</b>",
    "a ` b `` c ```",
    "`starts and ends with a backtick`",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_is_shown_as_one_code_span_that_it_cannot_close(name):
    shown = i18n.markdown_literal(name)
    fence = re.match("`+", shown).group()
    assert shown.startswith(fence + " ") and shown.endswith(" " + fence)
    inside = shown[len(fence) + 1: -len(fence) - 1]
    assert inside == " ".join(name.split())  # One line, otherwise as written.
    # No run of backticks inside is as long as the fence (so none ends the span); a text's
    # own backticks around the placeholder only lengthen it.
    assert all(len(run) < len(fence) for run in re.findall("`+", inside))
    assert "\n" not in i18n.text("inside.filters.kernels", layer=shown)


def test_control_and_direction_characters_and_length():
    assert i18n.markdown_literal("evil\u202egnp.keras\x1b[31m\x00") == (
        "` evil\ufffdgnp.keras\ufffd[31m\ufffd `")
    long = i18n.markdown_literal("x" * 1000)
    assert len(long) == i18n.MAX_LITERAL_CHARACTERS + 4 and long.endswith("\u2026 `")
    assert i18n.markdown_literal("  \n ") == ""


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_error_message_shows_the_names_it_holds_literally(language):
    error = errors.InputError("zip_ratio", name="[x](http://evil.example)", ratio=500.0,
                              limit=100.0)
    shown = i18n.markdown_message(error, language)
    assert shown == i18n.text("error.zip_ratio", language, ratio=500.0, limit=100.0,
                              name="` [x](http://evil.example) `")
    assert str(error).startswith("The zip member [x](http://evil.example) is")  # Unchanged.
    stack_error = layer_stack.StackError("unknown_type", index=2, layer_type="**Lambda**",
                                         known="Dense")
    assert "` **Lambda** `" in i18n.markdown_message(stack_error, language)
    assert i18n.markdown_message(RuntimeError("a *b*"), language) == "` a *b* `"
