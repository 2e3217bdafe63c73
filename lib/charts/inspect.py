"""Plotly figures for /inside: feature-map grids, saliency and Grad-CAM over the digit, 2-D map.

The test split's confusion matrix and accuracy per digit are the charts every page shares
(`lib.charts.evaluation`); bars of a vector come from `lib.charts.explore`.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.charts import style
from lib.charts.digits import gray_heatmap, image_axes
from lib.charts.explore import maps_figure

# A heat colour scale that is transparent where the heat is low, so the digit shows through.
HEAT = [[0.0, "rgba(255, 237, 160, 0)"], [0.25, "rgba(254, 178, 76, 0.35)"],
        [0.6, "rgba(240, 59, 32, 0.7)"], [1.0, "rgba(189, 0, 38, 0.9)"]]


def feature_maps_figure(maps, map_label, width=1000):
    """Every feature map of a layer in one grid, as tall as the grid needs at `width` pixels.

    Args:
        maps: float `(channels, height, width)`.
        map_label: Hover label of a map, with `{index}`.
        width: About how wide the chart is drawn, in pixels.

    Returns:
        `lib.charts.explore.maps_figure` of the maps, 8 per row (16 above 32 maps).
    """
    count, height, map_width = np.shape(maps)
    columns = min(count, 8 if count <= 32 else 16)
    rows = -(-count // columns)
    figure = maps_figure(maps, "", map_label, columns=columns)
    gap = max(1, height // 14)
    aspect = (rows * (height + gap)) / (columns * (map_width + gap))
    figure.update_layout(height=int(np.clip(40 + 0.85 * width * aspect, 160, 900)),
                         margin=style.margin(10))
    return figure


def explanation_figure(image, panels, height=300):
    """The digit, then each explanation panel, side by side.

    Args:
        image: float `(28, 28)` in [0, 1], the model's input.
        panels: List of `(title, values, kind)`: `kind` `"overlay"` draws
            `values` in [0, 1] as heat over the digit; `"signed"` draws signed
            values in blue (negative) and red (positive) around a white zero.
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure`, one subplot per panel.
    """
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=[p[0] for p in panels],
                           horizontal_spacing=0.03)
    for column, (_, values, kind) in enumerate(panels, start=1):
        values = np.asarray(values, dtype=np.float64)
        if kind == "overlay":
            figure.add_trace(gray_heatmap(image), row=1, col=column)
            figure.add_trace(go.Heatmap(z=values, zmin=0.0, zmax=1.0, colorscale=HEAT,
                                        showscale=False, hovertemplate="%{z:.2f}<extra></extra>"),
                             row=1, col=column)
        elif kind == "signed":
            bound = max(float(np.abs(values).max()), 1e-12)
            figure.add_trace(go.Heatmap(z=values, zmin=-bound, zmax=bound, colorscale="RdBu_r",
                                        showscale=False, hovertemplate="%{z:.3g}<extra></extra>"),
                             row=1, col=column)
        else:
            figure.add_trace(gray_heatmap(values), row=1, col=column)
    image_axes(figure, len(panels))
    figure.update_layout(height=height, margin=style.MARGIN)
    figure.update_annotations(font_size=13)
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
            marker={"color": style.COLORS[digit], "size": 6, "opacity": 0.75,
                    "symbol": np.where(predictions[chosen] == digit, "circle", "x")},
        ))
    figure.update_layout(height=height, margin=style.MARGIN, xaxis_title=names["x"],
                         yaxis_title=names["y"], legend={"itemsizing": "constant"},
                         dragmode="pan")
    return figure
