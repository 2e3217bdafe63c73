"""`keras.activations` as curves: values and derivatives by autodiff, and softmax.

`ACTIVATIONS` maps names to `keras.activations` functions and the arguments
the explorer offers; `activation_curve()` returns values and derivatives by
automatic differentiation; `softmax_table()` is softmax with a temperature and an axis.
"""

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from lib import registry
from lib.registry import Argument


@dataclasses.dataclass(frozen=True)
class Activation:
    """A `keras.activations` function and the arguments the explorer offers."""

    function: object
    arguments: tuple = ()


ACTIVATIONS = {
    "relu": Activation(keras.activations.relu, (
        Argument("negative_slope", "float", 0.0, minimum=0.0, maximum=1.0, step=0.05),
        Argument("max_value", "float", 0.0, minimum=0.0, maximum=10.0, step=0.5),
        Argument("threshold", "float", 0.0, minimum=-3.0, maximum=3.0, step=0.25),
    )),
    "leaky_relu": Activation(keras.activations.leaky_relu, (
        Argument("negative_slope", "float", 0.2, minimum=0.0, maximum=1.0, step=0.05),
    )),
    "elu": Activation(keras.activations.elu, (
        Argument("alpha", "float", 1.0, minimum=0.0, maximum=3.0, step=0.1),
    )),
    "selu": Activation(keras.activations.selu),
    "tanh": Activation(keras.activations.tanh),
    "sigmoid": Activation(keras.activations.sigmoid),
    "hard_sigmoid": Activation(keras.activations.hard_sigmoid),
    "softplus": Activation(keras.activations.softplus),
    "softsign": Activation(keras.activations.softsign),
    "gelu": Activation(keras.activations.gelu, (Argument("approximate", "bool", False),)),
    "silu": Activation(keras.activations.silu),
    "swish": Activation(keras.activations.swish),
    "mish": Activation(keras.activations.mish),
    "relu6": Activation(keras.activations.relu6),
    "exponential": Activation(keras.activations.exponential),
    "linear": Activation(keras.activations.linear),
}
# relu's `max_value` of 0 in a widget means "no cap" (Keras's `None`).
_NONE_WHEN_ZERO = {("relu", "max_value")}


def activation_arguments(name, arguments=None):
    """The keyword arguments `name` is called with: defaults, overridden by `arguments`.

    Raises:
        ValueError: for an unknown activation or argument.
    """
    specification = registry.get(ACTIVATIONS, name, "activation")
    known = {argument.name: argument.default for argument in specification.arguments}
    arguments = dict(arguments or {})
    unknown = set(arguments) - set(known)
    if unknown:
        raise ValueError(
            f"The {name} activation does not take {sorted(unknown)}. "
            f"Its arguments are {sorted(known) or 'none'}."
        )
    merged = {**known, **arguments}
    for key, value in merged.items():
        if (name, key) in _NONE_WHEN_ZERO and not value:
            merged[key] = None
    return merged


def activation_curve(name, arguments=None, x_min=-5.0, x_max=5.0, num=401):
    """Values and derivatives of a `keras.activations` function on a grid.

    The derivative comes from automatic differentiation (`tf.GradientTape`),
    exactly as Keras computes gradients when training, not from a formula.

    Args:
        name: A key of `ACTIVATIONS`.
        arguments: The function's arguments (e.g. `{"alpha": 1.0}`).
        x_min: Left end of the grid.
        x_max: Right end of the grid.
        num: Grid points.

    Returns:
        `(x, y, dy)`, each float32 `(num,)`.

    Raises:
        ValueError: for an unknown activation or argument, or `x_min >= x_max`.
    """
    if not x_min < x_max:
        raise ValueError(f"Expected x_min < x_max. Received x_min={x_min}, x_max={x_max}.")
    merged = activation_arguments(name, arguments)  # Refuses an unknown name first.
    function = ACTIVATIONS[name].function
    x = tf.constant(np.linspace(x_min, x_max, num, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = function(x, **merged)
    # Each output depends only on its own input, so the gradient of their sum (what
    # `gradient` computes for a non-scalar target) is the derivative at every point.
    dy = tape.gradient(y, x)
    return x.numpy(), np.asarray(y), np.asarray(dy)


def gradient_facts(x, dy, depth=10, small=0.01):
    """What a derivative curve says about training, in numbers.

    Args:
        x: float `(n,)` grid.
        dy: float `(n,)` derivative values.
        depth: Layers in a chain, for the vanishing-gradient product.
        small: Slopes below this count as saturated (or dead).

    Returns:
        A dict: `slope_at_zero`, `max_slope`, `flat_share` (share of the grid
        where |slope| < `small`), `chain` (`max_slope ** depth`).
    """
    x = np.asarray(x)
    dy = np.abs(np.asarray(dy, dtype=np.float64))
    max_slope = float(np.max(dy))
    return {
        "slope_at_zero": float(np.interp(0.0, x, dy)),
        "max_slope": max_slope,
        "flat_share": float(np.mean(dy < small)),
        "chain": max_slope ** depth,
    }


def softmax_table(logits, temperature=1.0, axis=-1):
    """`keras.activations.softmax(logits / temperature, axis=axis)`.

    Args:
        logits: float `(n,)` or `(rows, columns)`.
        temperature: > 0; above 1 flattens the probabilities, below 1 sharpens them.
        axis: The axis whose entries sum to 1 (`-1`, `0` or `1` on 2-D input).

    Returns:
        float32 probabilities of the logits' shape.

    Raises:
        ValueError: for a temperature <= 0, or an axis the logits do not have.
    """
    logits = np.asarray(logits, dtype=np.float32)
    if not temperature > 0:
        raise ValueError(f"Expected a temperature > 0. Received temperature={temperature}.")
    if logits.ndim not in (1, 2) or not -logits.ndim <= axis < logits.ndim:
        raise ValueError(
            f"Expected 1-D or 2-D logits and an axis they have. Received shape "
            f"{logits.shape} and axis={axis}."
        )
    return np.asarray(keras.activations.softmax(logits / temperature, axis=axis))
