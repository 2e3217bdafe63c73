"""How well a digit model reads what it was not trained on: the benchmark's sets and figures.

MNIST's held-out accuracy says little about a class's handwriting. These sets
say more, and none of them is ever trained on:

- `mnist_test`: the 1,000 embedded MNIST test digits (MNIST's own writers);
- `optdigits`: scikit-learn's 1,797 8 x 8 digits (UCI optdigits, 43 writers who
  are not MNIST's), drawn at canvas size and read through `to_mnist`. Never used
  to train, tune or choose anything: only reported;
- `styles_*`: every style of `lib.synthetic_digits` drawn with its test seeds
  (never used for training), in three renderings (`lib.digit_pictures`): as the
  canvas returns it, black on white, and as a phone photo;
- `num_draft`: the tutorial's folder, `num0.png` ... `num9.png`, black MNIST
  digits on white at 200 x 200 (as `tests/unit/test_cli.py` makes it).

For each set: accuracy, the share of all digits that are wrong at 90%
confidence or more, and the expected calibration error over 15 bins.
"""

import dataclasses
import io

import numpy as np
from PIL import Image

from lib import digit_pictures, inference, preprocess, synthetic_digits

# A wrong answer at this confidence or more is "confidently wrong".
CONFIDENT = 0.9
ECE_BINS = 15
# The styles set: each style drawn with this many test seeds (20 styles: 1,000 digits).
STYLES_SEEDS_PER_STYLE = 50
# Optdigits drawn on a canvas this size, the digit scaled to `OPTDIGITS_DIGIT` pixels.
OPTDIGITS_CANVAS = synthetic_digits.CANVAS_SIZE
OPTDIGITS_DIGIT = 200


def expected_calibration_error(probabilities, labels, bins=ECE_BINS):
    """How far confidence is from accuracy, averaged over equal-width confidence bins.

    Args:
        probabilities: float `(N, 10)`.
        labels: int `(N,)`.
        bins: Bins of equal width over [0, 1].

    Returns:
        A float in [0, 1]: the sum over bins of |accuracy - mean confidence|,
        each weighted by its share of the digits.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(labels)
    # Bin k holds confidences in (k / bins, (k + 1) / bins]; a confidence of 0 goes in bin 0.
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    error = 0.0
    for k in range(bins):
        members = which == k
        if members.any():
            error += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return float(error)


def figures(probabilities, labels, confident=CONFIDENT, bins=ECE_BINS):
    """A set's figures from a model's probabilities.

    Returns:
        A dict: `digits` (int), `accuracy`, `confident_wrong` (the share of
        all digits that are wrong with confidence >= `confident`) and `ece`.
    """
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels).astype(np.int64)
    predictions = probabilities.argmax(axis=1)
    wrong = predictions != labels
    return {
        "digits": int(len(labels)),
        "accuracy": float(1.0 - wrong.mean()),
        "confident_wrong": float((wrong & (probabilities.max(axis=1) >= confident)).mean()),
        "ece": expected_calibration_error(probabilities, labels, bins),
    }


@dataclasses.dataclass(frozen=True)
class EvaluationSet:
    """Digits a model is measured on, read as the app reads them.

    Attributes:
        images: float32 `(N, 28, 28)` in [0, 1]: the model's inputs.
        labels: uint8 `(N,)`.
        description: What the digits are, in a few words.
        mnist_styles: Whether they are MNIST's own digits (perhaps re-rendered),
            so in the styles the model was trained on.
        groups: `(N,)` str: each digit's style (styles sets), or `None`.
    """

    images: np.ndarray
    labels: np.ndarray
    description: str
    mnist_styles: bool
    groups: np.ndarray | None = None


def read_pictures(pictures):
    """Pictures (anything `lib.preprocess.to_mnist` takes) -> float32 `(N, 28, 28)`."""
    return np.stack([preprocess.to_mnist(picture) for picture in pictures]).astype(np.float32)


def optdigits_pictures(limit=None):
    """scikit-learn's optdigits, each drawn on a canvas as `/recognize`'s returns it.

    Each 8 x 8 digit (17 levels of ink) is scaled smoothly (bicubic) to
    `OPTDIGITS_DIGIT` pixels and laid in the middle of a transparent
    `OPTDIGITS_CANVAS` canvas, the ink in the alpha channel.

    Args:
        limit: Only the first `limit` digits (default: all 1,797).

    Returns:
        `(pictures, labels)`: a list of RGBA arrays and uint8 `(N,)`.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    images, labels = digits.images[:limit], digits.target[:limit].astype(np.uint8)
    margin = (OPTDIGITS_CANVAS - OPTDIGITS_DIGIT) // 2
    pictures = []
    for image in images:
        large = Image.fromarray((image / 16.0).astype(np.float32), mode="F").resize(
            (OPTDIGITS_DIGIT, OPTDIGITS_DIGIT), Image.Resampling.BICUBIC)
        ink = np.zeros((OPTDIGITS_CANVAS, OPTDIGITS_CANVAS), np.float32)
        ink[margin : margin + OPTDIGITS_DIGIT, margin : margin + OPTDIGITS_DIGIT] = np.clip(
            np.asarray(large), 0, 1)
        pictures.append(digit_pictures.canvas_rgba(ink))
    return pictures, labels


def styles_pictures(rendering, seeds_per_style=STYLES_SEEDS_PER_STYLE):
    """Every style of `lib.synthetic_digits`, drawn with its first test seeds, rendered.

    Args:
        rendering: A key of `lib.digit_pictures.RENDERINGS`.
        seeds_per_style: Test seeds per style.

    Returns:
        `(pictures, labels, styles)`: the rendered pictures (a list), uint8
        `(N,)` and str `(N,)`.
    """
    seeds = synthetic_digits.TEST_SEEDS[:seeds_per_style]
    drawn = synthetic_digits.make_digits(seeds)
    # One generator for the whole set: each photo's paper, light and pen follow in turn.
    rng = np.random.default_rng(list(digit_pictures.RENDERINGS).index(rendering))
    pictures = [digit_pictures.render(ink, rendering, rng) for ink in drawn.inks]
    return pictures, drawn.labels, drawn.styles


def num_draft_pictures(mnist):
    """The tutorial's `num-draft/` folder: one black-on-white 200 x 200 PNG per digit.

    Made as `tests/unit/test_cli.py` makes it: the second embedded test digit of
    each class, inverted and resized.

    Returns:
        `(pictures, labels)`: ten PNGs' bytes and uint8 `(10,)`.
    """
    pictures = []
    for digit in range(10):
        image = mnist.x_test[mnist.y_test == digit][1]
        buffer = io.BytesIO()
        Image.fromarray(255 - image).resize((200, 200)).save(buffer, format="PNG")
        pictures.append(buffer.getvalue())
    return pictures, np.arange(10, dtype=np.uint8)


def evaluation_sets(mnist, seeds_per_style=STYLES_SEEDS_PER_STYLE, optdigits_limit=None,
                    renderings=None):
    """The benchmark's sets, read as the app reads them.

    Args:
        mnist: The embedded `lib.data.Mnist` (its test split is `mnist_test`).
        seeds_per_style: Test seeds per style in the styles sets.
        optdigits_limit: Only the first this many optdigits (default: all).
        renderings: Keys of `lib.digit_pictures.RENDERINGS` for the styles sets
            (default: all three).

    Returns:
        A dict of name -> `EvaluationSet`, in the order the benchmark prints them.
    """
    sets = {"mnist_test": EvaluationSet(
        (mnist.x_test / 255.0).astype(np.float32), mnist.y_test,
        "embedded MNIST test digits", mnist_styles=True)}
    pictures, labels = optdigits_pictures(optdigits_limit)
    sets["optdigits"] = EvaluationSet(
        read_pictures(pictures), labels,
        "scikit-learn's optdigits (43 other writers, 8 x 8), drawn at canvas size",
        mnist_styles=False)
    for rendering in renderings or digit_pictures.RENDERINGS:
        pictures, labels, styles = styles_pictures(rendering, seeds_per_style)
        sets[f"styles_{rendering.replace(' ', '_')}"] = EvaluationSet(
            read_pictures(pictures), labels, f"styles set, {rendering}", mnist_styles=False,
            groups=styles)
    pictures, labels = num_draft_pictures(mnist)
    sets["num_draft"] = EvaluationSet(
        read_pictures(pictures), labels, "num-draft: black-on-white PNGs of MNIST digits",
        mnist_styles=True)
    return sets


def predict_sets(model, sets):
    """`model`'s probabilities on each set: name -> float32 `(N, 10)`."""
    return {name: inference.predict_proba(model, evaluation_set.images)
            for name, evaluation_set in sets.items()}


def measure(model, sets):
    """`figures` of `model` on each set.

    Args:
        model: A Keras digit model.
        sets: name -> `EvaluationSet` (from `evaluation_sets`).

    Returns:
        A dict of name -> figures (see `figures`).
    """
    probabilities = predict_sets(model, sets)
    return {name: figures(probabilities[name], sets[name].labels) for name in sets}
