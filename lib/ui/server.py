"""What a server process does once, for a whole class: started by the entrypoint's first run.

See `prepare_server`.
"""

import atexit
import contextlib
import gc
import logging
import os
import threading

import keras
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import inspection, sandbox
from lib.ui import cache

# What a page computes on its first visit and is the same for everyone, computed in the
# background once the run that started the server has finished (at most this long after it
# started), niced: a student's own run comes first.
WARM_NICENESS = 10
FIRST_RUN_SECONDS = 60
_stop_warming = threading.Event()


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

    Then a background thread (`warm`) computes what pages show on their first visit and is
    the same for every student, so that nobody waits for it later: /optimizers' surfaces and
    paths from their defaults, and /inside's test-set statistics, filter pattern and traced
    functions (layer outputs, saliency and Grad-CAM) for the bundled model (seconds). It
    starts once the script run that called this has finished (Streamlit runs each session's
    script runs in a thread that ends when they do), so that the first page is not slowed by
    it.

    Returns:
        The warming thread (tests join it).
    """
    sandbox.remove_orphans()
    cache.bundled_model()
    gc.freeze()
    keras.backend.clear_session = _keep_keras_state
    first_run = threading.current_thread() if get_script_run_ctx(suppress_warning=True) else None
    thread = threading.Thread(target=warm, args=(first_run,), name="digitlab-warm", daemon=True)
    thread.start()
    # A daemon thread stopped mid-TensorFlow at exit can crash the interpreter: it finishes
    # the step it is in.
    atexit.register(lambda: (_stop_warming.set(), thread.join(timeout=60)))
    return thread


def warm(after=None):
    """Fills the caches that first visits of /optimizers and /inside read (see `prepare_server`).

    Args:
        after: A thread to wait for first (at most `FIRST_RUN_SECONDS`), or `None`.

    A failure is logged, never raised: the page then computes the same itself.
    """
    if after is not None:
        after.join(timeout=FIRST_RUN_SECONDS)
    # A Linux thread has a priority of its own; elsewhere the thread keeps the process's.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WARM_NICENESS)
    # The cheap first: /optimizers' paths take a second or two, /inside's statistics longer.
    for name, step in (("/optimizers", cache.explore_warm_optimizers),
                       ("/inside", _warm_inside)):
        if _stop_warming.is_set():
            return
        try:
            step()
        except Exception:
            logging.getLogger(__name__).exception("Warming %s failed", name)
    # What the warming made lives as long as the process, like what was frozen before.
    gc.freeze()


def _warm_inside():
    """What /inside computes for the bundled model on its first visit, with the page's keys
    (`lib.ui.inside_views`: the test split's name, the second convolution's first filter), and
    the functions its views of any digit trace once per model (layer outputs, saliency and
    Grad-CAM of the predicted class at the default layer)."""
    model = cache.bundled_model()
    digits = cache.mnist()
    cache.inside_test_statistics("bundled", f"{digits.source}-{len(digits.y_test)}", model)
    names = inspection.conv_layer_names(model)
    if names:
        cache.inside_filter_pattern("bundled", names[min(1, len(names) - 1)], 0, model)
    image = digits.x_test[0].astype("float32") / 255.0
    inspection.layer_outputs(model, image)
    inspection.explain(model, image)


def _keep_keras_state(free_memory=True):
    """Stands in for `keras.backend.clear_session` (see `prepare_server`)."""
