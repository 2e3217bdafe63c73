"""Plotly figures for /inside: overlays of saliency and Grad-CAM, confusion matrix, 2-D map.

Each function takes plain arrays and already-translated labels and returns a
`plotly.graph_objects.Figure` (or, for thumbnails, an image array). No Keras
and no Streamlit here. Feature-map grids and bars come from `lib.explore_charts`.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.explore_charts import COLORS, maps_figure

_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
# A heat colour scale that is transparent where the heat is low, so the digit shows through.
HEAT = [[0.0, "rgba(255, 237, 160, 0)"], [0.25, "rgba(254, 178, 76, 0.35)"],
        [0.6, "rgba(240, 59, 32, 0.7)"], [1.0, "rgba(189, 0, 38, 0.9)"]]
RIGHT = "#2e7d32"
WRONG = "#c62828"


def _image_axes(figure, columns):
    figure.update_xaxes(visible=False, constrain="domain")
    figure.update_yaxes(visible=False, autorange="reversed", constrain="domain")
    for column in range(1, columns + 1):
        figure.update_yaxes(scaleanchor="x" if column == 1 else f"x{column}", row=1, col=column)


def _gray(image):
    return go.Heatmap(z=np.asarray(image, dtype=np.float64), zmin=0.0, zmax=1.0,
                      colorscale="gray", showscale=False, hoverinfo="skip")


def feature_maps_figure(maps, map_label, width=1000):
    """Every feature map of a layer in one grid, as tall as the grid needs at `width` pixels.

    Args:
        maps: float `(channels, height, width)`.
        map_label: Hover label of a map, with `{index}`.
        width: About how wide the chart is drawn, in pixels.

    Returns:
        `lib.explore_charts.maps_figure` of the maps, 8 per row (16 above 32 maps).
    """
    count, height, map_width = np.shape(maps)
    columns = min(count, 8 if count <= 32 else 16)
    rows = -(-count // columns)
    figure = maps_figure(maps, "", map_label, columns=columns)
    gap = max(1, height // 14)
    aspect = (rows * (height + gap)) / (columns * (map_width + gap))
    figure.update_layout(height=int(np.clip(40 + 0.85 * width * aspect, 160, 900)),
                         margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def explanation_figure(image, panels, height=300):
    """The digit, then each explanation panel, side by side.

    Args:
        image: float `(28, 28)` in [0, 1], the model's input.
        panels: List of `(title, values, style)`: `style` `"overlay"` draws
            `values` in [0, 1] as heat over the digit; `"signed"` draws signed
            values in blue (negative) and red (positive) around a white zero.
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure`, one subplot per panel.
    """
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=[p[0] for p in panels],
                           horizontal_spacing=0.03)
    for column, (_, values, style) in enumerate(panels, start=1):
        values = np.asarray(values, dtype=np.float64)
        if style == "overlay":
            figure.add_trace(_gray(image), row=1, col=column)
            figure.add_trace(go.Heatmap(z=values, zmin=0.0, zmax=1.0, colorscale=HEAT,
                                        showscale=False, hovertemplate="%{z:.2f}<extra></extra>"),
                             row=1, col=column)
        elif style == "signed":
            bound = max(float(np.abs(values).max()), 1e-12)
            figure.add_trace(go.Heatmap(z=values, zmin=-bound, zmax=bound, colorscale="RdBu_r",
                                        showscale=False, hovertemplate="%{z:.3g}<extra></extra>"),
                             row=1, col=column)
        else:
            figure.add_trace(_gray(values), row=1, col=column)
    _image_axes(figure, len(panels))
    figure.update_layout(height=height, margin=_MARGIN)
    figure.update_annotations(font_size=13)
    return figure


def confusion_figure(confusion, x_title, y_title, height=460):
    """The confusion matrix with its counts: right answers green, mistakes red.

    Args:
        confusion: int `(10, 10)`, `confusion[true, predicted]`.
        x_title: Title of the predicted axis.
        y_title: Title of the true axis.
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure` with two `Heatmap` traces (diagonal and
        the rest), each cell labelled with its count.
    """
    confusion = np.asarray(confusion)
    size = confusion.shape[0]
    digits = [str(digit) for digit in range(size)]
    diagonal = np.eye(size, dtype=bool)
    figure = go.Figure()
    # Colour each part on its own scale: the few mistakes would vanish beside the diagonal.
    for mask, scale in ((diagonal, "Greens"), (~diagonal, "Reds")):
        # Empty cells stay white: only what happened gets a colour.
        shown = mask & ((confusion > 0) | diagonal)
        values = np.where(shown, confusion, np.nan).astype(np.float64)
        text = np.where(shown, confusion.astype(str), "")
        figure.add_trace(go.Heatmap(
            z=values, x=digits, y=digits, text=text, texttemplate="%{text}",
            colorscale=scale, zmin=0, zmax=max(1.0, float(np.nanmax(values, initial=0.0))),
            showscale=False, xgap=1, ygap=1,
            hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}: %{{z}}<extra></extra>",
        ))
    figure.update_layout(height=height, margin=_MARGIN, plot_bgcolor="white",
                         xaxis={"title": x_title, "type": "category", "side": "top"},
                         yaxis={"title": y_title, "type": "category", "autorange": "reversed",
                                "scaleanchor": "x"})
    return figure


def map_figure(points, labels, indices, predictions, names, height=520):
    """Test digits on the 2-D map of the penultimate layer, one colour per true digit.

    Args:
        points: float `(m, 2)`, the projected features.
        labels: int `(m,)`, true digits.
        indices: int `(m,)`, each point's index in the test set (its `customdata`).
        predictions: int `(m,)`; wrong ones are drawn as crosses.
        names: `{"x": ..., "y": ..., "hover": ...}`; `hover` is a template with
            `{index}`, `{label}` and `{prediction}`.
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure`, one `Scattergl` trace per digit.
    """
    points = np.asarray(points)
    labels, indices, predictions = map(np.asarray, (labels, indices, predictions))
    figure = go.Figure()
    for digit in range(10):
        chosen = labels == digit
        if not chosen.any():
            continue
        hover = [names["hover"].format(index=int(i), label=digit, prediction=int(p))
                 for i, p in zip(indices[chosen], predictions[chosen], strict=True)]
        figure.add_trace(go.Scattergl(
            x=points[chosen, 0], y=points[chosen, 1], mode="markers", name=str(digit),
            customdata=indices[chosen], hovertext=hover, hoverinfo="text",
            marker={"color": COLORS[digit], "size": 6, "opacity": 0.75,
                    "symbol": np.where(predictions[chosen] == digit, "circle", "x")},
        ))
    figure.update_layout(height=height, margin=_MARGIN, xaxis_title=names["x"],
                         yaxis_title=names["y"], legend={"itemsizing": "constant"},
                         dragmode="pan")
    return figure


def thumbnail(image, scale=4):
    """A `(28, 28)` digit in [0, 1] as uint8 pixels `scale` times larger, crisp (no blur)."""
    pixels = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
    return (np.kron(pixels, np.ones((scale, scale), np.float32)) * 255).astype(np.uint8)
