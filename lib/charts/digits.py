"""Digits as the model sees them: probabilities, gray images, rows of steps, thumbnail grids.

Used on /recognize and /inside; `gray_heatmap` and `image_axes` draw images for the other chart
modules too.
"""

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.charts import style

# A title of one line of 14 px fits in 30 px.
_MARGIN = style.margin(30)


def _as_probabilities(probabilities):
    array = np.asarray(probabilities, dtype=np.float32).reshape(-1)
    if array.shape != (10,):
        raise ValueError(
            "Expected 10 probabilities, one per digit. "
            f"Received an array of shape {np.shape(probabilities)}."
        )
    return array


def _as_gray(image, name="image"):
    array = np.asarray(image, dtype=np.float32)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 2:
        raise ValueError(
            f"Expected {name} of shape (height, width) with gray levels in [0, 1]. "
            f"Received an array of shape {np.shape(image)}."
        )
    return array


def gray_heatmap(image, hover=None):
    """A `Heatmap` of gray levels in [0, 1]; `hover` is its hover template (`None`: no hover)."""
    hover = {"hoverinfo": "skip"} if hover is None else {"hovertemplate": hover + "<extra></extra>"}
    return go.Heatmap(z=image, zmin=0.0, zmax=1.0, colorscale="gray", showscale=False, **hover)


def image_axes(figure, columns):
    """Hides the axes of a row of `columns` images, upright and with square pixels."""
    figure.update_xaxes(visible=False, constrain="domain")
    figure.update_yaxes(visible=False, autorange="reversed", constrain="domain")
    for column in range(1, columns + 1):
        # Square pixels: each y axis is scaled to its own x axis.
        figure.update_yaxes(scaleanchor="x" if column == 1 else f"x{column}", row=1, col=column)


def probability_bars(probabilities, x_title="", y_title="", height=280):
    """A bar chart of the ten class probabilities, the most likely digit highlighted.

    Args:
        probabilities: float array `(10,)` (or `(1, 10)`), summing to 1.
        x_title: Axis title under the digits (already translated).
        y_title: Axis title beside the probabilities (already translated).
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure` with one `Bar` trace of 10 bars.

    Raises:
        ValueError: if `probabilities` does not hold exactly 10 values.
    """
    values = _as_probabilities(probabilities)
    best = int(np.argmax(values))
    colors = [style.HIGHLIGHT if digit == best else style.MUTED for digit in range(10)]
    # Built in one go: each `update_layout` call costs plotly a validation pass.
    return go.Figure(
        go.Bar(
            x=[str(digit) for digit in range(10)], y=values, marker_color=colors,
            text=[f"{value:.0%}" if value >= 0.01 else "" for value in values],
            textposition="outside", cliponaxis=False, textfont={"size": 12},
            hovertemplate="%{x}: %{y:.2%}<extra></extra>",
        ),
        layout={
            "height": height, "margin": _MARGIN, "showlegend": False,
            "xaxis": {"title": {"text": x_title}, "type": "category"},
            "yaxis": {"title": {"text": y_title}, "range": [0, 1.08], "tickformat": ".0%"},
        },
    )


def digit_image(image, height=240):
    """A gray image drawn with square pixels, e.g. the `(28, 28)` input the model saw. It has
    no title: in a narrow column Plotly cut one off ("Model inp"); pages caption it.

    Args:
        image: float array `(height, width)` (or `(height, width, 1)`) in [0, 1].
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure` with one `Heatmap` trace.

    Raises:
        ValueError: if `image` is not two-dimensional.
    """
    array = _as_gray(image)
    return go.Figure(
        gray_heatmap(array, "x %{x}, y %{y}: %{z:.2f}"),
        layout={
            "height": height, "margin": style.margin(5),
            "xaxis": {"visible": False, "constrain": "domain"},
            "yaxis": {"visible": False, "autorange": "reversed", "scaleanchor": "x"},
        },
    )


def image_row(images, titles, height=220):
    """Images side by side, each with its own title: e.g. the preprocessing steps.

    Args:
        images: Sequence of float arrays `(height, width)` in [0, 1], any sizes.
        titles: One title per image (already translated).
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure` with one `Heatmap` per image.

    Raises:
        ValueError: if `images` and `titles` differ in length or are empty.
    """
    if len(images) != len(titles) or not images:
        raise ValueError(
            "Expected one title per image and at least one image. "
            f"Received {len(images)} images and {len(titles)} titles."
        )
    figure = make_subplots(rows=1, cols=len(images), subplot_titles=list(titles),
                           horizontal_spacing=0.03)
    for index, image in enumerate(images, start=1):
        figure.add_trace(gray_heatmap(_as_gray(image), "%{z:.2f}"), row=1, col=index)
    image_axes(figure, len(images))
    figure.update_layout(height=height, margin=_MARGIN)
    figure.update_annotations(font_size=12)
    return figure


def thumbnail_grid(images, titles, correct=None, columns=5, cell_height=150):
    """The tutorial's grid of recognised digits (2 x 5 there), for any count.

    The thumbnails are tiled into one image (a single `Heatmap`, gaps left
    transparent) with a title annotation over each: one trace stays fast to
    build and to draw however many thumbnails a page shows.

    Args:
        images: Sequence of float arrays `(28, 28)` in [0, 1] (all the same shape).
        titles: One title per image, e.g. `"3 · 98%"` (already formatted).
        correct: Optional sequence of `True`, `False` or `None` per image:
            titles of right answers are green, wrong ones red, unknown dark.
        columns: Thumbnails per row.
        cell_height: Height of one row of thumbnails, in pixels.

    Returns:
        A `plotly.graph_objects.Figure` with one `Heatmap` of the tiled
        thumbnails (in rows of `columns`) and one annotation per title.

    Raises:
        ValueError: if the sequences differ in length, the images differ in
            shape, or `columns` < 1.
    """
    count = len(images)
    if len(titles) != count or (correct is not None and len(correct) != count):
        raise ValueError(
            "Expected one title (and one correctness flag, if given) per image. "
            f"Received {count} images, {len(titles)} titles"
            + ("" if correct is None else f" and {len(correct)} flags") + "."
        )
    if columns < 1:
        raise ValueError(f"Expected at least 1 column. Received columns={columns}.")
    if count == 0:
        return go.Figure(layout={"height": cell_height, "margin": _MARGIN,
                                 "xaxis": {"visible": False}, "yaxis": {"visible": False}})
    arrays = [_as_gray(image) for image in images]
    shapes = {array.shape for array in arrays}
    if len(shapes) != 1:
        raise ValueError(f"Expected thumbnails of one shape. Received shapes {sorted(shapes)}.")
    height, width = arrays[0].shape
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    # Each cell: a band for the title above the image, and a gap on the right.
    band, gap = round(0.35 * height), round(0.25 * width)
    cell_h, cell_w = height + band, width + gap
    mosaic = np.full((rows * cell_h, columns * cell_w - gap), np.nan, np.float32)
    flags = correct if correct is not None else [None] * count
    annotations = []
    for index, (array, title, flag) in enumerate(zip(arrays, titles, flags, strict=True)):
        row, col = divmod(index, columns)
        top, left = row * cell_h + band, col * cell_w
        mosaic[top : top + height, left : left + width] = array
        color = style.RIGHT if flag is True else style.WRONG if flag is False else style.NEUTRAL
        annotations.append({
            "x": left + (width - 1) / 2, "y": top - 1, "text": title, "showarrow": False,
            "yanchor": "bottom", "font": {"size": 13, "color": color},
        })
    # One layout update with plain dicts: plotly validates each add_annotation call slowly.
    return go.Figure(
        go.Heatmap(z=mosaic, zmin=0.0, zmax=1.0, colorscale="gray", showscale=False,
                   hoverinfo="skip"),
        layout={
            "annotations": annotations, "height": cell_height * rows + 20, "margin": _MARGIN,
            "xaxis": {"visible": False, "constrain": "domain"},
            "yaxis": {"visible": False, "autorange": "reversed", "scaleanchor": "x",
                      "constrain": "domain"},
        },
    )


def thumbnail(image, scale=4):
    """A `(28, 28)` digit in [0, 1] as uint8 pixels `scale` times larger, crisp (no blur)."""
    pixels = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
    return (np.kron(pixels, np.ones((scale, scale), np.float32)) * 255).astype(np.uint8)
