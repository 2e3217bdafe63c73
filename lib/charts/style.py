"""The look every chart shares: the palette, right and wrong, and the margins.

A chart module takes its colours from here, so a right answer is the same green and a wrong
one the same red on every page.
"""

# Plotly's default colours (D3's category10), by name.
BLUE = "#1f77b4"
ORANGE = "#ff7f0e"
GREEN = "#2ca02c"
RED = "#d62728"
PURPLE = "#9467bd"
BROWN = "#8c564b"
PINK = "#e377c2"
GREY = "#7f7f7f"
OLIVE = "#bcbd22"
CYAN = "#17becf"

# One colour per curve, path or digit, in a fixed order so a name keeps its colour.
COLORS = (BLUE, RED, GREEN, ORANGE, PURPLE, BROWN, PINK, CYAN, OLIVE, GREY)
# One colour per run compared on /train, in Plotly's own order.
RUN_COLORS = (BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, OLIVE, CYAN)
# Training and validation curves (and the training and test splits of a dataset).
TRAIN = BLUE
VALIDATION = ORANGE

# The predicted digit stands out, the others stay quiet.
HIGHLIGHT = BLUE
MUTED = "#c7d3e0"
# Right and wrong answers: thumbnail titles, per-digit bars, the confusion matrix's cells.
RIGHT = "#2e7d32"
WRONG = "#c62828"
NEUTRAL = "#31333f"
# Colour scales from a pale tint to RIGHT and to WRONG, for counts of right and wrong answers.
RIGHT_SCALE = [[0.0, "#e8f5e9"], [1.0, RIGHT]]
WRONG_SCALE = [[0.0, "#ffebee"], [1.0, WRONG]]

# Room for a title above the plot, little elsewhere (Streamlit pads the chart itself).
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def margin(top):
    """`MARGIN` with `top` pixels above the plot (less for a chart without a title)."""
    return {**MARGIN, "t": top}
