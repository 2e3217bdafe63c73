"""Loading model files safely: `.keras`, and legacy `.h5` from Keras 2 (2.2.4 included).

A model file from a user is untrusted. Before Keras builds anything, the
config is read and checked: size cap, only Keras's built-in layer classes
(no Lambda, TFSMLayer or custom objects, so no code from the file runs), a
parameter budget computed from the config alone (so a hostile file cannot make
the server allocate), and a 28 x 28 x 1 input with 10 outputs.

Keras 3 cannot load a Keras 2 Sequential `.h5` (its config is a bare list, or
its first layer carries `batch_input_shape`): those are rebuilt from the
stored config and their weights restored by layer name, without compiling.
"""

import io
import json
import math
import os
import tempfile
import zipfile

import h5py
import keras
import numpy as np

from lib.errors import InputError

MAX_MODEL_BYTES = 50 * 1024 * 1024
MAX_PARAMETERS = 5_000_000
EXPECTED_INPUT_SHAPE = (28, 28, 1)
EXPECTED_CLASSES = 10

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
_MODEL_CLASSES = frozenset({"Sequential", "Functional", "Model"})
_ZIP_MAGIC = b"PK\x03\x04"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
# Keras 2 layer-config keys that only matter for training, dropped when rebuilding.
_TRAINING_ONLY_KEYS = (
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "activity_regularizer", "kernel_constraint", "bias_constraint", "beta_initializer",
    "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
    "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
    "depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
    "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint",
    "batch_input_shape", "batch_shape", "input_shape", "input_dim", "dtype",
)


def load_model(source, max_bytes=MAX_MODEL_BYTES, max_parameters=MAX_PARAMETERS):
    """Loads a digit model from a `.keras` or Keras 2 `.h5` file, safely and uncompiled.

    Args:
        source: A path, or the file's `bytes` (an upload).
        max_bytes: Refuse larger files.
        max_parameters: Refuse models with more parameters (counted from the
            config, before anything is built).

    Returns:
        A `keras.Model` taking `(batch, 28, 28, 1)` and returning `(batch, 10)`.

    Raises:
        InputError (a `ValueError`): `file_too_large`, `model_format`,
            `model_unreadable`, `model_layer_refused`, `model_too_many_params`,
            `model_input_shape` or `model_output_shape`, with the details.
    """
    if isinstance(source, (str, os.PathLike)):
        size = os.path.getsize(source)
        _check_size(size, max_bytes)
        with open(source, "rb") as file:
            data = file.read()
    else:
        data = bytes(source)
        _check_size(len(data), max_bytes)
    if data.startswith(_ZIP_MAGIC):
        return _load_keras_file(data, max_parameters)
    if data.startswith(_HDF5_MAGIC):
        return _load_h5_file(data, max_parameters)
    raise InputError("model_format")


def _check_size(size, max_bytes):
    if size > max_bytes:
        raise InputError("file_too_large", size_mb=size / 2**20, limit_mb=max_bytes / 2**20)


def _load_keras_file(data, max_parameters):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("config.json")
            if info.file_size > 10 * 2**20:
                raise InputError("model_unreadable", detail="config.json is over 10 MB.")
            config = json.loads(archive.read(info))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError("model_unreadable", detail=_plain(error)) from None
    check_config(config, max_parameters)
    return _load_with_keras(data, ".keras")


def _load_h5_file(data, max_parameters):
    try:
        with h5py.File(io.BytesIO(data), "r") as file:
            raw = file.attrs.get("model_config")
            if raw is None:
                raise InputError(
                    "model_unreadable",
                    detail="the .h5 file holds weights only, no model (save it with model.save).",
                )
            config = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
            check_config(config, max_parameters)
            if _is_legacy_sequential(config):
                return _rebuild_legacy_sequential(config, file)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError("model_unreadable", detail=_plain(error)) from None
    return _load_with_keras(data, ".h5")


def _load_with_keras(data, suffix):
    # Keras's loader needs a path with the right suffix: use a private temporary file.
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except InputError:
        raise
    except Exception as error:  # Keras raises many types for a damaged file.
        raise InputError("model_unreadable", detail=_plain(error)) from None
    finally:
        os.remove(path)
    _check_built_shapes(model)
    return model


def _plain(error):
    """The first line of an exception's message, without Keras's long hints."""
    message = str(error).strip().splitlines()
    return (message[0] if message else type(error).__name__)[:300]


# --- Reading the config without building anything ---------------------------------


def check_config(config, max_parameters=MAX_PARAMETERS):
    """Checks a model config before building: allowed layers, budget, input and output.

    Args:
        config: The model config as stored (Keras 3 or Keras 2, Sequential or
            functional; a Keras 2.2.4 Sequential stores a bare list).
        max_parameters: The parameter budget.

    Returns:
        The parameter count the config implies.

    Raises:
        InputError: when a check fails.
    """
    _refuse_foreign_objects(config)
    nodes, outputs = _graph(config)
    shapes, total = {}, 0
    for name, class_name, layer_config, inbound in nodes:
        if class_name not in ALLOWED_LAYERS:
            raise InputError("model_layer_refused", layer=name, class_name=class_name)
        if class_name == "InputLayer":
            shapes[name] = _declared_input_shape(layer_config)
            continue
        declared = layer_config.get("batch_input_shape") or layer_config.get("batch_shape")
        if not inbound:
            if not declared:
                raise InputError("model_input_shape", shape="unknown")
            shapes[f"{name}:input"] = tuple(declared)
            inbound = [f"{name}:input"]
        input_shapes = [shapes[source] for source in inbound]
        layer = _instantiate(class_name, layer_config)
        try:
            argument = input_shapes[0] if len(input_shapes) == 1 else input_shapes
            shapes[name] = tuple(layer.compute_output_shape(argument))
        except Exception as error:
            raise InputError("model_unreadable", detail=f"layer {name}: {_plain(error)}") from None
        total += _parameter_count(class_name, layer, input_shapes[0])
        if total > max_parameters:
            raise InputError("model_too_many_params", params=total, limit=max_parameters)
    inputs = [key for key in shapes if key.endswith(":input")] + [
        name for name, class_name, _, _ in nodes if class_name == "InputLayer"
    ]
    for name in inputs:
        if tuple(shapes[name][1:]) != EXPECTED_INPUT_SHAPE:
            raise InputError("model_input_shape", shape=_shape_text(shapes[name]))
    if len(outputs) != 1 or shapes[outputs[0]][1:] != (EXPECTED_CLASSES,):
        shape = " + ".join(_shape_text(shapes[name]) for name in outputs)
        raise InputError("model_output_shape", shape=shape)
    return total


def _refuse_foreign_objects(config):
    """Refuses anything serialized from outside Keras (custom classes and functions)."""
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            module = item.get("module")
            class_name = item.get("class_name")
            if isinstance(module, str) and not (module == "keras" or module.startswith("keras.")):
                raise InputError(
                    "model_layer_refused",
                    layer=str(item.get("config", {}).get("name", class_name))
                    if isinstance(item.get("config"), dict) else str(class_name),
                    class_name=f"{module}.{class_name}",
                )
            if class_name in ("__lambda__", "function", "Lambda", "TFSMLayer"):
                raise InputError(
                    "model_layer_refused", layer=str(class_name), class_name=str(class_name)
                )
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _graph(config):
    """The layers in order as `(name, class_name, config, inbound_names)`, and the output names."""
    class_name, body = _class_and_body(config)
    if class_name not in _MODEL_CLASSES:
        raise InputError("model_unreadable", detail=f"unknown model class {class_name!r}.")
    layers = body.get("layers") if isinstance(body, dict) else None
    if not isinstance(layers, list) or not layers:
        raise InputError("model_unreadable", detail="the model config has no layers.")
    nodes = []
    for index, layer in enumerate(layers):
        layer_class = layer.get("class_name")
        layer_config = layer.get("config", {})
        if layer_class in _MODEL_CLASSES:
            raise InputError("model_layer_refused", layer=layer_config.get("name", "?"),
                             class_name=f"nested {layer_class}")
        name = layer.get("name") or layer_config.get("name") or f"layer_{index}"
        if class_name == "Sequential":
            inbound = [nodes[-1][0]] if nodes else []
        else:
            inbound = _inbound_names(layer.get("inbound_nodes", []))
        nodes.append((name, layer_class, layer_config, inbound))
    if class_name == "Sequential":
        outputs = [nodes[-1][0]]
    else:
        outputs = _output_names(body.get("output_layers", []))
    return nodes, outputs


def _class_and_body(config):
    """`(class_name, body)` of a model config; Keras 2.2.4 stored a Sequential's layers bare."""
    if isinstance(config, list):
        return "Sequential", {"layers": config}
    body = config.get("config", {})
    if isinstance(body, list):
        body = {"layers": body}
    return config.get("class_name"), body


def _inbound_names(inbound_nodes):
    """Names of the layers feeding a functional layer, from Keras 3 or Keras 2 node lists."""
    names = []
    stack = [inbound_nodes]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            history = item.get("config", {}).get("keras_history") if isinstance(
                item.get("config"), dict) else None
            if history:
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
    if output_layers and isinstance(output_layers[0], str):
        return [output_layers[0]]  # A single output stored flat: [name, 0, 0].
    return [entry[0] for entry in output_layers]


def _declared_input_shape(layer_config):
    shape = layer_config.get("batch_shape") or layer_config.get("batch_input_shape")
    if shape is None and layer_config.get("input_shape"):
        shape = [None, *layer_config["input_shape"]]
    if shape is None:
        raise InputError("model_input_shape", shape="unknown")
    return tuple(shape)


def _shape_text(shape):
    return "(" + ", ".join("None" if size is None else str(size) for size in shape[1:]) + ")"


def _instantiate(class_name, layer_config):
    """A layer object from its config; layers hold no weights until they are built."""
    try:
        return getattr(keras.layers, class_name).from_config(_architecture_only(layer_config))
    except Exception as error:
        name = layer_config.get("name", class_name)
        raise InputError("model_unreadable", detail=f"layer {name}: {_plain(error)}") from None


def _architecture_only(layer_config):
    return {key: value for key, value in layer_config.items() if key not in _TRAINING_ONLY_KEYS}


def _parameter_count(class_name, layer, input_shape):
    channels = input_shape[-1] or 0
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
    if class_name == "BatchNormalization":
        return channels * (2 + layer.center + layer.scale)
    if class_name == "LayerNormalization":
        return channels * (layer.center + layer.scale)
    return 0


def _check_built_shapes(model):
    input_shape = tuple(model.input_shape[1:]) if not isinstance(model.input_shape, list) else None
    if input_shape != EXPECTED_INPUT_SHAPE:
        raise InputError("model_input_shape", shape=str(model.input_shape))
    if tuple(model.output_shape[1:]) != (EXPECTED_CLASSES,):
        raise InputError("model_output_shape", shape=str(model.output_shape))


# --- Keras 2 Sequential .h5 ---------------------------------------------------------


def _is_legacy_sequential(config):
    class_name, body = _class_and_body(config)
    if class_name != "Sequential":
        return False
    layers = body.get("layers", [])
    # Keras 2 marks the input with `batch_input_shape` (on an InputLayer or the first layer).
    return bool(layers) and "batch_input_shape" in layers[0].get("config", {})


def _rebuild_legacy_sequential(config, file):
    """Rebuilds a Keras 2 Sequential from its stored config and restores weights by layer name."""
    layer_configs = _class_and_body(config)[1]["layers"]
    model_layers = []
    for layer in layer_configs:
        if layer["class_name"] == "InputLayer":
            continue
        model_layers.append(_instantiate(layer["class_name"], layer["config"]))
    model = keras.Sequential([keras.Input(shape=EXPECTED_INPUT_SHAPE), *model_layers])
    weights_group = file.get("model_weights", file)
    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name not in weights_group:
            raise InputError(
                "model_unreadable", detail=f"no weights stored for layer {layer.name}."
            )
        group = weights_group[layer.name]
        names = [_text(name) for name in group.attrs.get("weight_names", [])]
        values = [np.asarray(group[name]) for name in names]
        expected = [tuple(weight.shape) for weight in layer.weights]
        if [value.shape for value in values] != expected:
            raise InputError(
                "model_unreadable",
                detail=f"layer {layer.name} stores weights of shapes "
                f"{[value.shape for value in values]}, expected {expected}.",
            )
        layer.set_weights(values)
    return model


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
