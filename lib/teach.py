"""Teaching a digit model one writer's hand: fine-tuning a copy on a few of their examples.

This is transfer learning as Keras teaches it: clone the model, freeze the layers that
already see well (the first convolution: edges are the same in every hand), compile with a
very small learning rate, and `fit` on the writer's examples, augmented, mixed with a replay
of MNIST digits so that the model does not forget everyone else's. The shared model is never
changed: everything happens on a clone.

    examples = [teach.Example(image, 4), ...]          # (28, 28) inputs, as the model saw them
    taught = teach.teach(model, examples, replay=mnist)
    taught.model, taught.card["after"]["examples"]

The page (`/recognize`) and `python -m lib.cli teach` both call `teach`; a page runs it as a
job of the server's training queue (`lib.jobs`), which it reports to. Nothing here imports
Streamlit.
"""

import dataclasses
import math
import numbers
import textwrap
import time

import keras
import numpy as np
import tensorflow as tf

from lib import data as data_module
from lib import inference, model_budget, models, registry, training
from lib.errors import InputError

# Examples a session may keep: 28 x 28 float32 each, about 3 kB, so 1.5 MB at most.
MAX_EXAMPLES = 500
# The defaults of a teaching run, chosen by `python bench/bench_teach.py --tune` on 13 writers
# of `lib.writers.TUNING_WRITERS` (5 examples of each digit, measured on 30 new digits of each)
# and on the 400 MNIST digits the bundled model kept for validation, never on the benchmark's
# writers or MNIST's test digits. Medians of writers 0-4 and 5-12: with the convolutions
# frozen, Adam at 3e-5 read 0.950 and 0.947 of the writers' new digits, 1e-4 0.970 (0-4 only),
# 1e-3 0.997 and 0.982; with the first convolution alone frozen, 3e-5 read 0.997 and 0.990,
# forgetting at most two validation digits in the worst writer (1e-4 and more read 1.000 but
# forgot 3 to 12); nothing frozen did as well as that, slower; the last layer alone, at most
# 0.960. 3 epochs or 2 repeats read less (0.983, 0.985); 8 epochs read 0.993 and 8 repeats
# 0.997 but forgot 3 digits in the worst writer; 250 or 1,000 replayed digits read no more.
# Fine-tuning takes about 3 s on 2 cores.
EPOCHS = 5
LEARNING_RATE = 3e-5
BATCH_SIZE = 32
# Each of the writer's examples is seen this many times per epoch, each time augmented anew.
REPEATS = 4
# MNIST training digits mixed in, so that the model keeps reading everyone else's hand.
REPLAY_SIZE = 500
# Of each digit's examples, this share is held out to measure before and after (at least one
# when a digit has two or more; a digit with one example is taught, not measured).
HELD_OUT_FRACTION = 0.2
SEED = 0
# What a run may ask for. Each is far above the defaults; together they bound a run's
# memory, and `MAX_SECONDS` its time.
MAX_EPOCHS = 100
MAX_REPEATS = 32
MAX_REPLAY_SIZE = 10_000
MAX_LEARNING_RATE = 0.1
# The longest a teaching run may be estimated to take, by `lib.training.estimate_run`'s
# pessimistic rates (a busy server): the defaults on the bundled model come to about 6 s.
MAX_SECONDS = 120

# --- Which layers a run freezes --------------------------------------------------------
CONVOLUTIONS = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)


def _has_weights(layer):
    return bool(layer.weights)


def _freeze_convolutions(model):
    return [layer.name for layer in model.layers if isinstance(layer, CONVOLUTIONS)]


def _freeze_first_convolution(model):
    return _freeze_convolutions(model)[:1]


def _freeze_all_but_last(model):
    weighted = [layer.name for layer in model.layers if _has_weights(layer)]
    return weighted[:-1]


def _freeze_nothing(model):
    return []


# Each takes a model and returns the names of the layers it freezes; `why` is the reason the
# Keras code gives a student.
FREEZING = {
    "convolutions": (_freeze_convolutions,
                     "Freeze the convolutions: they find edges and strokes, the same in every\n"
                     "# hand. The dense layers, which combine strokes into digits, learn your"
                     " way of writing."),
    "first_convolution": (_freeze_first_convolution,
                          "Freeze the first convolution: it finds edges, the same in every hand.\n"
                          "# The later ones, which join edges into strokes, and the dense layers,"
                          " which\n# combine strokes into digits, learn your way of writing."),
    "all_but_last": (_freeze_all_but_last,
                     "Freeze everything but the last layer: only how features vote for a digit"
                     " changes."),
    "nothing": (_freeze_nothing, "Nothing is frozen: every layer may learn your hand."),
}
FREEZE = "first_convolution"


@dataclasses.dataclass(frozen=True)
class Example:
    """One digit a writer gave, with its true label.

    Attributes:
        image: float32 `(28, 28)` in [0, 1]: the model's input (`lib.preprocess.to_mnist`).
        label: The digit it is, 0-9.
        source: Where it came from: `"canvas"`, or a file's name.
    """

    image: np.ndarray
    label: int
    source: str = "canvas"


def check_examples(examples):
    """The examples as arrays, checked: their number first, then each one's shape, values
    and label, before any array is made.

    Returns:
        `(images float32 (n, 28, 28), labels int32 (n,))`.

    Raises:
        InputError: `"teach_no_examples"` when there is none, `"teach_too_many"` over
            `MAX_EXAMPLES`.
        ValueError: for an image that is not `(28, 28)` (or `(28, 28, 1)`) or not finite,
            or a label that is not a digit 0-9.
    """
    examples = examples if isinstance(examples, (list, tuple)) else list(examples)
    if not examples:
        raise InputError("teach_no_examples")
    if len(examples) > MAX_EXAMPLES:
        raise InputError("teach_too_many", count=len(examples), limit=MAX_EXAMPLES)
    for index, example in enumerate(examples):
        shape = np.shape(example.image)
        if shape not in ((28, 28), (28, 28, 1)):
            raise ValueError(f"Expected each example's image of shape (28, 28), as "
                             f"lib.preprocess.to_mnist returns. Received {shape} for example "
                             f"{index} ({example.source!r}).")
        label = example.label
        if (isinstance(label, bool) or not isinstance(label, numbers.Integral)
                or not 0 <= label <= 9):
            raise ValueError(f"Expected each example's label to be a digit 0-9. Received "
                             f"{label!r} for example {index} ({example.source!r}).")
    images = np.stack([np.asarray(example.image, np.float32).reshape(28, 28)
                       for example in examples])
    if not np.isfinite(images).all():
        raise ValueError("Expected examples' images of finite values in [0, 1]. Received NaN "
                         "or infinite pixels: read images through lib.preprocess.to_mnist.")
    labels = np.array([int(example.label) for example in examples], np.int32)
    return np.clip(images, 0.0, 1.0), labels


def check_settings(epochs=EPOCHS, learning_rate=LEARNING_RATE, replay_size=REPLAY_SIZE,
                   repeats=REPEATS, freeze=FREEZE):
    """Refuses settings of a run out of their bounds, before anything is built.

    Raises:
        ValueError: saying which setting, what was received and what is allowed.
    """
    registry.get(FREEZING, freeze, "way to freeze layers")
    for name, value, low, high in (("epochs", epochs, 1, MAX_EPOCHS),
                                   ("repeats", repeats, 1, MAX_REPEATS),
                                   ("replay_size", replay_size, 0, MAX_REPLAY_SIZE)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
                low <= value <= high):
            raise ValueError(f"Expected {name} to be an integer from {low} to {high}. "
                             f"Received {value!r}.")
    if (isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real)
            or not 0 < learning_rate <= MAX_LEARNING_RATE):
        raise ValueError(f"Expected a learning_rate above 0 and at most {MAX_LEARNING_RATE:g} "
                         f"(small: a few examples should nudge the model). Received "
                         f"{learning_rate!r}.")


def check_teachable(model, freeze=FREEZE):
    """Refuses a model that fine-tuning cannot work on, saying why.

    Raises:
        InputError: `"teach_input"` for a model that does not take `(28, 28, 1)` digits and
            return 10 scores; `"teach_no_trainable"` for one with no weight left to train
            once its layers are frozen (`frozen_layers`).
    """
    input_shape = getattr(model, "input_shape", None)
    output_shape = getattr(model, "output_shape", None)
    if (not isinstance(input_shape, tuple) or tuple(input_shape[1:]) != models.INPUT_SHAPE
            or not isinstance(output_shape, tuple)
            or tuple(output_shape[1:]) != (models.NUM_CLASSES,)):
        raise InputError("teach_input", input=str(input_shape), output=str(output_shape))
    if not trainable_layers(model, freeze):
        raise InputError("teach_no_trainable")


def frozen_layers(model, freeze=FREEZE):
    """The names of the layers a run freezes (by default the convolutions; see `FREEZING`)."""
    return list(registry.get(FREEZING, freeze, "way to freeze layers")[0](model))


def trainable_layers(model, freeze=FREEZE):
    """The names of the layers a run trains: those with trainable weights, other than the
    frozen (a layer its author froze stays frozen, as Keras keeps it)."""
    frozen = set(frozen_layers(model, freeze))
    return [layer.name for layer in model.layers
            if layer.trainable_weights and layer.name not in frozen]


def estimate(model, examples, epochs=EPOCHS, repeats=REPEATS, replay_size=REPLAY_SIZE,
             measured=0):
    """What a run costs on this server, from the model's config: nothing is built or run.

    Args:
        model: The model to teach.
        examples: How many examples teach it.
        measured: Digits measured before and after (held out examples and MNIST test).

    Returns:
        A `lib.training.RunEstimate` (an upper bound: as if every layer were trained).
    """
    cost = model_budget.cost(keras.saving.serialize_keras_object(model))
    config = training.TrainingConfig(epochs=int(epochs), batch_size=BATCH_SIZE, optimizer="adam",
                                     validation_split=0.0, augment=True)
    return training.estimate_run(cost, config, n_train=int(examples) * int(repeats)
                                 + int(replay_size), n_test=int(measured))


def check_budget(model, examples, epochs=EPOCHS, repeats=REPEATS, replay_size=REPLAY_SIZE,
                 measured=0, max_seconds=MAX_SECONDS):
    """Refuses a run whose step needs too much memory or which would take too long.

    Raises:
        lib.training.BudgetError: `memory`, `time` (with the most epochs that fit) or
            `time_epoch`, as for /train.
    """
    training.check_budget(estimate(model, examples, epochs, repeats, replay_size, measured),
                          max_seconds=max_seconds)


def split_held_out(labels, fraction=HELD_OUT_FRACTION, seed=SEED):
    """Which examples train and which measure: per digit, `fraction` of them held out.

    A digit with two or more examples keeps at least one held out and one to train on; a
    digit with one example only trains.

    Returns:
        `(train_indices, held_out_indices)`, int arrays into `labels`.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    train, held_out = [], []
    for digit in np.unique(labels):
        indices = rng.permutation(np.flatnonzero(labels == digit))
        count = 0 if len(indices) < 2 else min(len(indices) - 1,
                                                max(1, round(fraction * len(indices))))
        held_out.extend(indices[:count])
        train.extend(indices[count:])
    return np.sort(np.array(train, dtype=int)), np.sort(np.array(held_out, dtype=int))


def replay_digits(mnist, size=REPLAY_SIZE, seed=SEED):
    """`(images, labels)`: a stratified sample of `mnist`'s training digits to replay."""
    if mnist is None or not size:
        return np.zeros((0, 28, 28), np.float32), np.zeros((0,), np.int32)
    images, labels = data_module.subset(mnist.x_train, mnist.y_train, size, seed=seed)
    return training.as_model_input(images)[..., 0], np.asarray(labels, np.int32)


def accuracy(model, images, labels):
    """The share of `images` `model` reads as `labels`, or `None` for no image."""
    if len(labels) == 0:
        return None
    predictions = inference.predict_proba(model, images).argmax(axis=1)
    return float(np.mean(predictions == np.asarray(labels)))


def copy_model(model):
    """A clone of `model` with its weights: the copy a run fine-tunes."""
    with inference.model_lock(model):
        clone = keras.models.clone_model(model)
        clone.set_weights(model.get_weights())
    return clone


def _loss(model):
    ends_in_softmax = inference.ends_in_softmax(model)
    return keras.losses.SparseCategoricalCrossentropy(from_logits=not ends_in_softmax)


def _mixed_dataset(own_images, own_labels, replay_images, replay_labels, seed):
    """The writer's examples and the replay, shuffled together every epoch, in batches. The
    writer's are augmented anew each time they come (shifted, turned, zoomed, thicker or
    thinner); the replay is not: it only reminds the model of what it knew."""
    images = np.concatenate([own_images, replay_images])[..., np.newaxis]
    labels = np.concatenate([own_labels, replay_labels]).astype(np.int32)
    own = np.arange(len(labels)) < len(own_labels)
    augmentation = training.handwriting_augmentation(seed=seed)

    def augment(batch, batch_labels, batch_own):
        moved = training.vary_stroke_thickness(augmentation(batch, training=True), seed=seed)
        return tf.where(batch_own[:, None, None, None], moved, batch), batch_labels

    dataset = tf.data.Dataset.from_tensor_slices((images, labels, own))
    dataset = dataset.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(BATCH_SIZE).map(augment).prefetch(2)


@dataclasses.dataclass
class Taught:
    """What `teach` produced.

    Attributes:
        model: The fine-tuned copy.
        card: Its model card, JSON-able (`card["examples_per_digit"]`, `card["before"]`,
            `card["after"]`, ...; see `teach`).
        history: The epochs' logs (`loss`, `accuracy`).
        held_out: `(images, labels)` of the writer's examples kept out of training.
    """

    model: keras.Model
    card: dict
    history: list
    held_out: tuple


def _figure(value):
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def teach(model, examples, replay=None, epochs=EPOCHS, learning_rate=LEARNING_RATE,
          replay_size=REPLAY_SIZE, repeats=REPEATS, seed=SEED, reporter=None, base_card=None,
          mnist_test=None, command="", freeze=FREEZE, max_seconds=MAX_SECONDS):
    """Fine-tunes a copy of `model` on a writer's examples; `model` itself is left as it was.

    Everything is checked before anything is built: the examples, the settings, the model
    and the run's estimated time and memory.

    Args:
        model: A Keras digit model (bundled, uploaded, or trained in a session).
        examples: `Example`s, each with its label.
        replay: A `lib.data.Mnist` whose training digits are replayed (and whose test digits
            measure before and after, unless `mnist_test` is given), or `None`.
        epochs: Passes over the examples (each repeated `repeats` times) and the replay.
        learning_rate: Adam's learning rate: small, so that a few examples nudge the model
            rather than overwrite it.
        replay_size: MNIST training digits mixed in.
        repeats: Copies of each example per epoch (each augmented anew).
        seed: Seed of the split, the replay, the shuffle and the augmentation.
        reporter: An object with `report_progress`, `report_epoch` and `should_stop`, such
            as a `lib.jobs.Job`, or `None`.
        base_card: The model's card, or `None`: the new card names what it was taught from.
        mnist_test: `(images, labels)` to measure MNIST before and after, or `None` for
            `replay`'s test digits.
        command: How to reproduce the run (for the card).
        freeze: Which layers stay as they were: a key of `FREEZING`.
        max_seconds: The longest the run may be estimated to take (`MAX_SECONDS`).

    Returns:
        A `Taught`.

    Raises:
        InputError: for no example, too many, or a model that cannot be fine-tuned
            (see `check_examples` and `check_teachable`); a `lib.training.BudgetError` for
            a run over the budget.
        ValueError: for settings out of their bounds (`check_settings`).
    """
    images, labels = check_examples(examples)
    check_settings(epochs, learning_rate, replay_size, repeats, freeze)
    check_teachable(model, freeze)
    train_indices, held_indices = split_held_out(labels, seed=seed)
    if mnist_test is None and replay is not None:
        mnist_test = (training.as_model_input(replay.x_test)[..., 0], replay.y_test)
    replay_count = 0 if replay is None else min(int(replay_size), len(replay.y_train))
    measured = len(held_indices) + (0 if mnist_test is None else len(mnist_test[1]))
    check_budget(model, len(train_indices), epochs, repeats, replay_count, measured,
                 max_seconds)

    held_out = (images[held_indices], labels[held_indices])
    before = {"examples": accuracy(model, *held_out),
              "mnist": accuracy(model, *mnist_test) if mnist_test is not None else None}
    keras.utils.set_random_seed(seed)
    student = copy_model(model)
    frozen = set(frozen_layers(student, freeze))
    was_trainable = {layer.name: layer.trainable for layer in student.layers}
    for layer in student.layers:
        if layer.name in frozen:
            layer.trainable = False
    student.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=_loss(student),
                    metrics=["accuracy"])
    replay_images, replay_labels = replay_digits(replay, replay_size, seed)
    own_images = np.repeat(images[train_indices], repeats, axis=0)
    own_labels = np.repeat(labels[train_indices], repeats)
    dataset = _mixed_dataset(own_images, own_labels, replay_images, replay_labels, seed)
    callbacks = []
    if reporter is not None:
        callbacks.append(training.LiveMetrics(
            on_progress=reporter.report_progress,
            on_epoch=lambda epoch, logs, history, _: reporter.report_epoch(epoch, logs, history),
            should_stop=reporter.should_stop, batch_size=BATCH_SIZE))
    started = time.perf_counter()
    fitted = student.fit(dataset, epochs=epochs, callbacks=callbacks, shuffle=False,
                         verbose=0)
    seconds = time.perf_counter() - started
    history = [{key: float(values[epoch]) for key, values in fitted.history.items()}
               for epoch in range(len(fitted.epoch))]
    # The copy is a model for reading digits now, like any other: what was trainable is
    # trainable again, so that a student may train it further (a later `compile` takes it).
    for layer in student.layers:
        layer.trainable = was_trainable[layer.name]
    after = {"examples": accuracy(student, *held_out),
             "mnist": accuracy(student, *mnist_test) if mnist_test is not None else None}
    per_digit = np.bincount(labels, minlength=10)
    base_card = base_card or {}
    # Plain Python values only: the card is written as JSON beside the model.
    card = {
        "model": f"taught-{len(labels)}",
        "preset": str(base_card.get("preset", "custom")),
        "parameters": int(student.count_params()),
        "taught_from": str(base_card.get("model", model.name)),
        "examples": int(len(labels)),
        "examples_per_digit": {str(digit): int(count) for digit, count in enumerate(per_digit)},
        "digits_not_taught": [int(digit) for digit in range(10) if per_digit[digit] == 0],
        "held_out": int(len(held_indices)),
        "replay": int(len(replay_labels)),
        "replay_source": None if replay is None else str(getattr(replay, "source", "")),
        "epochs": len(history),
        "repeats": int(repeats),
        "batch_size": BATCH_SIZE,
        "optimizer": {"name": "adam", "lr": float(learning_rate)},
        "freeze": freeze,
        "frozen_layers": sorted(frozen),
        "augmentation": "handwriting",
        "before": {key: _figure(value) for key, value in before.items()},
        "after": {key: _figure(value) for key, value in after.items()},
        "test_accuracy": _figure(after["mnist"]),
        "training_seconds": round(seconds, 1),
        "seed": int(seed),
        "keras_version": keras.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "command": str(command),
    }
    return Taught(model=student, card=card, history=history, held_out=held_out)


def keras_code(frozen, learning_rate=LEARNING_RATE, epochs=EPOCHS, repeats=REPEATS,
               replay_size=REPLAY_SIZE, freeze=FREEZE):
    """The fine-tuning as Keras code a student can run: what `teach` does, in full.

    Args:
        frozen: The names of the layers frozen (`frozen_layers(model)`).
        freeze: The way they were chosen (a key of `FREEZING`), for the comment saying why.
    """
    names = ", ".join(repr(name) for name in frozen) or ""
    why = registry.get(FREEZING, freeze, "way to freeze layers")[1]
    return textwrap.dedent(f"""\
        import keras
        import numpy as np

        model = keras.models.load_model("mnist_cnn.keras")
        # A copy: the shared model stays as it was.
        student = keras.models.clone_model(model)
        student.set_weights(model.get_weights())

        # {{why}}
        for layer in student.layers:
            layer.trainable = layer.name not in ({names}{"," if len(frozen) == 1 else ""})

        # A very small learning rate: a few examples should nudge the model, not overwrite it.
        student.compile(optimizer=keras.optimizers.Adam({learning_rate:g}),
                        loss="sparse_categorical_crossentropy", metrics=["accuracy"])

        # x_mine: your digits, (n, 28, 28, 1) floats in [0, 1]; y_mine: their labels.
        # Replay {replay_size} MNIST digits too, so that it keeps reading everyone else's.
        (x_mnist, y_mnist), _ = keras.datasets.mnist.load_data()
        pick = np.random.default_rng(0).choice(len(x_mnist), {replay_size}, replace=False)
        x_replay, y_replay = x_mnist[pick, ..., None] / 255.0, y_mnist[pick]
        x_repeated = np.repeat(x_mine, {repeats}, axis=0)
        y = np.concatenate([np.repeat(y_mine, {repeats}), y_replay])
        # Your digits a little moved, turned and zoomed, anew each epoch: {repeats} ways each.
        augment = keras.Sequential([keras.layers.RandomRotation(0.03),
                                    keras.layers.RandomTranslation(0.1, 0.1),
                                    keras.layers.RandomZoom(0.1)])
        for epoch in range({epochs}):
            x = np.concatenate([augment(x_repeated, training=True), x_replay])
            student.fit(x, y, epochs=1, batch_size={BATCH_SIZE}, shuffle=True)
        student.save("mine.keras")
        """).replace("{why}", why)


def label_counts(labels):
    """`{digit: count}` of the digits that have examples, in order."""
    counts = np.bincount(np.asarray(labels, dtype=int), minlength=10)
    return {digit: int(count) for digit, count in enumerate(counts) if count}
