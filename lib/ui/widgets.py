"""Widgets more than one page draws."""

CANVAS_SIZE = 280


def draw_canvas(key, stroke_width=20):
    """Shows the drawing canvas; returns its RGBA pixels `(280, 280, 4)` uint8, or `None`.

    Untouched pixels are transparent (0, 0, 0, 0). Changing `key` clears the canvas.
    `streamlit_drawable_canvas` is imported here, not at the top: it imports only inside a
    running app, and tests replace it in `sys.modules` (AppTest cannot draw).
    """
    from streamlit_drawable_canvas import st_canvas

    canvas = st_canvas(stroke_width=stroke_width, stroke_color="#000000", height=CANVAS_SIZE,
                       width=CANVAS_SIZE, drawing_mode="freedraw", return_image_data=True,
                       key=key)
    return canvas.image_data


def argument_input(argument, column, key, t, slider=False, help=None):
    """One widget for one `lib.registry.Argument`; returns the value it holds.

    Args:
        argument: The `lib.registry.Argument` (its kind picks the widget, its bounds, step
            and choices bound it).
        column: Where to draw it (`st`, a column or a container).
        key: The widget's key (a pair's two inputs add `_0` and `_1`).
        t: The page's translator (for `None`'s label and the pair's `None` switch).
        slider: Show a float as a slider rather than a number box.
        help: The widget's tooltip.

    Returns:
        An int, float, bool, a choice, a `(int, int)` pair, or `None` (a `"pair_or_none"`
        left at Keras's default).
    """
    if argument.kind == "int":
        return column.number_input(argument.name, int(argument.minimum), int(argument.maximum),
                                   int(argument.default), key=key, help=help)
    if argument.kind == "float" and slider:
        return column.slider(argument.name, float(argument.minimum), float(argument.maximum),
                             float(argument.default), step=argument.step, key=key, help=help)
    if argument.kind == "float":
        return column.number_input(argument.name, float(argument.minimum),
                                   float(argument.maximum), float(argument.default),
                                   step=argument.step, format="%.4g", key=key, help=help)
    if argument.kind == "bool":
        return column.checkbox(argument.name, argument.default, key=key, help=help)
    if argument.kind == "choice":
        return column.selectbox(argument.name, argument.choices, key=key, help=help,
                                index=argument.choices.index(argument.default),
                                format_func=lambda value: t("layers.none") if value is None
                                else str(value))
    # Pairs: two numbers side by side; "pair_or_none" adds a None switch (Keras's default).
    if argument.kind == "pair_or_none" and column.checkbox(t("layers.strides_none"), True,
                                                           key=f"{key}_none"):
        return None
    first, second = column.columns(2)
    default = argument.default or (2, 2)
    low, high = int(argument.minimum), int(argument.maximum)
    return (first.number_input(argument.name, low, high, default[0], key=f"{key}_0", help=help),
            second.number_input(argument.name, low, high, default[1], key=f"{key}_1",
                                label_visibility="hidden"))
