"""The two charts of a `lib.evaluation.Evaluation`: the confusion matrix and accuracy per digit.

/train (the test split after a run), /inside (the active model on the test split) and
/recognize (a labelled batch) draw these same two, so they read the same on every page.
"""

import numpy as np
import plotly.graph_objects as go

from lib.charts import style


def confusion_matrix(confusion, x_title, y_title, height=460):
    """The confusion matrix with its counts: right answers green, mistakes red.

    Args:
        confusion: int `(10, 10)`, `confusion[true, predicted]` (`Evaluation.confusion`).
        x_title: Title of the predicted axis (already translated).
        y_title: Title of the true axis (already translated).
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
    for mask, scale in ((diagonal, style.RIGHT_SCALE), (~diagonal, style.WRONG_SCALE)):
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
    figure.update_layout(height=height, margin=style.MARGIN, plot_bgcolor="white",
                         xaxis={"title": x_title, "type": "category", "side": "top"},
                         yaxis={"title": y_title, "type": "category", "autorange": "reversed",
                                "scaleanchor": "x"})
    return figure


def per_digit_accuracy(per_digit, x_title="", y_title="", height=260):
    """Accuracy per true digit, as bars labelled `correct / total`.

    Args:
        per_digit: `{digit: (correct, total)}` (`Evaluation.per_digit`).
        x_title: Axis title under the digits (already translated).
        y_title: Axis title beside the accuracy (already translated).
        height: Figure height in pixels.

    Returns:
        A `plotly.graph_objects.Figure` with one `Bar` trace, one bar per digit
        present in `per_digit`; a digit with every answer right is green.
    """
    digits = sorted(per_digit)
    accuracy = [per_digit[d][0] / per_digit[d][1] if per_digit[d][1] else 0.0 for d in digits]
    return go.Figure(
        go.Bar(
            x=[str(d) for d in digits], y=accuracy,
            marker_color=[style.RIGHT if value == 1.0 else style.HIGHLIGHT for value in accuracy],
            text=[f"{per_digit[d][0]}/{per_digit[d][1]}" for d in digits],
            textposition="outside", cliponaxis=False,
            hovertemplate="%{x}: %{y:.0%} (%{text})<extra></extra>",
        ),
        layout={
            "height": height, "margin": style.margin(30), "showlegend": False,
            "xaxis": {"title": {"text": x_title}, "type": "category"},
            "yaxis": {"title": {"text": y_title}, "range": [0, 1.12], "tickformat": ".0%"},
        },
    )
