"""Keras Digit Lab: the router and the frame (page config, sidebar, navigation)."""

import logging

import streamlit as st

from lib import i18n, model_budget, model_files
from lib.errors import InputError
from lib.ui import cache, presentation, server, session, widgets

# The refused uploads a session remembers (their digests and reasons), the oldest dropped first.
MAX_REFUSED_MODELS = 16

st.set_page_config(page_title="Keras Digit Lab", page_icon=":material/draw:", layout="wide")
session.init_state()
t = session.translator()

pages = [
    st.Page("app_pages/home.py", title=t("nav.home"), icon=":material/home:", default=True),
    st.Page("app_pages/recognize.py", title=t("nav.recognize"), icon=":material/draw:",
            url_path="recognize"),
    st.Page("app_pages/train.py", title=t("nav.train"), icon=":material/model_training:",
            url_path="train"),
    st.Page("app_pages/layers.py", title=t("nav.layers"), icon=":material/layers:",
            url_path="layers"),
    st.Page("app_pages/activations.py", title=t("nav.activations"), icon=":material/show_chart:",
            url_path="activations"),
    st.Page("app_pages/inside.py", title=t("nav.inside"), icon=":material/biotech:",
            url_path="inside"),
    st.Page("app_pages/optimizers.py", title=t("optimizers.nav"), icon=":material/route:",
            url_path="optimizers"),
    st.Page("app_pages/datasets.py", title=t("nav.datasets"), icon=":material/database:",
            url_path="datasets"),
    st.Page("app_pages/applications.py", title=t("nav.applications"), icon=":material/apps:",
            url_path="applications"),
]
navigation = st.navigation(pages)

with st.sidebar:
    st.selectbox(
        t("app.language"), options=list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,
        key="language",
    )
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
                 on_change=lambda key=picker: session.select_model(st.session_state[key]))
    upload = st.file_uploader(
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
    widgets.model_downloads(session.active_model(), t)

presentation.apply(presentation.enabled())
server.prepare_server()
try:
    navigation.run()
except Exception:  # A bug must never show a student a traceback; the server's log keeps it.
    logging.getLogger(__name__).exception("Page %s failed", navigation.url_path)
    st.error(t("app.unexpected"), icon=":material/error:")
