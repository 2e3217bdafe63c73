import os
import pathlib
import sys
import types

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def canvas(monkeypatch):
    """A stand-in for `streamlit_drawable_canvas` (see tests/pages.py): set `canvas.pixels` to
    what the student drew (or leave `None`); `canvas.calls` holds the arguments of each call."""
    state = types.SimpleNamespace(pixels=None, calls=[])

    def st_canvas(**kwargs):
        state.calls.append(kwargs)
        return types.SimpleNamespace(image_data=state.pixels)

    module = types.ModuleType("streamlit_drawable_canvas")
    module.st_canvas = st_canvas
    monkeypatch.setitem(sys.modules, "streamlit_drawable_canvas", module)
    return state
