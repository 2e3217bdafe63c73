"""`lib.ui.server.prepare_server`: what Streamlit does after every script run costs next to nothing,
and a first visit of /inside finds its figures computed and its functions traced.

Run in a fresh interpreter: it changes the process (frozen objects, Keras's clear_session).
"""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECK = """
import gc, time, keras
from lib.ui import server

server.prepare_server().join()  # What the warming made is frozen too.
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


WARMED = """
import pathlib
from streamlit.testing.v1 import AppTest
from lib import inspection
from lib.ui import cache, server

server.prepare_server().join()
# The functions /inside's views of a digit trace once per model are traced already...
model = cache.bundled_model()
traced = set(inspection._inspector(model).functions)
assert {"layers", f"explain/{inspection.default_grad_cam_layer(model)}"} <= traced, traced
computed = []
for name in ("test_statistics", "filter_pattern"):
    def counting(*args, _real=getattr(inspection, name), _name=name, **kwargs):
        computed.append(_name)
        return _real(*args, **kwargs)
    setattr(inspection, name, counting)
app = AppTest.from_file(str(pathlib.Path("app_pages/inside.py").resolve()), default_timeout=300)
app.session_state["language"] = "en"
app.run()
assert not app.exception, [exception.value for exception in app.exception]
assert app.metric and computed == [], computed
# ...and the page's first visit traces nothing more.
assert set(inspection._inspector(model).functions) == traced, traced
print("ok")
"""


@pytest.mark.slow
def test_first_visit_of_inside_finds_what_the_server_warmed():
    # The warming uses /inside's own cache keys (lib.ui.inside_views): if the page's defaults
    # change, this fails until lib.ui.server warms what the page now asks for.
    result = subprocess.run([sys.executable, "-c", WARMED], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")


ORDER = """
import threading, time
from lib.ui import server

events = []

def optimizers():
    events.append(("optimizers", time.monotonic()))
    raise RuntimeError("a step that fails")

server.cache.explore_warm_optimizers = optimizers
server._warm_inside = lambda: events.append(("inside", time.monotonic()))
first_run = threading.Thread(target=time.sleep, args=(0.5,))
first_run.start()
started = time.monotonic()
server.warm(first_run)
# After the first run, the cheap step first; a failing step is logged and the next one runs.
assert [name for name, _ in events] == ["optimizers", "inside"], events
assert events[0][1] - started >= 0.45, events[0][1] - started
print("ok")
"""


def test_warming_waits_for_the_first_run_and_survives_a_failing_step():
    result = subprocess.run([sys.executable, "-c", ORDER], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Warming /optimizers failed" in result.stderr
    assert result.stdout.strip().endswith("ok")
