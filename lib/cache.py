"""The seam between `lib` and Streamlit's caches: loaded models and data, shared read-only.

`cache_resource` holds objects every session shares and nobody mutates (the
bundled model, uploaded models keyed by their content hash); `cache_data`
holds arrays. A model being trained never lives here: it belongs to one
session (`st.session_state`).
"""

import hashlib

import streamlit as st

from lib import data, model_files, models


@st.cache_resource(show_spinner=False)
def bundled_model():
    """The bundled trained CNN, loaded once per process and shared by all sessions."""
    return models.load_bundled_model()


@st.cache_resource(show_spinner=False)
def bundled_card():
    return models.read_card(models.BUNDLED_MODEL_PATH)


@st.cache_resource(show_spinner=False, max_entries=16)
def uploaded_model(digest, _data):
    """A model file a user uploaded, loaded safely; keyed by its SHA-256 `digest`."""
    return model_files.load_model(_data)


def digest(data):
    return hashlib.sha256(data).hexdigest()


@st.cache_data(show_spinner=False, max_entries=4)
def mnist(source="auto", path=None, seed=data.DEFAULT_SEED):
    """MNIST from `lib.data.load_mnist`, loaded once per process per source."""
    return data.load_mnist(source=source, path=path, seed=seed)


# /train: the server-wide training queue and run database (thread-safe, shared by design).


@st.cache_resource(show_spinner=False)
def job_manager():
    """The one `lib.jobs.JobManager` of this server (its queue spans all sessions)."""
    from lib import jobs

    return jobs.JobManager()


@st.cache_resource(show_spinner=False)
def run_database():
    """The `lib.runs.RunDatabase` beside `models/`."""
    from lib import runs

    return runs.RunDatabase()
