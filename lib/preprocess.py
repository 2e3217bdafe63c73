"""Turn any picture of one handwritten digit into the 28 x 28 input MNIST models expect.

MNIST digits are bright ink on black, scaled to fit a 20 x 20 box and centred
in 28 x 28 by their centre of mass. `to_mnist` does the same to what people
really draw and upload: canvas strokes in the alpha channel, black-on-white
scans, phone photos of paper under uneven light, thin pens and fat markers,
small digits in a corner of a large picture.
"""

import dataclasses
import io
import logging
import math
import os
import re
import struct

import numpy as np
from PIL import (
    Image,
    ImageChops,
    ImageOps,
    JpegImagePlugin,
    TiffImagePlugin,
    UnidentifiedImageError,
)
from scipy import ndimage

from lib.errors import InputError

logger = logging.getLogger(__name__)

# What the app says it reads, and nothing else: each format Pillow knows is a parser an
# upload could reach.
FORMATS = ("PNG", "JPEG", "BMP", "GIF", "WEBP", "TIFF")
# An image decoded at full size (PNG, BMP, GIF, WebP, TIFF, a progressive JPEG) may
# declare at most this many pixels: decoding and graying a 40 MP image takes up to
# ~0.5 GB (16-bit PNG) and ~1.5 s of CPU. A 30,000 x 30,000 PNG is refused unread.
MAX_IMAGE_PIXELS = 40_000_000
# A JPEG decoded reduced (`draft`: 1/8 of each side at most) takes a few MB and ~0.1 s
# whatever its size, so ordinary phone photos up to 108 MP (12,000 x 9,000) pass.
MAX_JPEG_PIXELS = 120_000_000
# Pillow's own limit, for any code that opens images: it warns above it and refuses above
# twice it. It sits at the largest image the app accepts, so that nothing accepted warns
# (a warning is an exception wherever a filter turns it into one).
Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS

# The digit is located on a copy whose longest side is at most this: enough to
# keep a small digit in a corner of a photo. JPEGs are decoded straight at about
# this size (Pillow's `draft`).
WORKING_SIZE = 512
# A first, quick look uses a copy at most this small (a 280 px canvas becomes
# 94 px). A digit that fills a good part of the picture (a drawing, a scan)
# comes out at least `QUICK_MIN_DIGIT` pixels tall there, so fitting it into
# 20 x 20 only shrinks it. Smaller or fainter ones get the full look.
QUICK_SIZE = 100
QUICK_MIN_DIGIT = 28

MNIST_SIZE = 28
DIGIT_BOX = 20
# Below this contrast (on a 0-1 scale) between ink and background, nothing was drawn.
MIN_CONTRAST = 0.12
# Stroke width relative to the digit's height that MNIST digits have (about 2.5 px in 20).
MNIST_STROKE_RATIO = 0.13


@dataclasses.dataclass(frozen=True)
class PreprocessSteps:
    """Every intermediate image of `to_mnist`, for showing what the model sees.

    Attributes:
        gray: `(height, width)` float32 in [0, 1], the picture in gray levels
            (at most `WORKING_SIZE` on its longest side).
        ink: `(height, width)` float32 in [0, 1], ink as bright on black, the
            background (and uneven light) removed.
        crop: `(h, w)` float32, the ink cropped to the digit, strokes adjusted
            to MNIST's width.
        fitted: `(20, w)` or `(h, 20)` float32, the crop scaled to fit 20 x 20.
        mnist: `(28, 28)` float32 in [0, 1], centred by centre of mass: the
            model's input.
    """

    gray: np.ndarray
    ink: np.ndarray
    crop: np.ndarray
    fitted: np.ndarray
    mnist: np.ndarray


def open_image(source, check=None):
    """Opens an image from bytes, a path or a file object, safely.

    Only the formats the app names (`FORMATS`) are tried. The size is read from
    the header and refused before anything is decoded: a JPEG that can be
    decoded reduced (`decodes_reduced`) may declare up to `MAX_JPEG_PIXELS`
    and is decoded at about `WORKING_SIZE` (Pillow's `draft`, a few MB
    whatever its size); anything else is decoded at full size and may declare
    up to `MAX_IMAGE_PIXELS`. EXIF orientation is applied.

    Args:
        source: `bytes`, a path, a binary file object, or a `PIL.Image.Image`.
        check: Optional `check(image)`, called with the opened image (its
            `size` and `format` read from the header, nothing decoded yet);
            it may raise an `InputError` to refuse the image unread (a
            batch's pixel budget does).

    Returns:
        A loaded `PIL.Image.Image`.

    Raises:
        InputError: `empty_file`, `not_an_image`, `truncated`,
            `batch_image_pixels`, `batch_jpeg_pixels`, `batch_image_mode`,
            or what `check` raised.
    """
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            source = file.read()
    elif not isinstance(source, (bytes, bytearray, memoryview)):
        source = source.read()
    if len(source) == 0:
        raise InputError("empty_file")
    data = bytes(source)
    image = _open_header(data)
    reduced = decodes_reduced(image, data)
    _refuse_oversized(image.size, reduced)
    _refuse_oversized_tiles(image)
    if check is not None:
        check(image)
    try:
        if reduced:
            image.draft(image.mode, (WORKING_SIZE, WORKING_SIZE))
        image.load()
        return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # A frame larger than the header said (GIF, TIFF tiles): Pillow's own limit.
        raise InputError(
            "batch_image_pixels", width=image.width, height=image.height,
            pixels=image.width * image.height, limit=MAX_IMAGE_PIXELS,
        ) from None
    except MemoryError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError) as error:
        if isinstance(error, InputError):
            raise
        raise InputError("truncated") from None
    except Exception:  # A decoder failing in an unforeseen way on a damaged file.
        logger.warning("Decoding a %s image failed unexpectedly", image.format, exc_info=True)
        raise InputError("truncated") from None


def _open_header(data):
    """The image `data` holds, opened lazily (only its header read), as one of `FORMATS`."""
    try:
        return Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Beyond Pillow's own limit: say what the header declares, never decode it.
        size = _declared_size(data)
        if size is not None:
            _refuse_oversized(size, reduced=False)
        # A plugin that checks the limit itself (WebP): only Pillow's message has the count.
        claimed = re.search(r"\((\d+) pixels\)", str(error))
        if claimed is None:
            raise InputError("truncated") from None
        raise InputError("too_many_pixels", pixels=int(claimed.group(1)),
                         limit=MAX_IMAGE_PIXELS) from None
    except UnidentifiedImageError:
        raise InputError("not_an_image") from None
    except MemoryError:
        raise
    except Exception:  # A header that makes a parser fail: damaged, or not an image.
        raise InputError("truncated") from None


def _declared_size(data):
    """The `(width, height)` a header declares, read without Pillow's limit and without
    decoding (for the message about an image beyond that limit), or `None`."""
    prefix = data[:16]
    for name in FORMATS:
        factory, accept = Image.OPEN.get(name, (None, None))
        if factory is None or (accept is not None and not accept(prefix)):
            continue
        try:
            width, height = factory(io.BytesIO(data), "").size
        except Exception:
            continue
        if width * height > MAX_IMAGE_PIXELS:
            return width, height
    return None


def decodes_reduced(image, data):
    """Whether `image` (opened from `data`) can be decoded at a fraction of its size, in a
    few rows of memory.

    True for a sequential JPEG whose first scan holds every colour component (what cameras
    and phones write). A progressive JPEG, or one with a scan per component, is decoded by
    libjpeg into a buffer of the whole image's coefficients (2 bytes per sample), however
    small the output: it counts as full size.
    """
    if not isinstance(image, JpegImagePlugin.JpegImageFile) or image.info.get("progressive"):
        return False
    return _jpeg_first_scan_has_every_component(data)


def _jpeg_first_scan_has_every_component(data):
    """Walks a JPEG's markers up to its first scan (reading headers only). Anything it does
    not understand counts as "no": the image is then limited as a full-size one."""
    position, components = 2, None  # After the start-of-image marker.
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # A fill byte before a marker.
            position += 1
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position + 4 : position + 2 + length]
        if marker in _PROGRESSIVE_MARKERS:
            return False
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and len(segment) > 5:
            components = segment[5]  # Start of frame: precision, height, width, components.
        if marker == 0xDA:  # Start of scan: its first byte is how many components it holds.
            return components is not None and len(segment) > 0 and segment[0] == components
        position += 2 + length
    return False


_PROGRESSIVE_MARKERS = (0xC2, 0xC6, 0xCA, 0xCE)


def _refuse_oversized_tiles(image):
    """Refuses a TIFF whose tiles are larger than the image they tile (and than 1 MP): libtiff
    decodes a tile at a time into a buffer of the tile's size, however small the image (16 x 16
    pixels in tiles of 32,768 x 32,768 took 1 GB)."""
    if not isinstance(image, TiffImagePlugin.TiffImageFile):
        return
    width, height = (image.tag_v2.get(tag, 0) for tag in (_TILE_WIDTH, _TILE_LENGTH))
    if not (isinstance(width, int) and isinstance(height, int)):
        raise InputError("truncated")
    if width * height > max(image.width * image.height, _TIFF_TILE_MIN_PIXELS):
        raise InputError("batch_tiff_tiles", tile_width=width, tile_height=height,
                         width=image.width, height=image.height)


_TILE_WIDTH, _TILE_LENGTH = 322, 323
# Tiles are multiples of 16 pixels and often larger than a small image (a 100 x 100 TIFF in
# 256 x 256 tiles): up to this many pixels a tile is fine whatever the image.
_TIFF_TILE_MIN_PIXELS = 1024 * 1024


def _refuse_oversized(size, reduced):
    width, height = size
    pixels = width * height
    if reduced and pixels > MAX_JPEG_PIXELS:
        raise InputError("batch_jpeg_pixels", width=width, height=height, pixels=pixels,
                         limit=MAX_JPEG_PIXELS)
    if not reduced and pixels > MAX_IMAGE_PIXELS:
        raise InputError("batch_image_pixels", width=width, height=height, pixels=pixels,
                         limit=MAX_IMAGE_PIXELS)


def to_mnist(image):
    """Turns a picture of one digit into an MNIST-style 28 x 28 array.

    Args:
        image: A `PIL.Image.Image` in any mode, bytes or a path of an image
            file, or an array `(height, width)`, `(height, width, 3)` or
            `(height, width, 4)` (uint8 0-255, or float in [0, 1]). Any size,
            colours, polarity or alpha.

    Returns:
        float32 array `(28, 28)` in [0, 1]: bright ink on black, the digit
        fitted into 20 x 20 and centred by its centre of mass.

    Raises:
        InputError (a `ValueError`): if the image cannot be read, or is blank.
    """
    return preprocess_steps(image).mnist


def preprocess_steps(image):
    """Like `to_mnist`, but returns every intermediate step as `PreprocessSteps`."""
    layers = _gray_layers(_as_pil(image))
    if max(layers.gray.size) > QUICK_SIZE:
        try:
            steps = _steps(layers.flattened(_quick_copy))
        except InputError:
            pass  # Perhaps a small or faint digit: look again at full size.
        else:
            if max(steps.crop.shape) >= QUICK_MIN_DIGIT:
                return steps
    return _steps(layers.flattened(_working_copy))


def _steps(gray):
    ink, threshold = _ink(gray)
    crop = _crop_to_digit(ink, threshold)
    fitted = _fit_into_box(crop)
    return PreprocessSteps(gray=gray, ink=ink, crop=crop, fitted=fitted, mnist=_centre(fitted))


def _as_pil(image):
    if isinstance(image, np.ndarray):
        array = image
        if array.dtype != np.uint8:
            array = np.clip(np.nan_to_num(array.astype(np.float32)) * 255.0, 0, 255)
            array = array.astype(np.uint8)
        if array.ndim == 3 and array.shape[2] == 1:
            array = array[:, :, 0]
        if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
            raise ValueError(
                "Expected an image array of shape (height, width), (height, width, 3) or "
                f"(height, width, 4). Received an array of shape {image.shape}."
            )
        return Image.fromarray(array)
    return open_image(image)


@dataclasses.dataclass(frozen=True)
class _GrayLayers:
    """A picture's gray levels, made once, that each look shrinks to its own size.

    Attributes:
        gray: An "L" (0-255) or "F" (0-1) image; for a picture with
            transparency, its gray levels premultiplied by alpha.
        alpha: The "L" alpha channel of a picture with transparency, or `None`.
    """

    gray: Image.Image
    alpha: Image.Image | None

    def flattened(self, shrink):
        """Gray levels in [0, 1] of a copy made by `shrink`; transparency laid on a ground
        its ink stands out on.

        The drawing canvas returns strokes in the alpha channel over fully
        transparent pixels; transparent PNGs do the same with any ink colour.
        Gray levels are premultiplied by alpha before the copy is shrunk, so
        shrinking first and laying the picture on its ground after gives what the
        other order would, on far fewer pixels.

        Returns:
            float32 `(height, width)` in [0, 1].
        """
        scale = 1.0 if self.gray.mode == "F" else 255.0
        luminance = np.asarray(shrink(self.gray), dtype=np.float32) / scale
        if self.alpha is None:
            return luminance
        alpha = np.asarray(shrink(self.alpha), dtype=np.float32) / 255.0
        opaque = alpha > 0.5
        if opaque.all():
            return luminance
        ink_is_dark = opaque.any() and (luminance[opaque] / alpha[opaque]).mean() < 0.5
        return luminance + (1.0 - alpha) if ink_is_dark else luminance


def _gray_layers(image):
    """The picture's `_GrayLayers`, from any mode.

    Raises:
        InputError: `batch_image_mode` for a mode with no way to gray levels (e.g. TIFF's LAB).
    """
    try:
        if image.mode == "P":
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
            # In place: a 40 MP 16-bit scan is 160 MB as float32, and one copy of it is enough.
            gray = np.array(image, dtype=np.float32)
            top = 65535.0 if image.mode.startswith("I;16") or gray.max() > 255 else 255.0
            if image.mode == "F":
                top = max(float(np.nan_to_num(gray.max())), 1e-6)
            gray *= 1.0 / top
            np.clip(np.nan_to_num(gray, copy=False), 0.0, 1.0, out=gray)
            return _GrayLayers(Image.fromarray(gray, mode="F"), None)
        if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
            rgba = image if image.mode == "RGBA" else image.convert("RGBA")
            alpha = rgba.getchannel("A")
            return _GrayLayers(ImageChops.multiply(rgba.convert("L"), alpha), alpha)
        if image.mode != "L":
            image = image.convert("RGB").convert("L")
        return _GrayLayers(image, None)
    except ValueError:  # Pillow: "conversion from LAB to RGB not supported".
        raise InputError("batch_image_mode", mode=image.mode) from None


def _quick_copy(image):
    """A copy at most `QUICK_SIZE` on its longest side, shrunk by a whole factor (averaging
    blocks of pixels: the fastest shrink there is)."""
    longest = max(image.size)
    return image.reduce(math.ceil(longest / QUICK_SIZE)) if longest > QUICK_SIZE else image


def _working_copy(image):
    """A copy at most `WORKING_SIZE` on its longest side, shrunk averaging pixels."""
    if max(image.size) <= WORKING_SIZE:
        return image
    image = image.copy()
    image.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BOX)
    return image


def _ink(gray):
    """Ink as bright on black in [0, 1], and the level that separates strokes from the rest.

    Polarity is read from the border; uneven light is removed.

    Returns:
        `(ink, threshold)`: float32 `(height, width)` in [0, 1], and a float.
    """
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    darkness = 1.0 - gray if np.median(border) > 0.5 else gray.copy()
    darkness -= _background(darkness)
    np.clip(darkness, 0.0, 1.0, out=darkness)
    # The 20th brightest pixel: a digit has hundreds of ink pixels, a speck of noise a few.
    histogram = _histogram(darkness)
    from_brightest = np.cumsum(histogram[::-1])
    peak = (255 - int(np.searchsorted(from_brightest, min(20, darkness.size)))) / 255.0
    if peak < MIN_CONTRAST:
        raise InputError("blank")
    # Strokes are above Otsu's threshold (and never fainter than 15% of the peak).
    threshold = max(_otsu_threshold(histogram) / peak, 0.15)
    return np.clip(darkness / peak, 0.0, 1.0), threshold


def _background(darkness):
    """The paper's own darkness under uneven light (shadows, tinted paper), smooth and low.

    Taken as the lightest paper nearby: a minimum filter over about a fifth of
    the picture (wider than the strokes of all but the fattest markers) on a
    coarse grid of 32 cells, blurred back to full size. An evenly lit picture
    gets one level, so even a fat marker's strokes stay whole there.
    """
    height, width = darkness.shape
    border = np.concatenate([darkness[0], darkness[-1], darkness[:, 0], darkness[:, -1]])
    if min(height, width) < 64 or np.ptp(border) < 0.02:  # Small, or a flat digital ground.
        return float(np.median(border))
    cells = max(height, width) / 32.0
    grid = (max(1, round(width / cells)), max(1, round(height / cells)))
    coarse = np.asarray(Image.fromarray(darkness, mode="F").resize(grid, Image.Resampling.BOX))
    level = ndimage.gaussian_filter(ndimage.minimum_filter(coarse, size=7), sigma=1.5)
    # Evenly lit when the paper around the edges is all one level.
    edge = np.concatenate([level[0], level[-1], level[:, 0], level[:, -1]])
    if edge.max() - edge.min() < 0.05:
        return float(np.median(border))
    return np.asarray(
        Image.fromarray(level, mode="F").resize((width, height), Image.Resampling.BILINEAR)
    )


def _crop_to_digit(ink, threshold):
    """Crops to the digit's strokes, dropping specks, and brings strokes to MNIST's width."""
    mask = ink > threshold
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    if count > 1:
        # Keep the digit's strokes, drop dust and JPEG specks: components under 5%
        # of the largest one (a separate bar of a 4 or a 5 is far bigger than that).
        areas = ndimage.sum_labels(mask, labels, index=np.arange(1, count + 1))
        keep = np.flatnonzero(areas >= 0.05 * areas.max()) + 1
        mask = np.isin(labels, keep)
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise InputError("blank")
    # Keep the soft edges of the strokes: grow the box by a pixel and the mask by one step.
    top, bottom = max(int(rows[0]) - 1, 0), min(int(rows[-1]) + 2, ink.shape[0])
    left, right = max(int(cols[0]) - 1, 0), min(int(cols[-1]) + 2, ink.shape[1])
    near_strokes = _grow(mask[top:bottom, left:right])
    crop = np.where(near_strokes, ink[top:bottom, left:right], 0.0).astype(np.float32)
    return _match_stroke_width(crop, mask[top:bottom, left:right])


def _histogram(values):
    """Counts of `values` in [0, 1] over 256 equal bins (fast: one `bincount`)."""
    return np.bincount((values.ravel() * 255.0 + 0.5).astype(np.uint8), minlength=256)


def _grow(mask):
    """The mask grown by one pixel up, down, left and right (a cheap binary dilation)."""
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return grown


def _otsu_threshold(histogram):
    """Otsu's threshold, in [0, 1], of a 256-bin `_histogram`."""
    weights = histogram.astype(np.float64)
    centres = np.arange(256) / 255.0
    below = np.cumsum(weights)
    above = below[-1] - below
    sum_below = np.cumsum(weights * centres)
    mean_below = sum_below / np.maximum(below, 1)
    mean_above = (sum_below[-1] - sum_below) / np.maximum(above, 1)
    between = below * above * (mean_below - mean_above) ** 2
    return float(centres[np.argmax(between)])


def _match_stroke_width(crop, mask):
    """Thickens hairline strokes towards MNIST's stroke width.

    Fat strokes are left alone: thinning them by erosion erases a digit's
    thinner parts first, and the model reads fat digits well as they are.
    """
    size = max(crop.shape)
    area = mask.sum()
    edge = int(_grow(~mask).sum()) - int((~mask).sum())  # Ink pixels that touch the background.
    if size < 8 or edge == 0:
        return crop
    # A stroke of width w and length l has area w*l and about 2*l edge pixels.
    stroke_width = 2.0 * area / edge
    if stroke_width < 0.5 * MNIST_STROKE_RATIO * size:
        grow = int(round(MNIST_STROKE_RATIO * size - stroke_width))
        if grow >= 2:
            return ndimage.grey_dilation(crop, size=(grow, grow))
    return crop


def _fit_into_box(crop):
    height, width = crop.shape
    scale = DIGIT_BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    fitted = np.asarray(Image.fromarray(crop, mode="F").resize(size, resample), dtype=np.float32)
    peak = fitted.max()
    return np.clip(fitted / peak, 0.0, 1.0) if peak > 0 else fitted


def _centre(fitted):
    """Places the 20 x 20 digit in 28 x 28 with its centre of mass at the centre, like MNIST."""
    height, width = fitted.shape
    total = float(fitted.sum())
    centre_row = float(fitted.sum(axis=1) @ np.arange(height)) / total
    centre_col = float(fitted.sum(axis=0) @ np.arange(width)) / total
    half = MNIST_SIZE / 2.0
    top = int(np.clip(round(half - centre_row - 0.5), 0, MNIST_SIZE - height))
    left = int(np.clip(round(half - centre_col - 0.5), 0, MNIST_SIZE - width))
    mnist = np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.float32)
    mnist[top : top + height, left : left + width] = fitted
    return mnist
