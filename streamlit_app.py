"""Keras Digit Lab: the router and the frame (page config, sidebar, navigation)."""

import logging

import streamlit as st

from lib import i18n, model_budget, model_files
from lib.errors import InputError
from lib.ui import cache, classroom, presentation, server, session, widgets

# The refused uploads a session remembers (their digests and reasons), the oldest dropped first.
MAX_REFUSED_MODELS = 16

st.set_page_config(page_title="Keras Digit Lab", page_icon=":material/draw:", layout="wide")
session.take_language()
ignored = classroom.take_link()
t = session.translator()


def page(script, url_path, title, icon):
    """A page of the lab; a classroom link may leave it out of the navigation (its links and
    its address still work: hidden is not locked)."""
    shown = "hidden" if classroom.hidden(f"nav.{url_path}") else "visible"
    return st.Page(script, title=title, icon=icon, url_path=url_path, visibility=shown)


pages = [
    st.Page("app_pages/home.py", title=t("nav.home"), icon=":material/home:", default=True),
    page("app_pages/recognize.py", "recognize", t("nav.recognize"), ":material/draw:"),
    page("app_pages/train.py", "train", t("nav.train"), ":material/model_training:"),
    page("app_pages/layers.py", "layers", t("nav.layers"), ":material/layers:"),
    page("app_pages/activations.py", "activations", t("nav.activations"), ":material/show_chart:"),
    page("app_pages/inside.py", "inside", t("nav.inside"), ":material/biotech:"),
    page("app_pages/optimizers.py", "optimizers", t("optimizers.nav"), ":material/route:"),
    page("app_pages/datasets.py", "datasets", t("nav.datasets"), ":material/database:"),
    page("app_pages/applications.py", "applications", t("nav.applications"), ":material/apps:"),
]
navigation = st.navigation(pages)

with st.sidebar:
    st.selectbox(
        t("app.language"), options=list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,
        key=session.LANGUAGE_WIDGET,
    )
    session.take_language()
    t = session.translator()
    uploaded_file = st.session_state["uploaded_model_file"]

    def model_label(key):
        # Reads no session state: the label is also computed outside the script run (AppTest).
        if key == "bundled":
            return t("sidebar.model.bundled")
        if key == "uploaded":
            return t("sidebar.model.uploaded", name=uploaded_file[0])
        return t("sidebar.model.session", name=key)

    # The picker is a view of the session's choice, one widget per language: a selectbox keeps
    # its option by label, so the same widget under translated labels would drop the choice.
    picker = f"sidebar_model_picker_{st.session_state['language']}"
    choices = session.model_choices()
    if st.session_state["model_choice"] not in choices:
        session.select_model("bundled")
    st.session_state[picker] = st.session_state["model_choice"]
    st.selectbox(t("sidebar.model"), options=choices, format_func=model_label, key=picker,
                 on_change=lambda key=picker: session.select_model(st.session_state[key]),
                 disabled=classroom.hidden("sidebar.model"))
    upload = None if classroom.hidden("sidebar.model") else st.file_uploader(
        t("sidebar.model.upload"), type=["keras", "h5"], key="sidebar_model_upload",
        help=t("sidebar.model.upload_help", max_mb=model_files.MAX_MODEL_BYTES // 2**20,
               max_layers=model_budget.MAX_LAYERS, max_params=model_budget.MAX_PARAMETERS,
               max_activations=model_budget.MAX_ACTIVATIONS,
               max_mflops=model_budget.MAX_FLOPS // 10**6),
    )
    if upload is not None:
        data = upload.getvalue()
        digest = cache.digest(data)
        current = st.session_state["uploaded_model_file"]
        refused = st.session_state["sidebar_refused_models"]
        if digest not in refused and (current is None or current[1] != digest):
            try:
                with st.spinner(t("sidebar.model.checking")):
                    cache.uploaded_model(digest, data)
            except InputError as error:
                refused[digest] = error
                while len(refused) > MAX_REFUSED_MODELS:
                    refused.pop(next(iter(refused)))
            else:
                st.session_state["uploaded_model_file"] = (upload.name, digest, data)
                session.select_model("uploaded")
                st.rerun()
        if digest in refused:  # Said again on every rerun, never tried again.
            st.error(i18n.markdown_message(refused[digest], st.session_state["language"]))
        else:
            st.caption(t("sidebar.model.loaded", name=i18n.markdown_literal(upload.name)))
    try:
        widgets.model_downloads(session.active_model(), t)
    except Exception:  # As a page's failure below: the frame stays, the page says why.
        logging.getLogger(__name__).exception("The active model's downloads failed")
    classroom.share_panel(navigation.url_path, t)

presentation.apply(classroom.presenting())
server.prepare_server()
classroom.ignored_notice(ignored, t)
classroom.locked_notice(t)
try:
    navigation.run()
except Exception:  # A bug must never show a student a traceback; the server's log keeps it.
    logging.getLogger(__name__).exception("Page %s failed", navigation.url_path)
    st.error(t("app.unexpected"), icon=":material/error:")
