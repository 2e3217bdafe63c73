"""Keras layers on a real digit: build one from plain values, apply it, set a kernel by hand.

`LAYERS` lists each explorable layer type with its real arguments (the
tutorial's names); `apply_layer()` builds the layer and applies it to a
`(28, 28)` digit; `apply_kernel()` sets a 3 x 3 Conv2D's weights by hand.
"""

import dataclasses
import json

import keras
import numpy as np
from keras import layers

from lib import layer_stack, registry
from lib.errors import InputError
from lib.registry import Argument

DIGIT_SHAPE = (28, 28)


class LayerArgumentError(InputError):
    """Arguments a layer refuses, explained in plain words with Keras's own reason.

    `str(error)` is the English message; pages show `error.message(language)`.
    Its `reason` is a key suffix in `lib.i18n` (`"layers.error." + reason`), and
    `details` fill that text's placeholders (always `keras_reason`).

    Args:
        reason: `"output_too_small"`, `"stride_not_positive"`,
            `"strides_with_dilation"` or `"refused"`.
        **details: Values for the message's placeholders.
    """

    text_prefix = "layers.error."


# A stack's activations and paddings (`lib.layer_stack`); `None` is Keras's default, "linear".
ACTIVATION_CHOICES = (None, *(name for name in layer_stack.ACTIVATIONS if name != "linear"))
PADDINGS = layer_stack.PADDINGS
INITIALIZER_CHOICES = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
                       "random_normal", "random_uniform", "zeros", "ones")
BIAS_INITIALIZER_CHOICES = ("zeros", "ones", "random_normal")
REGULARIZER_CHOICES = (None, "l1", "l2", "l1_l2")
DATA_FORMATS = ("channels_last", "channels_first")
# Dropout's `noise_shape` for a (1, 28, 28, 1) digit: one coin per pixel, per row, per column.
NOISE_SHAPES = (None, (1, 28, 1, 1), (1, 1, 28, 1), (1, 1, 1, 1))


def _stack_argument(layer_type, name, **changes):
    """`lib.layer_stack.ARGUMENTS`' argument `name` of `layer_type`, with the explorer's changes."""
    argument = next(argument for argument in layer_stack.ARGUMENTS[layer_type]
                    if argument.name == name)
    return dataclasses.replace(argument, **changes)


# The arguments a /train stack takes are `lib.layer_stack`'s, changed where the explorer
# differs on purpose: it starts from Keras's own defaults (no activation, "valid" padding)
# and the tutorial's first 5 x 5 window, offers at most 64 filters or units (it draws every
# output), and (height, width) windows up to 32 and strides of 0, which Keras refuses (to
# show why). Keras's other arguments are the explorer's alone.
_PADDING = _stack_argument("Conv2D", "padding", default="valid")
_WEIGHTED = (
    _stack_argument("Dense", "activation", default=None, choices=ACTIVATION_CHOICES),
    Argument("use_bias", "bool", True),
    Argument("kernel_initializer", "choice", "glorot_uniform", choices=INITIALIZER_CHOICES),
    Argument("bias_initializer", "choice", "zeros", choices=BIAS_INITIALIZER_CHOICES),
    Argument("kernel_regularizer", "choice", None, choices=REGULARIZER_CHOICES),
)
_POOLING = (
    _stack_argument("MaxPooling2D", "pool_size", kind="pair", default=(2, 2), maximum=32),
    Argument("strides", "pair_or_none", None, minimum=0, maximum=8),
    _PADDING,
    Argument("data_format", "choice", "channels_last", choices=DATA_FORMATS),
)

# Each explorable layer type and its arguments, in the tutorial's order.
LAYERS = {
    "Dense": (_stack_argument("Dense", "units", default=10, maximum=64), *_WEIGHTED),
    "Conv2D": (
        _stack_argument("Conv2D", "filters", default=8, maximum=64),
        _stack_argument("Conv2D", "kernel_size", kind="pair", default=(5, 5), maximum=32),
        Argument("strides", "pair", (1, 1), minimum=0, maximum=8),
        _PADDING,
        Argument("data_format", "choice", "channels_last", choices=DATA_FORMATS),
        Argument("dilation_rate", "pair", (1, 1), minimum=1, maximum=8),
        *_WEIGHTED,
    ),
    "MaxPooling2D": _POOLING,
    "AveragePooling2D": _POOLING,
    "Dropout": (
        _stack_argument("Dropout", "rate"),
        Argument("noise_shape", "choice", None, choices=NOISE_SHAPES),
        Argument("seed", "int", 0, minimum=0, maximum=9999),
    ),
    "Flatten": (Argument("data_format", "choice", "channels_last", choices=DATA_FORMATS),),
    "BatchNormalization": (
        Argument("momentum", "float", 0.99, minimum=0.0, maximum=0.999, step=0.01),
        Argument("epsilon", "float", 0.001, minimum=0.0001, maximum=1.0, step=0.001),
        Argument("center", "bool", True),
        Argument("scale", "bool", True),
    ),
}

# The first argument Keras takes positionally, as keras-io writes it.
_POSITIONAL = {"Dense": "units", "Conv2D": "filters", "Dropout": "rate"}
# Arguments keras-io always writes out, even at their default.
_ALWAYS_SHOWN = ("kernel_size", "pool_size")
# Layers that behave differently while training (`training=True`) and at inference.
TRAINING_DEPENDENT = ("Dropout", "BatchNormalization")


def default_arguments(layer_type):
    """The explorer's starting arguments for `layer_type`, as a dict.

    Raises:
        ValueError: for an unknown layer type (listing the known ones).
    """
    return {argument.name: argument.default
            for argument in registry.get(LAYERS, layer_type, "layer")}


@dataclasses.dataclass(frozen=True)
class Weight:
    """One of a layer's weights (what `get_weights()` returns), with its name."""

    name: str
    shape: tuple
    values: np.ndarray
    trainable: bool


@dataclasses.dataclass(frozen=True)
class LayerResult:
    """What a layer did to a digit.

    Attributes:
        layer_type: `"Conv2D"`, ...
        code: The layer as keras-io code (`layers.Conv2D(8, kernel_size=(5, 5))`).
        input_shape: What the layer received, e.g. `(1, 28, 28, 1)`.
        output_shape: What it returned, e.g. `(1, 24, 24, 8)`.
        output: Inference-mode output without the batch axis: `(channels, H, W)`
            maps for images (whatever the data format), `(units,)` for vectors.
        training_output: Training-mode output (Dropout, BatchNormalization), else `None`.
        mask: Dropout's kept (1) / dropped (0) pixels in training mode `(28, 28)`, else `None`.
        params: `count_params()`.
        trainable_params: Trainable parameters.
        formula: The parameter count worked out, e.g. `"(5 x 5 x 1 + 1) x 32 = 832"`.
        config: `get_config()`, JSON-able.
        weights: `get_weights()` as `Weight`s.
        regularization_loss: What the regularizers add to the loss (0 without one).
    """

    layer_type: str
    code: str
    input_shape: tuple
    output_shape: tuple
    output: np.ndarray
    training_output: np.ndarray | None
    mask: np.ndarray | None
    params: int
    trainable_params: int
    formula: str
    config: dict
    weights: tuple
    regularization_loss: float


def _pair(value, name):
    if value is None:
        return None
    if isinstance(value, int | np.integer):
        value = (int(value), int(value))
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"Expected `{name}` as 2 integers. Received {name}={value}.")
    return value


def _initializer(name, seed):
    """A Keras initializer from its name, seeded when it draws random numbers."""
    initializer = keras.initializers.get(name)
    config = initializer.get_config()
    if "seed" in config:
        initializer = type(initializer).from_config({**config, "seed": seed})
    return initializer


def _clean_arguments(layer_type, arguments):
    """The explorer's arguments checked and completed with defaults."""
    specification = {argument.name: argument
                     for argument in registry.get(LAYERS, layer_type, "layer")}
    unknown = set(arguments) - set(specification)
    if unknown:
        raise ValueError(
            f"{layer_type} does not take {sorted(unknown)} here. "
            f"Its arguments are {list(specification)}."
        )
    cleaned = {}
    for name, argument in specification.items():
        value = arguments.get(name, argument.default)
        if argument.kind in ("pair", "pair_or_none"):
            value = _pair(value, name)
        elif argument.kind == "choice":
            value = tuple(value) if isinstance(value, list) else value
            registry.get(argument.choices, value, name)
        cleaned[name] = value
    return cleaned


def _check_window(kernel, strides, dilation, padding, size, keras_reason):
    """Translates Keras's refusal of a window into a plain-words `LayerArgumentError`."""
    if strides is not None and min(strides) < 1:
        raise LayerArgumentError("stride_not_positive", strides=strides,
                                 keras_reason=keras_reason)
    span = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation, strict=True))
    if padding == "valid" and (span[0] > size[0] or span[1] > size[1]):
        raise LayerArgumentError("output_too_small", kernel=kernel, span=span, size=size,
                                 padding=padding, keras_reason=keras_reason)


def layer_code(layer_type, arguments):
    """The layer as keras-io writes it: only arguments that differ from Keras's defaults.

    Args:
        layer_type: A key of `LAYERS`.
        arguments: The layer's arguments (the explorer's names and values).

    Returns:
        A string such as `'layers.Conv2D(8, kernel_size=(5, 5), activation="relu")'`.
    """
    arguments = _clean_arguments(layer_type, arguments)
    signature_defaults = _keras_defaults(layer_type)
    parts = []
    positional = _POSITIONAL.get(layer_type)
    if positional:
        parts.append(repr(arguments[positional]))
    for name, value in arguments.items():
        if name == positional or (name not in _ALWAYS_SHOWN and name in signature_defaults
                                  and _same(signature_defaults[name], value)):
            continue
        text = json.dumps(value) if isinstance(value, str) else repr(value)
        parts.append(f"{name}={text}")
    return f"layers.{layer_type}({', '.join(parts)})"


def _same(default, value):
    if isinstance(default, list | tuple) and isinstance(value, list | tuple):
        return tuple(default) == tuple(value)
    if isinstance(default, int) and isinstance(value, tuple):
        return value == (default, default)
    return default == value


def _keras_defaults(layer_type):
    import inspect

    signature = inspect.signature(getattr(layers, layer_type).__init__)
    defaults = {
        name: parameter.default for name, parameter in signature.parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    if layer_type in ("MaxPooling2D", "AveragePooling2D", "Conv2D", "Flatten"):
        # `None` means the global `image_data_format()`, which is channels_last here.
        defaults["data_format"] = keras.config.image_data_format()
    return defaults


def parameter_formula(layer_type, arguments, input_channels=1, input_features=784):
    """The parameter count worked out as a formula, e.g. `"(5 x 5 x 1 + 1) x 32 = 832"`.

    Args:
        layer_type: A key of `LAYERS`.
        arguments: The layer's arguments.
        input_channels: Channels of the input image (Conv2D, BatchNormalization).
        input_features: Length of the input vector (Dense).

    Returns:
        `(count, formula)`.
    """
    arguments = _clean_arguments(layer_type, arguments)
    if layer_type == "Conv2D":
        height, width = arguments["kernel_size"]
        filters = arguments["filters"]
        count = (height * width * input_channels + arguments["use_bias"]) * filters
        if arguments["use_bias"]:
            return count, f"({height} x {width} x {input_channels} + 1) x {filters} = {count:,}"
        return count, f"{height} x {width} x {input_channels} x {filters} = {count:,}"
    if layer_type == "Dense":
        units = arguments["units"]
        count = (input_features + arguments["use_bias"]) * units
        if arguments["use_bias"]:
            return count, f"({input_features:,} + 1) x {units} = {count:,}"
        return count, f"{input_features:,} x {units} = {count:,}"
    if layer_type == "BatchNormalization":
        # gamma (scale), beta (center), moving_mean and moving_variance per channel.
        per_channel = 2 + arguments["center"] + arguments["scale"]
        count = per_channel * input_channels
        return count, f"{per_channel} x {input_channels} = {count:,}"
    return 0, "0"


def build_layer(layer_type, arguments, seed=0):
    """Builds the real Keras layer from plain values.

    Args:
        layer_type: A key of `LAYERS`.
        arguments: The layer's arguments with the tutorial's names (missing
            ones take the explorer's defaults).
        seed: Seed of random initializers (Dropout has its own `seed`).

    Returns:
        An unbuilt `keras.layers.Layer`.

    Raises:
        ValueError: for an unknown layer type, argument or choice.
        LayerArgumentError: when Keras refuses the arguments (a `ValueError`).
    """
    arguments = _clean_arguments(layer_type, arguments)
    keras_arguments = dict(arguments)
    for name in ("kernel_initializer", "bias_initializer"):
        if name in keras_arguments:
            keras_arguments[name] = _initializer(keras_arguments[name], seed)
    if layer_type in ("Conv2D", "Dense"):
        keras_arguments["activation"] = keras_arguments["activation"] or "linear"
    if layer_type == "Dropout" and keras_arguments["noise_shape"] is not None:
        keras_arguments["noise_shape"] = list(keras_arguments["noise_shape"])
    positional = _POSITIONAL.get(layer_type)
    first = (keras_arguments.pop(positional),) if positional else ()
    # Keras's pooling layers accept strides of 0 and then fail deep inside TensorFlow.
    pooling_strides = arguments["strides"] if layer_type.endswith("Pooling2D") else None
    if pooling_strides is not None and min(pooling_strides) < 1:
        raise LayerArgumentError("stride_not_positive", strides=pooling_strides,
                                 keras_reason=f"Received strides={pooling_strides}.")
    try:
        return getattr(layers, layer_type)(*first, **keras_arguments)
    except ValueError as error:
        reason = _keras_reason(error)
        if "strides" in reason and ("> 0" in reason or "value > 0" in reason):
            raise LayerArgumentError("stride_not_positive", strides=arguments["strides"],
                                     keras_reason=reason) from error
        if "dilation_rate" in reason and "strides" in reason:
            raise LayerArgumentError("strides_with_dilation", strides=arguments["strides"],
                                     dilation_rate=arguments["dilation_rate"],
                                     keras_reason=reason) from error
        raise LayerArgumentError("refused", keras_reason=reason) from error


def _keras_reason(error):
    """Keras's message, on one line, without its terminal colour codes."""
    text = str(error).replace("\x1b[1m", "").replace("\x1b[0m", "")
    return " ".join(text.split())


def _input_for(layer_type, digit, data_format):
    image = np.asarray(digit, dtype=np.float32).reshape(1, 28, 28, 1)
    if layer_type == "Dense":
        return image.reshape(1, -1)
    if data_format == "channels_first":
        return np.transpose(image, (0, 3, 1, 2))
    return image


def _as_maps(array, data_format):
    """`(1, H, W, C)` or `(1, C, H, W)` -> `(C, H, W)`; vectors lose only the batch axis."""
    array = np.asarray(array)[0]
    if array.ndim == 3 and data_format != "channels_first":
        array = np.transpose(array, (2, 0, 1))
    return array


def _json_safe(value):
    return json.loads(json.dumps(value, default=lambda item: repr(item)))


def apply_layer(layer_type, arguments, digit, seed=0):
    """Builds a layer and applies it to a digit, as the tutorial's CNN would.

    Conv2D, pooling, Dropout, Flatten and BatchNormalization receive the digit
    as a batch of one image, `(1, 28, 28, 1)` (`(1, 1, 28, 28)` with
    `data_format="channels_first"`); Dense receives it flattened, `(1, 784)`.

    Args:
        layer_type: A key of `LAYERS`.
        arguments: The layer's arguments with the tutorial's names.
        digit: float `(28, 28)` in [0, 1], bright ink on black.
        seed: Seed of random initializers.

    Returns:
        A `LayerResult`.

    Raises:
        ValueError: for an unknown layer type, argument or choice, or a digit
            that is not `(28, 28)`.
        LayerArgumentError: when Keras refuses the arguments, in plain words.
    """
    digit = np.asarray(digit, dtype=np.float32)
    if digit.shape != DIGIT_SHAPE:
        raise ValueError(f"Expected a digit of shape {DIGIT_SHAPE}. Received shape {digit.shape}.")
    arguments = _clean_arguments(layer_type, arguments)
    layer = build_layer(layer_type, arguments, seed=seed)
    data_format = arguments.get("data_format", "channels_last")
    inputs = _input_for(layer_type, digit, data_format)
    try:
        output_shape = tuple(layer.compute_output_shape(inputs.shape))
    except (ValueError, OverflowError) as error:
        _explain_window(layer_type, arguments, _keras_reason(error))
        raise LayerArgumentError("refused", keras_reason=_keras_reason(error)) from error
    if any(size is not None and size <= 0 for size in output_shape):
        _explain_window(layer_type, arguments, f"Computed output shape {output_shape}.")
    try:
        output = np.asarray(layer(inputs, training=False))
    except ValueError as error:
        _explain_window(layer_type, arguments, _keras_reason(error))
        raise LayerArgumentError("refused", keras_reason=_keras_reason(error)) from error
    training_output = mask = None
    if layer_type in TRAINING_DEPENDENT:
        # A fresh layer with the same seed draws the same mask as a first call would.
        fresh = build_layer(layer_type, arguments, seed=seed)
        training_output = _as_maps(fresh(inputs, training=True), data_format)
        if layer_type == "Dropout":
            ones = build_layer(layer_type, arguments, seed=seed)(np.ones_like(inputs),
                                                                 training=True)
            mask = (np.asarray(ones)[0, :, :, 0] != 0).astype(np.float32)
    channels = inputs.shape[1] if data_format == "channels_first" else inputs.shape[-1]
    params, formula = parameter_formula(layer_type, arguments, input_channels=channels,
                                        input_features=inputs.shape[-1])
    names = [variable.path.split("/")[-1] for variable in layer.weights]
    trainable = {id(variable) for variable in layer.trainable_weights}
    weights = tuple(
        Weight(name, tuple(values.shape), values, id(variable) in trainable)
        for name, values, variable in zip(names, layer.get_weights(), layer.weights, strict=True)
    )
    return LayerResult(
        layer_type=layer_type,
        code=layer_code(layer_type, arguments),
        input_shape=tuple(inputs.shape),
        output_shape=tuple(output.shape),
        output=_as_maps(output, data_format),
        training_output=training_output,
        mask=mask,
        params=int(layer.count_params()),
        trainable_params=int(sum(np.prod(v.shape) for v in layer.trainable_weights)),
        formula=formula,
        config=_json_safe(layer.get_config()),
        weights=weights,
        regularization_loss=float(sum(float(loss) for loss in layer.losses)),
    )


def _explain_window(layer_type, arguments, keras_reason):
    """Raises the plain-words reason a window-sliding layer cannot run, if it is one."""
    if layer_type == "Conv2D":
        _check_window(arguments["kernel_size"], arguments["strides"], arguments["dilation_rate"],
                      arguments["padding"], DIGIT_SHAPE, keras_reason)
    elif layer_type in ("MaxPooling2D", "AveragePooling2D"):
        _check_window(arguments["pool_size"], arguments["strides"], (1, 1),
                      arguments["padding"], DIGIT_SHAPE, keras_reason)
    if layer_type in ("Conv2D", "MaxPooling2D", "AveragePooling2D"):
        raise LayerArgumentError("refused", keras_reason=keras_reason)


# Hand-set 3 x 3 kernels for `apply_kernel`: what classic image filters look like as weights.
CONV_PRESETS = {
    "identity": ((0, 0, 0), (0, 1, 0), (0, 0, 0)),
    "blur": tuple(tuple(1 / 9 for _ in range(3)) for _ in range(3)),
    "sharpen": ((0, -1, 0), (-1, 5, -1), (0, -1, 0)),
    # Sobel: bright where ink starts as you go down (a top edge) or right (a left edge).
    "edge_horizontal": ((-1, -2, -1), (0, 0, 0), (1, 2, 1)),
    "edge_vertical": ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),
    "edge_all": ((-1, -1, -1), (-1, 8, -1), (-1, -1, -1)),
}


def conv_preset(name):
    """A preset 3 x 3 kernel from `CONV_PRESETS` as float32 `(3, 3)`.

    Raises:
        ValueError: for an unknown preset (listing the known ones).
    """
    return np.asarray(registry.get(CONV_PRESETS, name, "kernel preset"), dtype=np.float32)


def apply_kernel(digit, kernel, bias=0.0, activation=None):
    """A 3 x 3 Conv2D whose weights are set by hand with `set_weights()`, on a digit.

    Args:
        digit: float `(28, 28)`.
        kernel: `(3, 3)` weights.
        bias: The filter's bias.
        activation: `None` or a name from `ACTIVATION_CHOICES`.

    Returns:
        float32 `(28, 28)`: the feature map (`padding="same"` keeps the size).

    Raises:
        ValueError: for a kernel that is not 3 x 3 or an unknown activation.
    """
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.shape != (3, 3):
        raise ValueError(f"Expected a 3 x 3 kernel. Received shape {kernel.shape}.")
    registry.get(ACTIVATION_CHOICES, activation, "activation")
    conv = layers.Conv2D(1, kernel_size=(3, 3), padding="same", activation=activation)
    conv.build((1, 28, 28, 1))
    # Keras keeps a Conv2D kernel as (height, width, input channels, filters).
    conv.set_weights([kernel.reshape(3, 3, 1, 1), np.array([bias], dtype=np.float32)])
    image = np.asarray(digit, dtype=np.float32).reshape(1, 28, 28, 1)
    return np.asarray(conv(image))[0, :, :, 0]
