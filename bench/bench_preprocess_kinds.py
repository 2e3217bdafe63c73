"""The bundled model's accuracy on each kind of picture people draw and upload.

    python bench/bench_preprocess_kinds.py [--digits 200] [--before REF]

Held-out embedded test digits are turned into each kind of picture (see
`lib/picture_kinds.py`), then read two ways: `lib.preprocess.to_mnist`, and,
as the baseline, the tutorial's way (grayscale, resize to 28 x 28, invert,
/255). Also the time `to_mnist` takes per picture (median). `--before REF` also
reads the same `to_mnist` inputs with the bundled model of git commit REF (e.g.
91cc00e, the model bundled before issue 13), with the count of digits each model
alone gets right; `--digits 1000` takes every embedded test digit (one digit is
then 0.1%, not 0.5%).
"""

import argparse
import io
import os
import pathlib
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from lib import data, inference, model_files, models, preprocess  # noqa: E402
from lib.picture_kinds import KINDS  # noqa: E402


def tutorial_way(picture):
    """The tutorial's preprocessing: grayscale, 28 x 28, invert, /255."""
    image = picture if isinstance(picture, Image.Image) else Image.open(io.BytesIO(picture))
    gray = image.convert("L").resize((28, 28))
    return (255 - np.asarray(gray, np.float32)) / 255.0


def bundled_model_at(ref):
    """The bundled model of git commit `ref`, loaded as an upload is."""
    contents = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:{models.BUNDLED_MODEL_PATH.relative_to(ROOT)}"],
        check=True, capture_output=True).stdout
    return model_files.load_model(contents)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--digits", type=int, default=200)
    parser.add_argument("--before", help="a git commit whose bundled model reads beside it")
    arguments = parser.parse_args()
    model = models.load_bundled_model()
    before = bundled_model_at(arguments.before) if arguments.before else None
    mnist = data.load_embedded()
    rng = np.random.default_rng(0)
    indices = rng.choice(len(mnist.y_test), arguments.digits, replace=False)
    labels = mnist.y_test[indices]
    plain = inference.predict_proba(model, mnist.x_test[indices] / 255.0).argmax(1)
    print(f"{arguments.digits} held-out digits, as MNIST gives them: "
          f"{(plain == labels).mean():.1%}")
    header = f"{'kind of picture':24s} {'to_mnist':>9s} {'tutorial':>9s} {'ms/picture':>11s}"
    if before is not None:
        header += f" {'before ' + arguments.before:>16s} {'only now':>9s} {'only before':>12s}"
    print(header)
    for kind, make in KINDS.items():
        pictures = [make(mnist.x_test[i], rng) for i in indices]
        times, ours = [], []
        for picture in pictures:
            started = time.perf_counter()
            ours.append(preprocess.to_mnist(picture))
            times.append((time.perf_counter() - started) * 1000)
        baseline = np.stack([tutorial_way(picture) for picture in pictures])
        right = inference.predict_proba(model, np.stack(ours)).argmax(1) == labels
        base_accuracy = (inference.predict_proba(model, baseline).argmax(1) == labels).mean()
        line = (f"{kind:24s} {right.mean():9.1%} {base_accuracy:9.1%} "
                f"{statistics.median(times):11.2f}")
        if before is not None:
            right_before = inference.predict_proba(before, np.stack(ours)).argmax(1) == labels
            line += (f" {right_before.mean():16.1%} {int((right & ~right_before).sum()):9d}"
                     f" {int((right_before & ~right).sum()):12d}")
        print(line)


if __name__ == "__main__":
    main()
