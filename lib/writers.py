"""Writers: each one person's hand, the same in all their digits, in forms new to the model.

`lib.synthetic_digits` draws each digit in many hands at once: every sample picks its own
slant, width and pen, and its styles (a 1 with a flag, a closed 4, a 7 with a bar) are what
the bundled model was trained on, so it reads them almost always. A class has writers it has
never met. A writer here is one person: they write each digit their own way, always the same
way, in a form outside `synthetic_digits.STYLES` (a slashed zero, a Z-like 2, a 4 in one
stroke, an 8 open at the top, ...), with their own slant, width and pen, and each sample
varies only a little around those, as a person's digits do. The pen's path is moved, wobbled
and inked with `lib.synthetic_digits`' machinery (its stroke pieces and its round pen,
`render`), on the same 280 x 280 canvas.

Writers and samples are seeded, and what tunes never meets what measures: hyperparameters
are chosen on `TUNING_WRITERS`, the benchmark teaches `BENCH_WRITERS`; a writer's examples
(what they teach with) come from `EXAMPLE_SEEDS` and their new digits (what measures the
taught model) from `NEW_SEEDS`.

    writer = writers.writer(writers.BENCH_WRITERS[0])
    writer.styles[4]                                  # "4_one_stroke"
    ink = synthetic_digits.render(writer.draw(4, seed=3))   # (280, 280) float32 in [0, 1]
    digits = writers.make_digits(writer, writers.NEW_SEEDS[:20])
"""

import dataclasses
import math

import numpy as np

from lib import preprocess, registry, synthetic_digits
from lib.synthetic_digits import arc, curve, join, line

# Writers whose figures choose the teaching defaults, and writers the benchmark measures.
TUNING_WRITERS = range(0, 10_000)
BENCH_WRITERS = range(10_000, 20_000)
# A writer's samples: those they teach with, and their new digits, never the same.
EXAMPLE_SEEDS = range(0, 100_000)
NEW_SEEDS = range(100_000, 200_000)
# Keeps the generators of a writer's traits and of their samples apart from each other.
_TRAITS_STREAM, _SAMPLE_STREAM = 1, 2

# --- The forms -------------------------------------------------------------------------
# Each takes a `numpy.random.Generator` and returns its strokes, as `synthetic_digits`'
# styles do: `(x, y)` in a box about 0.6 wide and 1 tall, y down.


def _zero_slashed(rng):
    # An oval struck through from bottom left to top right, as engineers tell 0 from O.
    width, top = rng.uniform(0.2, 0.28), rng.uniform(-100, -80)
    reach = rng.uniform(0.04, 0.12)
    return [arc((0.5, 0.5), (width, 0.5), top, top - rng.uniform(355, 370)),
            line((0.5 - width - reach / 2, 1.0 + reach / 2), (0.5 + width + reach / 2,
                                                               -reach / 2))]


def _one_long_flag(rng):
    # The flag runs half-way down the stem, and there is no base: a caret on a post.
    flag = rng.uniform(0.32, 0.5)
    return [line((0.6 - flag, rng.uniform(0.3, 0.48)), (0.6, 0.0), (0.6, 1.0))]


def _two_z(rng):
    # Sharp corners and a straight diagonal: a Z, its top a little rounded where it starts.
    top, base = rng.uniform(0.72, 0.8), rng.uniform(0.75, 0.85)
    return [join(curve((0.22, 0.1), (0.25, 0.0), (0.4, 0.0)),
                  line((0.4, 0.0), (top, 0.0), (0.22, 1.0), (base, 1.0)))]


def _two_curled(rng):
    # It starts with an inward curl, and its base waves.
    curl = rng.uniform(0.07, 0.1)
    return [join(arc((0.32, 0.1 + curl), (curl, curl), 90, -200),
                  curve((0.32, 0.1), (0.5, -0.05), (0.85, 0.05), (0.7, 0.35), (0.25, 0.95)),
                  curve((0.25, 0.95), (0.4, 0.85), (0.55, 1.05),
                         (rng.uniform(0.76, 0.84), 0.95)))]


def _three_looped(rng):
    # Two bowls, the pen turning once round a small loop where they meet.
    middle, loop = rng.uniform(0.42, 0.5), rng.uniform(0.07, 0.1)
    centre = (0.42 - loop, middle)
    return [join(arc((0.48, middle / 2), (0.22, middle / 2), rng.uniform(190, 215), 450),
                  line((0.48, middle), (0.42, middle)),
                  arc(centre, (loop, loop), 0, -360),
                  line((0.42, middle), (0.48, middle)),
                  arc((0.48, (1 + middle) / 2), (0.25, (1 - middle) / 2), -90,
                       rng.uniform(140, 165)))]


def _four_one_stroke(rng):
    # Down the left, round and up to the top of the stem, then straight down: never lifted.
    stem, bottom = rng.uniform(0.66, 0.74), rng.uniform(0.52, 0.62)
    return [join(curve((0.24, 0.0), (0.18, bottom + 0.1), (stem - 0.05, bottom + 0.05),
                         (stem, 0.02)),
                  line((stem, 0.02), (stem - 0.02, 1.0)))]


def _four_hooked(rng):
    # A round arm like a y's, and a stem that hooks to the left at its foot.
    stem = rng.uniform(0.66, 0.74)
    return [curve((0.26, 0.0), (0.2, 0.5), (0.6, 0.6), (stem, rng.uniform(0.4, 0.5))),
            join(line((stem + 0.02, 0.0), (stem, 0.8)),
                  curve((stem, 0.8), (stem, 1.05), (stem - 0.3, 1.05), (stem - 0.35, 0.85)))]


def _five_hooked_top(rng):
    # The stem and bowl first, then a bar that curls down at its end.
    bowl, right = rng.uniform(0.4, 0.48), rng.uniform(0.68, 0.76)
    return [join(line((0.3, 0.0), (0.28, bowl)),
                  curve((0.28, bowl), (0.9, bowl - 0.12), (0.95, 1.1), (0.24, 0.94))),
            curve((0.3, 0.0), (right, -0.04), (right + 0.16, 0.0),
                   (right + 0.08, rng.uniform(0.16, 0.24)))]


def _five_floating_bar(rng):
    # A bar written last and quickly: it floats up and right, clear of the stem.
    bowl = rng.uniform(0.4, 0.48)
    return [join(line((0.3, 0.12), (0.28, bowl)),
                  curve((0.28, bowl), (0.9, bowl - 0.12), (0.95, 1.1), (0.24, 0.94))),
            line((rng.uniform(0.4, 0.48), 0.0), (rng.uniform(0.8, 0.88), -0.04))]


def _six_small_loop(rng):
    # A long, nearly straight back ending in a small loop low down.
    loop = rng.uniform(0.17, 0.22)
    return [join(curve((0.74, 0.0), (0.5, 0.15), (0.28, 0.5), (0.3, 1.0 - loop)),
                  arc((0.48, 1.0 - loop), (0.18, loop), 180, -175))]


def _six_open_loop(rng):
    # The loop stops short of the back: it never closes.
    loop = rng.uniform(0.3, 0.36)
    return [join(curve((0.72, 0.02), (0.35, 0.1), (0.2, 0.5), (0.28, 1.0 - loop)),
                  arc((0.5, 1.0 - loop), (0.22, loop), 180, rng.uniform(-110, -95)))]


def _seven_curled_foot(rng):
    # A bar, a diagonal, and a foot curling back to the left.
    foot = rng.uniform(0.38, 0.46)
    return [join(line((0.22, 0.0), (0.8, 0.0), (foot + 0.05, 0.82)),
                  curve((foot + 0.05, 0.82), (foot - 0.02, 1.02), (foot - 0.2, 1.02),
                         (foot - 0.22, rng.uniform(0.86, 0.92))))]


def _seven_crossed_curled(rng):
    # The curled foot, and a crossbar half-way down.
    foot, height = rng.uniform(0.38, 0.46), rng.uniform(0.45, 0.55)
    stem_x = 0.8 + (foot + 0.05 - 0.8) * height / 0.82
    return [*_seven_curled_foot(rng),
            line((stem_x - rng.uniform(0.18, 0.25), height),
                  (stem_x + rng.uniform(0.15, 0.22), height))]


def _eight_open_top(rng):
    # From the top left down through the waist, round the bottom loop, and up to the top
    # right: the top is two arms, not a loop.
    waist, spread = rng.uniform(0.42, 0.5), rng.uniform(0.22, 0.28)
    return [join(curve((0.5 - spread, 0.0), (0.3, waist * 0.6), (0.5, waist)),
                  curve((0.5, waist), (0.95, 0.75), (0.75, 1.05), (0.5, 1.0)),
                  curve((0.5, 1.0), (0.2, 1.0), (0.05, 0.75), (0.5, waist)),
                  curve((0.5, waist), (0.7, waist * 0.6), (0.5 + spread, 0.0)))]


def _eight_s_and_line(rng):
    # An S, then a straight line back up from its foot to its head.
    end = rng.uniform(0.22, 0.28)
    return [curve((0.75, 0.08), (0.45, -0.15), (0.1, 0.25), (0.5, 0.5), (0.95, 0.75),
                   (0.55, 1.15), (end, 0.9)),
            line((end, 0.9), (0.75, 0.08))]


def _nine_hooked_tail(rng):
    # A loop on a straight stem that hooks sharply to the left at its foot.
    loop, stem, hook = rng.uniform(0.26, 0.32), rng.uniform(0.68, 0.74), rng.uniform(0.2, 0.28)
    return [join(arc((stem - 0.22, loop), (0.22, loop), 0, -360),
                  line((stem, loop), (stem, 0.88)),
                  curve((stem, 0.88), (stem, 1.02), (stem - hook, 1.02),
                         (stem - hook - 0.04, 0.86)))]


def _nine_kicked_tail(rng):
    # Like a q: a loop, a short stem leaning back, and a foot kicking out to the right.
    loop, stem = rng.uniform(0.28, 0.34), rng.uniform(0.62, 0.68)
    return [join(arc((stem - 0.22, loop), (0.22, loop), 0, -360),
                  line((stem, loop), (stem - 0.05, 0.85)),
                  curve((stem - 0.05, 0.85), (stem - 0.06, 1.02), (stem + 0.1, 1.0),
                         (stem + rng.uniform(0.15, 0.2), 0.9)))]


def _style(digit, description, strokes):
    return synthetic_digits.Style(digit, description, strokes, mnist_has_few=True)


STYLES = {
    "0_slashed": _style(0, "an oval struck through", _zero_slashed),
    "1_long_flag": _style(1, "a flag half-way down and no base", _one_long_flag),
    "2_z": _style(2, "a Z: sharp corners, a straight diagonal", _two_z),
    "2_curled": _style(2, "an inward curl at the start, a wavy base", _two_curled),
    "3_looped": _style(3, "two bowls with a loop between", _three_looped),
    "4_one_stroke": _style(4, "in one stroke, round at the bottom left", _four_one_stroke),
    "4_hooked": _style(4, "a round arm, a stem hooked at the foot", _four_hooked),
    "5_hooked_top": _style(5, "its bar curling down at the end", _five_hooked_top),
    "5_floating_bar": _style(5, "its bar floating clear of the stem", _five_floating_bar),
    "6_small_loop": _style(6, "a long back and a small loop", _six_small_loop),
    "6_open_loop": _style(6, "a loop that does not close", _six_open_loop),
    "7_curled_foot": _style(7, "its foot curling back", _seven_curled_foot),
    "7_crossed_curled": _style(7, "a crossbar and a curled foot", _seven_crossed_curled),
    "8_open_top": _style(8, "a loop under two open arms", _eight_open_top),
    "8_s_and_line": _style(8, "an S and a line back up", _eight_s_and_line),
    "9_hooked_tail": _style(9, "a straight stem hooked at the foot", _nine_hooked_tail),
    "9_kicked_tail": _style(9, "like a q: a foot kicking right", _nine_kicked_tail),
}


def style_names(digit=None):
    """The forms' names (of one digit, or all), in `STYLES`' order."""
    return [name for name, style in STYLES.items() if digit is None or style.digit == digit]


# --- A writer --------------------------------------------------------------------------
# A writer's own traits, drawn once: how far they lean (x moved per unit of height; some lean
# back), how wide their digits are, their pen (a fraction of the digit's height) and size (of
# the canvas), and how they turn the page.
SLANT = (-0.25, 0.4)
WIDTH = (0.75, 1.25)
PEN = (0.07, 0.14)
HEIGHT = (0.45, 0.75)
ANGLE = (-5.0, 5.0)
# How much one sample strays from the writer's traits: a person's digits are alike, not equal.
SLANT_JITTER = 0.04
WIDTH_JITTER = 0.06
PEN_JITTER = 0.12
HEIGHT_JITTER = 0.1
ANGLE_JITTER = 2.5


@dataclasses.dataclass(frozen=True)
class Writer:
    """One person's hand.

    Attributes:
        id: The writer's seed (from `TUNING_WRITERS` or `BENCH_WRITERS`).
        styles: `{digit: style}`: the form (a key of `STYLES`) they write each digit in.
        slant: x moved per unit of height (positive leans right).
        width: Their digits' width, relative to the forms'.
        pen: Their pen's width, a fraction of a digit's height.
        height: Their digits' height, a fraction of the canvas.
        angle: How they turn the page, in degrees.
    """

    id: int
    styles: dict
    slant: float
    width: float
    pen: float
    height: float
    angle: float

    def draw(self, digit, seed):
        """Draws `digit` in this writer's hand; `seed` decides the sample's small variations.

        Returns:
            A `Drawing` (render it with `synthetic_digits.render`).
        """
        return draw_strokes(self.styles[digit], self, seed)


@dataclasses.dataclass(frozen=True)
class Drawing:
    """One digit a writer drew (`synthetic_digits.render` inks it).

    Attributes:
        style: Its key in `STYLES`.
        writer: The writer's id.
        seed: The sample's seed.
        strokes: `(n, 2)` float arrays: the pen's paths as fractions of the canvas.
        pen_width: The pen's width, a fraction of the canvas.
    """

    style: str
    writer: int
    seed: int
    strokes: list
    pen_width: float

    @property
    def digit(self):
        """The digit drawn."""
        return STYLES[self.style].digit


def _check_seed(seed, what="seed"):
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"Expected a {what} that is a non-negative integer. Received {seed!r}.")


def writer(writer_id, styles=None):
    """The writer whose seed is `writer_id`: their form of each digit and their traits.

    Args:
        writer_id: A non-negative integer (from `TUNING_WRITERS` or `BENCH_WRITERS`).
        styles: `{digit: style}` to write some digits in given forms (for tests), or `None`:
            each digit in a form of `STYLES`, the writer's pick where a digit has several.

    Returns:
        A `Writer`.

    Raises:
        ValueError: for a seed that is not a non-negative integer, or an unknown style.
    """
    _check_seed(writer_id, "writer id")
    rng = np.random.default_rng([int(writer_id), _TRAITS_STREAM])
    chosen = {digit: str(rng.choice(style_names(digit))) for digit in range(10)}
    for digit, name in (styles or {}).items():
        registry.get(STYLES, name, "writer's style")
        if STYLES[name].digit != digit:
            raise ValueError(f"Expected a style of the digit {digit}. Received {name!r}, a "
                             f"style of {STYLES[name].digit}.")
        chosen[digit] = name
    return Writer(id=int(writer_id), styles=chosen, slant=float(rng.uniform(*SLANT)),
                  width=float(rng.uniform(*WIDTH)), pen=float(rng.uniform(*PEN)),
                  height=float(rng.uniform(*HEIGHT)), angle=float(rng.uniform(*ANGLE)))


def draw_strokes(style, hand, seed):
    """Draws one digit in `style` with `hand`'s traits, varied a little by `seed`.

    As `synthetic_digits.draw_strokes` does, but the slant, width, pen, size and turn are the
    writer's (each sample strays from them a little); the form's proportions, a smooth
    wobble of the pen and the place on the canvas are the sample's.

    Args:
        style: A key of `STYLES`.
        hand: A `Writer`.
        seed: A non-negative integer (from `EXAMPLE_SEEDS` or `NEW_SEEDS`).

    Returns:
        A `Drawing`.

    Raises:
        ValueError: for an unknown style or a seed that is not a non-negative integer.
    """
    registry.get(STYLES, style, "writer's style")
    _check_seed(seed)
    rng = np.random.default_rng([hand.id, int(seed), list(STYLES).index(style), _SAMPLE_STREAM])
    paths = [np.asarray(path, dtype=np.float64) for path in STYLES[style].strokes(rng)]
    slant = hand.slant + rng.uniform(-SLANT_JITTER, SLANT_JITTER)
    width_scale = hand.width * (1 + rng.uniform(-WIDTH_JITTER, WIDTH_JITTER))
    angle = math.radians(hand.angle + rng.uniform(-ANGLE_JITTER, ANGLE_JITTER))
    waves = synthetic_digits.wobble(rng)
    height = hand.height * (1 + rng.uniform(-HEIGHT_JITTER, HEIGHT_JITTER))
    pen_width = height * hand.pen * (1 + rng.uniform(-PEN_JITTER, PEN_JITTER))
    # A wide form leaning far is shrunk to fit the canvas.
    strokes = synthetic_digits.lay_out(paths, rng, slant=slant, width_scale=width_scale,
                                       angle=angle, waves=waves, height=height,
                                       pen_width=pen_width, max_width=0.9)
    return Drawing(style=style, writer=hand.id, seed=int(seed), strokes=strokes,
                   pen_width=float(pen_width))


@dataclasses.dataclass(frozen=True)
class WriterDigits:
    """A writer's digits, inked and read as the app reads a drawn digit.

    Attributes:
        images: float32 `(n, 28, 28)` in [0, 1]: the model's inputs (`preprocess.to_mnist`).
        labels: int32 `(n,)`, the digits.
        styles: `(n,)` str, each digit's form.
        seeds: int64 `(n,)`, each sample's seed.
        inks: float32 `(n, size, size)` in [0, 1], ink on nothing, if asked for, else `None`.
    """

    images: np.ndarray
    labels: np.ndarray
    styles: np.ndarray
    seeds: np.ndarray
    inks: np.ndarray | None = None


def make_digits(hand, seeds, digits=range(10), keep_inks=False, size=synthetic_digits.CANVAS_SIZE):
    """Each of `digits` in `hand`, once per seed, digit by digit.

    Args:
        hand: A `Writer` (or a writer's id).
        seeds: Sample seeds, all from `EXAMPLE_SEEDS` or all from `NEW_SEEDS`.
        digits: Which digits.
        keep_inks: Also return the canvases (to save as images).
        size: The canvas's side in pixels.

    Returns:
        A `WriterDigits` of `len(digits) * len(seeds)` digits.

    Raises:
        ValueError: for seeds from both ranges (what teaches is never what measures).
    """
    hand = hand if isinstance(hand, Writer) else writer(hand)
    seeds = [int(seed) for seed in seeds]
    if len({seed in NEW_SEEDS for seed in seeds}) > 1:
        raise ValueError(
            "Expected seeds all from EXAMPLE_SEEDS or all from NEW_SEEDS. Received some of "
            "each: the digits a writer teaches with are never those that measure the result.")
    drawings = [hand.draw(digit, seed) for digit in digits for seed in seeds]
    inks = [synthetic_digits.render(drawing, size) for drawing in drawings]
    return WriterDigits(
        images=(np.stack([preprocess.to_mnist(ink) for ink in inks]) if inks
                else np.zeros((0, 28, 28), np.float32)),
        labels=np.array([drawing.digit for drawing in drawings], dtype=np.int32),
        styles=np.array([drawing.style for drawing in drawings], dtype=str),
        seeds=np.array([drawing.seed for drawing in drawings], dtype=np.int64),
        inks=(np.stack(inks) if inks else np.zeros((0, size, size), np.float32))
        if keep_inks else None,
    )
