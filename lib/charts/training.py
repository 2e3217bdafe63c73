"""Plotly figures for /train: learning curves, and runs overlaid.

The test split's confusion matrix and accuracy per digit are the charts every page shares
(`lib.charts.evaluation`). The page passes translated labels in `text`.
"""

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.charts import style


def _curves_figure(text, height, epochs):
    figure = make_subplots(rows=1, cols=2, subplot_titles=(text["loss"], text["accuracy"]),
                           horizontal_spacing=0.1)
    figure.update_layout(height=height, margin=style.MARGIN,
                         legend={"orientation": "h", "y": -0.2})
    # Whole epochs, about ten ticks at most (100 epochs' labels would run into each other).
    figure.update_xaxes(title_text=text["epoch"], dtick=max(1, math.ceil(epochs / 10)))
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    return figure


def learning_curves(history, text, height=320):
    """Loss and accuracy per epoch, training and validation side by side.

    Args:
        history: A list of epoch logs (`loss, accuracy, val_loss, val_accuracy`).
        text: Labels: `loss`, `accuracy`, `epoch`, `train`, `validation`.
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure`.
    """
    figure = _curves_figure(text, height, len(history))
    epochs = list(range(1, len(history) + 1))
    for column, metric in ((1, "loss"), (2, "accuracy")):
        for prefix, name, color, dash in (("", text["train"], style.TRAIN, "solid"),
                                          ("val_", text["validation"], style.VALIDATION, "dot")):
            values = [logs.get(prefix + metric) for logs in history]
            if not any(value is not None for value in values):
                continue
            figure.add_trace(
                go.Scatter(x=epochs, y=values, mode="lines+markers", name=name,
                           line={"color": color, "dash": dash}, legendgroup=name,
                           showlegend=column == 1),
                row=1, col=column,
            )
    return figure


def overlay_runs(curves, text, height=340):
    """Several runs' learning curves on the same axes (TensorBoard-style).

    Args:
        curves: `{run label: history}` (epoch logs).
        text: Labels: `loss`, `accuracy`, `epoch`, `validation`.

    Returns:
        A `plotly.graph_objects.Figure`; solid lines train, dotted validation.
    """
    figure = _curves_figure(text, height, max(map(len, curves.values()), default=1))
    for number, (label, history) in enumerate(curves.items()):
        color = style.RUN_COLORS[number % len(style.RUN_COLORS)]
        epochs = list(range(1, len(history) + 1))
        for column, metric in ((1, "loss"), (2, "accuracy")):
            for prefix, dash, suffix in (("", "solid", ""),
                                         ("val_", "dot", f" ({text['validation']})")):
                values = [logs.get(prefix + metric) for logs in history]
                if not any(value is not None for value in values):
                    continue
                figure.add_trace(
                    go.Scatter(x=epochs, y=values, mode="lines+markers", name=label + suffix,
                               line={"color": color, "dash": dash}, legendgroup=label + suffix,
                               showlegend=column == 1),
                    row=1, col=column,
                )
    return figure
