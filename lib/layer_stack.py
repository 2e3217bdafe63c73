"""A model as an editable list of plain layer specs: check it, count it, build it, print it.

A layer spec is a dict such as `{"type": "Conv2D", "filters": 32, "kernel_size": 5,
"padding": "same", "activation": "relu"}`. A stack is a list of them, from the
first layer after `keras.Input(shape=(28, 28, 1))` to the output. Everything
here is pure: `summarize` works out every layer's output shape and parameter
count without Keras (so a page can show them on each edit), and explains an
invalid stack in plain words before any training starts.
"""

import copy
import functools
import math

from lib import model_budget, registry
from lib.errors import InputError
from lib.registry import Argument

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
# The parameter budget of every model here (`lib.model_budget`), said per layer on this page.
MAX_PARAMETERS = model_budget.MAX_PARAMETERS
MAX_LAYERS = 24

ACTIVATIONS = ("relu", "elu", "selu", "tanh", "sigmoid", "softplus", "softmax", "linear")
PADDINGS = ("same", "valid")

_ACTIVATION = Argument("activation", "choice", "relu", choices=ACTIVATIONS)
# Windows are square here (one int); no window is wider than the 28 x 28 input.
_POOL_SIZE = Argument("pool_size", "int", 2, minimum=1, maximum=INPUT_SHAPE[0])

# Each layer type's arguments (Keras's names), with their defaults and the range a stack
# allows: what /train's widgets offer and `normalize` checks (`lib.explore.layers` starts from
# these too). Keras takes any dropout rate below 1; the widget stops at 0.95.
ARGUMENTS = {
    "Conv2D": (
        Argument("filters", "int", 32, minimum=1, maximum=1024),
        Argument("kernel_size", "int", 3, minimum=1, maximum=INPUT_SHAPE[0]),
        Argument("padding", "choice", "same", choices=PADDINGS),
        _ACTIVATION,
    ),
    "MaxPooling2D": (_POOL_SIZE,),
    "AveragePooling2D": (_POOL_SIZE,),
    "BatchNormalization": (),
    "Flatten": (),
    "Dense": (Argument("units", "int", 128, minimum=1, maximum=8192), _ACTIVATION),
    "Dropout": (Argument("rate", "float", 0.5, minimum=0.0, maximum=0.95, step=0.05),),
}
# Each layer type's arguments and their defaults, as a spec holds them.
LAYER_TYPES = {layer_type: {argument.name: argument.default for argument in arguments}
               for layer_type, arguments in ARGUMENTS.items()}
_IMAGE_LAYERS = ("Conv2D", "MaxPooling2D", "AveragePooling2D")

# Short names for the query string (`conv_32_5_same_relu~pool_2~flatten~dense_10_softmax`).
_QUERY_NAMES = {
    "Conv2D": "conv",
    "MaxPooling2D": "pool",
    "AveragePooling2D": "avgpool",
    "BatchNormalization": "bn",
    "Flatten": "flatten",
    "Dense": "dense",
    "Dropout": "dropout",
}


def _conv(filters, kernel_size, padding="same", activation="relu"):
    return {"type": "Conv2D", "filters": filters, "kernel_size": kernel_size,
            "padding": padding, "activation": activation}


def _pool(pool_size=2):
    return {"type": "MaxPooling2D", "pool_size": pool_size}


def _dense(units, activation="relu"):
    return {"type": "Dense", "units": units, "activation": activation}


def _dropout(rate):
    return {"type": "Dropout", "rate": rate}


_FLATTEN = {"type": "Flatten"}
_OUTPUT = _dense(NUM_CLASSES, "softmax")

# The same architectures as `lib.models.PRESETS`, as editable stacks.
PRESETS = {
    "tutorial_cnn": [
        _conv(32, 5), _pool(), _conv(64, 5), _pool(), _conv(128, 3), _pool(), _conv(128, 3),
        _pool(), _FLATTEN, _dense(1024), _dropout(0.5), _dense(512), _dropout(0.5), _OUTPUT,
    ],
    "small_cnn": [
        _conv(16, 5), _pool(), _conv(32, 5, padding="valid"), _pool(), _FLATTEN, _dense(64),
        _dropout(0.3), _OUTPUT,
    ],
    "mlp": [_FLATTEN, _dense(256), _dropout(0.2), _dense(128), _OUTPUT],
}


class StackError(InputError):
    """A layer stack that cannot be built or trained, explained in plain words.

    `str(error)` is the English message; `error.message(language)` gives it in
    the user's language. `reason` is a key suffix in `lib.i18n`
    (`"train.stack.error." + reason`), `details` fill its placeholders (`index`
    among them), and `index` is the 1-based position of the offending layer (or `None`).

    Args:
        reason: Why the stack cannot work, e.g. `"shrinks"` or `"needs_flatten"`.
        index: The 1-based position of the offending layer, or `None`.
        **details: Values for the message's placeholders.
    """

    text_prefix = "train.stack.error."

    def __init__(self, reason, index=None, **details):
        self.index = index
        super().__init__(reason, index=index, **details)


def preset(name):
    """A fresh, editable copy of a preset stack.

    Raises:
        ValueError: for an unknown preset.
    """
    return copy.deepcopy(registry.get(PRESETS, name, "preset"))


def new_layer(layer_type):
    """A spec of `layer_type` with its default arguments.

    Raises:
        ValueError: for an unknown layer type.
    """
    if layer_type not in LAYER_TYPES:
        raise StackError("unknown_type", layer_type=layer_type, known=", ".join(LAYER_TYPES))
    return {"type": layer_type, **LAYER_TYPES[layer_type]}


def _argument(spec, index, argument):
    """One argument of `spec` (or its default), checked against its `Argument`."""
    value = spec.get(argument.name, argument.default)
    details = {"layer_type": spec["type"], "argument": argument.name, "value": repr(value)}
    if argument.kind == "choice":
        if value not in argument.choices:
            raise StackError("bad_choice", index, choices=", ".join(argument.choices), **details)
        return value
    if argument.kind == "float":  # The dropout rate: a fraction below 1.
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
            argument.minimum <= value < 1
        ):
            raise StackError("bad_rate", index, **details)
        return float(value)
    low, high = argument.minimum, argument.maximum
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value or not (
        low <= value <= high
    ):
        raise StackError("bad_number", index, low=low, high=high, **details)
    return int(value)


def normalize(stack):
    """Checks each spec's type and arguments and fills in defaults.

    Args:
        stack: A list of layer specs.

    Returns:
        A new list of complete specs (every argument present, right types).

    Raises:
        StackError: for an unknown layer type or an argument out of range.
    """
    if not stack:
        raise StackError("empty")
    if len(stack) > MAX_LAYERS:
        raise StackError("too_many_layers", count=len(stack), limit=MAX_LAYERS)
    complete = []
    for index, spec in enumerate(stack, start=1):
        layer_type = spec.get("type") if isinstance(spec, dict) else None
        if layer_type not in LAYER_TYPES:
            raise StackError("unknown_type", index, layer_type=layer_type,
                             known=", ".join(LAYER_TYPES))
        complete.append({"type": layer_type, **{
            argument.name: _argument(spec, index, argument) for argument in ARGUMENTS[layer_type]
        }})
    return complete


def describe(spec):
    """A short label such as `Conv2D(32, 5x5, same, relu)`."""
    kind = spec["type"]
    if kind == "Conv2D":
        size = spec["kernel_size"]
        return f"Conv2D({spec['filters']}, {size}x{size}, {spec['padding']}, {spec['activation']})"
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return f"{kind}({spec['pool_size']}x{spec['pool_size']})"
    if kind == "Dense":
        return f"Dense({spec['units']}, {spec['activation']})"
    if kind == "Dropout":
        return f"Dropout({spec['rate']:g})"
    return f"{kind}()"


def summarize(stack, _rows=None):
    """Every layer's output shape and parameter count, checking the stack on the way.

    Args:
        stack: A list of layer specs.

    Returns:
        A list of dicts, one per layer: `index` (1-based), `layer` (a label
        such as `Conv2D(32, 5x5, same, relu)`), `output_shape` (a tuple
        without the batch axis, e.g. `(28, 28, 32)`) and `parameters`.

    Raises:
        StackError: with a plain-words reason when the stack cannot work:
            a pooling or convolution that shrinks the image below 1 x 1, an
            image layer after `Flatten`, `Dense` on an image without
            `Flatten`, an output that is not `Dense(10, softmax)`, or too many
            parameters.
    """
    stack = normalize(stack)
    shape = INPUT_SHAPE
    rows = [] if _rows is None else _rows
    total = 0
    for index, spec in enumerate(stack, start=1):
        kind = spec["type"]
        parameters = 0
        if kind in _IMAGE_LAYERS and len(shape) == 1:
            raise StackError("after_flatten", index, layer_type=kind, size=shape[0])
        if kind == "Conv2D":
            height, width, channels = shape
            size = spec["kernel_size"]
            if spec["padding"] == "valid":
                if size > min(height, width):
                    raise StackError("shrinks", index, layer_type=kind, height=height,
                                     width=width, size=size)
                height, width = height - size + 1, width - size + 1
            parameters = (size * size * channels + 1) * spec["filters"]
            shape = (height, width, spec["filters"])
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            height, width, channels = shape
            size = spec["pool_size"]
            if size > min(height, width):
                raise StackError("shrinks", index, layer_type=kind, height=height, width=width,
                                 size=size)
            # Keras pools with strides = pool_size and "valid" padding: the rest is dropped.
            shape = (height // size, width // size, channels)
        elif kind == "Flatten":
            shape = (math.prod(shape),)
        elif kind == "Dense":
            if len(shape) != 1:
                raise StackError("needs_flatten", index, shape=_shape_text(shape))
            parameters = (shape[0] + 1) * spec["units"]
            shape = (spec["units"],)
        elif kind == "BatchNormalization":
            # Scale and offset are trained; the moving mean and variance are counted too.
            parameters = 4 * shape[-1]
        total += parameters
        rows.append({"index": index, "layer": describe(spec), "output_shape": shape,
                     "parameters": parameters})
    last = stack[-1]
    if not (last["type"] == "Dense" and last["units"] == NUM_CLASSES
            and last["activation"] == "softmax"):
        raise StackError("output", len(stack), last=describe(last))
    if total > MAX_PARAMETERS:
        raise StackError("too_big", parameters=total, limit=MAX_PARAMETERS)
    return rows


def summarize_partial(stack):
    """Like `summarize`, but never raises: `(rows up to the first problem, StackError or None)`."""
    rows = []
    try:
        summarize(stack, _rows=rows)
    except StackError as error:
        return rows, error
    return rows, None


def _shape_text(shape):
    return "(" + ", ".join(str(size) for size in shape) + ")"


def count_parameters(stack):
    """The total parameter count of a valid stack (see `summarize`)."""
    return sum(row["parameters"] for row in summarize(stack))


def _layer(spec, name=None):
    from keras import layers

    kind = spec["type"]
    if kind == "Conv2D":
        size = spec["kernel_size"]
        return layers.Conv2D(spec["filters"], kernel_size=(size, size), padding=spec["padding"],
                             activation=spec["activation"], name=name)
    if kind == "MaxPooling2D":
        return layers.MaxPooling2D(pool_size=(spec["pool_size"],) * 2, name=name)
    if kind == "AveragePooling2D":
        return layers.AveragePooling2D(pool_size=(spec["pool_size"],) * 2, name=name)
    if kind == "Dense":
        return layers.Dense(spec["units"], activation=spec["activation"], name=name)
    if kind == "Dropout":
        return layers.Dropout(spec["rate"], name=name)
    return getattr(layers, kind)(name=name)


def build_model(stack, name="custom"):
    """Builds an uncompiled `keras.Sequential` from a valid stack.

    Args:
        stack: A list of layer specs.
        name: The model's name.

    Returns:
        A `keras.Sequential` taking `(batch, 28, 28, 1)`, returning `(batch, 10)`.

    Raises:
        StackError: if the stack is invalid (see `summarize`).
    """
    import keras

    summarize(stack)
    return keras.Sequential(
        [keras.Input(shape=INPUT_SHAPE),
         *(_layer(spec, name=_layer_name(spec, position))
           for position, spec in enumerate(normalize(stack), start=1))],
        name=name,
    )


def _layer_name(spec, position):
    # Names by position ("dense_3"): Keras's automatic names come from per-thread counters,
    # and a model built in a training worker once got two layers called "dense".
    return f"{spec['type'].lower()}_{position}"


def model_config(stack, name="custom"):
    """The Keras config of the model `build_model` makes from a stack, without building it.

    The layers are made but never built, so no weight is allocated: a few
    milliseconds for any stack the page allows.

    Args:
        stack: A list of layer specs.
        name: The model's name.

    Returns:
        A dict as `keras.saving.serialize_keras_object` gives for the model: a
        `Sequential` whose layers start with an `InputLayer` of batch shape
        `(None, 28, 28, 1)`.

    Raises:
        StackError: if the stack is invalid (see `summarize`).
    """
    import keras

    summarize(stack)
    layers = [{"module": "keras.layers", "class_name": "InputLayer", "config": {
        "batch_shape": [None, *INPUT_SHAPE], "dtype": "float32", "name": "input_layer"}}]
    layers += [keras.saving.serialize_keras_object(_layer(spec, name=_layer_name(spec, position)))
               for position, spec in enumerate(normalize(stack), start=1)]
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": name, "layers": layers}}


def cost(stack):
    """What a stack's model costs per image (`lib.model_budget.cost` of `model_config`).

    Returns:
        A `lib.model_budget.Cost`: parameters, activations and FLOPs per image.

    Raises:
        StackError: if the stack is invalid (see `summarize`).
        lib.errors.InputError: if the model is over `lib.model_budget`'s limits
            (activations or FLOPs per image, parameters, layers).
    """
    return _cost(to_query(stack))


# The page asks on every rerun; a stack's cost never changes (a refusal is not kept).
@functools.lru_cache(maxsize=128)
def _cost(query):
    return model_budget.cost(model_config(from_query(query)))


def layer_code(spec):
    """The keras-io style expression for one spec, e.g. `layers.Dropout(0.5)`."""
    kind = spec["type"]
    # Keras's defaults (no activation, "valid" padding) are left out, as keras-io does.
    activation = spec.get("activation")
    activation = "" if activation in (None, "linear") else f', activation="{activation}"'
    if kind == "Conv2D":
        size = spec["kernel_size"]
        padding = "" if spec["padding"] == "valid" else f', padding="{spec["padding"]}"'
        arguments = f"{spec['filters']}, kernel_size=({size}, {size}){padding}{activation}"
        return f"layers.Conv2D({arguments})"
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return f"layers.{kind}(pool_size=({spec['pool_size']}, {spec['pool_size']}))"
    if kind == "Dense":
        return f"layers.Dense({spec['units']}{activation})"
    if kind == "Dropout":
        return f"layers.Dropout({spec['rate']:g})"
    return f"layers.{kind}()"


def _sequential_code(lines):
    body = "".join(f"        {line},\n" for line in lines)
    return ("model = keras.Sequential(\n    [\n        keras.Input(shape=(28, 28, 1)),\n"
            f"{body}    ]\n)")


def _add_code(lines):
    return "model = keras.Sequential()\nmodel.add(keras.Input(shape=(28, 28, 1)))\n" + "".join(
        f"model.add({line})\n" for line in lines
    ).rstrip("\n")


def _functional_code(lines):
    code = ["inputs = keras.Input(shape=(28, 28, 1))"]
    for position, line in enumerate(lines):
        source = "inputs" if position == 0 else "x"
        target = "outputs" if position == len(lines) - 1 else "x"
        code.append(f"{target} = {line}({source})")
    code.append("model = keras.Model(inputs=inputs, outputs=outputs)")
    return "\n".join(code)


# The tutorial's three ways to build the same model.
CODE_STYLES = {"sequential": _sequential_code, "add": _add_code, "functional": _functional_code}


def keras_code(stack, style="sequential", imports=True):
    """The Keras code that builds this stack, in one of the tutorial's three ways.

    Args:
        stack: A list of layer specs (normalised first).
        style: `"sequential"` (a list), `"add"` (`model.add(...)`) or
            `"functional"` (`keras.Input` and calls).
        imports: Start with `import keras` and `from keras import layers`.

    Returns:
        Python source that leaves the model in `model`.

    Raises:
        ValueError: for an unknown style, or an invalid spec.
    """
    write = registry.get(CODE_STYLES, style, "code style")
    lines = [layer_code(spec) for spec in normalize(stack)]
    return ("import keras\nfrom keras import layers\n\n" if imports else "") + write(lines)


def to_query(stack):
    """The stack as a short URL-safe string, e.g. `conv_32_5_same_relu~pool_2~flatten~...`."""
    parts = []
    for spec in normalize(stack):
        values = [str(spec[name]) for name in LAYER_TYPES[spec["type"]]]
        parts.append("_".join([_QUERY_NAMES[spec["type"]], *values]))
    return "~".join(parts)


def from_query(text):
    """The stack a `to_query` string describes.

    Raises:
        StackError: for a string that does not describe layers.
    """
    by_short_name = {short: kind for kind, short in _QUERY_NAMES.items()}
    stack = []
    for index, part in enumerate(str(text).split("~"), start=1):
        short, *values = part.split("_")
        if short not in by_short_name:
            raise StackError("unknown_type", index, layer_type=short,
                             known=", ".join(_QUERY_NAMES.values()))
        kind = by_short_name[short]
        names = list(LAYER_TYPES[kind])
        if len(values) != len(names):
            raise StackError("bad_query", index, part=part)
        spec = {"type": kind}
        for name, value in zip(names, values, strict=True):
            default = LAYER_TYPES[kind][name]
            try:
                spec[name] = type(default)(value)
            except ValueError:
                raise StackError("bad_query", index, part=part) from None
        stack.append(spec)
    return normalize(stack)
