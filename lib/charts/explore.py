"""Plotly figures for /layers, /activations and /optimizers.

Each function takes plain arrays and already-translated labels, and returns a
`plotly.graph_objects.Figure`. No Keras and no Streamlit here.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.charts import style


def _image_axes(figure, **selector):
    figure.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, **selector)
    figure.update_yaxes(showticklabels=False, showgrid=False, zeroline=False,
                        autorange="reversed", scaleanchor="x", **selector)


def _diverging(values):
    """Blue-white-red centred on 0 when values go negative, else black-to-white."""
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    if low < 0:
        bound = max(abs(low), abs(high), 1e-6)
        return {"colorscale": "RdBu_r", "zmin": -bound, "zmax": bound}
    return {"colorscale": "gray", "zmin": min(low, 0.0), "zmax": max(high, 1e-6)}


def maps_figure(maps, title, map_label, columns=8):
    """Every feature map in one grid, drawn as one heatmap (fast for 64 maps).

    Args:
        maps: float `(channels, height, width)`.
        title: Figure title.
        map_label: Hover label of a map, with `{index}` (e.g. `"map {index}"`).
        columns: Maps per row.
    """
    maps = np.asarray(maps, dtype=np.float32)
    count, height, width = maps.shape
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    gap = max(1, height // 14)
    # float32 values and each cell's map number as integers: Plotly sends NumPy arrays as
    # binary, and strings per cell (the label written out 50,000 times) tripled the chart.
    montage = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), np.nan,
                      dtype=np.float32)
    numbers = np.zeros(montage.shape, dtype=np.int16)
    for index in range(count):
        top, left = (index // columns) * (height + gap), (index % columns) * (width + gap)
        montage[top:top + height, left:left + width] = maps[index]
        numbers[top:top + height, left:left + width] = index
    figure = go.Figure(go.Heatmap(
        z=montage, customdata=numbers, hoverongaps=False,
        hovertemplate=map_label.format(index="%{customdata}") + ": %{z:.3f}<extra></extra>",
        showscale=True, **_diverging(maps),
    ))
    _image_axes(figure)
    figure.update_layout(title=title, margin=style.MARGIN,
                         height=min(900, 120 + rows * max(110, 560 // columns)))
    return figure


def images_figure(images, height=300):
    """A few images side by side, each with its own colour scale.

    Args:
        images: List of `(title, array (height, width))`.
        height: Figure height in pixels.
    """
    figure = make_subplots(rows=1, cols=len(images), subplot_titles=[name for name, _ in images],
                           horizontal_spacing=0.04)
    for column, (_, image) in enumerate(images, start=1):
        image = np.asarray(image, dtype=np.float64)
        figure.add_trace(go.Heatmap(z=image, showscale=False,
                                    hovertemplate="%{z:.3f}<extra></extra>", **_diverging(image)),
                         row=1, col=column)
    _image_axes(figure)
    for column in range(2, len(images) + 1):
        figure.update_yaxes(scaleanchor=f"x{column}", row=1, col=column)
    figure.update_layout(height=height, margin=style.MARGIN)
    return figure


def bars_figure(values, title, x_title, y_title):
    """One bar per value (Dense units, Flatten positions)."""
    values = np.asarray(values, dtype=np.float64)
    figure = go.Figure(go.Bar(x=np.arange(len(values)), y=values,
                              marker_color=np.where(values < 0, style.COLORS[1], style.COLORS[0])))
    figure.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, height=300,
                         margin=style.MARGIN, bargap=0.1 if len(values) < 100 else 0)
    return figure


def histograms_figure(weights, count_label):
    """A histogram of each weight array.

    Args:
        weights: List of `(title, values)`.
        count_label: y-axis title.
    """
    figure = make_subplots(rows=1, cols=len(weights), subplot_titles=[name for name, _ in weights])
    for column, (_, values) in enumerate(weights, start=1):
        figure.add_trace(go.Histogram(x=np.ravel(values), nbinsx=40, showlegend=False,
                                      marker_color=style.COLORS[column - 1]), row=1, col=column)
    figure.update_yaxes(title_text=count_label, col=1)
    figure.update_layout(height=260, margin=style.MARGIN, bargap=0.05)
    return figure


def activations_figure(curves, show_derivative, value_label, slope_label):
    """Activation functions (solid) and their derivatives (dashed) on one chart.

    Args:
        curves: Dict of `name -> (x, y, dy)`.
        show_derivative: Draw the dashed derivatives.
        value_label: Legend suffix for values (`"f(x)"`).
        slope_label: Legend suffix for derivatives (`"f'(x)"`).
    """
    figure = go.Figure()
    values = []
    for index, (name, (x, y, dy)) in enumerate(curves.items()):
        color = style.COLORS[index % len(style.COLORS)]
        figure.add_trace(go.Scatter(x=x, y=y, name=f"{name} {value_label}", mode="lines",
                                    line={"color": color, "width": 3}))
        values.append(y)
        if show_derivative:
            figure.add_trace(go.Scatter(x=x, y=dy, name=f"{name} {slope_label}", mode="lines",
                                        line={"color": color, "width": 2, "dash": "dash"}))
            values.append(dy)
    span = np.concatenate(values) if values else np.zeros(1)
    # Keep an exploding curve (exponential) from flattening all the others.
    low, high = max(float(np.min(span)), -4.0), min(float(np.max(span)), 6.0)
    pad = 0.1 * (high - low or 1.0)
    figure.update_layout(height=460, margin=style.MARGIN, yaxis_range=[low - pad, high + pad],
                         xaxis_title="x", legend={"orientation": "h", "y": -0.15},
                         hovermode="x unified")
    figure.add_hline(y=0, line_color="#999", line_width=1)
    figure.add_vline(x=0, line_color="#999", line_width=1)
    return figure


def softmax_figure(probabilities, row_label, class_label):
    """Probabilities as a heatmap with the values written in."""
    probabilities = np.atleast_2d(np.asarray(probabilities, dtype=np.float64))
    rows = [row_label.format(index=index) for index in range(probabilities.shape[0])]
    figure = go.Figure(go.Heatmap(
        z=probabilities, x=[str(column) for column in range(probabilities.shape[1])], y=rows,
        text=np.vectorize(lambda value: f"{value:.2f}")(probabilities), texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=1,
    ))
    figure.update_layout(height=120 + 50 * len(rows), margin=style.MARGIN, xaxis_title=class_label,
                         yaxis_autorange="reversed")
    return figure


def contour_figure(xs, ys, values, log_scale, paths, start, minimum, start_label, minimum_label):
    """Optimizer paths over a contour plot of the surface.

    Args:
        xs: float `(n,)`; ys: float `(n,)`; values: float `(n, n)`.
        log_scale: Contour `log(1 + value)` (Rosenbrock's valley is too flat otherwise).
        paths: Dict of `name -> points (steps + 1, 2)`.
        start: `(x, y)` of the start; minimum: `(x, y)` or `None`.
        start_label: Legend name of the start; minimum_label: of the minimum.
    """
    shown = np.log1p(values - values.min()) if log_scale else values
    figure = go.Figure(go.Contour(x=xs, y=ys, z=shown, colorscale="Viridis", ncontours=30,
                                  showscale=False, opacity=0.75, hoverinfo="skip",
                                  contours={"coloring": "heatmap"}))
    for index, (name, points) in enumerate(paths.items()):
        color = style.COLORS[index % len(style.COLORS)]
        figure.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], name=name,
                                    mode="lines+markers", marker={"size": 4},
                                    line={"color": color, "width": 2}))
    figure.add_trace(go.Scatter(x=[start[0]], y=[start[1]], name=start_label, mode="markers",
                                marker={"symbol": "circle-open", "size": 14, "color": "white",
                                        "line": {"width": 3}}))
    if minimum is not None:
        figure.add_trace(go.Scatter(x=[minimum[0]], y=[minimum[1]], name=minimum_label,
                                    mode="markers", marker={"symbol": "star", "size": 16,
                                                            "color": "gold"}))
    figure.update_layout(height=520, margin=style.MARGIN, xaxis_title="x", yaxis_title="y",
                         xaxis_range=[xs[0], xs[-1]], yaxis_range=[ys[0], ys[-1]],
                         legend={"orientation": "h", "y": -0.12})
    return figure


def lines_figure(series, title, x_title, y_title, log_y=False, smooth=0):
    """One line per series (loss curves, learning rates, function values).

    Args:
        series: Dict of `name -> values (n,)`.
        smooth: If > 0, also draw an exponential moving average with this weight
            (0.9 smooths noisy per-batch losses); the raw line is drawn faintly.
    """
    figure = go.Figure()
    for index, (name, values) in enumerate(series.items()):
        color = style.COLORS[index % len(style.COLORS)]
        values = np.asarray(values, dtype=np.float64)
        steps = np.arange(len(values))
        if smooth:
            figure.add_trace(go.Scatter(x=steps, y=values, mode="lines", showlegend=False,
                                        line={"color": color, "width": 1}, opacity=0.3,
                                        hoverinfo="skip"))
            average, smoothed = values[0], []
            for value in values:
                average = smooth * average + (1 - smooth) * value
                smoothed.append(average)
            values = np.asarray(smoothed)
        figure.add_trace(go.Scatter(x=steps, y=values, name=name, mode="lines",
                                    line={"color": color, "width": 2}))
    figure.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, height=320,
                         margin=style.MARGIN, yaxis_type="log" if log_y else "linear",
                         yaxis_exponentformat="power",
                         legend={"orientation": "h", "y": -0.25})
    return figure
