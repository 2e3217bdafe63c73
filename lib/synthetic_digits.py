"""A pen-stroke generator of handwritten digits in the styles MNIST has few of.

MNIST's writers were American: their 1 is a bare stick, their 4 is open at the
top, their 7 has no bar. A class in Europe or China writes a 1 with a flag and
a base, a 4 with a closed top, a 7 with a crossbar. Each style here is a digit
as a pen draws it: strokes (polylines) in a unit box, varied per sample by a
seed (proportions, slant, rotation, wobble, pen width, size and place on the
canvas), then inked with a round pen on a 280 x 280 canvas, as
`/recognize`'s canvas is.

Seeds decide everything, and the two uses never share one: training data is
drawn only from `TRAINING_SEEDS`, the benchmark's styles set only from
`TEST_SEEDS`.

    strokes = synthetic_digits.draw_strokes("4_closed", seed=7)
    ink = synthetic_digits.render(strokes)           # (280, 280) float32 in [0, 1]
    digits = synthetic_digits.make_digits(synthetic_digits.TRAINING_SEEDS[:100])
"""

import dataclasses
import math

import numpy as np
from PIL import Image, ImageDraw

from lib import registry

CANVAS_SIZE = 280
# A sample's seed picks its style's variations; training and the benchmark use disjoint seeds.
TRAINING_SEEDS = range(0, 1_000_000)
TEST_SEEDS = range(1_000_000, 1_100_000)
# Points per unit of stroke length: enough for smooth curves after the wobble.
_POINTS_PER_UNIT = 60
# Lines are inked this many times larger, then shrunk: smooth (antialiased) edges.
_SUPERSAMPLE = 2


@dataclasses.dataclass(frozen=True)
class Style:
    """One way of writing a digit.

    Attributes:
        digit: The digit, 0-9.
        description: What sets it apart, in a few words.
        strokes: `strokes(rng)` -> a list of `(n, 2)` float arrays: the pen's
            paths as `(x, y)` in a box about 0.6 wide and 1 tall (y down),
            before slant, rotation and wobble.
        mnist_has_few: Whether MNIST's writers rarely write it so.
    """

    digit: int
    description: str
    strokes: object
    mnist_has_few: bool


# --- Pieces of strokes ---------------------------------------------------------------
# Each returns a path, an `(n, 2)` array of points in a form's unit box; `lib.writers`
# draws its forms with them too.


def line(*points):
    """A polyline through `points`, densely sampled."""
    points = np.asarray(points, dtype=np.float64)
    pieces = []
    for start, end in zip(points[:-1], points[1:], strict=True):
        count = max(2, int(np.linalg.norm(end - start) * _POINTS_PER_UNIT))
        steps = np.linspace(0.0, 1.0, count, endpoint=False)[:, None]
        pieces.append(start + steps * (end - start))
    pieces.append(points[-1:])
    return np.concatenate(pieces)


def arc(centre, radii, start, end):
    """An elliptic arc from angle `start` to `end` (degrees; 0 is right, 90 is down)."""
    length = math.radians(abs(end - start)) * max(radii)
    count = max(3, int(length * _POINTS_PER_UNIT))
    angles = np.radians(np.linspace(start, end, count))
    return np.stack([centre[0] + radii[0] * np.cos(angles),
                     centre[1] + radii[1] * np.sin(angles)], axis=1)


def curve(*controls):
    """A Bezier curve through its first and last control points (any degree)."""
    controls = np.asarray(controls, dtype=np.float64)
    length = np.linalg.norm(np.diff(controls, axis=0), axis=1).sum()
    t = np.linspace(0.0, 1.0, max(3, int(length * _POINTS_PER_UNIT)))[:, None]
    degree = len(controls) - 1
    return sum(math.comb(degree, k) * t**k * (1 - t) ** (degree - k) * controls[k]
               for k in range(degree + 1))


def join(*pieces):
    """One stroke made of pieces drawn without lifting the pen."""
    return np.concatenate(pieces)


# --- The styles ------------------------------------------------------------------------
# Each takes a `numpy.random.Generator` and returns its strokes; `u(a, b)` draws a proportion.


def _zero_oval(rng):
    width, top = rng.uniform(0.2, 0.3), rng.uniform(-100, -80)
    return [arc((0.5, 0.5), (width, 0.5), top, top - rng.uniform(350, 375))]


def _one_stick(rng):
    return [line((0.5 + rng.uniform(-0.03, 0.03), 0.0), (0.5, 1.0))]


def _one_flag(rng):
    flag = rng.uniform(0.18, 0.32)
    return [line((0.55 - flag, rng.uniform(0.18, 0.32)), (0.55, 0.0), (0.55, 1.0))]


def _one_flag_base(rng):
    flag, base = rng.uniform(0.18, 0.3), rng.uniform(0.18, 0.28)
    return [line((0.55 - flag, rng.uniform(0.18, 0.3)), (0.55, 0.0), (0.55, 1.0)),
            line((0.55 - base, 1.0), (0.55 + base, 1.0))]


def _two_plain(rng):
    right = rng.uniform(0.72, 0.8)
    return [join(arc((0.5, 0.27), (0.25, 0.25), rng.uniform(190, 210), 360),
                  curve((0.75, 0.27), (0.74, 0.5), (0.45, 0.7), (0.24, 1.0)),
                  line((0.24, 1.0), (right, 1.0)))]


def _two_loop(rng):
    # The diagonal ends at the bottom left, turns once round a small loop, then runs right.
    loop = rng.uniform(0.06, 0.1)
    end = np.array([0.3, 0.93])
    centre = end - loop * np.array([math.cos(math.radians(45)), math.sin(math.radians(45))])
    return [join(arc((0.5, 0.27), (0.25, 0.25), rng.uniform(190, 210), 360),
                  curve((0.75, 0.27), (0.74, 0.5), (0.5, 0.72), end),
                  arc(centre, (loop, loop), 45, 405),
                  line(end, (rng.uniform(0.72, 0.8), 0.97)))]


def _three_round(rng):
    middle = rng.uniform(0.42, 0.5)
    return [join(arc((0.48, middle / 2), (0.22, middle / 2), rng.uniform(190, 215), 450),
                  arc((0.48, (1 + middle) / 2), (0.25, (1 - middle) / 2), -90,
                       rng.uniform(140, 165)))]


def _three_flat_top(rng):
    middle = rng.uniform(0.38, 0.46)
    return [join(line((0.25, 0.0), (0.72, 0.0), (0.42, middle)),
                  curve((0.42, middle), (0.85, middle - 0.05), (0.85, 1.05),
                         (0.25, rng.uniform(0.88, 0.98))))]


def _four_open(rng):
    bar, stem = rng.uniform(0.6, 0.7), rng.uniform(0.6, 0.68)
    return [line((0.3, 0.0), (0.22, bar), (0.8, bar)),
            line((stem, rng.uniform(0.15, 0.3)), (stem, 1.0))]


def _four_closed(rng):
    bar, stem = rng.uniform(0.62, 0.72), rng.uniform(0.6, 0.68)
    return [line((stem, 0.0), (0.2, bar), (0.82, bar)), line((stem, 0.0), (stem, 1.0))]


def _five_plain(rng):
    bowl = rng.uniform(0.4, 0.48)
    return [join(line((0.3, 0.0), (0.28, bowl)),
                  curve((0.28, bowl), (0.9, bowl - 0.12), (0.95, 1.1), (0.24, 0.94))),
            line((0.3, 0.0), (rng.uniform(0.7, 0.8), 0.0))]


def _five_one_stroke(rng):
    bowl = rng.uniform(0.4, 0.48)
    return [join(line((rng.uniform(0.7, 0.8), 0.0), (0.3, 0.0), (0.28, bowl)),
                  curve((0.28, bowl), (0.9, bowl - 0.12), (0.95, 1.1), (0.24, 0.94)))]


def _six_round(rng):
    loop = rng.uniform(0.3, 0.38)
    return [join(curve((0.72, 0.02), (0.35, 0.1), (0.2, 0.5), (0.28, 1.0 - loop)),
                  arc((0.5, 1.0 - loop), (0.22, loop), 180, -170))]


def _six_straight(rng):
    loop = rng.uniform(0.25, 0.34)
    return [join(line((0.68, 0.0), (0.28, 1.0 - loop)),
                  arc((0.5, 1.0 - loop), (0.22, loop), 180, -170))]


def _seven_plain(rng):
    return [line((0.22, 0.0), (0.8, 0.0), (rng.uniform(0.35, 0.5), 1.0))]


def _seven_bar(rng):
    foot = rng.uniform(0.35, 0.48)
    height = rng.uniform(0.45, 0.55)
    stem_x = 0.8 + (foot - 0.8) * height
    tick = [(0.22, rng.uniform(0.1, 0.18))] if rng.random() < 0.5 else []
    return [line(*tick, (0.22, 0.0), (0.8, 0.0), (foot, 1.0)),
            line((stem_x - rng.uniform(0.18, 0.25), height),
                  (stem_x + rng.uniform(0.15, 0.22), height))]


def _eight_one_stroke(rng):
    waist = rng.uniform(0.42, 0.5)
    return [join(curve((0.7, 0.1), (0.45, -0.1), (0.1, 0.15), (0.5, waist)),
                  curve((0.5, waist), (0.95, 0.75), (0.75, 1.05), (0.5, 1.0)),
                  curve((0.5, 1.0), (0.2, 1.0), (0.05, 0.75), (0.5, waist)),
                  curve((0.5, waist), (0.85, 0.28), (0.8, 0.05), (0.62, 0.02)))]


def _eight_two_loops(rng):
    waist = rng.uniform(0.42, 0.5)
    return [arc((0.5, waist / 2), (0.18, waist / 2), 90, 450),
            arc((0.5, (1 + waist) / 2), (0.23, (1 - waist) / 2), -90, 270)]


def _nine_curved(rng):
    loop = rng.uniform(0.3, 0.38)
    return [join(arc((0.48, loop), (0.23, loop), 0, -360),
                  curve((0.71, loop), (0.75, 0.75), (0.6, 1.0), (0.3, 0.95)))]


def _nine_straight(rng):
    loop = rng.uniform(0.28, 0.36)
    stem = rng.uniform(0.68, 0.74)
    return [join(arc((stem - 0.22, loop), (0.22, loop), 0, -360),
                  line((stem, loop), (stem, 1.0)))]


STYLES = {
    "0_oval": Style(0, "an oval, its ends meeting at the top", _zero_oval, False),
    "1_stick": Style(1, "a bare stick", _one_stick, False),
    "1_flag": Style(1, "a stem with a flag", _one_flag, True),
    "1_flag_base": Style(1, "a stem with a flag and a base", _one_flag_base, True),
    "2_plain": Style(2, "a curve, a diagonal and a flat base", _two_plain, False),
    "2_loop": Style(2, "a loop where the diagonal meets the base", _two_loop, True),
    "3_round": Style(3, "two round bowls", _three_round, False),
    "3_flat_top": Style(3, "a flat top and a zigzag into one bowl", _three_flat_top, True),
    "4_open": Style(4, "open at the top, in two strokes", _four_open, False),
    "4_closed": Style(4, "a closed top: a triangle on a stem", _four_closed, True),
    "5_plain": Style(5, "a stem and a bowl, the bar added after", _five_plain, False),
    "5_one_stroke": Style(5, "the bar, stem and bowl in one stroke", _five_one_stroke, True),
    "6_round": Style(6, "a curved stem into a loop", _six_round, False),
    "6_straight": Style(6, "a straight stem into a loop", _six_straight, True),
    "7_plain": Style(7, "a bar and a diagonal", _seven_plain, False),
    "7_bar": Style(7, "with a crossbar (and sometimes a tick at the top)", _seven_bar, True),
    "8_one_stroke": Style(8, "one stroke crossing at the waist", _eight_one_stroke, False),
    "8_two_loops": Style(8, "two loops, one on the other", _eight_two_loops, True),
    "9_curved": Style(9, "a loop and a curved tail", _nine_curved, False),
    "9_straight": Style(9, "a loop on a straight stem", _nine_straight, True),
}
# Upright forms lean at most this much (x moved per unit of height); slanted ones this much.
UPRIGHT_SLANT = (-0.06, 0.06)
SLANTED_SLANT = (0.18, 0.4)


def style_names(digit=None):
    """The styles' names (of one digit, or all), in `STYLES`' order."""
    return [name for name, style in STYLES.items() if digit is None or style.digit == digit]


def _check_style(style):
    registry.get(STYLES, style, "style")


def _check_seed(seed):
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"Expected a seed that is a non-negative integer. Received {seed!r}.")


# --- Drawing a sample ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Drawing:
    """One digit as drawn by the generator.

    Attributes:
        style: Its key in `STYLES`.
        seed: The seed it was drawn with.
        strokes: A list of `(n, 2)` float arrays: the pen's paths as `(x, y)`
            fractions of the canvas (0 is the left or top edge, 1 the other).
        pen_width: The pen's width, a fraction of the canvas.
        slanted: Whether it leans (else it is upright).
    """

    style: str
    seed: int
    strokes: list
    pen_width: float
    slanted: bool

    @property
    def digit(self):
        """The digit drawn."""
        return STYLES[self.style].digit


def draw_strokes(style, seed):
    """Draws one digit in `style`, its variations decided by `seed`.

    Half the seeds draw it upright, half slanted to the right. Each sample also
    varies the style's proportions, its width, a small rotation, a smooth
    wobble of the pen, the pen's width, and the digit's size and place on the
    canvas.

    Args:
        style: A key of `STYLES`, e.g. `"1_flag_base"`.
        seed: A non-negative integer (a training seed or a test seed).

    Returns:
        A `Drawing`.

    Raises:
        ValueError: for an unknown style or a seed that is not a non-negative integer.
    """
    _check_style(style)
    _check_seed(seed)
    index = list(STYLES).index(style)
    rng = np.random.default_rng([int(seed), index])
    paths = [np.asarray(path, dtype=np.float64) for path in STYLES[style].strokes(rng)]
    slanted = bool(rng.random() < 0.5)
    slant = rng.uniform(*(SLANTED_SLANT if slanted else UPRIGHT_SLANT))
    width_scale = rng.uniform(0.8, 1.2)
    angle = math.radians(rng.uniform(-6, 6))
    waves = wobble(rng)
    height = rng.uniform(0.42, 0.8)  # Of the canvas.
    pen_width = height * rng.uniform(0.07, 0.15)
    strokes = lay_out(paths, rng, slant=slant, width_scale=width_scale, angle=angle,
                      waves=waves, height=height, pen_width=pen_width)
    return Drawing(style=style, seed=int(seed), strokes=strokes, pen_width=float(pen_width),
                   slanted=slanted)


def wobble(rng):
    """A smooth wobble of the pen: a few slow waves across the box, each pushing the pen a
    hundredth or two of the box's height one way and back (for `lay_out`)."""
    waves = []
    for _ in range(3):
        heading, direction = rng.uniform(0, 2 * math.pi, 2)
        waves.append((rng.uniform(0.5, 2.0) * np.array([math.cos(heading), math.sin(heading)]),
                      rng.uniform(0, 2 * math.pi),
                      rng.uniform(0.005, 0.02) * np.array([math.cos(direction),
                                                           math.sin(direction)])))
    return waves


def lay_out(paths, rng, slant, width_scale, angle, waves, height, pen_width, max_width=None):
    """A form's strokes (in its unit box) as a pen lays them on the canvas.

    Args:
        paths: `(n, 2)` float arrays, the form's strokes (a `Style`'s).
        rng: The sample's generator: it picks the digit's place.
        slant: x moved per unit of height. width_scale: the form made wider or narrower.
        angle: A turn, in radians. waves: `wobble(rng)`'s.
        height: The digit's height, a fraction of the canvas. pen_width: The pen's, too.
        max_width: A width (a fraction of the canvas) the digit is shrunk to fit, or `None`.

    Returns:
        A list of `(n, 2)` arrays: the strokes as fractions of the canvas, the whole digit and
        its pen inside it, anywhere it fits.
    """
    rotation = np.array([[math.cos(angle), -math.sin(angle)],
                         [math.sin(angle), math.cos(angle)]])
    moved = []
    for path in paths:
        x = 0.5 + (path[:, 0] - 0.5) * width_scale + slant * (0.5 - path[:, 1])
        points = np.stack([x - 0.5, path[:, 1] - 0.5], axis=1) @ rotation.T
        for frequency, phase, push in waves:
            points += np.sin(2 * math.pi * points @ frequency[:, None] + phase) * push
        moved.append(points)
    everything = np.concatenate(moved)
    low, high = everything.min(axis=0), everything.max(axis=0)
    scale = height / max(high[1] - low[1], 1e-6)
    span = (high - low) * scale
    if max_width is not None and span[0] > max_width:
        scale *= max_width / span[0]
        span = (high - low) * scale
    margin = pen_width / 2 + 0.02
    corner = np.array([rng.uniform(margin, max(margin, 1 - margin - span[axis]))
                       for axis in (0, 1)])
    return [corner + (points - low) * scale for points in moved]


def render(drawing, size=CANVAS_SIZE):
    """Inks a `Drawing` with a round pen, antialiased.

    Args:
        drawing: A `Drawing` (from `draw_strokes`).
        size: The canvas's side in pixels.

    Returns:
        float32 `(size, size)` in [0, 1]: ink (1) on nothing (0).
    """
    large = size * _SUPERSAMPLE
    image = Image.new("L", (large, large), 0)
    pen = ImageDraw.Draw(image)
    width = max(1, round(drawing.pen_width * large))
    radius = width / 2
    for stroke in drawing.strokes:
        points = [tuple(point) for point in stroke * large]
        pen.line(points, fill=255, width=width)
        # A round nib at every point: round ends, and no seams where wide segments meet.
        for x, y in points:
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    image = image.reduce(_SUPERSAMPLE)
    return np.asarray(image, dtype=np.float32) / 255.0


@dataclasses.dataclass(frozen=True)
class DigitSet:
    """Digits drawn by the generator, one per `(style, seed)`.

    Attributes:
        inks: float32 `(n, size, size)` in [0, 1], ink on nothing.
        labels: uint8 `(n,)`, the digits.
        styles: `(n,)` str, each digit's style.
        seeds: int64 `(n,)`, each digit's seed.
        slanted: bool `(n,)`, whether each leans.
    """

    inks: np.ndarray
    labels: np.ndarray
    styles: np.ndarray
    seeds: np.ndarray
    slanted: np.ndarray


def make_digits(seeds, styles=None, size=CANVAS_SIZE):
    """Draws every style in `styles` once per seed.

    Args:
        seeds: Non-negative integers, all from `TRAINING_SEEDS` or all from
            `TEST_SEEDS` (a mix raises: a set is for training or for testing).
        styles: Keys of `STYLES` (default: all of them).
        size: The canvas's side in pixels.

    Returns:
        A `DigitSet` of `len(seeds) * len(styles)` digits, style by style.

    Raises:
        ValueError: for an unknown style, or seeds from both ranges.
    """
    seeds = [int(seed) for seed in seeds]
    styles = list(STYLES) if styles is None else list(styles)
    for style in styles:
        _check_style(style)
    in_test = {seed in TEST_SEEDS for seed in seeds}
    if len(in_test) > 1:
        raise ValueError(
            "Expected seeds all from TRAINING_SEEDS or all from TEST_SEEDS. Received some of "
            "each: a set that trains must never hold a digit the benchmark tests on."
        )
    drawings = [draw_strokes(style, seed) for style in styles for seed in seeds]
    return DigitSet(
        inks=np.stack([render(drawing, size) for drawing in drawings]) if drawings
        else np.zeros((0, size, size), np.float32),
        labels=np.array([drawing.digit for drawing in drawings], dtype=np.uint8),
        styles=np.array([drawing.style for drawing in drawings], dtype=str),
        seeds=np.array([drawing.seed for drawing in drawings], dtype=np.int64),
        slanted=np.array([drawing.slanted for drawing in drawings], dtype=bool),
    )
