"""A digit's ink as the pictures a class makes of it: the canvas, a scan, a phone photo.

Each rendering takes ink (float `(height, width)` in [0, 1], 1 where the pen
went) and a seeded `numpy.random.Generator`, and returns what the app would be
given: the drawing canvas's RGBA pixels, the bytes of a black-on-white PNG, or
the bytes of a JPEG photo of the digit on paper.
"""

import io

import numpy as np
from PIL import Image, ImageFilter

from lib import registry

# Ballpoint and felt-tip colours (RGB in [0, 1]) a photo's ink is drawn from.
INK_COLOURS = {
    "blue": (0.10, 0.15, 0.50),
    "black": (0.08, 0.08, 0.10),
    "dark blue": (0.05, 0.08, 0.30),
    "red": (0.60, 0.10, 0.10),
    "green": (0.10, 0.35, 0.15),
    "pencil": (0.35, 0.35, 0.38),
}
PHOTO_SIZE = (640, 480)  # Width, height: a phone photo, reduced.


def canvas_rgba(ink, rng=None):
    """As `/recognize`'s canvas returns a black stroke: `(h, w, 4)` uint8, ink in alpha.

    The canvas leaves untouched pixels `(0, 0, 0, 0)`; strokes are black with
    their antialiased edges in the alpha channel.
    """
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[..., 3] = np.round(np.clip(ink, 0, 1) * 255).astype(np.uint8)
    return rgba


def black_on_white_png(ink, rng=None):
    """A paint program's or a scanner's picture: black ink on white, as PNG bytes."""
    gray = np.round((1.0 - np.clip(ink, 0, 1)) * 255).astype(np.uint8)
    return _encode(Image.fromarray(gray), "PNG")


def phone_photo(ink, rng):
    """A phone photo of the digit on paper, as JPEG bytes.

    Tinted paper, light falling off across it in a random direction, a coloured
    pen (`INK_COLOURS`) that does not quite cover, sensor noise, a little blur
    from the lens, and JPEG compression at a random quality.
    """
    width, height = PHOTO_SIZE
    side = int(rng.integers(220, 400))
    digit = np.asarray(Image.fromarray(np.clip(ink, 0, 1).astype(np.float32), mode="F")
                       .resize((side, side), Image.Resampling.BILINEAR))
    top = int(rng.integers(20, height - side - 20))
    left = int(rng.integers(40, width - side - 40))
    page = np.zeros((height, width), np.float32)
    page[top : top + side, left : left + side] = digit
    heading = rng.uniform(0, 2 * np.pi)
    across = (np.cos(heading) * (np.arange(width, dtype=np.float32) / width - 0.5)[None, :]
              + np.sin(heading) * (np.arange(height, dtype=np.float32) / height - 0.5)[:, None])
    light = rng.uniform(0.75, 0.95) + rng.uniform(0.15, 0.45) * across  # A shadow on one side.
    paper = np.array([rng.uniform(0.85, 0.97), rng.uniform(0.82, 0.95), rng.uniform(0.7, 0.9)],
                     np.float32)
    names = list(INK_COLOURS)
    pen = np.array(INK_COLOURS[names[int(rng.integers(len(names)))]], np.float32)
    cover = page[..., None] * rng.uniform(0.8, 1.0)
    colour = paper * (1 - cover) + pen * cover
    noise = rng.standard_normal((height, width, 3), dtype=np.float32)
    colour = colour * light[..., None] + noise * np.float32(rng.uniform(0.01, 0.03))
    image = Image.fromarray((np.clip(colour, 0, 1) * 255).astype(np.uint8), "RGB")
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    return _encode(image, "JPEG", quality=int(rng.integers(60, 92)))


def _encode(image, format_, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format_, **options)
    return buffer.getvalue()


RENDERINGS = {
    "canvas": canvas_rgba,
    "black on white": black_on_white_png,
    "phone photo": phone_photo,
}


def render(ink, rendering, rng):
    """`ink` as the picture `rendering` makes (a key of `RENDERINGS`).

    Raises:
        ValueError: for an unknown rendering.
    """
    return registry.get(RENDERINGS, rendering, "rendering")(ink, rng)
