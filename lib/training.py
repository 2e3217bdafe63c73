"""Training digit models: `tf.data` input, handwriting augmentation, and a live-metrics callback.

Nothing here knows about Streamlit. A UI watches training by passing plain
functions to `LiveMetrics`, which Keras calls from `fit`.
"""

import contextlib
import dataclasses
import math
import os
import pathlib
import re
import tempfile
import threading
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from lib import data as data_module
from lib import errors, evaluation, models


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """Everything that defines a training run (the tutorial used the defaults).

    Attributes:
        preset: A key of `lib.models.PRESETS`.
        epochs: Passes over the training data.
        batch_size: Examples per gradient step.
        optimizer: A key of `lib.models.OPTIMIZERS`.
        optimizer_arguments: The optimizer's arguments with the tutorial's
            names (`lr`, `momentum`, `decay`, ...).
        validation_split: Share of the training set held out (stratified) as
            `validation_data` for `fit`.
        augment: Random shifts, rotations, zoom and stroke thickness.
        train_size: Use a stratified subset of this many training examples
            (0 for all), for quick classroom runs.
        seed: Seed of the subset, the split, the shuffle and the weights.
    """

    preset: str = "tutorial_cnn"
    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "adam"
    optimizer_arguments: dict = dataclasses.field(default_factory=dict)
    validation_split: float = 0.1
    augment: bool = False
    train_size: int = 0
    seed: int = data_module.DEFAULT_SEED


def handwriting_augmentation(seed=None):
    """Random changes a handwritten digit can undergo: shifts, small rotations, zoom.

    Returns:
        A `keras.Sequential` of preprocessing layers for `(batch, 28, 28, 1)`.
    """
    return keras.Sequential(
        [
            # Up to about 10 degrees either way: more would turn a 6 towards a 9.
            layers.RandomRotation(0.03, fill_mode="constant", seed=seed),
            layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
            layers.RandomZoom(0.1, fill_mode="constant", seed=seed),
        ],
        name="handwriting_augmentation",
    )


def vary_stroke_thickness(images, seed=None):
    """Randomly thickens (dilates) or thins (erodes) each digit's strokes a little.

    Args:
        images: float32 `(batch, 28, 28, 1)`, bright ink on black.

    Returns:
        float32 `(batch, 28, 28, 1)`.
    """
    thicker = tf.nn.max_pool2d(images, ksize=2, strides=1, padding="SAME")
    thinner = -tf.nn.max_pool2d(-images, ksize=2, strides=1, padding="SAME")
    choice = tf.random.uniform((tf.shape(images)[0], 1, 1, 1), seed=seed)
    # A quarter of the digits get thicker, a sixth thinner, the rest stay as drawn.
    return tf.where(choice < 0.25, thicker, tf.where(choice > 0.85, thinner, images))


def make_dataset(images, labels, batch_size, shuffle=False, augment=False, seed=None):
    """A batched `tf.data.Dataset` of `(float32 (b, 28, 28, 1) in [0, 1], labels)`.

    Args:
        images: uint8 `(N, 28, 28)` (0-255) or float `(N, 28, 28)` in [0, 1].
        labels: int `(N,)`.
        batch_size: Batch size.
        shuffle: Reshuffle every epoch.
        augment: Apply `handwriting_augmentation` and `vary_stroke_thickness`.
        seed: Seed of the shuffle and the augmentation.
    """
    images = as_model_input(images)
    dataset = tf.data.Dataset.from_tensor_slices((images, np.asarray(labels, dtype=np.int32)))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    if augment:
        augmentation = handwriting_augmentation(seed=seed)

        def augment_batch(batch, batch_labels):
            moved = augmentation(batch, training=True)
            return vary_stroke_thickness(moved, seed=seed), batch_labels

        dataset = dataset.map(augment_batch, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def as_model_input(images):
    """`(N, 28, 28)` uint8 or float -> float32 `(N, 28, 28, 1)` in [0, 1]."""
    array = np.asarray(images)
    scale = 255.0 if array.dtype == np.uint8 else 1.0
    array = array.astype(np.float32) / scale
    return array.reshape(-1, 28, 28, 1)


def distribution_strategy():
    """`MirroredStrategy` over all GPUs when there are several, else TensorFlow's default."""
    if len(tf.config.list_logical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


class LiveMetrics(keras.callbacks.Callback):
    """Hands training progress to functions passed in, throttled, and stops on request.

    Each sink is called from the thread running `fit`. A sink that raises does
    not stop or corrupt training: the error is kept in `sink_errors`.

    Args:
        on_progress: `on_progress(progress)` with a dict: `epoch`, `epochs`,
            `step`, `steps`, `samples_seen`, `samples_per_second`,
            `seconds_left`, `logs` (the batch logs). Called at most every
            `progress_interval` seconds, and at the end of each epoch.
        on_epoch: `on_epoch(epoch, logs, history, watch_probabilities)`:
            `logs` has `loss, accuracy, val_loss, val_accuracy`; `history` is
            the list of all epoch logs so far; `watch_probabilities` is
            `(n, 10)` for `watch_images` (or `None`).
        should_stop: `should_stop() -> bool`, checked after every batch;
            `True` ends training at the end of that batch.
        watch_images: float `(n, 28, 28)` digits whose predictions are
            reported each epoch.
        progress_interval: Minimum seconds between `on_progress` calls.
        batch_size: Examples per step, for samples/s (Keras 3 does not pass
            it to callbacks).
    """

    def __init__(self, on_progress=None, on_epoch=None, should_stop=None, watch_images=None,
                 progress_interval=0.5, batch_size=None):
        super().__init__()
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.on_epoch = on_epoch
        self.should_stop = should_stop
        self.watch_images = None if watch_images is None else as_model_input(watch_images)
        self.progress_interval = progress_interval
        self.history = []
        self.sink_errors = []
        self.stopped_early = False

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs", 1)
        self.steps = self.params.get("steps") or 0
        self.started = time.perf_counter()
        self.last_report = 0.0
        self.steps_done = 0
        self.samples_seen = 0
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.steps_done += 1
        self.samples_seen += self.batch_size or self.params.get("batch_size") or 0
        if self.should_stop is not None and self._call(self.should_stop):
            self.model.stop_training = True
            self.stopped_early = True
        now = time.perf_counter()
        if self.on_progress is not None and now - self.last_report >= self.progress_interval:
            self.last_report = now
            self._call(self.on_progress, self._progress(batch + 1, logs))

    def on_epoch_end(self, epoch, logs=None):
        logs = {key: float(value) for key, value in (logs or {}).items()}
        self.history.append(logs)
        if self.on_progress is not None:
            self._call(self.on_progress, self._progress(self.steps, logs))
        if self.on_epoch is not None:
            watched = None
            if self.watch_images is not None:
                watched = np.asarray(self.model(self.watch_images, training=False))
            self._call(self.on_epoch, epoch, logs, list(self.history), watched)

    def _progress(self, step, logs):
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        total_steps = self.steps * self.epochs
        steps_per_second = self.steps_done / elapsed
        left = (total_steps - self.steps_done) / steps_per_second if steps_per_second else None
        return {
            "epoch": self.epoch + 1,
            "epochs": self.epochs,
            "step": step,
            "steps": self.steps,
            "samples_seen": self.samples_seen,
            "samples_per_second": self.samples_seen / elapsed,
            "seconds_left": left,
            "logs": {key: float(value) for key, value in (logs or {}).items()},
        }

    def _call(self, sink, *arguments):
        try:
            return sink(*arguments)
        except Exception as error:  # A broken display must not break training.
            self.sink_errors.append(error)
            return None


def progress_fraction(progress, epochs):
    """How much of a run is done, from its `LiveMetrics` progress: in [0, 1].

    Args:
        progress: `{"epoch", "epochs", "step", "steps", ...}` as the job reports it (the
            epoch 1-based), or `None` before the first batch.
        epochs: The run's epochs, when the progress does not say.
    """
    progress = progress or {}
    steps_per_epoch = progress.get("steps", 0)
    total = max(steps_per_epoch * progress.get("epochs", epochs), 1)
    done = (progress.get("epoch", 1) - 1) * steps_per_epoch + progress.get("step", 0)
    return min(max(done / total, 0.0), 1.0)


@dataclasses.dataclass
class TrainingResult:
    """What a run produced.

    Attributes:
        model: The trained (or stopped) Keras model, compiled.
        history: Per-epoch logs (`loss, accuracy, val_loss, val_accuracy`).
        test_loss: Loss on the held-out test split.
        test_accuracy: Accuracy on the held-out test split.
        seconds: Training time.
        stopped_early: Whether `should_stop` ended it.
    """

    model: keras.Model
    history: list
    test_loss: float
    test_accuracy: float
    seconds: float
    stopped_early: bool = False


def split_for_training(mnist, config):
    """`(x_train, y_train), (x_val, y_val)`: subset and stratified validation split."""
    images, labels = data_module.subset(
        mnist.x_train, mnist.y_train, config.train_size, seed=config.seed
    )
    if not config.validation_split:
        return (images, labels), (None, None)
    train, validation = data_module.stratified_split(
        labels, test_fraction=config.validation_split, seed=config.seed
    )
    return (images[train], labels[train]), (images[validation], labels[validation])


def train(config, mnist, callbacks=(), model=None, verbose=0):
    """Builds (unless `model` is given), compiles and trains a model, then evaluates it.

    Args:
        config: A `TrainingConfig`.
        mnist: A `lib.data.Mnist`.
        callbacks: Keras callbacks, e.g. a `LiveMetrics`.
        model: An uncompiled model to train instead of `config.preset`.
        verbose: Passed to `fit` (1 prints Keras's progress bar, as the tutorial did).

    Returns:
        A `TrainingResult`.
    """
    keras.utils.set_random_seed(config.seed)
    (x_train, y_train), (x_val, y_val) = split_for_training(mnist, config)
    with distribution_strategy().scope():
        model = model if model is not None else models.build_model(config.preset)
        models.compile_model(model, config.optimizer, **config.optimizer_arguments)
    train_data = make_dataset(x_train, y_train, config.batch_size, shuffle=True,
                              augment=config.augment, seed=config.seed)
    validation_data = None
    if x_val is not None:
        validation_data = make_dataset(x_val, y_val, config.batch_size)
    started = time.perf_counter()
    model.fit(train_data, epochs=config.epochs, validation_data=validation_data,
              callbacks=list(callbacks), verbose=verbose)
    seconds = time.perf_counter() - started
    # At the training batch size: a step of it is what `estimate_run` checked against the
    # memory budget, and a forward pass holds less.
    test_loss, test_accuracy = model.evaluate(
        make_dataset(mnist.x_test, mnist.y_test, config.batch_size), verbose=0
    )
    history = [
        {key: float(values[epoch]) for key, values in model.history.history.items()}
        for epoch in range(len(model.history.epoch))
    ]
    return TrainingResult(
        model=model, history=history, test_loss=float(test_loss),
        test_accuracy=float(test_accuracy), seconds=seconds,
        stopped_early=any(getattr(c, "stopped_early", False) for c in callbacks),
    )


# Live runs for the /train page: a model from a layer stack, trained in a worker thread
# (see `lib.jobs`), reporting to a job and recording to the run database (`lib.runs`).

# A card's "augmentation" is one of these names; the UI translates it (`home.card.augmentation.*`
# in `lib.i18n`). Cards written before held the English text beside each name, and still read.
AUGMENTATIONS = {
    "none": "none",
    "handwriting": "random rotation (up to about 10 degrees), translation (10%), zoom (10%), "
                   "stroke thickness (2 x 2 dilation or erosion)",
}


def card_augmentation(card):
    """The name in `AUGMENTATIONS` of a model card's augmentation.

    Args:
        card: A model card (a dict), new or written before the names.

    Returns:
        `"none"`, `"handwriting"`, or `None` for a text no name stands for (a hand-written
        card's), which is shown as it is.
    """
    value = card.get("augmentation")
    if value in AUGMENTATIONS:
        return value
    return next((name for name, text in AUGMENTATIONS.items() if text == value), None)


def evaluate_predictions(model, images, labels):
    """What a trained model gets right and wrong on labelled digits.

    Args:
        model: A trained Keras model with a softmax output.
        images: `(N, 28, 28)` uint8 or float digits.
        labels: int `(N,)`.

    Returns:
        A `lib.evaluation.Evaluation` (confusion matrix, accuracy per digit, the
        mistakes, most confident first).
    """
    from lib import inference

    probabilities = inference.predict_proba(model, as_model_input(images))
    return evaluation.evaluate(labels, probabilities.argmax(axis=1), probabilities.max(axis=1))


@dataclasses.dataclass
class LiveRun:
    """What `train_live` produced.

    Attributes:
        result: The `TrainingResult` (model, history, test accuracy, ...).
        evaluation: The `lib.evaluation.Evaluation` of the test split.
        run_id: The run's id in the run database, or `None`.
        card: A model card (as `python -m lib.cli train` writes).
    """

    result: TrainingResult
    evaluation: evaluation.Evaluation
    run_id: int | None
    card: dict


def model_card(config, mnist, result, name, command=None):
    """A model card for a trained model, with the keys `python -m lib.cli train` writes."""
    return {
        "model": name,
        "preset": config.preset,
        "parameters": int(result.model.count_params()),
        "data_source": mnist.source,
        "data_origin": str(mnist.origin).rsplit("/", 1)[-1],
        "split": {
            "train": len(mnist.y_train), "test": len(mnist.y_test), "seed": mnist.seed,
            "validation_split": config.validation_split, "train_size": config.train_size,
        },
        "epochs": len(result.history),
        "batch_size": config.batch_size,
        "optimizer": {"name": config.optimizer, **config.optimizer_arguments},
        "augmentation": "handwriting" if config.augment else "none",
        "test_accuracy": round(result.test_accuracy, 4),
        "test_loss": round(result.test_loss, 4),
        "final_epoch": result.history[-1] if result.history else {},
        "training_seconds": round(result.seconds, 1),
        "stopped_early": result.stopped_early,
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "command": command or "",
    }


def train_live(config, mnist, stack, reporter, watch_images=None, database=None, name="custom",
               command=None, progress_interval=0.5, browser=None):
    """Builds a model from a layer stack and trains it, reporting live (for a worker thread).

    Args:
        config: A `TrainingConfig` (its `preset` only names the run).
        mnist: A `lib.data.Mnist`.
        stack: A list of layer specs (see `lib.layer_stack`).
        reporter: An object with `report_progress(progress)`,
            `report_epoch(epoch, logs, history, watch_probabilities)` and
            `should_stop()`, such as a `lib.jobs.Job`.
        watch_images: `(n, 28, 28)` digits whose predictions are reported
            each epoch.
        database: A `lib.runs.RunDatabase` to record the run in, or `None`.
        browser: Whose run it is in the database (`lib.ui.session.student_id`), or `None`.
        name: The run's and the model's name.
        command: How to reproduce it (for the model card).
        progress_interval: Minimum seconds between progress reports.

    Returns:
        A `LiveRun`.

    Raises:
        lib.layer_stack.StackError: for an invalid stack (before any training).
        lib.errors.InputError: for a stack over `lib.model_budget`'s limits, or a
            `BudgetError` for a run over the training budget (before any training).
    """
    from lib import layer_stack

    # The page refuses a run over the budget; one that reaches a worker anyway never starts.
    check_budget(estimate_run(layer_stack.cost(stack), config, len(mnist.y_train),
                              len(mnist.y_test)))
    model = layer_stack.build_model(stack, name=name)
    run_id = None
    if database is not None:
        run_id = database.start_run(
            name, {**dataclasses.asdict(config), "stack": layer_stack.to_query(stack)},
            parameters=int(model.count_params()), data_source=mnist.source, browser=browser,
        )

    def on_epoch(epoch, logs, history, watch_probabilities):
        reporter.report_epoch(epoch, logs, history, watch_probabilities)
        if database is not None:
            database.add_epoch(run_id, epoch, logs)

    live = LiveMetrics(
        on_progress=reporter.report_progress, on_epoch=on_epoch,
        should_stop=reporter.should_stop, watch_images=watch_images,
        progress_interval=progress_interval, batch_size=config.batch_size,
    )
    try:
        result = train(config, mnist, callbacks=[live], model=model)
        scores = evaluate_predictions(result.model, mnist.x_test, mnist.y_test)
    except BaseException:
        if database is not None:
            database.finish_run(run_id, "failed")
        raise
    if database is not None:
        status = "stopped" if result.stopped_early else "done"
        if getattr(reporter, "cancelled", False):
            status = "cancelled"
        elif getattr(reporter, "timed_out", False):  # Stopped at lib.jobs.MAX_RUN_SECONDS.
            status = "timed_out"
        database.finish_run(run_id, status, seconds=result.seconds, test_loss=result.test_loss,
                            test_accuracy=result.test_accuracy)
    card = model_card(config, mnist, result, name, command)
    return LiveRun(result=result, evaluation=scores, run_id=run_id, card=card)


# What a /train run costs, worked out from its model's config before anything is built
# (`lib.model_budget.Cost`), and the budget every run must fit on a class server. The figures
# were measured on the 2-core build machine by bench/bench_train_budget.py.

# A training step's FLOPs: the forward pass, and a backward pass of about twice as many.
BACKWARD_FACTOR = 3
# The estimate is meant as an upper bound on a server that is busy with a class. Through the
# app's path (tf.data, fit, batch 64), the stacks above 20 MFLOP trained at 188-313 GFLOP/s
# on a quiet machine, 143-237 with a load average of 3 from other work on its 2 cores, and
# 84-153 at 7 (medians of 3 rounds). At 100 the tutorial's CNN is estimated 2.5 times slower
# than it runs on a quiet server; the wall-clock limit of lib.jobs stops what is still late.
TRAINING_FLOPS_PER_SECOND = 100e9
# What a step costs besides its FLOPs (Keras's step, the callback, tf.data, the optimizer's
# update): a whole step of the tiny and the MLP stack took up to 2.8 and 4.6 ms under load.
SECONDS_PER_STEP = 0.005
# Augmentation's random rotation, shift, zoom and stroke thickness: 63-110 us per digit.
AUGMENT_SECONDS_PER_SAMPLE = 110e-6
# Float32 values a training step holds per activation value (layer outputs, their gradients,
# what the kernels keep for the backward pass): 1.5-2.4 measured from the peak RSS of fits at
# batch 64 and 512.
ACTIVATION_COPIES = 3
BYTES_PER_VALUE = 4
# Variables an optimizer keeps per weight (Keras 3): Adam its two moments, RMSprop and
# Adagrad one, SGD a velocity only with momentum.
OPTIMIZER_SLOTS = {
    "sgd": lambda arguments: 1 if arguments.get("momentum") else 0,
    "rmsprop": lambda arguments: 1,
    "adagrad": lambda arguments: 1,
    "adam": lambda arguments: 2,
}
# One step of one run may hold this much (the budget: about 1 GB beyond the baseline).
MAX_STEP_BYTES = 1 * 2**30


def max_run_seconds():
    """The longest a run may take: `lib.jobs.MAX_RUN_SECONDS`, the wall-clock limit at which
    a worker stops a run (30 minutes unless `DIGITLAB_MAX_TRAINING_MINUTES` says otherwise)."""
    from lib import jobs

    return jobs.MAX_RUN_SECONDS


@dataclasses.dataclass(frozen=True)
class RunEstimate:
    """What a training run is expected to cost on this server.

    Attributes:
        step_bytes: Memory of one training step: `weight_bytes` plus
            `activation_bytes`.
        weight_bytes: Weights, their gradients and the optimizer's slots (float32).
        activation_bytes: The activations a batch keeps for the backward pass.
        seconds: Wall-clock time: every epoch's training and validation, and
            the evaluation on the test split.
        epoch_seconds: One epoch's training and validation.
        train_samples: Training digits per epoch (after the subset and the
            validation split).
        validation_samples: Validation digits per epoch.
        test_samples: Test digits evaluated at the end.
        batch_size: Digits per step.
        epochs: Epochs.
        cost: The model's `lib.model_budget.Cost`.
    """

    step_bytes: int
    weight_bytes: int
    activation_bytes: int
    seconds: float
    epoch_seconds: float
    train_samples: int
    validation_samples: int
    test_samples: int
    batch_size: int
    epochs: int
    cost: object

    def largest_batch(self, limit=None):
        """The largest batch size whose step fits in `limit` bytes (`MAX_STEP_BYTES`)."""
        limit = MAX_STEP_BYTES if limit is None else limit
        per_image = _step_activation_bytes(self.cost, 1)
        return max(int((limit - self.weight_bytes) // per_image), 0)


def _step_activation_bytes(cost, batch_size):
    return batch_size * cost.activations * ACTIVATION_COPIES * BYTES_PER_VALUE


def _pass_seconds(cost, samples, batch_size, backward, augment=False):
    """Seconds to run `samples` digits through the model once, in batches."""
    if samples <= 0:
        return 0.0
    flops = cost.flops * (BACKWARD_FACTOR if backward else 1)
    seconds = math.ceil(samples / batch_size) * SECONDS_PER_STEP
    seconds += samples * flops / TRAINING_FLOPS_PER_SECOND
    return seconds + (samples * AUGMENT_SECONDS_PER_SAMPLE if augment else 0.0)


def split_sizes(config, n_train):
    """`(training, validation)` digits per epoch for `n_train` training digits (see
    `split_for_training`; the stratified split rounds per digit, so these are close)."""
    size = min(config.train_size or n_train, n_train)
    validation = int(round(size * config.validation_split)) if config.validation_split else 0
    return size - validation, validation


def estimate_run(cost, config, n_train, n_test):
    """What training a model costs, from its config's cost: memory per step and time.

    Args:
        cost: The model's `lib.model_budget.Cost` (`lib.layer_stack.cost(stack)`).
        config: A `TrainingConfig` (batch size, epochs, optimizer, subset,
            validation split, augmentation).
        n_train: Training digits in the data set.
        n_test: Test digits in the data set (evaluated once at the end).

    Returns:
        A `RunEstimate`.
    """
    batch_size = int(config.batch_size)
    slots = OPTIMIZER_SLOTS[config.optimizer](config.optimizer_arguments)
    weight_bytes = cost.parameters * (2 + slots) * BYTES_PER_VALUE
    activation_bytes = _step_activation_bytes(cost, batch_size)
    train_samples, validation_samples = split_sizes(config, n_train)
    epoch_seconds = _pass_seconds(cost, train_samples, batch_size, backward=True,
                                  augment=config.augment)
    epoch_seconds += _pass_seconds(cost, validation_samples, batch_size, backward=False)
    # The test split is evaluated twice: `evaluate`, then the per-digit predictions.
    seconds = config.epochs * epoch_seconds + 2 * _pass_seconds(cost, n_test, batch_size,
                                                                 backward=False)
    return RunEstimate(
        step_bytes=weight_bytes + activation_bytes, weight_bytes=weight_bytes,
        activation_bytes=activation_bytes, seconds=seconds, epoch_seconds=epoch_seconds,
        train_samples=train_samples, validation_samples=validation_samples,
        test_samples=n_test, batch_size=batch_size, epochs=int(config.epochs), cost=cost,
    )


class BudgetError(errors.InputError):
    """A run over the training budget, with what to shrink; texts are `train.budget.*`."""

    text_prefix = "train.budget."


def check_budget(estimate, max_step_bytes=None, max_seconds=None):
    """Refuses a run whose step needs too much memory or which would take too long.

    Args:
        estimate: A `RunEstimate`.
        max_step_bytes: Memory one step may hold (`MAX_STEP_BYTES`).
        max_seconds: How long a run may take (`max_run_seconds()`).

    Raises:
        BudgetError: `memory` (with the largest batch size that fits), `time`
            (with the most epochs that fit) or `time_epoch` (when even one
            epoch is too long: with the most digits that fit).
    """
    max_step_bytes = MAX_STEP_BYTES if max_step_bytes is None else max_step_bytes
    max_seconds = max_run_seconds() if max_seconds is None else max_seconds
    if estimate.step_bytes > max_step_bytes:
        raise BudgetError("memory", step_mb=estimate.step_bytes / 2**20,
                          limit_mb=max_step_bytes / 2**20, batch_size=estimate.batch_size,
                          largest=estimate.largest_batch(max_step_bytes),
                          activations=estimate.cost.activations)
    if estimate.seconds > max_seconds:
        common = {"minutes": estimate.seconds / 60, "limit_minutes": max_seconds / 60,
                  "samples": estimate.train_samples, "epochs": estimate.epochs,
                  "mflops": estimate.cost.flops / 1e6}
        ending = estimate.seconds - estimate.epochs * estimate.epoch_seconds
        epochs = int((max_seconds - ending) // estimate.epoch_seconds)
        if epochs >= 1:
            raise BudgetError("time", largest=epochs, **common)
        share = max(max_seconds - ending, 0) / max(estimate.epoch_seconds, 1e-9)
        raise BudgetError("time_epoch", largest=int(estimate.train_samples * share) // 100 * 100,
                          **common)


# The /train page's settings: every default in one place, and their form in a shared link.

# What saves may put in models/ (the bundled model aside): a class's models, with room.
MAX_SAVED_MODELS_ENV = "DIGITLAB_MAX_SAVED_MODELS"
MAX_SAVED_MB_ENV = "DIGITLAB_MAX_SAVED_MB"


def _limit_from_env(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"Expected {name} to be a positive integer. Received {value!r}.")
    return int(value)


MAX_SAVED_MODELS = _limit_from_env(MAX_SAVED_MODELS_ENV, 50)
MAX_SAVED_BYTES = _limit_from_env(MAX_SAVED_MB_ENV, 500) * 2**20
# A saved file is its float32 weights (no optimizer) plus its config: under this much more.
SAVE_OVERHEAD_BYTES = 256 * 2**10
_MODEL_SUFFIXES = (".keras", ".h5")
# Sessions of this process save one at a time, so two cannot both pass the quota.
_SAVE_LOCK = threading.Lock()


class SaveError(errors.InputError):
    """A trained model that cannot be saved into `models/`; texts are `save.*`."""

    text_prefix = "save."


def safe_model_name(name):
    """A file-name-safe model name: letters, digits, `-` and `_`, at most 40 characters.

    Raises:
        SaveError: if nothing usable is left (a `ValueError`).
    """
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", str(name)).strip("_-")[:40]
    if not cleaned:
        raise SaveError("bad_name", name=repr(str(name)))
    return cleaned


def saved_models_usage(directory=None):
    """What saves hold in `directory` (default `lib.models.MODELS_DIR`), the bundled model aside.

    Returns:
        `(count, bytes)`: the saved model files, and the bytes of every file there (cards
        and leftovers of interrupted saves too).
    """
    directory = pathlib.Path(directory or models.MODELS_DIR)
    bundled = {models.BUNDLED_MODEL_PATH.name, models.BUNDLED_MODEL_PATH.with_suffix(".json").name}
    count = size = 0
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(directory):
            if entry.name in bundled or not entry.is_file(follow_symlinks=False):
                continue
            size += entry.stat(follow_symlinks=False).st_size
            count += entry.name.endswith(_MODEL_SUFFIXES) and not entry.name.startswith(".")
    return count, size


def save_trained_model(model, card, name, directory=None, overwrite=False,
                       max_models=None, max_bytes=None):
    """Saves a trained model and its card into `models/` under a sanitised name, atomically.

    Args:
        model: The trained Keras model.
        card: Its card (a dict), written beside it as `name.json`.
        name: The name the user typed (sanitised with `safe_model_name`).
        directory: Where to save (default `lib.models.MODELS_DIR`).
        overwrite: Replace an existing model of that name.
        max_models: How many saved models the folder may hold (default
            `MAX_SAVED_MODELS`).
        max_bytes: How many bytes its saved models may take (default
            `MAX_SAVED_BYTES`); the new file's size is estimated from its
            parameters before anything is written.

    Returns:
        The `.keras` path.

    Raises:
        SaveError: (a `ValueError`) for an unusable name, the bundled model's
            name, an existing name without `overwrite`, a full quota, or a
            folder that cannot be written (read-only, full disk), with the
            reason in the user's language (`error.message(language)`).
    """
    directory = pathlib.Path(directory or models.MODELS_DIR)
    max_models = MAX_SAVED_MODELS if max_models is None else max_models
    max_bytes = MAX_SAVED_BYTES if max_bytes is None else max_bytes
    cleaned = safe_model_name(name)
    path = directory / f"{cleaned}.keras"
    folder = directory.name
    if path.resolve() == models.BUNDLED_MODEL_PATH.resolve():
        raise SaveError("bundled_name", name=repr(cleaned))
    with _SAVE_LOCK:
        replaced = path.exists()
        if replaced and not overwrite:
            raise SaveError("exists", name=repr(cleaned), folder=folder)
        count, used = saved_models_usage(directory)
        if replaced:  # Its files make room for the new ones.
            used -= sum(file.stat().st_size for file in (path, path.with_suffix(".json"))
                        if file.exists())
        elif count >= max_models:
            raise SaveError("quota_count", count=count, folder=folder)
        size = int(model.count_params()) * 4 + SAVE_OVERHEAD_BYTES
        if used + size > max_bytes:
            raise SaveError("quota_bytes", size_mb=size / 2**20, total_mb=(used + size) / 2**20,
                            limit_mb=max_bytes / 2**20, folder=folder)
        try:
            models.save_model(model, path)
            try:
                models.write_card({**card, "model": path.name}, path.with_suffix(".json"))
            except OSError:
                if not replaced:  # No model without its card; a replaced one is gone anyway.
                    path.unlink(missing_ok=True)
                raise
        except OSError as error:
            # The system's reason only: the error's own text names server paths.
            cause = os.strerror(error.errno) if error.errno else type(error).__name__
            raise SaveError("os_error", folder=folder, cause=cause) from error
    return path


def model_file_bytes(model, suffix):
    """The model saved as `.keras` or `.h5`, as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as directory:
        path = models.save_model(model, pathlib.Path(directory) / f"model{suffix}")
        return path.read_bytes()
