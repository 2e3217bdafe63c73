"""`lib.ui.server.prepare_server`: what Streamlit does after every script run costs next to nothing.

Run in a fresh interpreter: it changes the process (frozen objects, Keras's clear_session).
"""

import subprocess
import sys

from tests.conftest import ROOT

CHECK = """
import gc, time, keras
from lib.ui import server

server.prepare_server()
assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()
started = time.perf_counter()
gc.collect(2)
assert time.perf_counter() - started < 0.05  # Streamlit's collection after a run.

# Streamlit's call keeps Keras's state (and TensorFlow's kernel cache)...
first = keras.layers.Dense(1).name
keras.backend.clear_session()
assert keras.layers.Dense(1).name != first
# ...while Keras's own public clear_session still works.
keras.utils.clear_session()
assert keras.layers.Dense(1).name == first
print("ok")
"""


def test_prepare_server_freezes_startup_objects_and_keeps_keras_state():
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
