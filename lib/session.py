"""Per-session state: every default in one place, and the active model.

`init_state()` is called by the entrypoint and by every page, so each page
also runs alone (under AppTest). Page-specific keys carry the page's prefix
(`recognize_`, `train_`, ...).
"""

import dataclasses
import hashlib
import itertools

import streamlit as st

from lib import cache, i18n

DEFAULTS = {
    "language": i18n.DEFAULT_LANGUAGE,
    # "bundled", "uploaded", or the name of a model trained in this session.
    "model_choice": "bundled",
    # Models trained in this session: {name: SessionModel}.
    "session_models": {},
    # The last upload in the sidebar's model picker: (file name, SHA-256 digest, bytes).
    "uploaded_model_file": None,
    # Model files this session uploaded and that were refused: {SHA-256 digest: InputError}.
    # A refused file is never tried again on a rerun.
    "sidebar_refused_models": {},
    # The last digit drawn on /recognize, as the (28, 28) array the model saw.
    "recognize_last_digit": None,
    # Bumped by the canvas's clear button: a new canvas key clears the drawing.
    "recognize_canvas_version": 0,
    # The last recognised upload on /recognize: (signature, [lib.uploads.Result], skipped counts).
    "recognize_batch": None,
    # /train: this session's handle in the training queue (a lib.jobs.Owner, made by the page),
    # the layer stack being edited, the settings, and the job being watched (its id).
    "train_owner": None,
    "train_stack": None,
    "train_settings": None,
    "train_job": None,
    # Jobs whose results this session has already taken in: {job id: {"name", "downloads"}}.
    "train_finished": {},
}


@dataclasses.dataclass
class SessionModel:
    """A model trained in this session, owned by it (never shared through a cache)."""

    name: str
    model: object
    card: dict | None = None


@dataclasses.dataclass
class ActiveModel:
    """The model chosen in the sidebar.

    Attributes:
        key: `"bundled"`, `"uploaded"` or a session model's name.
        label: What to call it in the UI (already translated).
        model: The Keras model.
        card: Its card (a dict), or `None`.
    """

    key: str
    label: str
    model: object
    card: dict | None


def init_state():
    """Sets every session default that is missing."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value.copy() if isinstance(value, dict) else value)


def translator():
    """`t(key, **kwargs)` in the session's language."""
    init_state()
    return i18n.translator(st.session_state["language"])


def add_session_model(name, model, card=None):
    """Makes a model trained in this session selectable, and selects it."""
    init_state()
    st.session_state["session_models"][name] = SessionModel(name, model, card)
    select_model(name)


def select_model(key):
    """Selects `key` (`"bundled"`, `"uploaded"` or a session model's name) as the active model.

    The sidebar's picker shows this choice from its next run on (pages run after
    the sidebar is drawn). Safe in widget callbacks.
    """
    st.session_state["model_choice"] = key


def model_choices():
    """The keys the model picker offers, bundled first."""
    init_state()
    choices = ["bundled", *st.session_state["session_models"]]
    if st.session_state["uploaded_model_file"] is not None:
        choices.append("uploaded")
    return choices


def active_model():
    """The `ActiveModel` chosen in the sidebar (the bundled one if the choice is gone)."""
    init_state()
    t = translator()
    choice = st.session_state["model_choice"]
    if choice in st.session_state["session_models"]:
        entry = st.session_state["session_models"][choice]
        return ActiveModel(choice, t("sidebar.model.session", name=choice), entry.model, entry.card)
    upload = st.session_state["uploaded_model_file"]
    if choice == "uploaded" and upload is not None:
        name, digest, data = upload
        model = cache.uploaded_model(digest, data)
        return ActiveModel("uploaded", t("sidebar.model.uploaded", name=name), model, None)
    return ActiveModel(
        "bundled", t("sidebar.model.bundled"), cache.bundled_model(), cache.bundled_card()
    )


def browser_id():
    """An id of the user's browser that survives reloads, or `None` (e.g. under AppTest).

    Streamlit gives every browser an XSRF cookie, `2|mask|masked_token|time`;
    the token under the mask stays the same across reloads and tabs of one
    browser and differs between browsers. Only its hash is used.
    """
    cookie = st.context.cookies.get("_streamlit_xsrf") if st.context.cookies else None
    try:
        version, mask, masked, created = cookie.split("|")
        token = bytes(a ^ b for a, b in zip(bytes.fromhex(masked),
                                            itertools.cycle(bytes.fromhex(mask))))
    except (AttributeError, ValueError):
        return None
    return hashlib.sha256(token + created.encode()).hexdigest()[:16]
