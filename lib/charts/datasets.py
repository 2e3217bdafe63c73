"""Plotly figures for /datasets and /applications.

Each function takes plain arrays and already-translated labels, and returns a
`plotly.graph_objects.Figure`. No Keras and no Streamlit here.
"""

import numpy as np
import plotly.graph_objects as go

from lib.charts import style

SPLIT_COLORS = {"train": style.TRAIN, "test": style.VALIDATION}


def _tile(grid, gap=2):
    """`(rows, columns, height, width[, 3])` images tiled into one image, `gap` pixels apart."""
    rows, columns, height, width = grid.shape[:4]
    channels = grid.shape[4:]
    fill = 255 if grid.dtype == np.uint8 else float(grid.max(initial=0.0))
    canvas = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap, *channels),
                     fill, dtype=grid.dtype)
    for row in range(rows):
        for column in range(columns):
            top, left = row * (height + gap), column * (width + gap)
            canvas[top:top + height, left:left + width] = grid[row, column]
    return canvas


def image_grid(grid, row_labels, title="", column_labels=None, height=None):
    """Example images, one row per class, as a single image (fast to draw).

    Args:
        grid: uint8 `(classes, per_class, height, width)` (gray, bright ink on black)
            or `(classes, per_class, height, width, 3)` (colour).
        row_labels: One label per row, written on the left.
        title: Figure title.
        column_labels: Optional labels under each column.
        height: Figure height in pixels (sized to the grid if `None`).
    """
    rows, columns, image_height, image_width = grid.shape[:4]
    gap = max(1, image_height // 14)
    canvas = _tile(np.asarray(grid), gap=gap)
    if canvas.ndim == 3:
        trace = go.Image(z=canvas, hoverinfo="skip")
    else:
        trace = go.Heatmap(z=canvas, colorscale="gray", zmin=0, zmax=255, showscale=False,
                           hoverinfo="skip")
    figure = go.Figure(trace)
    centres_y = [row * (image_height + gap) + image_height / 2 for row in range(rows)]
    figure.update_yaxes(tickvals=centres_y, ticktext=list(row_labels), autorange="reversed",
                        scaleanchor="x", showgrid=False, zeroline=False)
    figure.update_xaxes(showgrid=False, zeroline=False, showticklabels=column_labels is not None,
                        tickvals=[column * (image_width + gap) + image_width / 2
                                  for column in range(columns)],
                        ticktext=list(column_labels or [""] * columns))
    figure.update_layout(title=title, margin=style.MARGIN,
                         height=height or min(900, 60 + rows * 44 * max(1, 28 // image_height)),
                         plot_bgcolor="white")
    return figure


def mean_images_figure(means, labels, title):
    """The mean image of each class side by side, each on its own 0-max scale."""
    scaled = np.stack([mean / max(float(mean.max()), 1e-6) * 255 for mean in means])
    return image_grid(scaled[None].astype(np.uint8), [""], title=title, column_labels=labels,
                      height=220)


def split_bars(categories, values_by_split, title, x_title, y_title, percent=False):
    """Grouped bars: one group per category, one bar per split.

    Args:
        categories: Category labels `(n,)`.
        values_by_split: `{split label: values (n,)}`, e.g. training and test shares.
    """
    figure = go.Figure()
    for (split, values), color in zip(values_by_split.items(), SPLIT_COLORS.values(),
                                      strict=False):
        figure.add_bar(x=[str(category) for category in categories], y=values, name=split,
                       marker_color=color)
    figure.update_layout(title=title, barmode="group", margin=style.MARGIN, height=320,
                         xaxis_title=x_title, yaxis_title=y_title,
                         yaxis_tickformat=".0%" if percent else None,
                         legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"})
    figure.update_xaxes(type="category")
    return figure


def histogram_figure(edges, shares_by_split, title, x_title, y_title, log_y=True):
    """Histograms given as bin edges and per-split shares, drawn as overlaid step lines."""
    centres = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
    figure = go.Figure()
    for (split, shares), color in zip(shares_by_split.items(), SPLIT_COLORS.values(),
                                      strict=False):
        figure.add_scatter(x=centres, y=shares, name=split, mode="lines",
                           line={"shape": "hvh", "color": color})
    figure.update_layout(title=title, margin=style.MARGIN, height=320, xaxis_title=x_title,
                         yaxis_title=y_title, yaxis_type="log" if log_y else "linear",
                         legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"})
    if log_y:
        figure.update_yaxes(dtick=1, tickformat=".0e")
    return figure


def count_bars(labels, counts, title, x_title, y_title, horizontal=False, height=320):
    """One bar per label."""
    figure = go.Figure()
    if horizontal:
        figure.add_bar(y=list(labels), x=counts, orientation="h", marker_color=style.BLUE)
        figure.update_yaxes(autorange="reversed", type="category")
    else:
        figure.add_bar(x=list(labels), y=counts, marker_color=style.BLUE)
        figure.update_xaxes(type="category")
    figure.update_layout(title=title, margin=style.MARGIN, height=height,
                         xaxis_title=x_title, yaxis_title=y_title)
    return figure


def values_histogram(values, title, x_title, y_title, bins=50):
    """A histogram of raw values (review lengths, house prices)."""
    figure = go.Figure(go.Histogram(x=np.asarray(values), nbinsx=bins, marker_color=style.BLUE))
    figure.update_layout(title=title, margin=style.MARGIN, height=300, xaxis_title=x_title,
                         yaxis_title=y_title, bargap=0.05)
    return figure


def scatter_figure(x, y, title, x_title, y_title):
    """One feature against the target."""
    figure = go.Figure(go.Scattergl(x=np.asarray(x), y=np.asarray(y), mode="markers",
                                    marker={"size": 4, "opacity": 0.5, "color": style.BLUE}))
    figure.update_layout(title=title, margin=style.MARGIN, height=320, xaxis_title=x_title,
                         yaxis_title=y_title)
    return figure


def models_figure(names, gflops, params_millions, size_mb, title, x_title, y_title,
                  highlight=None):
    """Models by cost: FLOPs per image against parameters, marker area by size in MB."""
    sizes = 12 + 30 * np.sqrt(np.asarray(size_mb, dtype=float) / max(max(size_mb), 1e-6))
    colors = [style.RED if name == highlight else style.BLUE for name in names]
    figure = go.Figure(go.Scatter(
        x=params_millions, y=gflops, text=list(names), mode="markers+text",
        textposition="top center", marker={"size": sizes, "color": colors, "opacity": 0.7},
        customdata=np.asarray(size_mb),
        hovertemplate="%{text}<br>%{x:.1f} M<br>%{y:.2f} GFLOPs<br>%{customdata:.0f} MB"
                      "<extra></extra>",
    ))
    figure.update_traces(cliponaxis=False)
    figure.update_layout(title=title, margin=style.margin(70), height=420,
                         xaxis_title=x_title,
                         yaxis_title=y_title, xaxis_type="log", yaxis_type="log")
    # One labelled tick per power of ten: minor ticks labelled 2 ... 9 read as values.
    figure.update_xaxes(dtick=1)
    figure.update_yaxes(dtick=1)
    return figure


def top_classes_figure(labels, probabilities, title, x_title):
    """The top classes as horizontal bars, best on top."""
    figure = go.Figure(go.Bar(x=probabilities, y=list(labels), orientation="h",
                              marker_color=style.BLUE, text=[f"{p:.1%}" for p in probabilities],
                              textposition="auto"))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_layout(title=title, margin=style.MARGIN, height=280, xaxis_title=x_title,
                         xaxis_tickformat=".0%", xaxis_range=[0, 1])
    return figure


def embedding_figure(embedding, title, x_title, y_title):
    """An embedding vector as bars, one per feature."""
    figure = go.Figure(go.Bar(y=np.asarray(embedding), marker_color=style.BLUE))
    figure.update_layout(title=title, margin=style.MARGIN, height=260, xaxis_title=x_title,
                         yaxis_title=y_title, bargap=0)
    return figure
