"""Per-session state: every default in one place, and the active model.

`init_state()` is called by the entrypoint and by every page, so each page
also runs alone (under AppTest). Page-specific keys carry the page's prefix
(`recognize_`, `train_`, ...).
"""

import dataclasses
import hashlib
import itertools
import re
import secrets

import streamlit as st

from lib import i18n
from lib.ui import cache

DEFAULTS = {
    "language": i18n.DEFAULT_LANGUAGE,
    # What a classroom link set (lib.ui.classroom): {"hidden": [control names], "present": bool},
    # taken on the session's first run.
    "classroom": None,
    # "bundled", "uploaded", or the name of a model trained in this session.
    "model_choice": "bundled",
    # Models trained in this session: {name: SessionModel}.
    "session_models": {},
    # The last upload in the sidebar's model picker: (file name, SHA-256 digest, bytes).
    "uploaded_model_file": None,
    # Model files this session uploaded and that were refused: {SHA-256 digest: InputError}.
    # A refused file is never tried again on a rerun.
    "sidebar_refused_models": {},
    # /inside: what it shows (the last drawing, a new drawing, an upload or a test digit), the
    # last drawing it took in (a digest), and which test digit.
    "inside_source": None,
    "inside_seen_drawing": None,
    "inside_test_mode": "any",
    "inside_test_index": 0,
    # The last digit drawn on /recognize, as the (28, 28) array the model saw.
    "recognize_last_digit": None,
    # Bumped by the canvas's clear button: a new canvas key clears the drawing.
    "recognize_canvas_version": 0,
    # The last recognised upload on /recognize: (signature, [lib.uploads.Result], skipped counts).
    "recognize_batch": None,
    # /train: this session's handle in the training queue (a lib.jobs.Owner, made by the page),
    # the layer stack being edited, the settings, and the job being watched (its id).
    "train_owner": None,
    # /train's uploaded mnist.npz, read once: {"file_id", "digest", and the data or the refusal}.
    "train_npz_data": None,
    "train_stack": None,
    "train_settings": None,
    "train_job": None,
    # Jobs whose results this session has already taken in: {job id: {"name", "downloads"}}.
    "train_finished": {},
    # /train's runs: whose are listed ("mine" or "class"), the run ids picked for the curves
    # (`None` until the student picks), and what the last rename or delete said.
    "train_runs_scope": "mine",
    "train_runs_picked": None,
    "train_runs_notice": None,
    # This tab's own random id (see `tab_id`), kept in /train's link.
    "tab_id": None,
    # Teaching the model one's handwriting (/recognize, lib.ui.teach_views): the examples kept,
    # {digest of the model's input: teach_views.Kept}, oldest first, this session's only; what
    # the last correction said, to say once; the handle in the training queue (a lib.jobs.Owner
    # with no binding: a teaching run takes seconds, a reload does not take it back); the job
    # being watched (its id), the jobs already taken in, and the last result, which outlives
    # the job in the queue; and the model each taught one was copied from
    # ({name: ActiveModel}), which a new lesson copies instead of the taught model.
    "teach_examples": {},
    "teach_notice": None,
    "teach_owner": None,
    "teach_job": None,
    "teach_taken": {},
    "teach_result": None,
    "teach_bases": {},
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
        label: What to call it in the UI: translated Markdown, in which the name a user
            chose (a file's, a run's) is a literal (`lib.i18n.markdown_literal`).
        model: The Keras model.
        card: Its card (a dict), or `None`.
        cache_key: A name for caches of what is computed from the model, the same as long
            as the model is (`"bundled"`, `"uploaded-<sha256>"`, `"session-<name>-<id>"`).
    """

    key: str
    label: str
    model: object
    card: dict | None
    cache_key: str = "bundled"


def init_state():
    """Sets every session default that is missing."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value.copy() if isinstance(value, dict) else value)


def take_language():
    """The session's language: the sidebar's language widget (`lang`), which starts from the
    link's `?lang=` on the session's first run; the URL then says it on every run, so that a
    reload and a shared link keep it."""
    init_state()
    state = st.session_state
    if LANGUAGE_WIDGET not in state:  # The session's first run.
        given = st.query_params.get(LANGUAGE_WIDGET)
        state[LANGUAGE_WIDGET] = given if given in i18n.LANGUAGES else state["language"]
    state["language"] = state[LANGUAGE_WIDGET]
    # Written by name, not bound to the widget: a bound selectbox would write its label.
    if st.query_params.get(LANGUAGE_WIDGET) != state["language"]:
        st.query_params[LANGUAGE_WIDGET] = state["language"]


# The sidebar's language widget: its key is the link's parameter (`?lang=zh`).
LANGUAGE_WIDGET = "lang"


def translator():
    """`t(key, **kwargs)` in the session's language."""
    init_state()
    return i18n.translator(st.session_state["language"])


def keep_session_model(name, model, card=None):
    """Makes a model trained in this session selectable in the sidebar's picker."""
    init_state()
    st.session_state["session_models"][name] = SessionModel(name, model, card)


def add_session_model(name, model, card=None):
    """Makes a model trained in this session selectable, and selects it."""
    keep_session_model(name, model, card)
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
        return ActiveModel(choice, t("sidebar.model.session", name=i18n.markdown_literal(choice)),
                           entry.model, entry.card, f"session-{choice}-{id(entry.model)}")
    upload = st.session_state["uploaded_model_file"]
    if choice == "uploaded" and upload is not None:
        name, digest, data = upload
        model = cache.uploaded_model(digest, data)
        return ActiveModel("uploaded", t("sidebar.model.uploaded",
                                         name=i18n.markdown_literal(name)), model, None,
                           f"uploaded-{digest}")
    return ActiveModel(
        "bundled", t("sidebar.model.bundled"), cache.bundled_model(), cache.bundled_card()
    )


def browser_id():
    """An id of the user's browser that survives reloads, or `None` (e.g. under AppTest).

    Streamlit gives every browser an XSRF cookie, `2|mask|masked_token|time`;
    the token under the mask stays the same across reloads and tabs of one
    browser and differs between browsers. Only its hash is used. It is a
    value the client sends: good for counting (the limit of runs per browser),
    not for proving who someone is (see `run_binding`).
    """
    cookie = st.context.cookies.get("_streamlit_xsrf") if st.context.cookies else None
    try:
        version, mask, masked, created = cookie.split("|")
        token = bytes(a ^ b for a, b in zip(bytes.fromhex(masked),
                                            itertools.cycle(bytes.fromhex(mask))))
    except (AttributeError, ValueError):
        return None
    return hashlib.sha256(token + created.encode()).hexdigest()[:16]


# A run is bound to the tab that started it (lib.jobs.JobManager.attach).
#
# Threat model. A reload of a tab is a new Streamlit session (the old one is kept two minutes
# and then dropped), so something must let the new session take its run back, and nothing
# else may. Binding to the browser's XSRF cookie, as before, let a second tab take the run
# over (on a shared classroom computer: the next student), and let anyone who learned that
# one value (it is readable by the page's scripts and sent with every request) present it
# from another browser. Streamlit 1.67 keeps nothing per tab across a reload except the URL
# (st.context has the cookies, headers, URL and address; the session id is held in the
# page's memory only, and Python cannot set a cookie), so:
#
# - each tab gets a random id of the app's own (`secrets`, 128 bits), kept in /train's link
#   (`link_query`); a reload keeps the link, a new tab or the sidebar's page links do not;
# - a run is bound to a hash of that id together with the browser's id: a shared or
#   projected link does nothing in another browser, the cookie does nothing without the link.
#
# Not covered: whoever has both (the same browser profile with that tab's URL in its
# history, or a copied URL opened in the same browser, or both read off the network on plain
# HTTP: serve over HTTPS) takes the run, as does a duplicated tab; a reload on another page
# loses the link's id (the run ends after the grace period unless the first tab comes back
# to /train). No secret is needed: the id is random, compared as a whole, and never issued
# for someone else.
TAB_PARAM = "tab"
_TAB_ID = re.compile(r"[A-Za-z0-9_-]{22}")


def tab_id():
    """This tab's own random id: from /train's link when it holds one, else a new one."""
    init_state()
    if st.session_state["tab_id"] is None:
        given = st.query_params.get(TAB_PARAM, "")
        st.session_state["tab_id"] = given if _TAB_ID.fullmatch(given) else (
            secrets.token_urlsafe(16))
    return st.session_state["tab_id"]


def student_id():
    """Whose runs these are in the run database: the browser's id, or this tab's when the
    browser sends no cookie. Only that student may rename or delete them."""
    return browser_id() or hashlib.sha256(tab_id().encode()).hexdigest()[:16]


def run_binding():
    """What binds a run to this tab of this browser (see above), or `None` without a browser
    id (then a run cannot be taken back after a reload)."""
    browser = browser_id()
    if browser is None:
        return None
    return hashlib.sha256(f"{tab_id()}|{browser}".encode()).hexdigest()


def write_link(values, owned):
    """Writes a page's parameters into the URL: `values`, and the `owned` names not in it are
    removed. Other parameters (the language, a classroom's) are left as they are."""
    for name in owned:
        if name not in values and name in st.query_params:
            del st.query_params[name]
    changed = {name: value for name, value in values.items()
               if st.query_params.get(name) != value}
    if changed:
        st.query_params.update(changed)


def link_query():
    """What /train's link must carry for a reload to find this tab's run: `{TAB_PARAM: id}`,
    or `{}` when runs are not bound (no browser id)."""
    return {} if browser_id() is None else {TAB_PARAM: tab_id()}
