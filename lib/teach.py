"""Teaching a digit model one writer's hand: fine-tuning a copy on a few of their examples.

This is transfer learning as Keras teaches it: clone the model, freeze the layers that
already see well (the convolutions: edges and strokes are the same in every hand), compile
with a small learning rate, and `fit` on the writer's examples, augmented, mixed with a
replay of MNIST digits so that the model does not forget everyone else's. The shared model
is never changed: everything happens on a clone.

    examples = [teach.Example(image, 4), ...]          # (28, 28) inputs, as the model saw them
    taught = teach.teach(model, examples, replay=mnist)
    taught.model, taught.card["after"]["examples"]

The page (`/recognize`) and `python -m lib.cli teach` both call `teach`; a page runs it as a
job of the server's training queue (`lib.jobs`), which it reports to. Nothing here imports
Streamlit.
"""

import dataclasses
import textwrap
import time

import keras
import numpy as np
import tensorflow as tf

from lib import data as data_module
from lib import inference, models, training
from lib.errors import InputError

# Examples a session may keep: 28 x 28 float32 each, about 3 kB, so 1.5 MB at most.
MAX_EXAMPLES = 500
# The defaults of a teaching run (`bench/bench_teach.py` measured them on 2 cores).
EPOCHS = 5
LEARNING_RATE = 1e-4
BATCH_SIZE = 32
# Each of the writer's examples is seen this many times per epoch, each time augmented anew.
REPEATS = 4
# MNIST training digits mixed in, so that the model keeps reading everyone else's hand.
REPLAY_SIZE = 500
# Of each digit's examples, this share is held out to measure before and after (at least one
# when a digit has two or more; a digit with one example is taught, not measured).
HELD_OUT_FRACTION = 0.2
SEED = 0
# The layers a run freezes: what detects edges and strokes, the same in every hand.
FROZEN_KINDS = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)


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
    """The examples as arrays, checked.

    Returns:
        `(images float32 (n, 28, 28), labels int32 (n,))`.

    Raises:
        InputError: `"teach_no_examples"` when there is none, `"teach_too_many"` over
            `MAX_EXAMPLES`.
    """
    examples = list(examples)
    if not examples:
        raise InputError("teach_no_examples")
    if len(examples) > MAX_EXAMPLES:
        raise InputError("teach_too_many", count=len(examples), limit=MAX_EXAMPLES)
    images = np.stack([np.asarray(example.image, np.float32).reshape(28, 28)
                       for example in examples])
    labels = np.array([int(example.label) for example in examples], np.int32)
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"Expected labels 0-9. Received {sorted(set(labels.tolist()))}.")
    return np.clip(images, 0.0, 1.0), labels


def check_teachable(model):
    """Refuses a model that fine-tuning cannot work on, saying why.

    Raises:
        InputError: `"teach_input"` for a model that does not take `(28, 28, 1)` digits and
            return 10 scores; `"teach_no_trainable"` for one with no weight left to train
            once its convolutions are frozen.
    """
    if (isinstance(model.input_shape, list) or tuple(model.input_shape[1:]) != models.INPUT_SHAPE
            or isinstance(model.output_shape, list)
            or tuple(model.output_shape[1:]) != (models.NUM_CLASSES,)):
        raise InputError("teach_input", input=str(model.input_shape),
                         output=str(model.output_shape))
    if not trainable_layers(model):
        raise InputError("teach_no_trainable")


def frozen_layers(model):
    """The names of the layers a run freezes: the convolutions (`FROZEN_KINDS`)."""
    return [layer.name for layer in model.layers if isinstance(layer, FROZEN_KINDS)]


def trainable_layers(model):
    """The names of the layers a run trains: those with weights, other than the frozen."""
    frozen = set(frozen_layers(model))
    return [layer.name for layer in model.layers
            if layer.trainable_weights and layer.name not in frozen]


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
        card: Its model card (`card["examples_per_digit"]`, `card["before"]`,
            `card["after"]`, ...; see `teach`).
        history: The epochs' logs (`loss`, `accuracy`).
        held_out: `(images, labels)` of the writer's examples kept out of training.
    """

    model: keras.Model
    card: dict
    history: list
    held_out: tuple


def teach(model, examples, replay=None, epochs=EPOCHS, learning_rate=LEARNING_RATE,
          replay_size=REPLAY_SIZE, repeats=REPEATS, seed=SEED, reporter=None, base_card=None,
          mnist_test=None, command=""):
    """Fine-tunes a copy of `model` on a writer's examples; `model` itself is left as it was.

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

    Returns:
        A `Taught`.

    Raises:
        InputError: for no example, too many, or a model that cannot be fine-tuned
            (see `check_examples` and `check_teachable`).
    """
    images, labels = check_examples(examples)
    check_teachable(model)
    train_indices, held_indices = split_held_out(labels, seed=seed)
    held_out = (images[held_indices], labels[held_indices])
    if mnist_test is None and replay is not None:
        mnist_test = (training.as_model_input(replay.x_test)[..., 0], replay.y_test)
    before = {"examples": accuracy(model, *held_out),
              "mnist": accuracy(model, *mnist_test) if mnist_test is not None else None}

    keras.utils.set_random_seed(seed)
    student = copy_model(model)
    frozen = set(frozen_layers(student))
    for layer in student.layers:
        layer.trainable = layer.name not in frozen
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
    # The copy is a model for reading digits now, like any other: all of it trainable again
    # (a student may train it further), and compiled as `lib.models` compiles.
    for layer in student.layers:
        layer.trainable = True
    after = {"examples": accuracy(student, *held_out),
             "mnist": accuracy(student, *mnist_test) if mnist_test is not None else None}
    per_digit = np.bincount(labels, minlength=10)
    card = {
        "model": f"taught-{len(labels)}",
        "preset": (base_card or {}).get("preset", "custom"),
        "parameters": int(student.count_params()),
        "taught_from": (base_card or {}).get("model", model.name),
        "examples": int(len(labels)),
        "examples_per_digit": {str(digit): int(count) for digit, count in enumerate(per_digit)},
        "digits_not_taught": [digit for digit in range(10) if per_digit[digit] == 0],
        "held_out": int(len(held_indices)),
        "replay": int(len(replay_labels)),
        "replay_source": getattr(replay, "source", None),
        "epochs": len(history),
        "repeats": repeats,
        "batch_size": BATCH_SIZE,
        "optimizer": {"name": "adam", "lr": learning_rate},
        "frozen_layers": sorted(frozen),
        "augmentation": "handwriting",
        "before": before,
        "after": after,
        "test_accuracy": after["mnist"],
        "training_seconds": round(seconds, 1),
        "keras_version": keras.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "command": command,
    }
    return Taught(model=student, card=card, history=history, held_out=held_out)


def keras_code(frozen, learning_rate=LEARNING_RATE, epochs=EPOCHS, repeats=REPEATS,
               replay_size=REPLAY_SIZE):
    """The fine-tuning as Keras code a student can run: what `teach` does, in full.

    Args:
        frozen: The names of the layers frozen (`frozen_layers(model)`).
    """
    names = ", ".join(repr(name) for name in frozen) or ""
    return textwrap.dedent(f"""\
        import keras
        import numpy as np

        model = keras.models.load_model("mnist_cnn.keras")
        # A copy: the shared model stays as it was.
        student = keras.models.clone_model(model)
        student.set_weights(model.get_weights())

        # Freeze the convolutions: they find edges and strokes, the same in every hand.
        # The dense layers, which combine strokes into digits, learn your way of writing.
        for layer in student.layers:
            layer.trainable = layer.name not in ({names}{"," if len(frozen) == 1 else ""})

        # A small learning rate: a few examples should nudge the model, not overwrite it.
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
        """)


def label_counts(labels):
    """`{digit: count}` of the digits that have examples, in order."""
    counts = np.bincount(np.asarray(labels, dtype=int), minlength=10)
    return {digit: int(count) for digit, count in enumerate(counts) if count}

