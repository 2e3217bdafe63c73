"""Widgets more than one page draws."""

import pathlib
import re

import streamlit as st

from lib import models, training
from lib.charts import evaluation as evaluation_charts

CANVAS_SIZE = 280
# Plotly's mode bar (zoom, pan, download) hides part of small charts and teaches nothing here.
NO_CHART_BAR = {"displayModeBar": False}


# Two rules for streamlit-drawable-canvas 0.13, which draws into a shadow root that the page's
# CSS cannot reach; this script adds them to the shadow root of each canvas as it mounts (every
# canvas of the page, and the later ones, such as the one Clear makes).
# - It floats a toolbar (undo, redo, an edit mode, reset) over the canvas's top right band,
#   invisible until hovered, and has no argument to hide it but `disabled=True`, which stops
#   drawing too. Resting there, the toolbar took the mouse-down of a stroke started in that band
#   (a 1, 5 or 7), on a fresh canvas and after Clear alike; its edit mode selects strokes instead
#   of drawing them. The pages have their own Clear.
# - Its own stylesheet loads after the canvas is built. Until then (up to 0.8 s on a busy
#   machine) the drawing surface sat under the 280 px background canvas, out of sight, and a
#   stroke drawn on what the student saw inked nothing. The rules that stack the two canvases
#   are here from the start.
_CANVAS_RULES = """<script>
(() => {
  if (window.kerasDigitLabCanvasRules) return;
  window.kerasDigitLabCanvasRules = true;
  const hosts = '[data-testid="stBidiComponentIsolated"]';
  const addRules = () => {
    let waiting = false;
    for (const host of document.querySelectorAll(hosts)) {
      const root = host.shadowRoot;
      if (!root) { waiting = true; continue; }  // Attached just after the host is inserted.
      if (root.querySelector("style[data-canvas-rules]")) continue;
      const style = document.createElement("style");
      style.dataset.canvasRules = "";
      style.textContent = ".dc-toolbar { display: none !important; }"
        + ".dc-container { position: relative; }"
        + ".dc-background-canvas { position: absolute; top: 0; left: 0; z-index: 0; }";
      root.appendChild(style);
    }
    if (waiting) requestAnimationFrame(addRules);
  };
  new MutationObserver(addRules).observe(document.body, {childList: true, subtree: true});
  addRules();
})();
</script>"""


def draw_canvas(key, stroke_width=20):
    """Shows the drawing canvas, without the component's toolbar; returns its RGBA pixels
    `(280, 280, 4)` uint8, or `None`.

    Untouched pixels are transparent (0, 0, 0, 0). Changing `key` clears the canvas: a page that
    shows it gives the student a Clear button that does. The canvas is `CANVAS_SIZE` pixels
    square: give it a container at least that wide, or it scrolls and its right part takes no
    stroke. `streamlit_drawable_canvas` is imported here, not at the top: it imports only inside
    a running app, and tests replace it in `sys.modules` (AppTest cannot draw).
    """
    from streamlit_drawable_canvas import st_canvas

    # No gap: the script's element takes no room under the canvas.
    with st.container(gap=None):
        canvas = st_canvas(stroke_width=stroke_width, stroke_color="#000000",
                           height=CANVAS_SIZE, width=CANVAS_SIZE, drawing_mode="freedraw",
                           return_image_data=True, key=key)
        st.html(_CANVAS_RULES, unsafe_allow_javascript=True)
    return canvas.image_data


def argument_input(argument, column, key, t, slider=False, help=None):
    """One widget for one `lib.registry.Argument`; returns the value it holds.

    Args:
        argument: The `lib.registry.Argument` (its kind picks the widget, its bounds, step
            and choices bound it).
        column: Where to draw it (`st`, a column or a container).
        key: The widget's key (a pair's two inputs add `_0` and `_1`). A value already in the
            session under it wins over the argument's default.
        t: The page's translator (for `None`'s label and the pair's `None` switch).
        slider: Show a float as a slider rather than a number box.
        help: The widget's tooltip.

    Returns:
        An int, float, bool, a choice, a `(int, int)` pair, or `None` (a `"pair_or_none"`
        left at Keras's default).
    """
    def start(value, widget_key=key):
        # Streamlit warns when a widget gets a value and its key already holds one.
        return {} if widget_key in st.session_state else {"value": value}

    if argument.kind == "int":
        return column.number_input(argument.name, int(argument.minimum), int(argument.maximum),
                                   key=key, help=help, **start(int(argument.default)))
    if argument.kind == "float" and slider:
        return column.slider(argument.name, float(argument.minimum), float(argument.maximum),
                             step=argument.step, format="%.4g", key=key, help=help,
                             **start(float(argument.default)))
    if argument.kind == "float":
        return column.number_input(argument.name, float(argument.minimum),
                                   float(argument.maximum), step=argument.step, format="%.4g",
                                   key=key, help=help, **start(float(argument.default)))
    if argument.kind == "bool":
        return column.checkbox(argument.name, key=key, help=help, **start(argument.default))
    if argument.kind == "choice":
        index = {} if key in st.session_state else {
            "index": argument.choices.index(argument.default)}
        return column.selectbox(argument.name, argument.choices, key=key, help=help,
                                format_func=lambda value: t("layers.none") if value is None
                                else str(value), **index)
    # Pairs: two numbers side by side; "pair_or_none" adds a None switch (Keras's default).
    if argument.kind == "pair_or_none" and column.checkbox(
            t("layers.strides_none"), key=f"{key}_none", **start(True, f"{key}_none")):
        return None
    first, second = column.columns(2)
    default = argument.default or (2, 2)
    low, high = int(argument.minimum), int(argument.maximum)
    return (first.number_input(argument.name, low, high, key=f"{key}_0", help=help,
                               **start(default[0], f"{key}_0")),
            second.number_input(argument.name, low, high, key=f"{key}_1",
                                label_visibility="hidden", **start(default[1], f"{key}_1")))


def evaluation_view(evaluation, t, key):
    """The confusion matrix and the accuracy per digit of a `lib.evaluation.Evaluation`, side by
    side: the one view of a model's answers against labels on /train, /inside and /recognize.

    Args:
        evaluation: The `lib.evaluation.Evaluation`.
        t: The page's translator.
        key: The page's prefix for the charts' keys (`{key}_confusion`, `{key}_per_digit`).

    Returns:
        The two columns `(matrix, per_digit)`, for what a page adds below the charts.
    """
    matrix, per_digit = st.columns([1.2, 1])
    matrix.markdown(t("evaluation.confusion"))
    matrix.plotly_chart(evaluation_charts.confusion_matrix(
        evaluation.confusion, t("evaluation.predicted"), t("evaluation.true")),
        key=f"{key}_confusion", config=NO_CHART_BAR)
    per_digit.markdown(t("evaluation.per_digit"))
    per_digit.plotly_chart(evaluation_charts.per_digit_accuracy(
        evaluation.per_digit, t("evaluation.digit"), t("evaluation.accuracy")),
        key=f"{key}_per_digit", config=NO_CHART_BAR)
    return matrix, per_digit


def model_downloads(active, t):
    """The active model as a `.keras` and a Keras 2 `.h5` file, each built only when its button
    is clicked (the bundled model's `.keras` is its file as shipped).

    Args:
        active: The `lib.ui.session.ActiveModel`.
        t: The page's translator.
    """
    if active.key == "bundled":
        stem = models.BUNDLED_MODEL_PATH.stem
    elif active.key == "uploaded":
        stem = pathlib.PurePath(st.session_state["uploaded_model_file"][0]).stem
    else:
        stem = active.key
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._") or "model"  # A file name, whatever given.

    def file_bytes(suffix, model=active.model, bundled=active.key == "bundled"):
        if bundled and suffix == ".keras":
            return models.BUNDLED_MODEL_PATH.read_bytes()
        return training.model_file_bytes(model, suffix)

    st.caption(t("sidebar.download"))
    for column, suffix in zip(st.columns(2), (".keras", ".h5"), strict=True):
        column.download_button(suffix, lambda suffix=suffix: file_bytes(suffix),
                               file_name=f"{stem}{suffix}", mime="application/octet-stream",
                               icon=":material/download:", on_click="ignore",
                               key=f"sidebar_download{suffix.replace('.', '_')}",
                               help=t(f"sidebar.download{suffix.replace('.', '_')}"),
                               width="stretch")
