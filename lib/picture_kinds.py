"""Real MNIST digits turned, with Pillow, into what people really draw and upload.

Each `KINDS` function takes a `(28, 28)` uint8 MNIST digit (bright ink on black)
and a seeded `numpy.random.Generator`, and returns encoded image bytes or a
`PIL.Image`: a canvas stroke in the alpha channel, a black-on-white scan, a
phone photo of paper under uneven light, a hairline pen, a fat marker, a small
digit in a corner of a large picture, and unusual image modes.

`bench/bench_preprocess_kinds.py` measures the preprocessing on them, and the bundled model's
validation (`lib.bundled_model.choose`) reads MNIST's validation digits through them.
`lib.digit_pictures` is their counterpart for the stroke generator's ink (the styles set).
"""

import io

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage


def _large(digit, size):
    """The digit scaled up smoothly to `size` x `size`, as a float array in [0, 1]."""
    image = Image.fromarray(digit).resize((size, size), Image.Resampling.BICUBIC)
    return np.clip(np.asarray(image, dtype=np.float32) / 255.0, 0, 1)


def _encode(image, format_, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format_, **options)
    return buffer.getvalue()


def canvas_stroke(digit, rng):
    """The drawing canvas: white strokes in the alpha channel, transparent elsewhere."""
    ink = (_large(digit, 280) * 255).astype(np.uint8)
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = ink
    return Image.fromarray(rgba, "RGBA")


def black_on_white_png(digit, rng):
    """A scan or a paint program: black ink on white paper."""
    return _encode(Image.fromarray(((1 - _large(digit, 200)) * 255).astype(np.uint8)), "PNG")


def phone_photo(digit, rng):
    """A photo of paper: tinted paper, shadow across it, coloured ink, JPEG noise, EXIF turn."""
    height, width = 900, 1200
    ink = np.zeros((height, width), np.float32)
    size = int(rng.integers(420, 560))
    top = int(rng.integers(120, height - size - 60))
    left = int(rng.integers(200, width - size - 200))
    ink[top : top + size, left : left + size] = _large(digit, size)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 0.55 + 0.4 * (xs / width) * (0.7 + 0.3 * ys / height)  # A shadow on one side.
    paper = np.array([0.93, 0.90, 0.80], np.float32)  # Cream paper.
    pen = np.array([0.10, 0.15, 0.45], np.float32)  # Blue ballpoint.
    colour = paper * (1 - ink[..., None]) + pen * ink[..., None]
    colour = colour * light[..., None] + rng.normal(0, 0.02, (height, width, 3))
    image = Image.fromarray((np.clip(colour, 0, 1) * 255).astype(np.uint8), "RGB")
    # Phones store the picture sideways and say so in EXIF (orientation 6: turn 90 deg clockwise).
    image = image.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return _encode(image, "JPEG", quality=80, exif=exif.tobytes())


def hairline_pen(digit, rng):
    """A very thin pen on a large white page."""
    strokes = _large(digit, 480) > 0.5
    # The strokes' centre lines (ridges of the distance to the background), a few pixels wide.
    distance = ndimage.distance_transform_edt(strokes)
    ridges = (distance > 0) & (distance >= ndimage.maximum_filter(distance, size=5) - 0.5)
    thin = Image.fromarray((ndimage.binary_dilation(ridges, iterations=1) * 255).astype(np.uint8))
    return _encode(Image.eval(thin, lambda value: 255 - value), "PNG")


def fat_marker(digit, rng):
    """A fat marker: strokes several times MNIST's width."""
    strokes = Image.fromarray((_large(digit, 300) * 255).astype(np.uint8))
    return _encode(strokes.filter(ImageFilter.MaxFilter(17)), "PNG")


def small_in_corner(digit, rng):
    """A small digit off in a corner of a large white image."""
    page = np.ones((1000, 1400), np.float32)
    page[60:160, 1200:1300] = 1 - _large(digit, 100)
    return _encode(Image.fromarray((page * 255).astype(np.uint8)), "PNG")


def palette_gif(digit, rng):
    """A palette image (GIF)."""
    image = Image.fromarray(((1 - _large(digit, 112)) * 255).astype(np.uint8)).convert("RGB")
    return _encode(image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "GIF")


def sixteen_bit_png(digit, rng):
    """A 16-bit greyscale PNG."""
    values = ((1 - _large(digit, 140)) * 65535).astype(np.uint16)
    image = Image.new("I;16", (140, 140))
    image.frombytes(values.astype("<u2").tobytes())
    return _encode(image, "PNG")


def cmyk_jpeg(digit, rng):
    """A CMYK JPEG from print software."""
    image = Image.fromarray(((1 - _large(digit, 160)) * 255).astype(np.uint8)).convert("RGB")
    return _encode(image.convert("CMYK"), "JPEG", quality=90)


def grey_with_alpha(digit, rng):
    """Greyscale with alpha (LA): dark ink, transparent background."""
    ink = (_large(digit, 150) * 255).astype(np.uint8)
    la = np.stack([np.zeros_like(ink), ink], axis=-1)
    return _encode(Image.fromarray(la, "LA"), "PNG")


KINDS = {
    "canvas stroke (alpha)": canvas_stroke,
    "black on white": black_on_white_png,
    "phone photo of paper": phone_photo,
    "hairline pen": hairline_pen,
    "fat marker": fat_marker,
    "small, in a corner": small_in_corner,
    "palette GIF": palette_gif,
    "16-bit PNG": sixteen_bit_png,
    "CMYK JPEG": cmyk_jpeg,
    "grey with alpha": grey_with_alpha,
}
