"""What a server process does once, for a whole class: started by the entrypoint's first run.

See `prepare_server`.
"""

import gc

import keras
import streamlit as st

from lib import sandbox
from lib.ui import cache


@st.cache_resource(show_spinner=False)
def prepare_server():
    """Once per process: loads the bundled model and readies the process for many sessions.

    Call it in every run of the entrypoint; being a cached resource, it does its work once.
    It first removes the temporary files that sandboxes of dead servers left
    (`lib.sandbox.remove_orphans`).
    Two things Streamlit does after every script run would otherwise make each run pay
    for the whole process, holding the GIL for every session:

    - A full garbage collection, twice (Streamlit's own, and Keras's `clear_session`):
      about 190 ms each with TensorFlow, Keras, Streamlit and the model in sight, some
      400,000 objects that live as long as the process. `gc.freeze` hides them from the
      collector: well under 1 ms after that.
    - `keras.backend.clear_session()`, for apps that build a new model in every run. It
      also empties TensorFlow's kernel cache for the whole process, so every session's
      next prediction and every step of a training in a worker thread rebuild their
      kernels. Here models live in caches, sessions and workers, never in a single run,
      so Streamlit's call is made a no-op (`keras.utils.clear_session` is untouched).

    Measured with 20 students drawing and one training watched live (`bench/load_test.py`):
    the training ran at 835 samples/s instead of 290, and the strokes' p95 went from 740
    to 450 ms; the first of the two alone took a watched training from 300 to 920 samples/s.
    """
    sandbox.remove_orphans()
    cache.bundled_model()
    gc.freeze()
    keras.backend.clear_session = _keep_keras_state


def _keep_keras_state(free_memory=True):
    """Stands in for `keras.backend.clear_session` (see `prepare_server`)."""
