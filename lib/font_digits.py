"""Digits rendered from the fonts on the machine, distorted as handwriting is.

Typefaces write the styles MNIST has few of: DejaVu's and Liberation's 1 has a
flag (and in the serif faces a base), their 4 a closed top, their 9 a straight
stem. Each digit is drawn in one of `FONTS`, then rotated, sheared, elastically
distorted (Simard et al., 2003) and drawn with a thicker or thinner stroke, all
decided by a seed.

The fonts come from Debian's `fonts-dejavu-core`, `fonts-dejavu-extra` and
`fonts-liberation` packages:

    apt-get install -y fonts-dejavu-core fonts-dejavu-extra fonts-liberation
"""

import dataclasses
import math
import pathlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from scipy import ndimage

from lib import registry

FONT_DIRECTORY = pathlib.Path("/usr/share/fonts/truetype")
# Each font's file under `FONT_DIRECTORY`, and the Debian package that installs it.
FONTS = {
    "DejaVu Sans": ("dejavu/DejaVuSans.ttf", "fonts-dejavu-core"),
    "DejaVu Sans Bold": ("dejavu/DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    "DejaVu Sans Oblique": ("dejavu/DejaVuSans-Oblique.ttf", "fonts-dejavu-extra"),
    "DejaVu Sans Condensed": ("dejavu/DejaVuSansCondensed.ttf", "fonts-dejavu-extra"),
    "DejaVu Sans ExtraLight": ("dejavu/DejaVuSans-ExtraLight.ttf", "fonts-dejavu-extra"),
    "DejaVu Sans Mono": ("dejavu/DejaVuSansMono.ttf", "fonts-dejavu-core"),
    "DejaVu Serif": ("dejavu/DejaVuSerif.ttf", "fonts-dejavu-core"),
    "DejaVu Serif Italic": ("dejavu/DejaVuSerif-Italic.ttf", "fonts-dejavu-extra"),
    "Liberation Sans": ("liberation/LiberationSans-Regular.ttf", "fonts-liberation"),
    "Liberation Sans Bold": ("liberation/LiberationSans-Bold.ttf", "fonts-liberation"),
    "Liberation Sans Italic": ("liberation/LiberationSans-Italic.ttf", "fonts-liberation"),
    "Liberation Sans Narrow": ("liberation/LiberationSansNarrow-Regular.ttf",
                               "fonts-liberation"),
    "Liberation Serif": ("liberation/LiberationSerif-Regular.ttf", "fonts-liberation"),
    "Liberation Serif Italic": ("liberation/LiberationSerif-Italic.ttf", "fonts-liberation"),
    "Liberation Mono": ("liberation/LiberationMono-Regular.ttf", "fonts-liberation"),
}
SIZE = 112
# Ranges each digit's distortions are drawn from.
ROTATION_DEGREES = 12
SHEAR = 0.3
ELASTIC_ALPHA = (0.0, 0.9)  # Of sigma: how far the elastic field moves the ink.
ELASTIC_SIGMA = (0.1, 0.16)  # Of the picture's side: how smooth the field is.
STROKE = (-2, 3)  # Pixels at 112 px: negative thins, positive thickens.
# A digit is thinned only if this share of its ink is left.
THINNING_KEEPS = 0.6
AUGMENTATION = (
    f"rotation up to {ROTATION_DEGREES} degrees either way, shear up to {SHEAR}, elastic "
    f"distortion (a Gaussian-smoothed random field, sigma {ELASTIC_SIGMA[0]:g}-"
    f"{ELASTIC_SIGMA[1]:g} of the side, moving ink up to {ELASTIC_ALPHA[1]:g} sigma), stroke "
    f"{STROKE[0]} to +{STROKE[1]} px at {SIZE} px"
)


def font_path(name):
    """The file of font `name` (a key of `FONTS`).

    Raises:
        ValueError: for an unknown font.
        FileNotFoundError: if it is not installed, naming the package to install.
    """
    relative, package = registry.get(FONTS, name, "font")
    path = FONT_DIRECTORY / relative
    if not path.exists():
        raise FileNotFoundError(
            f"The font {name!r} ({path}) is not installed. Install it with: "
            f"apt-get install -y {package} (all the fonts: apt-get install -y "
            f"{' '.join(sorted({package for _, package in FONTS.values()}))})."
        )
    return path


@dataclasses.dataclass(frozen=True)
class FontDigits:
    """Digits rendered from fonts.

    Attributes:
        inks: float32 `(n, SIZE, SIZE)` in [0, 1], ink on nothing.
        labels: uint8 `(n,)`.
        fonts: `(n,)` str, each digit's font.
        seeds: int64 `(n,)`, each digit's seed.
    """

    inks: np.ndarray
    labels: np.ndarray
    fonts: np.ndarray
    seeds: np.ndarray


def render(digit, font, seed):
    """One digit in one font, distorted as `seed` decides.

    Args:
        digit: 0-9.
        font: A key of `FONTS`.
        seed: A non-negative integer.

    Returns:
        float32 `(SIZE, SIZE)` in [0, 1]: ink on nothing.
    """
    if digit not in range(10):
        raise ValueError(f"Expected a digit from 0 to 9. Received {digit!r}.")
    rng = np.random.default_rng([int(seed), int(digit), list(FONTS).index(font)])
    typeface = ImageFont.truetype(str(font_path(font)), size=int(SIZE * 0.62))
    image = Image.new("L", (SIZE, SIZE), 0)
    pen = ImageDraw.Draw(image)
    stroke = int(rng.integers(STROKE[0], STROKE[1] + 1))
    pen.text((SIZE / 2, SIZE / 2), str(digit), fill=255, font=typeface, anchor="mm",
             stroke_width=max(stroke, 0), stroke_fill=255)
    if stroke < 0:
        thinner = image.filter(ImageFilter.MinFilter(2 * -stroke + 1))
        # Thinning erases a light face's strokes and a serif face's hairlines: keep those.
        if np.asarray(thinner).sum() >= THINNING_KEEPS * np.asarray(image).sum():
            image = thinner
    # Rotation and shear in one affine map about the centre.
    angle = math.radians(rng.uniform(-ROTATION_DEGREES, ROTATION_DEGREES))
    shear = rng.uniform(-SHEAR, SHEAR)
    matrix = np.array([[math.cos(angle), -math.sin(angle)],
                       [math.sin(angle), math.cos(angle)]]) @ np.array([[1.0, shear], [0, 1]])
    inverse = np.linalg.inv(matrix)
    centre = np.array([SIZE / 2, SIZE / 2])
    offset = centre - inverse @ centre
    image = image.transform(image.size, Image.Transform.AFFINE,
                            (*inverse[0], offset[0], *inverse[1], offset[1]),
                            resample=Image.Resampling.BILINEAR)
    ink = np.asarray(image, dtype=np.float32) / 255.0
    return _elastic(ink, rng)


def _elastic(ink, rng):
    sigma = rng.uniform(*ELASTIC_SIGMA) * SIZE
    alpha = rng.uniform(*ELASTIC_ALPHA) * sigma
    # A field of unit-spread moves, smoothed; rescaled so its largest move is `alpha`.
    fields = [ndimage.gaussian_filter(rng.uniform(-1, 1, ink.shape), sigma) for _ in range(2)]
    peak = max(float(np.abs(field).max()) for field in fields) or 1.0
    rows, cols = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    moved = ndimage.map_coordinates(
        ink, [rows + fields[0] * alpha / peak, cols + fields[1] * alpha / peak],
        order=1, mode="constant")
    return np.clip(moved, 0.0, 1.0).astype(np.float32)


def make_digits(count_per_digit, seed=0, fonts=None):
    """`count_per_digit` of each digit, the fonts taken in turn.

    Args:
        count_per_digit: Digits of each class.
        seed: The first seed; digit `i` of a class gets seed `seed + i`.
        fonts: Keys of `FONTS` (default: all of them).

    Returns:
        A `FontDigits` of `10 * count_per_digit` digits, class by class.
    """
    fonts = list(FONTS) if fonts is None else list(fonts)
    for font in fonts:
        font_path(font)
    inks, labels, names, seeds = [], [], [], []
    for digit in range(10):
        for index in range(count_per_digit):
            font = fonts[index % len(fonts)]
            inks.append(render(digit, font, seed + index))
            labels.append(digit)
            names.append(font)
            seeds.append(seed + index)
    return FontDigits(
        inks=np.stack(inks) if inks else np.zeros((0, SIZE, SIZE), np.float32),
        labels=np.array(labels, dtype=np.uint8), fonts=np.array(names, dtype=str),
        seeds=np.array(seeds, dtype=np.int64),
    )
