"""The digit `tests/e2e/test_teach.py` draws, and how it was chosen: a 1 with a long flag.

A 1 written with a long, rising flag (as many in Europe write it) is clearly a 1 to a person,
yet the bundled model reads it as a 7 in every variant below. Five of them, corrected on
/recognize, are enough for `lib.teach` (its defaults: the first convolution frozen, five
epochs of Adam at 3e-5, each example four times, augmented, beside 500 MNIST digits) to make
a variant it never saw read as 1, while a plain 7 stays a 7.

The bundled model is very hard to fool: the slashed 0, a Z-like 2, hooked or straight 9s, a 4
in one stroke, a 7 with a bar, seven-segment digits... are all read right. And a digit it
misreads with confidence (p(1) < 0.03: a shorter, flatter flag) is not fixed by five
examples: the shape sits near the edge of what the model reads as 7, where a few
corrections move it across. `python -m tests.e2e.strokes_teach` prints the figures (about a
minute): rerun it whenever the bundled model is rebuilt, and pick a new shape if they fail.

`render` inks strokes offline as Chromium's canvas does when `test_recognize.draw` draws
them: the mouse moves in `MOUSE_STEPS` straight steps per segment, and the canvas (fabric.js's
pencil) draws a quadratic curve through the midpoints of the points it gets, so corners come
out round; the pen is round and `BRUSH` pixels wide. Its pixels match the browser's within
about 1% (the mean difference of alpha), and the model's probabilities within a few
thousandths, where a polyline's sharp corners were off by 0.05.
"""

import numpy as np
from PIL import Image, ImageDraw

# /recognize's canvas side and its brush's default width (lib.ui.widgets, app_pages/recognize).
CANVAS = 280
BRUSH = 20
# The steps `test_recognize.draw` gives each mouse move between two points of a stroke.
MOUSE_STEPS = 4
_SUPERSAMPLE = 4


def flag_one(dx=0.0, dy=0.0, scale=1.0, start=(0.19, 0.45), top=(0.6, 0.1), foot=0.88):
    """A 1 with a long flag, in one stroke: from `start` up to `top`, then down the stem to
    `foot`; scaled about the canvas's centre and shifted, in fractions of the canvas."""
    points = [start, top, (top[0], foot)]
    return [[(0.5 + (x - 0.5) * scale + dx, 0.5 + (y - 0.5) * scale + dy) for x, y in points]]


# The five drawings the test corrects: moved, smaller, the flag a little different.
TAUGHT = [
    flag_one(),
    flag_one(dx=-0.08, dy=0.03, scale=0.9),
    flag_one(dx=0.08, dy=-0.02, scale=0.85),
    flag_one(dx=-0.03, dy=0.05, scale=0.8, start=(0.19, 0.47)),
    flag_one(dx=0.05, dy=0.02, scale=0.95, start=(0.17, 0.45)),
]
# Drawn after teaching: never taught (the test draws the first).
NEW = [
    flag_one(dx=0.02, dy=-0.03, scale=0.88, start=(0.2, 0.44)),
    flag_one(dx=-0.05),
    flag_one(dy=0.04, scale=0.75),
    flag_one(dx=0.06, scale=0.92, start=(0.18, 0.46)),
    flag_one(dx=-0.06, dy=-0.04, scale=0.82, top=(0.61, 0.11)),
]


def _mouse_points(stroke, steps=MOUSE_STEPS):
    """The pointer's positions in pixels: Playwright's `mouse.move(..., steps=n)` goes in
    `n` equal straight steps from where it is."""
    current = np.array(stroke[0], float) * CANVAS
    points = [current]
    for target in stroke[1:]:
        target = np.array(target, float) * CANVAS
        points.extend(current + (target - current) * k / steps for k in range(1, steps + 1))
        current = target
    return points


def _pencil_path(points, per_curve=8):
    """fabric.js's pencil: a quadratic curve to each midpoint, the point before it its
    control; a straight line to the last point."""
    path, start = [points[0]], points[0]
    for control, after in zip(points[1:-1], points[2:], strict=True):
        end = (control + after) / 2
        for s in np.linspace(0, 1, per_curve)[1:]:
            path.append((1 - s) ** 2 * start + 2 * (1 - s) * s * control + s ** 2 * end)
        start = end
    path.append(points[-1])
    return path


def render(strokes, brush=BRUSH):
    """`strokes` inked as the canvas inks them: RGBA uint8 `(280, 280, 4)`, black ink on
    transparent (the canvas's `image_data`)."""
    large = CANVAS * _SUPERSAMPLE
    alpha = Image.new("L", (large, large), 0)
    pen = ImageDraw.Draw(alpha)
    width = brush * _SUPERSAMPLE
    radius = width / 2
    for stroke in strokes:
        path = [tuple(point * _SUPERSAMPLE) for point in _pencil_path(_mouse_points(stroke))]
        pen.line(path, fill=255, width=width, joint="curve")
        for x, y in path:  # A round nib: round ends, no seams.
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    pixels = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    pixels[..., 3] = np.asarray(alpha.reduce(_SUPERSAMPLE))
    return pixels


def jittered(count, seed):
    """More variants, for the figures: moved, scaled, a little wider or narrower, a little
    wobbly."""
    rng = np.random.default_rng(seed)
    variants = []
    for _ in range(count):
        scale, width = rng.uniform(0.75, 1.05), rng.uniform(0.95, 1.05)
        dx, dy = rng.uniform(-0.1, 0.1), rng.uniform(-0.06, 0.06)
        wobble = rng.uniform(-0.008, 0.008, (3, 2))
        variants.append([[(0.5 + (x - 0.5) * scale * width + dx + wobble[i][0],
                           0.5 + (y - 0.5) * scale + dy + wobble[i][1])
                          for i, (x, y) in enumerate(flag_one()[0])]])
    return variants


def main():
    """Prints the offline figures: the bundled model's readings before, and after teaching
    on `TAUGHT` (three seeds: a run is not bit-for-bit repeatable on every machine)."""
    from lib import data, inference, models, preprocess, teach
    from tests.e2e.test_recognize import STROKES

    model = models.load_bundled_model()

    def readings(reader, drawings, digit=1):
        results = [inference.predict_digit(reader, preprocess.to_mnist(render(drawing)))
                   for drawing in drawings]
        right = sum(guess == digit for guess, _ in results)
        chances = [float(probabilities[digit]) for _, probabilities in results]
        return right, "".join(str(guess) for guess, _ in results), min(chances), max(chances)

    others = jittered(30, seed=200)
    for name, drawings in (("taught", TAUGHT), ("new", NEW), ("30 jittered", others)):
        right, guesses, low, high = readings(model, drawings)
        print(f"before, {name}: read as 1 {right}/{len(drawings)} ({guesses}); "
              f"p(1) {low:.3f}-{high:.3f}")
    examples = [teach.Example(preprocess.to_mnist(render(drawing)), 1) for drawing in TAUGHT]
    mnist = data.load_mnist("embedded")
    for seed in (0, 1, 2):
        taught = teach.teach(model, examples, replay=mnist, seed=seed)
        lines = []
        for name, drawings in (("new", NEW), ("30 jittered", others)):
            right, guesses, low, high = readings(taught.model, drawings)
            lines.append(f"{name} read as 1 {right}/{len(drawings)} ({guesses}), "
                         f"p(1) {low:.3f}-{high:.3f}")
        seven = readings(taught.model, [[STROKES[7]]], digit=7)
        print(f"after (seed {seed}, {taught.card['training_seconds']} s): " + "; ".join(lines)
              + f"; a plain 7 read as {seven[1]} (p {seven[2]:.3f}); MNIST test "
              f"{taught.card['before']['mnist']:.3f} -> {taught.card['after']['mnist']:.3f}")


if __name__ == "__main__":
    main()
