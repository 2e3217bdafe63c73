"""The bundled model's recipe, and the command that rebuilds it from scratch.

    python -m lib.bundled_model              # rebuild models/mnist_cnn.keras and its card
    python -m lib.bundled_model choose       # compare mixes, label smoothing and seeds

The bundled model is the tutorial's CNN exactly (`lib.models.tutorial_cnn`),
trained on the 4,000 embedded MNIST training digits plus synthetic digits in the
styles MNIST has few of: digits rendered from fonts (`lib.font_digits`) and
digits drawn by the pen-stroke generator (`lib.synthetic_digits`, training
seeds only). Labels are smoothed (`keras.losses.CategoricalCrossentropy(
label_smoothing=...)`), so that the model does not learn to be certain.

Every choice (which synthetic digits, how much MNIST, label smoothing, epochs
and seed) is made by `choose` on a validation split of the training data: 10%
of each source, held out and the same for every candidate; its last round also
reads the MNIST validation digits re-rendered as each kind of picture people
upload (`MNIST_KINDS`). The benchmark's sets (`lib.generalization`, and the
per-kind set of `bench/bench_preprocess_kinds.py`, made from MNIST *test*
digits) are measured once the model is built, and never choose anything.
"""

import argparse
import dataclasses
import os
import pathlib
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from lib import (  # noqa: E402
    data,
    font_digits,
    models,
    picture_kinds,
    preprocess,
    registry,
    synthetic_digits,
    training,
)

SOURCES = ("mnist", "fonts", "strokes")
# Synthetic digits made for training (before the validation split takes 10% of each).
FONT_DIGITS_PER_CLASS = 300
FONT_SEED = 0
STROKE_SEEDS_PER_STYLE = 150
STROKE_SEEDS = synthetic_digits.TRAINING_SEEDS[:STROKE_SEEDS_PER_STYLE]
# Each source's validation split: stratified, and the same for every candidate recipe.
VALIDATION_SPLIT = 0.1
SPLIT_SEED = data.DEFAULT_SEED
# Which sources a candidate trains on; a source named twice is seen twice per epoch.
MIXES = {
    "mnist": ("mnist",),
    "mnist+fonts": ("mnist", "fonts"),
    "mnist+strokes": ("mnist", "strokes"),
    "mnist+fonts+strokes": ("mnist", "fonts", "strokes"),
    "2xmnist+fonts+strokes": ("mnist", "mnist", "fonts", "strokes"),
}
# A validation-only source: the MNIST validation digits made into each kind of picture of
# `lib/picture_kinds.py` (the renderers `bench/bench_preprocess_kinds.py` uses, here on
# training data, never on test digits) and read through `to_mnist`.
MNIST_KINDS = "mnist_kinds"
KINDS_SEED = SPLIT_SEED
# `choose` follows each candidate's validation curve for this many epochs.
MAX_EPOCHS = 30
CANDIDATE_SEEDS = (1234, 1, 2)
LABEL_SMOOTHINGS = (0.0, 0.05, 0.1)
# The last round: the chosen mix beside the same mix with the MNIST digits seen twice.
MNIST_WEIGHTS = {"mnist+fonts+strokes": "2xmnist+fonts+strokes"}
# A wrong answer at this confidence or more is confidently wrong (as `lib.generalization`).
CONFIDENT = 0.9


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How the bundled model is trained.

    Attributes:
        mix: A key of `MIXES`.
        epochs: Passes over the training digits.
        seed: Seed of the weights, the shuffle and the augmentation.
        label_smoothing: Passed to `keras.losses.CategoricalCrossentropy`.
        batch_size: Digits per step.
        decay: Keras 2's `decay` of Adam's learning rate (as the old recipe).
    """

    mix: str = "mnist+fonts+strokes"
    epochs: int = 30
    seed: int = 1234
    label_smoothing: float = 0.1
    batch_size: int = 64
    decay: float = 0.001


# What `python -m lib.bundled_model choose` chose on the validation split (the card's
# `validation_choice` has every candidate's figures). In its last round, seed 1 at epoch 9
# had the best mean accuracy over MNIST, fonts, strokes and MNIST as every kind of picture
# (99.76%; the other five candidates 99.65-99.69%); seeing MNIST twice did not help.
RECIPE = Recipe(mix="mnist+fonts+strokes", epochs=9, seed=1, label_smoothing=0.1)


@dataclasses.dataclass(frozen=True)
class Source:
    """One source of training digits, split for validation.

    Attributes:
        x_train, y_train: uint8 `(n, 28, 28)` (0-255) and uint8 `(n,)`.
        x_val, y_val: The held-out validation digits.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def _as_uint8(images):
    return np.round(np.clip(images, 0, 1) * 255).astype(np.uint8)


def _split(images, labels):
    train, validation = data.stratified_split(labels, VALIDATION_SPLIT, SPLIT_SEED)
    return Source(images[train], labels[train], images[validation], labels[validation])


def make_sources(mnist, kinds=False):
    """Every source of training digits, read as the app reads digits, and split.

    Args:
        mnist: The embedded `lib.data.Mnist` (its training split only is used).
        kinds: Also the validation-only source `MNIST_KINDS` (see `make_kinds_source`).

    Returns:
        A dict of name (`SOURCES`, then `MNIST_KINDS` if asked) -> `Source`.
    """
    fonts = font_digits.make_digits(FONT_DIGITS_PER_CLASS, seed=FONT_SEED)
    strokes = synthetic_digits.make_digits(STROKE_SEEDS)
    # Through `to_mnist`, as a drawn or uploaded digit is: cropped, fitted into 20 x 20, centred.
    sources = {
        "mnist": _split(mnist.x_train, mnist.y_train),
        "fonts": _split(_as_uint8([preprocess.to_mnist(ink) for ink in fonts.inks]),
                        fonts.labels),
        "strokes": _split(_as_uint8([preprocess.to_mnist(ink) for ink in strokes.inks]),
                          strokes.labels),
    }
    if kinds:
        sources[MNIST_KINDS] = make_kinds_source(sources["mnist"])
    return sources


def make_kinds_source(mnist_source, seed=KINDS_SEED):
    """The MNIST validation digits as each kind of picture people upload, for validation only.

    Each of `lib/picture_kinds.py`'s `KINDS` (canvas stroke, black on white,
    phone photo, hairline pen, fat marker, small in a corner, palette GIF,
    16-bit PNG, CMYK JPEG, grey with alpha) is made of every validation digit
    of `mnist_source`, then read through `to_mnist`, as the app reads uploads.

    Args:
        mnist_source: The `Source` of the embedded MNIST training digits.
        seed: Seed of the pictures' randomness (a photo's placement and noise).

    Returns:
        A `Source` with no training digits; its validation digits are uint8
        `(kinds * n, 28, 28)`, kind after kind, and `kinds` names each one's kind.
    """
    rng = np.random.default_rng(seed)
    images, labels, kinds = [], [], []
    for kind, make in picture_kinds.KINDS.items():
        images += [preprocess.to_mnist(make(digit, rng)) for digit in mnist_source.x_val]
        labels.append(mnist_source.y_val)
        kinds += [kind] * len(mnist_source.y_val)
    empty = np.zeros((0, 28, 28), np.uint8)
    return KindsSource(empty, np.zeros(0, np.uint8), _as_uint8(images), np.concatenate(labels),
                       np.array(kinds))


@dataclasses.dataclass(frozen=True)
class KindsSource(Source):
    """A `Source` whose validation digits are each one kind of picture.

    Attributes:
        kinds: str `(n,)`: each validation digit's kind.
    """

    kinds: np.ndarray = None


class ValidationBySource(keras.callbacks.Callback):
    """Adds each source's validation figures, and their mean accuracy, to the logs.

    `fit`'s own `val_accuracy` pools the sources (MNIST has the most digits) and
    its `val_loss` is smoothed. For each source this adds `val_<source>_accuracy`,
    `val_<source>_loss` (unsmoothed crossentropy) and `val_<source>_confident_wrong`
    (the share wrong at `CONFIDENT` or more); then `val_macro_accuracy`, the mean
    accuracy over `SOURCES`, so that no source outweighs the others, and
    `val_unsmoothed_loss` over their validation digits. With `MNIST_KINDS` among
    the sources, also `val_mnist_kinds_worst` (the accuracy of the worst kind of
    picture) and `val_kinds_macro_accuracy`, the mean accuracy over `SOURCES`
    and `MNIST_KINDS`.

    Args:
        sources: name -> `Source`.
    """

    def __init__(self, sources):
        super().__init__()
        self.sources = sources

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        accuracies, losses = [], []
        for name, source in self.sources.items():
            if not len(source.y_val):
                continue
            probabilities = self.model.predict(training.as_model_input(source.x_val),
                                               batch_size=256, verbose=0)
            predictions, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
            loss = np.asarray(keras.losses.sparse_categorical_crossentropy(
                source.y_val.astype(np.int32), probabilities))
            accuracy = float((predictions == source.y_val).mean())
            logs[f"val_{name}_accuracy"] = accuracy
            logs[f"val_{name}_loss"] = float(loss.mean())
            logs[f"val_{name}_confident_wrong"] = float(
                ((predictions != source.y_val) & (confidence >= CONFIDENT)).mean())
            if name == MNIST_KINDS:
                right = predictions == source.y_val
                logs[f"val_{name}_worst"] = float(min(right[source.kinds == kind].mean()
                                                      for kind in np.unique(source.kinds)))
            else:
                accuracies.append(accuracy)
                losses.append(loss)
        logs["val_macro_accuracy"] = float(np.mean(accuracies))
        logs["val_unsmoothed_loss"] = float(np.mean(np.concatenate(losses)))
        if f"val_{MNIST_KINDS}_accuracy" in logs:
            logs["val_kinds_macro_accuracy"] = float(
                np.mean([*accuracies, logs[f"val_{MNIST_KINDS}_accuracy"]]))


def _one_hot(images, labels):
    return images, tf.one_hot(labels, models.NUM_CLASSES)


def fit(recipe, sources, epochs=None, callbacks=(), verbose=0):
    """Trains the tutorial's CNN on `recipe.mix`, validated on every source.

    Args:
        recipe: A `Recipe`.
        sources: name -> `Source` (from `make_sources`).
        epochs: Epochs (default: `recipe.epochs`).
        callbacks: More Keras callbacks.
        verbose: Passed to `fit` (1: Keras's progress bar).

    Returns:
        `(model, history)`: the trained model and its per-epoch logs (a list of dicts).
    """
    used = [sources[name] for name in registry.get(MIXES, recipe.mix, "mix")]
    keras.utils.set_random_seed(recipe.seed)
    x_train = np.concatenate([source.x_train for source in used])
    y_train = np.concatenate([source.y_train for source in used])
    # Keras's own validation figures pool the training sources' validation digits.
    x_val = np.concatenate([sources[name].x_val for name in SOURCES if name in sources])
    y_val = np.concatenate([sources[name].y_val for name in SOURCES if name in sources])
    model = models.build_model("tutorial_cnn")
    model.compile(
        optimizer=models.make_optimizer("adam", decay=recipe.decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing),
        metrics=["accuracy"],
    )
    # The app's own input pipeline and handwriting augmentation (`lib.training`).
    train_data = training.make_dataset(x_train, y_train, recipe.batch_size, shuffle=True,
                                       augment=True, seed=recipe.seed).map(_one_hot)
    validation_data = training.make_dataset(x_val, y_val, recipe.batch_size).map(_one_hot)
    history = model.fit(train_data, epochs=epochs or recipe.epochs,
                        validation_data=validation_data,
                        callbacks=[ValidationBySource(sources), *callbacks], verbose=verbose)
    logs = [{key: float(values[epoch]) for key, values in history.history.items()}
            for epoch in range(len(history.epoch))]
    return model, logs


def best_epoch(history, score="val_macro_accuracy"):
    """The 1-based epoch with the best `score` (ties: the lower unsmoothed loss)."""
    scores = [(logs[score], -logs["val_unsmoothed_loss"]) for logs in history]
    return int(max(range(len(scores)), key=lambda epoch: scores[epoch])) + 1


def choose(sources, log=print, reuse=()):
    """Chooses the recipe on the validation split, in four rounds.

    1. Mix: each of `MIXES` but the MNIST-weighted ones of round 4 (label
       smoothing 0.1, seed 1234, `MAX_EPOCHS` epochs); the best validation
       macro accuracy at its best epoch.
    2. Label smoothing. How honest a model's confidence is on styles it has
       not seen cannot be judged on validation digits of the styles it trained
       on: it gets 99.9% of those right, and certainty pays there. So each of
       `LABEL_SMOOTHINGS` trains on MNIST alone, and is scored on the
       validation digits of the other sources (fonts and strokes, styles MNIST
       has few of) by their unsmoothed loss after `MAX_EPOCHS` epochs; the
       lowest wins.
    3. Seed: each of `CANDIDATE_SEEDS` with that mix and smoothing; the best
       macro accuracy (ties: the lower loss).
    4. MNIST's weight, seed and epochs. The mix's training digits keep MNIST's
       writing styles in every kind of picture only if MNIST weighs enough
       beside the synthetic digits. So that mix and the same with MNIST seen
       twice (`MNIST_WEIGHTS`), each with every seed of `CANDIDATE_SEEDS`, are
       scored by `val_kinds_macro_accuracy`: the mean accuracy over the
       validation digits of MNIST, fonts, strokes and `MNIST_KINDS` (the MNIST
       validation digits as each kind of picture), at each candidate's best
       epoch by that score (ties: the lower loss). The best candidate gives the
       recipe's mix, seed and epochs. Without `MNIST_KINDS` in `sources`,
       round 3's choice stands.

    Args:
        sources: name -> `Source` (from `make_sources`, with `kinds=True` for round 4).
        log: Where each candidate's line goes.
        reuse: Candidates' figures from an earlier run (a card's
            `validation_choice`), used instead of training them again.

    Returns:
        `(recipe, rounds)`: the chosen `Recipe`, and every candidate's
        validation figures (JSON-able), for the card.
    """
    rounds = {"mix": [], "label_smoothing": [], "seed": [], "mnist_weight": []}
    results = {(r["mix"], r["label_smoothing"], r["seed"]): r for r in reuse}

    def run(recipe, needs=()):
        key = (recipe.mix, recipe.label_smoothing, recipe.seed)
        if key not in results or any(field not in results[key] for field in needs):
            started = time.perf_counter()
            _, history = fit(recipe, sources, epochs=MAX_EPOCHS)
            epoch = best_epoch(history)
            logs, last = history[epoch - 1], history[-1]
            unseen = [name for name in SOURCES if name not in MIXES[recipe.mix]]
            results[key] = {
                "mix": recipe.mix, "label_smoothing": recipe.label_smoothing,
                "seed": recipe.seed, "best_epoch": epoch,
                **{name: round(logs[f"val_{name}_accuracy"], 4) for name in SOURCES},
                "macro_accuracy": round(logs["val_macro_accuracy"], 4),
                "unsmoothed_loss": round(logs["val_unsmoothed_loss"], 4),
                "macro_accuracy_by_epoch": [round(entry["val_macro_accuracy"], 4)
                                            for entry in history],
                "seconds": round(time.perf_counter() - started, 1),
            }
            if f"val_{MNIST_KINDS}_accuracy" in history[0]:  # Round 4's score.
                kinds_epoch = best_epoch(history, score="val_kinds_macro_accuracy")
                logs = history[kinds_epoch - 1]
                results[key][MNIST_KINDS] = {
                    "best_epoch": kinds_epoch,
                    "macro_accuracy": round(logs["val_kinds_macro_accuracy"], 4),
                    **{name: round(logs[f"val_{name}_accuracy"], 4)
                       for name in (*SOURCES, MNIST_KINDS)},
                    "worst_kind": round(logs[f"val_{MNIST_KINDS}_worst"], 4),
                    "unsmoothed_loss": round(logs["val_unsmoothed_loss"], 4),
                    "macro_accuracy_by_epoch": [round(entry["val_kinds_macro_accuracy"], 4)
                                                for entry in history],
                }
            if unseen:  # The sources it never trained on, after its last epoch.
                results[key]["unseen"] = {
                    "sources": unseen, "epoch": len(history),
                    **{figure: round(float(np.mean([last[f"val_{name}_{figure}"]
                                                    for name in unseen])), 4)
                       for figure in ("accuracy", "loss", "confident_wrong")}}
            log(_describe(results[key]))
        return results[key]

    base = Recipe(epochs=MAX_EPOCHS, seed=CANDIDATE_SEEDS[0], label_smoothing=0.1)
    for mix in MIXES:
        if mix not in MNIST_WEIGHTS.values():
            rounds["mix"].append(run(dataclasses.replace(base, mix=mix)))
    mix = max(rounds["mix"], key=lambda r: (r["macro_accuracy"], -r["unsmoothed_loss"]))["mix"]
    for smoothing in LABEL_SMOOTHINGS:
        rounds["label_smoothing"].append(
            run(dataclasses.replace(base, mix="mnist", label_smoothing=smoothing),
                needs=("unseen",)))
    smoothing = min(rounds["label_smoothing"], key=lambda r: r["unseen"]["loss"])[
        "label_smoothing"]
    for seed in CANDIDATE_SEEDS:
        rounds["seed"].append(
            run(dataclasses.replace(base, mix=mix, label_smoothing=smoothing, seed=seed)))
    chosen = max(rounds["seed"], key=lambda r: (r["macro_accuracy"], -r["unsmoothed_loss"]))
    recipe = Recipe(mix=mix, label_smoothing=smoothing, seed=chosen["seed"],
                    epochs=chosen["best_epoch"])
    if MNIST_KINDS not in sources:
        return recipe, rounds
    for candidate in (mix, *([MNIST_WEIGHTS[mix]] if mix in MNIST_WEIGHTS else [])):
        for seed in CANDIDATE_SEEDS:
            rounds["mnist_weight"].append(
                run(dataclasses.replace(base, mix=candidate, label_smoothing=smoothing,
                                        seed=seed), needs=(MNIST_KINDS,)))
    chosen = max(rounds["mnist_weight"], key=lambda r: (r[MNIST_KINDS]["macro_accuracy"],
                                                        -r[MNIST_KINDS]["unsmoothed_loss"]))
    recipe = Recipe(mix=chosen["mix"], label_smoothing=smoothing, seed=chosen["seed"],
                    epochs=chosen[MNIST_KINDS]["best_epoch"])
    return recipe, rounds


def _describe(result):
    sources = " ".join(f"{name} {result[name]:.2%}" for name in SOURCES)
    line = (f"{result['mix']:22s} smoothing {result['label_smoothing']:<4g} seed "
            f"{result['seed']:<5d} best epoch {result['best_epoch']:2d}: {sources}, "
            f"macro {result['macro_accuracy']:.2%}, loss {result['unsmoothed_loss']:.4f}")
    if "unseen" in result:
        unseen = result["unseen"]
        line += (f"; unseen {'+'.join(unseen['sources'])} after epoch {unseen['epoch']}: "
                 f"{unseen['accuracy']:.2%}, loss {unseen['loss']:.4f}, wrong at >= 90% "
                 f"{unseen['confident_wrong']:.2%}")
    if MNIST_KINDS in result:
        kinds = result[MNIST_KINDS]
        line += (f"; with {MNIST_KINDS}: best epoch {kinds['best_epoch']}, mnist "
                 f"{kinds['mnist']:.2%} fonts {kinds['fonts']:.2%} strokes "
                 f"{kinds['strokes']:.2%} {MNIST_KINDS} {kinds[MNIST_KINDS]:.2%} (worst kind "
                 f"{kinds['worst_kind']:.2%}), macro {kinds['macro_accuracy']:.2%}, loss "
                 f"{kinds['unsmoothed_loss']:.4f}")
    return line + f" ({result['seconds']:.0f} s)"


def describe_synthetic_data(sources):
    """What the synthetic digits are, for the card."""
    return {
        "fonts": {
            "count": FONT_DIGITS_PER_CLASS * 10,
            "fonts": list(font_digits.FONTS),
            "packages": sorted({package for _, package in font_digits.FONTS.values()}),
            "seeds": f"{FONT_SEED}-{FONT_SEED + FONT_DIGITS_PER_CLASS - 1} per class",
            "augmentation": font_digits.AUGMENTATION,
        },
        "strokes": {
            "count": STROKE_SEEDS_PER_STYLE * len(synthetic_digits.STYLES),
            "styles": {name: style.description for name, style in
                       synthetic_digits.STYLES.items()},
            "seeds": f"{STROKE_SEEDS.start}-{STROKE_SEEDS.stop - 1} of the training seeds "
                     f"({synthetic_digits.TRAINING_SEEDS.start}-"
                     f"{synthetic_digits.TRAINING_SEEDS.stop - 1}); the benchmark draws "
                     f"from the test seeds ({synthetic_digits.TEST_SEEDS.start}-"
                     f"{synthetic_digits.TEST_SEEDS.stop - 1})",
            "variations": "half upright, half slanted; proportions, width, rotation up to 6 "
                          "degrees, a smooth wobble, pen width, size and place on a 280 px "
                          "canvas",
        },
        "validation": {name: int(len(source.y_val)) for name, source in sources.items()},
        "training": {name: int(len(source.y_train)) for name, source in sources.items()},
    }


def rebuild(recipe=RECIPE, out=models.BUNDLED_MODEL_PATH, measure=True, verbose=2,
            log=print):
    """Trains the bundled model from scratch with `recipe`, saves it and writes its card.

    Args:
        recipe: A `Recipe` (default: the one `choose` chose).
        out: The `.keras` file to write; its card goes beside it.
        measure: Measure the benchmark's sets (`lib.generalization`) for the card.
        verbose: Passed to `fit`.
        log: Where progress lines go.

    Returns:
        The card (a dict).
    """
    from lib import generalization

    started = time.perf_counter()
    mnist = data.load_embedded()
    sources = make_sources(mnist)
    log(f"Synthetic digits made in {time.perf_counter() - started:.0f} s.")
    fitting = time.perf_counter()
    model, history = fit(recipe, sources, verbose=verbose)
    training_seconds = time.perf_counter() - fitting
    out = pathlib.Path(out)
    models.save_model(model, out)
    previous = models.read_card(out) or {}
    card = {
        "model": out.name,
        "preset": "tutorial_cnn",
        "parameters": int(model.count_params()),
        "data_source": mnist.source,
        "data_origin": str(mnist.origin).rsplit("/", 1)[-1],
        "split": {"train": len(mnist.y_train), "test": len(mnist.y_test), "seed": mnist.seed,
                  "validation_split": VALIDATION_SPLIT, "train_size": None},
        "synthetic": describe_synthetic_data(sources),
        "mix": recipe.mix,
        "training_digits": sum(len(sources[name].y_train) for name in MIXES[recipe.mix]),
        "epochs": recipe.epochs,
        "batch_size": recipe.batch_size,
        "seed": recipe.seed,
        "optimizer": {"name": "adam", "decay": recipe.decay},
        "loss": f"categorical crossentropy, label smoothing {recipe.label_smoothing:g}",
        "label_smoothing": recipe.label_smoothing,
        "augmentation": "handwriting",  # A name of `training.AUGMENTATIONS`.
        "final_epoch": history[-1],
    }
    choice = previous.get("validation_choice")
    if choice and choice.get("chosen") == dataclasses.asdict(recipe):
        card["validation_choice"] = choice  # The same recipe: its choice still holds.
    if measure:
        measuring = time.perf_counter()
        sets = generalization.evaluation_sets(mnist)
        card["generalization"] = {
            name: {key: round(value, 4) if isinstance(value, float) else value
                   for key, value in result.items()}
            for name, result in generalization.measure(model, sets).items()}
        card["test_accuracy"] = card["generalization"]["mnist_test"]["accuracy"]
        log(f"Measured in {time.perf_counter() - measuring:.0f} s.")
    card.update({
        "training_seconds": round(training_seconds, 1),
        "rebuild_seconds": round(time.perf_counter() - started, 1),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "command": "python -m lib.bundled_model",
    })
    models.write_card(card, out.with_suffix(".json"))
    return card


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lib.bundled_model",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="rebuild", choices=("rebuild", "choose"))
    parser.add_argument("--out", default=str(models.BUNDLED_MODEL_PATH),
                        help="the .keras file to write (default: the bundled model)")
    parser.add_argument("--mix", default=RECIPE.mix, choices=sorted(MIXES))
    parser.add_argument("--epochs", type=int, default=RECIPE.epochs)
    parser.add_argument("--seed", type=int, default=RECIPE.seed)
    parser.add_argument("--label-smoothing", type=float, default=RECIPE.label_smoothing)
    parser.add_argument("--write-card", action="store_true",
                        help="choose: record the choice on the bundled model's card")
    parser.add_argument("--reuse", action="store_true",
                        help="choose: reuse the candidates recorded on the card")
    arguments = parser.parse_args(argv)
    if arguments.command == "choose":
        started = time.perf_counter()
        sources = make_sources(data.load_embedded(), kinds=True)
        print(f"Validation digits made in {time.perf_counter() - started:.0f} s.")
        reuse = []
        if arguments.reuse:
            card = models.read_card(models.BUNDLED_MODEL_PATH) or {}
            rounds = card.get("validation_choice", {}).get("rounds", {})
            reuse = [result for round_ in rounds.values() for result in round_]
        recipe, rounds = choose(sources, reuse=reuse)
        print(f"Chosen: {recipe} ({(time.perf_counter() - started) / 60:.0f} min)")
        if arguments.write_card:
            card = models.read_card(models.BUNDLED_MODEL_PATH) or {}
            notes = card.get("validation_choice", {}).get("notes")
            card["validation_choice"] = {"chosen": dataclasses.asdict(recipe),
                                         "rounds": rounds,
                                         "command": "python -m lib.bundled_model choose",
                                         **({"notes": notes} if notes else {})}
            models.write_card(card, models.BUNDLED_CARD_PATH)
        return 0
    recipe = Recipe(mix=arguments.mix, epochs=arguments.epochs, seed=arguments.seed,
                    label_smoothing=arguments.label_smoothing)
    card = rebuild(recipe, out=arguments.out)
    print(f"Saved {arguments.out} in {card['rebuild_seconds'] / 60:.1f} min.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
