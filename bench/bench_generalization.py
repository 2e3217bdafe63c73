"""The bundled model on digits it was not trained on, beside a baseline, with the targets.

    python bench/bench_generalization.py [--model FILE] [--baseline FILE] [--save-baseline FILE]

The baseline is the tutorial's CNN trained as before (`python -m lib.cli train
--preset tutorial_cnn --data embedded --augment --decay 0.001`) on the embedded
MNIST alone, with the bundled model's epochs and seed (read from its card); it
is trained in this run unless `--baseline` names one saved by `--save-baseline`.

For each set of `lib.generalization` (embedded MNIST test, scikit-learn's
optdigits, the styles set in three renderings, num-draft) it prints accuracy,
the share of digits wrong at 90% confidence or more, and the expected
calibration error (15 bins); then each style's accuracy; then the per-kind set
of `bench/bench_preprocess_kinds.py` (200 held-out MNIST digits as canvas
strokes, photos, markers...), beside the model bundled before (`PREVIOUS_MODEL`,
read from git), whose figures are "today's". Last, every target, met or not.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from lib import data, generalization, inference, models, training  # noqa: E402
from lib.picture_kinds import KINDS  # noqa: E402

# The model bundled before this benchmark existed (trained on the embedded MNIST alone).
PREVIOUS_MODEL = ("91cc00ee476efe483c26110de7afe9ca7c6fcd19", "models/mnist_cnn.keras")
# (set, figure, comparison, target); "today" targets are per kind, against `PREVIOUS_MODEL`.
TARGETS = [
    ("mnist_test", "accuracy", ">=", 0.985),
    ("optdigits", "accuracy", ">=", 0.92),
    ("styles_canvas", "accuracy", ">=", 0.98),
    ("styles_black_on_white", "accuracy", ">=", 0.98),
    ("styles_phone_photo", "accuracy", ">=", 0.98),
    ("styles_canvas", "confident_wrong", "<=", 0.01),
    ("styles_black_on_white", "confident_wrong", "<=", 0.01),
    ("styles_phone_photo", "confident_wrong", "<=", 0.01),
    ("optdigits", "confident_wrong", "<=", 0.02),
    ("num_draft", "accuracy", ">=", 1.0),
]
KINDS_DIGITS = 200


def train_baseline(epochs, seed):
    """The tutorial's CNN trained as the model bundled before was, on the embedded MNIST."""
    config = training.TrainingConfig(
        preset="tutorial_cnn", epochs=epochs, seed=seed, augment=True, optimizer="adam",
        optimizer_arguments={"decay": 0.001}, validation_split=0.1,
    )
    return training.train(config, data.load_embedded()).model


def previous_model():
    """The model bundled before, from git (`None` outside a clone that has it)."""
    commit, path = PREVIOUS_MODEL
    try:
        contents = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, check=True,
                                  capture_output=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    with tempfile.TemporaryDirectory() as directory:
        file = pathlib.Path(directory) / "previous.keras"
        file.write_bytes(contents)
        return models.load_model(file)


def kinds_set(mnist):
    """`bench_preprocess_kinds.py`'s set: the same 200 digits, made into the same pictures."""
    rng = np.random.default_rng(0)
    indices = rng.choice(len(mnist.y_test), KINDS_DIGITS, replace=False)
    inputs = {}
    for kind, make in KINDS.items():
        inputs[kind] = generalization.read_pictures([make(mnist.x_test[i], rng)
                                                     for i in indices])
    return inputs, mnist.y_test[indices]


def _row(figures):
    return (f"{figures['accuracy']:8.1%} {figures['confident_wrong']:9.1%} "
            f"{figures['ece']:6.3f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(models.BUNDLED_MODEL_PATH),
                        help="the model to measure (default: the bundled one); its card "
                             "gives the baseline's epochs and seed")
    parser.add_argument("--baseline", help="a baseline saved by --save-baseline")
    parser.add_argument("--save-baseline", help="save the baseline trained in this run")
    arguments = parser.parse_args(argv)

    started = time.perf_counter()
    model = models.load_model(arguments.model)
    card = models.read_card(arguments.model) or {}
    epochs, seed = card.get("epochs", 30), card.get("seed", data.DEFAULT_SEED)
    if arguments.baseline:
        baseline = models.load_model(arguments.baseline)
        print(f"Baseline: {arguments.baseline}")
    else:
        baseline = train_baseline(epochs, seed)
        print(f"Baseline: the tutorial's CNN trained as before on the embedded MNIST alone, "
              f"{epochs} epochs, seed {seed} ({time.perf_counter() - started:.0f} s)")
        if arguments.save_baseline:
            models.save_model(baseline, arguments.save_baseline)
    previous = previous_model()
    print(f"Measured: {arguments.model} (card: mix {card.get('mix')}, {epochs} epochs, seed "
          f"{seed}, label smoothing {card.get('label_smoothing')})")

    mnist = data.load_embedded()
    sets = generalization.evaluation_sets(mnist)
    ours = generalization.predict_sets(model, sets)
    theirs = generalization.predict_sets(baseline, sets)
    results = {name: generalization.figures(ours[name], sets[name].labels) for name in sets}
    baseline_results = {name: generalization.figures(theirs[name], sets[name].labels)
                        for name in sets}

    print()
    print(f"{'set':24s} {'digits':>6s}  {'bundled: accuracy, wrong at >= 90%, ECE':>27s}   "
          f"{'baseline':>25s}   MNIST's styles?")
    for name, evaluation_set in sets.items():
        print(f"{name:24s} {len(evaluation_set.labels):6d}  {_row(results[name])}       "
              f"{_row(baseline_results[name])}   "
              f"{'yes, re-rendered' if evaluation_set.mnist_styles else 'no'}")

    print()
    print(f"{'style (canvas / black on white / photo)':40s} {'bundled':>22s}   {'baseline':>22s}")
    styles = sets["styles_canvas"].groups
    for style in dict.fromkeys(styles):
        members = styles == style
        cells = []
        for probabilities in (ours, theirs):
            accuracies = [(probabilities[name][members].argmax(1)
                           == sets[name].labels[members]).mean()
                          for name in ("styles_canvas", "styles_black_on_white",
                                       "styles_phone_photo")]
            cells.append(" / ".join(f"{accuracy:5.0%}" for accuracy in accuracies))
        print(f"{style:40s} {cells[0]:>22s}   {cells[1]:>22s}")

    print()
    inputs, labels = kinds_set(mnist)
    print(f"{KINDS_DIGITS} held-out MNIST digits per kind of picture (bench_preprocess_kinds.py; "
          "MNIST re-rendered)")
    print(f"{'kind of picture':24s} {'bundled':>8s} {'baseline':>9s} {'today':>7s}")
    kinds_missed = []
    for kind, images in inputs.items():
        accuracy = {}
        for label, candidate in (("bundled", model), ("baseline", baseline),
                                 ("today", previous)):
            if candidate is not None:
                predictions = inference.predict_proba(candidate, images).argmax(1)
                accuracy[label] = float((predictions == labels).mean())
        today = accuracy.get("today")
        if today is not None and accuracy["bundled"] < today:
            kinds_missed.append(kind)
        print(f"{kind:24s} {accuracy['bundled']:8.1%} {accuracy['baseline']:9.1%} "
              f"{'-' if today is None else f'{today:.1%}':>7s}")

    print()
    print("Targets (bundled model):")
    missed = 0
    for name, figure, comparison, target in TARGETS:
        value = results[name][figure]
        met = value >= target if comparison == ">=" else value <= target
        missed += not met
        print(f"  {name:22s} {figure:16s} {value:7.2%} {comparison} {target:.1%}  "
              f"{'met' if met else 'MISSED'}   (baseline {baseline_results[name][figure]:.2%})")
    if previous is None:
        missed += 1
        print("  per kind                no worse than today: UNKNOWN (the previous model is "
              "not in this clone's history)")
    else:
        missed += bool(kinds_missed)
        print(f"  per kind                no worse than today: "
              f"{'met' if not kinds_missed else 'MISSED: ' + ', '.join(kinds_missed)}")
    print(f"{'Every target met' if not missed else f'{missed} target(s) missed'} "
          f"({time.perf_counter() - started:.0f} s)")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
