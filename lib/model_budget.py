"""What a model config may contain, and what it costs, worked out before anything is built.

An uploaded model file is a student's, so its config is read as hostile data. `cost(config)`
walks it without allocating a single weight:

1. The JSON itself: at most `MAX_CONFIG_NODES` values nested at most `MAX_CONFIG_DEPTH`
   deep, and nothing serialized from outside Keras (custom classes, functions, lambdas).
2. The graph: a Sequential or functional model of at most `MAX_LAYERS` layers, each one of
   `ALLOWED_LAYERS` fed by layers before it.
3. Each layer's settings: only the keys its Keras class takes, and values that make sense
   for a digit model on a class server (float32 only, no LoRA, no quantization).
4. Each layer's output shape (from Keras's own `compute_output_shape`), its weights, its
   activations and its FLOPs, added up and checked against the budget as they go, so a
   thousand-layer config or a billion-unit `Dense` is refused at the first layer over it.

The same `Cost` tells inference how many images fit in one call (`lib.inference`) and
`/train` what a stack needs per step.
"""

import dataclasses
import functools
import inspect
import math
import re

from lib.errors import InputError

# A class server's budget for one model. The tutorial's CNN costs 935,562 parameters,
# 59,738 activations and 32.6 MFLOP per image: every limit leaves it room to spare.
MAX_PARAMETERS = 5_000_000
# Float elements per image over every layer's output (input included): 8 MB at float32.
MAX_ACTIVATIONS = 2_000_000
# Forward FLOPs per image (2 per multiply-add): about 10 ms per digit on one core.
MAX_FLOPS = 400_000_000
MAX_LAYERS = 100
MAX_CONFIG_NODES = 200_000
MAX_CONFIG_DEPTH = 32
MAX_NAME_LENGTH = 128
# What TensorFlow accepts as a name scope (`tf.name_scope`), which /inside opens per layer.
_LAYER_NAME = re.compile(rf"[A-Za-z0-9_.][A-Za-z0-9_.\-/>]{{0,{MAX_NAME_LENGTH - 1}}}")

ALLOWED_LAYERS = frozenset(
    {
        "InputLayer", "Conv2D", "DepthwiseConv2D", "SeparableConv2D",
        "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
        "Flatten", "Reshape", "Dense", "Dropout", "SpatialDropout2D", "GaussianNoise",
        "GaussianDropout", "AlphaDropout", "BatchNormalization", "LayerNormalization",
        "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ZeroPadding2D", "Cropping2D",
        "UpSampling2D", "Rescaling", "Add", "Subtract", "Multiply", "Average", "Maximum",
        "Minimum", "Concatenate",
    }
)
MODEL_CLASSES = frozenset({"Sequential", "Functional", "Model"})
_MERGE_LAYERS = frozenset({"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
                           "Concatenate"})

# Keys every layer config may carry besides its class's own arguments. Keras 2 and tf_keras
# also stored the input's shape on the first layer.
_COMMON_KEYS = frozenset({"name", "trainable", "dtype", "batch_input_shape", "batch_shape",
                          "input_shape", "input_dim"})
# Keys a class's config holds beyond its constructor's named arguments: tf_keras's
# BatchNormalization stored three that Keras 3 no longer takes (dropped before building), and
# Keras 3's LayerNormalization takes `rms_scaling` through its `**kwargs`.
_EXTRA_KEYS = {"BatchNormalization": frozenset({"fused", "virtual_batch_size", "adjustment"}),
               "LayerNormalization": frozenset({"rms_scaling"})}
# Initialisers, regularisers and constraints only matter for training: they are dropped
# before a layer is made (their configs are never deserialized), as are the shape keys.
_DROPPED_KEYS = frozenset(
    {
        "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint", "beta_initializer",
        "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
        "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
        "depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
        "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint",
        "batch_input_shape", "batch_shape", "input_shape", "input_dim", "dtype",
        "fused", "virtual_batch_size", "adjustment",
    }
)
# Settings whose only accepted value is Keras's default: each would add weights the budget
# does not count (LoRA, renormalisation), change the arithmetic (quantization) or the input.
_FIXED_VALUES = {
    "lora_rank": (None,), "lora_alpha": (None,), "quantization_config": (None,),
    "renorm": (False,), "renorm_clipping": (None,), "synchronized": (False,),
    "rms_scaling": (False,),
    "sparse": (False,), "ragged": (False,), "input_tensor": (None,), "optional": (False,),
    "data_format": (None, "channels_last"), "noise_shape": (None,),
    "fused": (None, True, False), "virtual_batch_size": (None,), "adjustment": (None,),
}
_FLOAT32_NAMES = ("float32",)
# Every Keras activation, by the names Keras saves them under.
_ACTIVATIONS = frozenset(
    {
        "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid",
        "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid",
        "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink",
        "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax",
        "squareplus", "swish", "tanh", "tanh_shrink", "threshold",
    }
)
# Keys of one entry of a model config's layer list (beside the layer's own `config`).
_ENTRY_KEYS = frozenset({"module", "class_name", "config", "registered_name", "build_config",
                         "name", "inbound_nodes"})


@dataclasses.dataclass(frozen=True)
class Cost:
    """What a model costs, per image, counted from its config.

    Attributes:
        parameters: Every weight, trainable or not (BatchNormalization's moving
            statistics included).
        activations: Float elements of every layer's output for one image, summed
            (the input included): an upper bound on what one image holds in memory.
        flops: Forward floating-point operations for one image (2 per multiply-add).
        layers: The number of layers, the input included.
        input_shapes: The declared input shapes, each `(None, height, width, channels)`.
        output_shapes: The output shapes, each with `None` for the batch.
        layer_parameters: `{layer name: parameters}` for the layers that have weights.
    """

    parameters: int
    activations: int
    flops: int
    layers: int
    input_shapes: tuple
    output_shapes: tuple
    layer_parameters: dict

    @property
    def activation_bytes(self):
        """Bytes of float32 activations for one image."""
        return 4 * self.activations


def cost(config):
    """Works out and checks what a model config costs, without building anything.

    Args:
        config: The model config as stored: Keras 3 or Keras 2, Sequential or
            functional (a Keras 2.2.4 Sequential stores a bare list of layers).

    Returns:
        A `Cost`.

    Raises:
        InputError: `model_unreadable` (a config of the wrong shape),
            `model_layer_refused`, `model_setting_refused`, `model_too_many_layers`,
            `model_too_many_params`, `model_too_many_activations` or
            `model_too_many_flops`, with the details.
    """
    _check_json(config)
    nodes, outputs = graph(config)
    shapes = {}
    parameters = activations = flops = 0
    input_names, layer_parameters = [], {}
    for name, class_name, layer_config, inbound in nodes:
        if class_name == "InputLayer":
            _check_settings(name, class_name, layer_config)
            shapes[name] = declared_input_shape(layer_config)
            input_names.append(name)
            activations += _elements(shapes[name])
            continue
        if not inbound:  # A Sequential without an InputLayer: its first layer has the shape.
            shapes[f"{name}:input"] = declared_input_shape(layer_config)
            input_names.append(f"{name}:input")
            activations += _elements(shapes[f"{name}:input"])
            inbound = [f"{name}:input"]
        input_shapes = [shapes[source] for source in inbound]
        layer = instantiate(name, class_name, layer_config)
        if class_name in _MERGE_LAYERS:
            output_shape = _output_shape(name, layer, input_shapes)
        elif len(input_shapes) != 1:
            raise _unreadable(f"layer {name} takes one input; the config gives it "
                              f"{len(input_shapes)}.")
        else:
            output_shape = _output_shape(name, layer, input_shapes[0])
        shapes[name] = output_shape
        own = _parameters(class_name, layer, input_shapes[0])
        if own:
            layer_parameters[name] = own
        parameters += own
        activations += _elements(output_shape)
        flops += _flops(class_name, layer, input_shapes[0], output_shape)
        if parameters > MAX_PARAMETERS:
            raise InputError("model_too_many_params", params=parameters, limit=MAX_PARAMETERS)
        if activations > MAX_ACTIVATIONS:
            raise InputError("model_too_many_activations", activations=activations,
                             limit=MAX_ACTIVATIONS, limit_mb=4 * MAX_ACTIVATIONS / 2**20,
                             layer=name)
        if flops > MAX_FLOPS:
            raise InputError("model_too_many_flops", mflops=flops / 1e6,
                             limit_mflops=MAX_FLOPS / 1e6, layer=name)
    return Cost(parameters=parameters, activations=activations, flops=flops,
                layers=len(nodes), input_shapes=tuple(shapes[name] for name in input_names),
                output_shapes=tuple(shapes[name] for name in outputs),
                layer_parameters=layer_parameters)


def _unreadable(detail):
    return InputError("model_unreadable", detail=detail)


# --- The JSON and the graph -----------------------------------------------------------


def _check_json(config):
    """Bounds the config's size and depth, and refuses anything serialized from outside Keras."""
    stack = [(config, 1)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_CONFIG_NODES or depth > MAX_CONFIG_DEPTH:
            raise _unreadable(f"the config is nested more than {MAX_CONFIG_DEPTH} deep or has "
                              f"more than {MAX_CONFIG_NODES:,} values.")
        if isinstance(item, dict):
            module, class_name = item.get("module"), item.get("class_name")
            if isinstance(module, str) and not (module == "keras" or module.startswith("keras.")):
                raise InputError("model_layer_refused", layer=_name_of(item),
                                 class_name=f"{module}.{class_name}")
            if class_name in ("__lambda__", "function", "Lambda", "TFSMLayer"):
                raise InputError("model_layer_refused", layer=_name_of(item),
                                 class_name=str(class_name))
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((value, depth + 1) for value in item)


def _name_of(item):
    config = item.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    return str(name if name is not None else item.get("class_name"))[:MAX_NAME_LENGTH]


def graph(config):
    """The layers in order as `(name, class_name, config, inbound_names)`, and the output names.

    Raises:
        InputError: `model_unreadable` when the config is not a model's, names a layer
            that does not come before the one it feeds, or repeats a name;
            `model_too_many_layers`; `model_layer_refused` for a class that is not allowed.
    """
    class_name, body = _class_and_body(config)
    layers = body.get("layers")
    if not isinstance(layers, (list, tuple)) or not layers:
        raise _unreadable("the model config has no list of layers.")
    if len(layers) > MAX_LAYERS:
        raise InputError("model_too_many_layers", layers=len(layers), limit=MAX_LAYERS)
    nodes, seen = [], set()
    for index, entry in enumerate(layers):
        if not isinstance(entry, dict) or not isinstance(entry.get("config", {}), dict):
            raise _unreadable(f"layer {index + 1} of the config is not a layer.")
        layer_class = entry.get("class_name")
        layer_config = entry.get("config", {})
        name = entry.get("name") or layer_config.get("name") or f"layer_{index}"
        if not isinstance(name, str) or not _LAYER_NAME.fullmatch(name):
            raise _unreadable(f"layer {index + 1} has a name that is not a layer name (at most "
                              f"{MAX_NAME_LENGTH} letters, digits and _ . - / >).")
        if not isinstance(layer_class, str):
            raise _unreadable(f"layer {name} has no class name.")
        if layer_class in MODEL_CLASSES:
            raise InputError("model_layer_refused", layer=name, class_name=f"nested {layer_class}")
        if layer_class not in ALLOWED_LAYERS:
            raise InputError("model_layer_refused", layer=name, class_name=layer_class[:64])
        if name in seen:
            raise _unreadable(f"two layers are called {name}.")
        if unknown := set(entry) - _ENTRY_KEYS:
            raise _unreadable(f"layer {name} has unknown entries {sorted(unknown)[:3]}.")
        if class_name == "Sequential":
            inbound = [nodes[-1][0]] if nodes else []
        else:
            inbound = _inbound_names(entry.get("inbound_nodes", []))
            if missing := [source for source in inbound if source not in seen]:
                raise _unreadable(f"layer {name} is fed by {missing[0]}, which does not come "
                                  "before it.")
            if layer_class != "InputLayer" and not inbound:
                raise _unreadable(f"layer {name} is fed by nothing.")
        seen.add(name)
        nodes.append((name, layer_class, layer_config, inbound))
    if class_name == "Sequential":
        outputs = [nodes[-1][0]]
    else:
        outputs = _output_names(body.get("output_layers", []))
        if not outputs or any(output not in seen for output in outputs):
            raise _unreadable("the model's outputs are not among its layers.")
    return nodes, outputs


def _class_and_body(config):
    """`(class_name, body)` of a model config; Keras 2.2.4 stored a Sequential's layers bare."""
    if isinstance(config, (list, tuple)):
        return "Sequential", {"layers": config}
    if not isinstance(config, dict):
        raise _unreadable("the model config is not a model's.")
    class_name, body = config.get("class_name"), config.get("config", {})
    if class_name not in MODEL_CLASSES:
        raise _unreadable(f"unknown model class {str(class_name)[:64]!r}.")
    if isinstance(body, (list, tuple)):
        body = {"layers": body}
    if not isinstance(body, dict):
        raise _unreadable("the model config is not a model's.")
    return class_name, body


def is_sequential(config):
    """Whether a (checked) model config is a Sequential's."""
    return _class_and_body(config)[0] == "Sequential"


def _inbound_names(inbound_nodes):
    """Names of the layers feeding a functional layer, from Keras 3 or Keras 2 node lists."""
    names = []
    stack = [inbound_nodes]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            history = item.get("config", {}).get("keras_history") if isinstance(
                item.get("config"), dict) else None
            if isinstance(history, (list, tuple)) and history and isinstance(history[0], str):
                names.append(history[0])
            else:
                stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            if len(item) in (3, 4) and isinstance(item[0], str) and isinstance(item[1], int):
                names.append(item[0])  # Keras 2: [layer_name, node_index, tensor_index, kwargs]
            else:
                stack.extend(item)
    return names


def _output_names(output_layers):
    if not isinstance(output_layers, (list, tuple)):
        return []
    if output_layers and isinstance(output_layers[0], str):
        return [output_layers[0]]  # A single output stored flat: [name, 0, 0].
    return [entry[0] for entry in output_layers
            if isinstance(entry, (list, tuple)) and entry and isinstance(entry[0], str)]


def declared_input_shape(layer_config):
    """`(None, height, width, channels)` as an input layer's config declares it.

    Raises:
        InputError: `model_input_shape` when the shape is missing or not sizes.
    """
    shape = layer_config.get("batch_shape") or layer_config.get("batch_input_shape")
    if shape is None and isinstance(layer_config.get("input_shape"), (list, tuple)):
        shape = [None, *layer_config["input_shape"]]
    if shape is None and isinstance(layer_config.get("shape"), (list, tuple)):
        shape = [None, *layer_config["shape"]]
    if not isinstance(shape, (list, tuple)) or len(shape) < 2 or not all(
            _is_size(size) for size in shape[1:]):
        raise InputError("model_input_shape", shape="unknown" if shape is None
                         else str(shape)[:64])
    return (None, *shape[1:])


def _is_size(value, limit=10**6):
    return (isinstance(value, int) and not isinstance(value, bool) and value > 0
            and (limit is None or value <= limit))


# --- One layer --------------------------------------------------------------------------


@functools.cache  # Once per class: it is asked for every setting of every layer.
def _allowed_keys(class_name):
    import keras

    arguments = inspect.signature(getattr(keras.layers, class_name).__init__).parameters
    return (frozenset(arguments) - {"self", "kwargs"}) | _COMMON_KEYS | _EXTRA_KEYS.get(
        class_name, frozenset())


def _check_settings(name, class_name, layer_config):
    """Refuses keys the layer's class does not take, and values outside what is accepted."""
    for key, value in layer_config.items():
        if key not in _allowed_keys(class_name):
            raise InputError("model_setting_refused", layer=name, class_name=class_name,
                             setting=str(key)[:64], value=_short(value))
        accepted = _FIXED_VALUES.get(key)
        if accepted is not None and not any(value is v or value == v for v in accepted):
            raise InputError("model_setting_refused", layer=name, class_name=class_name,
                             setting=key, value=_short(value))
    if not _is_float32(layer_config.get("dtype")):
        raise InputError("model_setting_refused", layer=name, class_name=class_name,
                         setting="dtype", value=_short(layer_config.get("dtype")))
    activation = layer_config.get("activation")
    if "activation" in layer_config and not (activation is None or activation in _ACTIVATIONS):
        raise InputError("model_setting_refused", layer=name, class_name=class_name,
                         setting="activation", value=_short(activation))


def _is_float32(dtype):
    if dtype is None or dtype in _FLOAT32_NAMES:
        return True
    if isinstance(dtype, dict) and dtype.get("class_name") in ("DTypePolicy", "Policy"):
        config = dtype.get("config")
        return isinstance(config, dict) and config.get("name") in _FLOAT32_NAMES
    return False


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def instantiate(name, class_name, layer_config):
    """An unbuilt layer (no weights) from its checked config.

    Raises:
        InputError: `model_setting_refused` or `model_unreadable`.
    """
    import keras

    _check_settings(name, class_name, layer_config)
    settings = {key: value for key, value in layer_config.items() if key not in _DROPPED_KEYS}
    try:
        return getattr(keras.layers, class_name).from_config(settings)
    except Exception as error:  # Keras raises many types for settings that make no sense.
        raise _unreadable(f"layer {name}: {plain(error)}") from None


def _output_shape(name, layer, input_shape):
    try:
        shape = layer.compute_output_shape(input_shape)
    except Exception as error:
        raise _unreadable(f"layer {name}: {plain(error)}") from None
    shape = tuple(shape)
    # Sizes are bounded by the budget, which counts them next.
    if not all(_is_size(size, limit=None) for size in shape[1:]):
        raise _unreadable(f"layer {name} would output the shape {shape}.")
    return (None, *shape[1:])


def plain(error):
    """The first line of an exception's message, without Keras's long hints."""
    message = str(error).strip().splitlines()
    return (message[0] if message else type(error).__name__)[:300]


def _elements(shape):
    return math.prod(shape[1:])


def _axes(axis, rank):
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return [a % rank for a in axes]


def _parameters(class_name, layer, input_shape):
    channels = input_shape[-1]
    if class_name == "Dense":
        return channels * layer.units + layer.units * layer.use_bias
    if class_name == "Conv2D":
        kernel = math.prod(layer.kernel_size) * (channels // layer.groups) * layer.filters
        return kernel + layer.filters * layer.use_bias
    if class_name == "DepthwiseConv2D":
        outputs = channels * layer.depth_multiplier
        return math.prod(layer.kernel_size) * outputs + outputs * layer.use_bias
    if class_name == "SeparableConv2D":
        depthwise = math.prod(layer.kernel_size) * channels * layer.depth_multiplier
        pointwise = channels * layer.depth_multiplier * layer.filters
        return depthwise + pointwise + layer.filters * layer.use_bias
    if class_name in ("BatchNormalization", "LayerNormalization"):
        features = math.prod(input_shape[a] for a in _axes(layer.axis, len(input_shape)))
        if class_name == "BatchNormalization":  # Scale and offset, moving mean and variance.
            return features * (2 + layer.center + layer.scale)
        return features * (layer.center + layer.scale)
    return 0


def _flops(class_name, layer, input_shape, output_shape):
    outputs = _elements(output_shape)
    if class_name == "Dense":  # Applied along the last axis of every leading position.
        return 2 * _elements(input_shape) * layer.units
    if class_name == "Conv2D":
        per_output = math.prod(layer.kernel_size) * (input_shape[-1] // layer.groups)
        return 2 * outputs * per_output
    if class_name == "DepthwiseConv2D":
        return 2 * outputs * math.prod(layer.kernel_size)
    if class_name == "SeparableConv2D":
        height, width = output_shape[1:3]
        depthwise = height * width * input_shape[-1] * layer.depth_multiplier
        return 2 * depthwise * (math.prod(layer.kernel_size) + layer.filters)
    if class_name in ("MaxPooling2D", "AveragePooling2D"):
        return outputs * math.prod(layer.pool_size)
    if class_name in ("GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization",
                      "LayerNormalization", "Softmax"):
        return 5 * max(_elements(input_shape), outputs)
    return max(_elements(input_shape), outputs)
