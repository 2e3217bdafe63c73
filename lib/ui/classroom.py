"""What a classroom link sets for a session, and the teacher's "Share with the class" panel.

A link's language is the sidebar's language widget, bound to `?lang=` (`session`'s
`take_language`). Its hidden controls (`?hide=`) and presentation mode (`?present=1`) are
taken once, on the session's first run, and written back into the URL on every run: a page
switch clears a link's other parameters, and a reload must keep them. Each page's own
settings are its widgets bound to the URL (`lib.links.PAGE_PARAMS`).
"""

import io
import urllib.parse

import segno
import streamlit as st

from lib import i18n, links


def take_link():
    """The link's hidden controls and presentation mode become the session's (first run);
    then, on every run, the URL says them again.

    Returns:
        The names in the link's `hide=` that are no control (empty after the first run).
    """
    state = st.session_state
    ignored = []
    if state["classroom"] is None:
        hidden, ignored = links.parse_hidden(st.query_params.get(links.HIDE))
        state["classroom"] = {"hidden": hidden,
                              "present": st.query_params.get(links.PRESENT) == "1"}
    classroom = state["classroom"]
    _write(links.HIDE, ",".join(classroom["hidden"]))
    _write(links.PRESENT, "1" if classroom["present"] else "")
    return ignored


def _write(name, value):
    if value and st.query_params.get(name) != value:
        st.query_params[name] = value
    elif not value and name in st.query_params:
        del st.query_params[name]


def hidden(control):
    """Whether the link hides `control` (a name in `lib.links.CONTROLS`)."""
    classroom = st.session_state["classroom"]
    return classroom is not None and control in classroom["hidden"]


def presenting():
    """Whether the session is in presentation mode (a projector's layout)."""
    classroom = st.session_state["classroom"]
    return classroom is not None and classroom["present"]


def locked_notice(t):
    """One line at the top of a page whose link hides controls."""
    if st.session_state["classroom"] and st.session_state["classroom"]["hidden"]:
        st.caption(t("classroom.locked"), help=t("classroom.locked_help"))


def share_panel(page, t):
    """The teacher's panel: what to hide, presentation mode, and the link with its QR code.

    Args:
        page: The current page's `url_path` (`""` for home).
        t: The translator.
    """
    with st.expander(t("classroom.share"), icon=":material/co_present:"):
        choices = [name for name in links.CONTROLS
                   if name.startswith("nav.") or name.startswith(("sidebar.", f"{page}."))]
        hide = st.multiselect(t("classroom.hide"), choices, key="classroom_hide",
                              format_func=lambda name: t(f"classroom.control.{name}"),
                              help=t("classroom.hide_help"))
        st.toggle(t("classroom.present"), key="classroom_present", value=presenting(),
                  on_change=_toggle_present, help=t("classroom.present_help"))
        link = links.classroom_link(_base_url(), page, st.session_state["language"],
                                    page_settings(page), hide, presenting())
        st.code(link, language=None, wrap_lines=True)
        st.image(qr_png(link), caption=t("classroom.qr"), width=220)
        st.caption(t("classroom.not_a_lock"))


def _toggle_present():
    st.session_state["classroom"]["present"] = st.session_state["classroom_present"]


def page_settings(page):
    """This page's settings as its URL holds them now (no session ids, no classroom names)."""
    known = links.known_params(page)
    return {name: value for name, value in st.query_params.to_dict().items()
            if name in known}


def _base_url():
    """The app's address as this browser reached it (behind a proxy too)."""
    url = urllib.parse.urlsplit(st.context.url or "http://localhost:8501")
    return f"{url.scheme}://{url.netloc}"


def qr_png(link, scale=5):
    """The link as a QR code (`segno`), PNG bytes, large enough for a projector."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def ignored_notice(names, t):
    """A toast for the parts of a link that could not be read (as /train does)."""
    if names:
        st.toast(t("classroom.link_ignored", names=i18n.markdown_literal(", ".join(names))),
                 icon=":material/link_off:")
