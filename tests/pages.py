"""Running a page under AppTest, and the pixels a student draws on the canvas.

AppTest cannot draw on `streamlit-drawable-canvas`: the `canvas` fixture
(tests/conftest.py) puts a stand-in module in its place, which returns the
pixels a test "drew"; the pages import it like the real one.
"""

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest


def run_page(script, language="en", timeout=90, query=None, **state):
    """Runs `script` (a page file, or the entrypoint) once in AppTest and returns the app.

    Args:
        script: The path of the script.
        language: The UI's language (`"en"` or `"zh"`).
        timeout: Seconds the run may take (Keras imports are slow the first time).
        query: Values for the page's link (`st.query_params`).
        **state: Values to put in the session state first.

    Raises:
        AssertionError: if the run raised an exception.
    """
    app = AppTest.from_file(str(script), default_timeout=timeout)
    app.session_state["language"] = language
    for key, value in state.items():
        app.session_state[key] = value
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def drawn(digit):
    """A `(28, 28)` MNIST digit as the canvas returns it: black strokes in the alpha channel."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = np.asarray(Image.fromarray(digit).resize((280, 280), Image.Resampling.BICUBIC))
    return rgba
