"""Real `keras.optimizers` at work: on a 2-D surface, and on a tiny MNIST model.

`SURFACES` holds 2-D functions; `optimizer_path()` minimises one with a real
`keras.optimizers` optimizer; `mnist_loss_curve()` trains a tiny MNIST model with one,
from a learning rate that suits that model (`MNIST_LEARNING_RATES`), not the surface's.
"""

import dataclasses

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from lib import models, registry


@dataclasses.dataclass(frozen=True)
class Surface:
    """A 2-D function to minimise, written with `keras.ops` so Keras can differentiate it.

    Attributes:
        function: `function(x, y) -> value`.
        start: Where every optimizer starts, `(x, y)`.
        x_range: Plot range of x.
        y_range: Plot range of y.
        minimum: Where the minimum is (`None` for a saddle, which has none).
        learning_rates: A learning rate per optimizer that shows it at work
            here (the tutorial's defaults are tuned for networks, not for this).
        log_scale: Draw contours of `log(1 + value)`.
    """

    function: object
    start: tuple
    x_range: tuple
    y_range: tuple
    minimum: tuple | None
    learning_rates: dict
    log_scale: bool = False


def _bowl(x, y):
    # Ten times steeper along y: plain SGD zig-zags across the valley.
    return 0.5 * x**2 + 5.0 * y**2


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _saddle(x, y):
    return x**2 - y**2


SURFACES = {
    "bowl": Surface(_bowl, (-4.0, 2.0), (-5.0, 5.0), (-3.0, 3.0), (0.0, 0.0),
                    {"sgd": 0.15, "rmsprop": 0.03, "adagrad": 0.5, "adam": 0.1}),
    "rosenbrock": Surface(_rosenbrock, (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0), (1.0, 1.0),
                          {"sgd": 0.001, "rmsprop": 0.01, "adagrad": 0.5, "adam": 0.3},
                          log_scale=True),
    "saddle": Surface(_saddle, (-2.0, 0.01), (-2.5, 2.5), (-2.5, 2.5), None,
                      {"sgd": 0.003, "rmsprop": 0.01, "adagrad": 0.1, "adam": 0.01}),
}


# The most steps a path takes (the page's slider goes this far). A path is computed this long
# once and shown shorter (`OptimizerPath.first`): the steps slider then computes nothing.
MAX_STEPS = 300

# Learning rates for `tiny_mnist_model` over a few hundred batches of 32: for each optimizer,
# the rate of a grid (0.001 ... 0.5) with the lowest mean loss over the last 50 of 300 batches
# on the embedded digits, averaged over seeds 0, 1 and 2 (0.25, 0.24, 0.24 and 0.19 in that
# order). A surface's rates suit a 2-D function, not a network: Rosenbrock's SGD rate (0.001)
# leaves the loss at 2.2 after 300 batches, barely below where it starts.
MNIST_LEARNING_RATES = {"sgd": 0.3, "rmsprop": 0.01, "adagrad": 0.2, "adam": 0.01}


def optimizer_defaults(surface, optimizer):
    """The optimizer's tutorial defaults, with a learning rate suited to `surface`.

    Raises:
        ValueError: for an unknown surface or optimizer (listing the known ones).
    """
    specification = registry.get(SURFACES, surface, "surface")
    entry = registry.get(models.OPTIMIZERS, optimizer, "optimizer")
    return {**entry["defaults"], "lr": specification.learning_rates[optimizer]}


def surface_grid(name, num=100):
    """The surface on a grid for a contour plot.

    Returns:
        `(xs (num,), ys (num,), values (num, num))`; `values[i, j]` is at `(xs[j], ys[i])`.

    Raises:
        ValueError: for an unknown surface (listing the known ones).
    """
    surface = registry.get(SURFACES, name, "surface")
    xs = np.linspace(*surface.x_range, num)
    ys = np.linspace(*surface.y_range, num)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, np.asarray(surface.function(grid_x, grid_y), dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class OptimizerPath:
    """Where an optimizer went.

    Attributes:
        points: float `(steps + 1, 2)`: the start, then each step's `(x, y)`
            (shorter if it diverged).
        values: float `(steps + 1,)`: the function at each point.
        learning_rates: float `(steps,)`: the learning rate each step used
            (falls with `decay`).
        diverged: Whether it left the plot far behind (and stopped).
        code: The optimizer as Keras 3 code.
    """

    points: np.ndarray
    values: np.ndarray
    learning_rates: np.ndarray
    diverged: bool
    code: str

    def first(self, steps):
        """The path of the first `steps` steps: what `optimizer_path` returns for `steps`.

        Raises:
            ValueError: if steps < 1 or longer than this path was computed.
        """
        if not 1 <= steps <= len(self.learning_rates):
            raise ValueError(f"Expected 1 <= steps <= {len(self.learning_rates)} (the steps "
                             f"this path was computed for). Received steps={steps}.")
        # A path that left the plot stops at the last point inside; within the first `steps`
        # steps it diverged only if it left by then.
        return dataclasses.replace(
            self, points=self.points[: steps + 1], values=self.values[: steps + 1],
            learning_rates=self.learning_rates[:steps],
            diverged=self.diverged and len(self.points) <= steps)


def optimizer_code(name, **arguments):
    """The Keras 3 code `lib.models.make_optimizer` runs for the tutorial's arguments.

    `decay` becomes an `InverseTimeDecay` schedule: Keras 2's `lr / (1 + decay * t)`.
    """
    key = str(name).lower()
    entry = registry.get(models.OPTIMIZERS, key, "optimizer")
    merged = {**entry["defaults"], **arguments}
    lr, decay = merged.pop("lr"), merged.pop("decay")
    if decay:
        rate = (f"keras.optimizers.schedules.InverseTimeDecay(\n        "
                f"initial_learning_rate={lr!r}, decay_steps=1, decay_rate={decay!r}\n    )")
    else:
        rate = repr(lr)
    parts = [f"    learning_rate={rate},"]
    parts += [f"    {key_}={value!r}," for key_, value in merged.items()]
    return f"keras.optimizers.{entry['class'].__name__}(\n" + "\n".join(parts) + "\n)"


def learning_rates(lr, decay, steps):
    """The learning rate at each step: `lr / (1 + decay * step)`, read from Keras's schedule."""
    schedule = models.learning_rate_schedule(lr, decay)
    if not callable(schedule):
        return np.full(steps, lr, dtype=np.float64)
    return np.asarray(schedule(np.arange(steps, dtype=np.float32)), dtype=np.float64)


def optimizer_path(surface, optimizer, steps=150, **arguments):
    """Minimises a 2-D surface with a real Keras optimizer and records the path.

    Args:
        surface: A key of `SURFACES`.
        optimizer: A key of `lib.models.OPTIMIZERS` (`"sgd"`, `"rmsprop"`, ...).
        steps: Gradient steps.
        **arguments: The optimizer's arguments with the tutorial's names
            (`lr`, `momentum`, `nesterov`, `rho`, `epsilon`, `decay`).

    Returns:
        An `OptimizerPath`.

    Raises:
        ValueError: for an unknown surface, optimizer or argument, or steps < 1.
    """
    specification = registry.get(SURFACES, surface, "surface")
    if steps < 1:
        raise ValueError(f"Expected steps >= 1. Received steps={steps}.")
    instance = models.make_optimizer(optimizer, **arguments)
    position = keras.Variable(np.asarray(specification.start, dtype=np.float32), name="xy")
    instance.build([position])

    @tf.function
    def run():
        record = tf.TensorArray(tf.float32, size=steps)
        for step in tf.range(steps):
            with tf.GradientTape() as tape:
                value = specification.function(position[0], position[1])
            gradient = tape.gradient(value, position)
            instance.apply_gradients([(gradient, position)])
            record = record.write(step, position.value)
        return record.stack()

    points = np.concatenate([np.asarray(specification.start, dtype=np.float64)[None],
                             run().numpy().astype(np.float64)])
    # Far outside the plotted box (three widths away) counts as diverged.
    low = np.array([specification.x_range[0], specification.y_range[0]])
    high = np.array([specification.x_range[1], specification.y_range[1]])
    inside = (points > low - 3 * (high - low)) & (points < high + 3 * (high - low))
    escaped = ~np.all(np.isfinite(points) & inside, axis=1)
    diverged = bool(escaped.any())
    if diverged:
        points = points[: int(np.argmax(escaped))]
    values = np.asarray(specification.function(points[:, 0], points[:, 1]), dtype=np.float64)
    merged = {**models.OPTIMIZERS[str(optimizer).lower()]["defaults"], **arguments}
    return OptimizerPath(
        points=points,
        values=values,
        learning_rates=learning_rates(float(merged["lr"]), float(merged["decay"]), steps),
        diverged=diverged,
        code=optimizer_code(optimizer, **arguments),
    )


def tiny_mnist_model(seed=0):
    """A tiny MLP for quick optimizer comparisons: 784 -> 32 -> 10 (25,450 parameters)."""
    initializer = keras.initializers.GlorotUniform(seed=seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Flatten(),
            layers.Dense(32, activation="relu", kernel_initializer=initializer),
            layers.Dense(10, activation="softmax", kernel_initializer=initializer),
        ],
        name="tiny_mlp",
    )


def mnist_loss_curve(images, labels, optimizer, steps=300, batch_size=32, seed=0, **arguments):
    """Trains `tiny_mnist_model` for `steps` batches with one optimizer; returns its losses.

    Every optimizer sees the same starting weights and the same batches (for
    the same `seed`), so the curves differ only by the optimizer.

    Args:
        images: uint8 `(N, 28, 28)` training digits.
        labels: int `(N,)`.
        optimizer: A key of `lib.models.OPTIMIZERS`.
        steps: Gradient steps (batches).
        batch_size: Examples per step.
        seed: Seed of the weights and the batch order.
        **arguments: The optimizer's arguments with the tutorial's names.

    Returns:
        float `(steps,)`: the training loss of each batch.

    Raises:
        ValueError: for an unknown optimizer or argument, or steps < 1.
    """
    if steps < 1:
        raise ValueError(f"Expected steps >= 1. Received steps={steps}.")
    instance = models.make_optimizer(optimizer, **arguments)
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(labels))
                            for _ in range(steps * batch_size // len(labels) + 1)])
    order = order[: steps * batch_size].reshape(steps, batch_size)
    x = tf.constant(np.asarray(images, dtype=np.float32)[order][..., None] / 255.0)
    y = tf.constant(np.asarray(labels, dtype=np.int32)[order])
    model = tiny_mnist_model(seed)
    instance.build(model.trainable_variables)
    loss_function = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def run():
        record = tf.TensorArray(tf.float32, size=steps)
        for step in tf.range(steps):
            with tf.GradientTape() as tape:
                loss = loss_function(y[step], model(x[step], training=True))
            gradients = tape.gradient(loss, model.trainable_variables)
            instance.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
            record = record.write(step, loss)
        return record.stack()

    return run().numpy().astype(np.float64)
