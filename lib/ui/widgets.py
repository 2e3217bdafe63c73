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
