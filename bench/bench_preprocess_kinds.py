"""The bundled model's accuracy on each kind of picture people draw and upload.

    python bench/bench_preprocess_kinds.py [--digits 200]

Held-out embedded test digits are turned into each kind of picture (see
`tests/digit_images.py`), then read two ways: `lib.preprocess.to_mnist`, and,
as the baseline, the tutorial's way (grayscale, resize to 28 x 28, invert,
/255). Also the time `to_mnist` takes per picture (median).
"""

import argparse
import io
import os
import pathlib
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from lib import data, inference, models, preprocess  # noqa: E402
from tests.digit_images import KINDS  # noqa: E402


def tutorial_way(picture):
    """The tutorial's preprocessing: grayscale, 28 x 28, invert, /255."""
    image = picture if isinstance(picture, Image.Image) else Image.open(io.BytesIO(picture))
    gray = image.convert("L").resize((28, 28))
    return (255 - np.asarray(gray, np.float32)) / 255.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--digits", type=int, default=200)
    arguments = parser.parse_args()
    model = models.load_bundled_model()
    mnist = data.load_embedded()
    rng = np.random.default_rng(0)
    indices = rng.choice(len(mnist.y_test), arguments.digits, replace=False)
    labels = mnist.y_test[indices]
    plain = inference.predict_proba(model, mnist.x_test[indices] / 255.0).argmax(1)
    print(f"{arguments.digits} held-out digits, as MNIST gives them: "
          f"{(plain == labels).mean():.1%}")
    print(f"{'kind of picture':24s} {'to_mnist':>9s} {'tutorial':>9s} {'ms/picture':>11s}")
    for kind, make in KINDS.items():
        pictures = [make(mnist.x_test[i], rng) for i in indices]
        times, ours = [], []
        for picture in pictures:
            started = time.perf_counter()
            ours.append(preprocess.to_mnist(picture))
            times.append((time.perf_counter() - started) * 1000)
        baseline = np.stack([tutorial_way(picture) for picture in pictures])
        ours_accuracy = (inference.predict_proba(model, np.stack(ours)).argmax(1) == labels).mean()
        base_accuracy = (inference.predict_proba(model, baseline).argmax(1) == labels).mean()
        print(f"{kind:24s} {ours_accuracy:9.1%} {base_accuracy:9.1%} "
              f"{statistics.median(times):11.2f}")


if __name__ == "__main__":
    main()
