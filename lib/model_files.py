"""Loading model files safely: `.keras`, and legacy `.h5` from Keras 2 (2.2.4 included).

A model file from a user is untrusted, and so is everything inside it. Before Keras
builds anything:

- The file is at most `MAX_MODEL_BYTES`, and read from memory: nothing is extracted or
  written to disk.
- A `.keras` archive holds only its known members (`config.json`, `metadata.json`,
  `model.weights.h5`), each under its own size cap and compression ratio.
- The config passes `lib.model_budget.cost`: built-in layers with settings their class
  takes, and a budget of parameters, activations and FLOPs per image, and layers (so no
  code from the file runs and a small file cannot make the server allocate or compute
  without bound); a 28 x 28 x 1 input and 10 outputs.
- The weights file is walked before any weight is read: every link is a hard link inside
  the file (no soft or external links), every dataset is plain (no external storage, no
  virtual datasets), layer weights are floats, and each layer's declared sizes add up to
  exactly what its config implies.

Only then do Keras's own loaders read it (`.keras`, functional `.h5`). Keras 3 cannot load
a Keras 2 Sequential `.h5` (its config is a bare list, or its first layer carries
`batch_input_shape`): those are rebuilt here from the checked config, and each layer's
weights are compared with its shapes before they are read. A model whose weights are not
all finite is refused.

`lib.sandbox` runs this same loading in a short-lived, resource-limited process before
the server loads an upload itself.
"""

import io
import json
import logging
import os
import zipfile

import h5py
import keras
import numpy as np

from lib import archives, keras_internals, model_budget
from lib.errors import InputError

MAX_MODEL_BYTES = 50 * 1024 * 1024
MAX_PARAMETERS = model_budget.MAX_PARAMETERS
EXPECTED_INPUT_SHAPE = (28, 28, 1)
EXPECTED_CLASSES = 10

# The members a `.keras` archive may hold, with the most each may unpack to. The weights
# of `MAX_PARAMETERS` float64 values, plus HDF5's own bookkeeping.
KERAS_MEMBERS = {
    "config.json": 2**20,
    "metadata.json": 64 * 2**10,
    "model.weights.h5": 8 * MAX_PARAMETERS + 4 * 2**20,
}
# The directory of three members, with room for long names and extra fields: a larger one
# is refused before `zipfile` parses it (a 44 MB directory took 2 s and 280 MB to parse).
MAX_DIRECTORY_BYTES = 4096
# Weights barely compress; a member over 1 MB compressed more than this is a zip bomb.
MAX_MEMBER_RATIO = 50
RATIO_MIN_BYTES = 2**20
# An HDF5 file of a digit model has a few dozen groups and datasets.
MAX_HDF5_OBJECTS = 10_000
MAX_HDF5_DEPTH = 16
MAX_HDF5_ATTRIBUTE_BYTES = 2**20

_ZIP_MAGIC = b"PK\x03\x04"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_FLOAT_DTYPES = frozenset({np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)})
_log = logging.getLogger(__name__)


def load_model(source, max_bytes=MAX_MODEL_BYTES):
    """Loads a digit model from a `.keras` or Keras 2 `.h5` file, safely and uncompiled.

    Args:
        source: A path, or the file's `bytes` (an upload).
        max_bytes: Refuse larger files.

    Returns:
        A `keras.Model` taking `(batch, 28, 28, 1)` and returning `(batch, 10)`.

    Raises:
        InputError (a `ValueError`): `file_too_large`, `model_format`,
            `model_unreadable`, `model_members`, `model_weights_refused`,
            `model_not_finite`, `model_input_shape`, `model_output_shape`, or any
            refusal of `lib.model_budget.cost`, with the details. Nothing else: a
            file that breaks a loader in an unforeseen way is `model_unreadable`.
    """
    if isinstance(source, (str, os.PathLike)):
        _check_size(os.path.getsize(source), max_bytes)
        with open(source, "rb") as file:
            data = file.read(max_bytes + 1)
    else:
        data = bytes(source)
    _check_size(len(data), max_bytes)
    try:
        if data.startswith(_ZIP_MAGIC):
            model, cost = _load_keras_file(data)
        elif data.startswith(_HDF5_MAGIC):
            model, cost = _load_h5_file(data)
        else:
            raise InputError("model_format")
        _check_built(model, cost)
    except InputError:
        raise
    except RecursionError:
        raise InputError("model_unreadable", detail="the file is nested too deeply.") from None
    except Exception as error:  # Keras, h5py and zipfile raise many types for a damaged file.
        _log.info("Model file refused: %r", error)
        raise InputError("model_unreadable", detail=model_budget.plain(error)) from None
    return model


def _check_size(size, max_bytes):
    if size > max_bytes:
        raise InputError("file_too_large", size_mb=size / 2**20, limit_mb=max_bytes / 2**20)


def check_config(config):
    """Checks a model config before anything is built: its budget, input and output.

    Args:
        config: The model config as stored (Keras 3 or Keras 2, Sequential or
            functional; a Keras 2.2.4 Sequential stores a bare list).

    Returns:
        Its `lib.model_budget.Cost`.

    Raises:
        InputError: when a check fails.
    """
    cost = model_budget.cost(config)
    for shape in cost.input_shapes:
        if tuple(shape[1:]) != EXPECTED_INPUT_SHAPE:
            raise InputError("model_input_shape", shape=_shape_text(shape))
    outputs = cost.output_shapes
    if len(outputs) != 1 or outputs[0][1:] != (EXPECTED_CLASSES,):
        raise InputError("model_output_shape",
                         shape=" + ".join(_shape_text(shape) for shape in outputs))
    return cost


def _shape_text(shape):
    return "(" + ", ".join("None" if size is None else str(size) for size in shape[1:]) + ")"


def _parse_config(text):
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError("model_unreadable", detail=model_budget.plain(error)) from None


def _check_built(model, cost):
    input_shape = tuple(model.input_shape[1:]) if not isinstance(model.input_shape, list) else None
    if input_shape != EXPECTED_INPUT_SHAPE:
        raise InputError("model_input_shape", shape=str(model.input_shape))
    if tuple(model.output_shape[1:]) != (EXPECTED_CLASSES,):
        raise InputError("model_output_shape", shape=str(model.output_shape))
    if model.count_params() != cost.parameters:  # The budget counted what was built.
        raise InputError("model_unreadable", detail=f"the model has {model.count_params():,} "
                         f"weights where its config implies {cost.parameters:,}.")
    for layer in model.layers:
        for weight in layer.weights:
            if not np.isfinite(keras.ops.convert_to_numpy(weight)).all():
                raise InputError("model_not_finite", layer=layer.name, weight=weight.name)


# --- .keras -----------------------------------------------------------------------------


def _load_keras_file(data):
    directory = archives.declared_directory(data)
    if directory is not None and directory[1] > MAX_DIRECTORY_BYTES:  # Refused unparsed.
        raise InputError("model_members", members=f"{directory[0]:,} entries",
                         expected=", ".join(KERAS_MEMBERS))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = _check_members(archive)
        config = _parse_config(_read_member(archive, members["config.json"]))
        cost = check_config(config)
        weights = _read_member(archive, members["model.weights.h5"])
    with h5py.File(io.BytesIO(weights), "r") as file:
        layers = _safe_group(file, "layers") if "layers" in file else file
        _check_weights(file, layers, cost, _keras_group_names(config))
    # Keras's own reader, from memory. With no member beyond the three, it opens no asset
    # store, and from a file object it reads the weights in memory: no extraction directory.
    model = keras_internals.load_keras_archive(io.BytesIO(data), compile=False, safe_mode=True)
    return model, cost


def _check_members(archive):
    """`{name: ZipInfo}` of the archive's members, once checked against `KERAS_MEMBERS`."""
    infos = archive.infolist()  # The directory was checked before it was parsed.
    names = [info.filename for info in infos]
    unknown = [name for name in names if name not in KERAS_MEMBERS]
    if unknown or len(set(names)) != len(names) or not {
            "config.json", "model.weights.h5"} <= set(names):
        raise InputError("model_members", members=", ".join(repr(name[:40]) for name in names[:5])
                         + (" ..." if len(names) > 5 else ""),
                         expected=", ".join(KERAS_MEMBERS))
    for info in infos:
        limit = KERAS_MEMBERS[info.filename]
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limit or (info.file_size > RATIO_MIN_BYTES
                                      and ratio > MAX_MEMBER_RATIO):
            raise InputError("model_member_too_large", member=info.filename,
                             size_mb=info.file_size / 2**20, limit_mb=limit / 2**20,
                             ratio=ratio, limit_ratio=MAX_MEMBER_RATIO)
        if info.flag_bits & 0x1:
            raise InputError("model_unreadable", detail=f"{info.filename} is encrypted.")
    return {info.filename: info for info in infos}


def _read_member(archive, info):
    """A member's bytes, never more than its (checked) header declares."""
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise InputError("model_unreadable", detail=f"{info.filename} is not the size its "
                         "header declares.")
    return data


# --- The weights, walked before they are read ----------------------------------------------


def _check_weights(file, layers, cost, group_names=None):
    """Refuses a weights file that is anything but plain float data in itself, or whose
    per-layer sizes differ from what the config implies. Reads no weight.

    Args:
        file: The open `h5py.File`.
        layers: The group holding one group per layer (`layers/` in a `.keras` weights file,
            `model_weights/` in a Keras 2 `.h5`).
        cost: The config's `lib.model_budget.Cost`.
        group_names: `{group name: layer name}` where groups are not named after their
            layers (see `_keras_group_names`).
    """
    group_names = group_names or {}
    declared = {}  # {layer name: float elements declared under its group}
    for path, dataset in _walk(file):
        group = _layer_of(path, layers.name)
        if group is None:
            continue  # Optimizer state, never read (the model loads uncompiled).
        if dataset.dtype not in _FLOAT_DTYPES:
            raise InputError("model_weights_refused", detail=f"{path} holds {dataset.dtype} "
                             "values; weights must be floats.")
        name = group_names.get(group, group)
        declared[name] = declared.get(name, 0) + dataset.size
    for name, elements in declared.items():
        if name not in cost.layer_parameters and elements:
            raise InputError("model_weights_refused", detail=f"weights are stored for {name}, "
                             "which has none in the model's config.")
    for name, expected in cost.layer_parameters.items():
        if declared.get(name, 0) != expected:
            raise InputError("model_weights_mismatch", layer=name,
                             declared=declared.get(name, 0), expected=expected)


def _keras_group_names(config):
    """`{group name: layer name}` of a `.keras` weights file: Keras names each layer's group
    after its class, in order (`conv2d`, `conv2d_1`, ..., `dense`), not after the layer."""
    used, names = {}, {}
    for name, class_name, _, _ in model_budget.graph(config)[0]:
        if class_name == "InputLayer":
            continue
        group = keras_internals.to_snake_case(class_name)
        if group in used:
            used[group] += 1
            group = f"{group}_{used[group]}"
        else:
            used[group] = 0
        names[group] = name
    return names


def _layer_of(path, layers_path):
    """The layer group a dataset's path lies in (`/layers/dense/vars/0` -> `dense`), or `None`."""
    prefix = layers_path.rstrip("/") + "/"
    if not path.startswith(prefix):
        return None
    return path[len(prefix):].split("/", 1)[0]


def _walk(file):
    """Every dataset of an HDF5 file as `(path, dataset)`, refusing anything that is not a
    plain group or dataset reached by a hard link inside the file."""
    seen, count = set(), 0
    stack = [(file, 0)]
    while stack:
        group, depth = stack.pop()
        _check_attributes(group)
        for name in group:
            count += 1
            if count > MAX_HDF5_OBJECTS or depth > MAX_HDF5_DEPTH:
                raise InputError("model_weights_refused", detail="the file has more than "
                                 f"{MAX_HDF5_OBJECTS:,} objects or is nested too deeply.")
            path = f"{group.name.rstrip('/')}/{name}"
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise InputError("model_weights_refused",
                                 detail=f"{path} is a {type(link).__name__}.")
            kind = group.get(name, getclass=True)
            if kind is h5py.Group:
                child = group[name]
                if hash(child.id) in seen:
                    raise InputError("model_weights_refused",
                                     detail=f"{path} links back to a group seen before.")
                seen.add(hash(child.id))
                stack.append((child, depth + 1))
            elif kind is h5py.Dataset:
                try:  # Keras's own checks: links, external storage, virtual, shape bombs.
                    dataset = keras_internals.safe_get_h5_dataset(group, name)
                except ValueError as error:
                    raise InputError("model_weights_refused", detail=f"{path}: "
                                     f"{model_budget.plain(error)}") from None
                if dataset.external or dataset.is_virtual:  # Checked here too, in case.
                    raise InputError("model_weights_refused", detail=f"{path} is stored "
                                     "outside the file.")
                if dataset.dtype.kind not in "fiub" or dataset.dtype.itemsize > 8:
                    raise InputError("model_weights_refused", detail=f"{path} holds "
                                     f"{dataset.dtype} values.")
                # HDF5 reads a chunk whole, into a buffer of its declared size, stored or not:
                # a chunk larger than its dataset costs memory its shape does not declare.
                if dataset.chunks is not None and any(
                        chunk > max(size, 1)
                        for chunk, size in zip(dataset.chunks, dataset.shape, strict=True)):
                    raise InputError("model_weights_refused", detail=f"{path} is stored in "
                                     f"chunks of {dataset.chunks}, larger than its shape "
                                     f"{dataset.shape}.")
                _check_attributes(dataset)
                yield path, dataset
            else:
                raise InputError("model_weights_refused", detail=f"{path} is a "
                                 f"{getattr(kind, '__name__', 'named type')}.")


def _check_attributes(item):
    for name in item.attrs:
        attribute = item.attrs.get_id(name)
        size = np.prod(attribute.shape or (), dtype=np.float64) * attribute.dtype.itemsize
        if size > MAX_HDF5_ATTRIBUTE_BYTES:
            raise InputError("model_weights_refused", detail=f"the attribute {name[:40]} of "
                             f"{item.name} is over {MAX_HDF5_ATTRIBUTE_BYTES // 2**20} MB.")


def _safe_group(parent, name):
    try:
        return keras_internals.safe_get_h5_group(parent, name)
    except ValueError as error:
        raise InputError("model_weights_refused", detail=model_budget.plain(error)) from None


# --- Keras 2 .h5 ----------------------------------------------------------------------------


def _load_h5_file(data):
    with h5py.File(io.BytesIO(data), "r") as file:
        if "model_config" not in file.attrs:
            raise InputError(
                "model_unreadable",
                detail="the .h5 file holds weights only, no model (save it with model.save).",
            )
        _check_attributes(file)
        raw = file.attrs["model_config"]
        config = _parse_config(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
        cost = check_config(config)
        weights = _safe_group(file, "model_weights") if "model_weights" in file else file
        _check_weights(file, weights, cost)
        if _is_legacy_sequential(config):
            return _rebuild_legacy_sequential(config, weights), cost
        # Keras's own Keras 2 loader, on the file already open in memory.
        model = keras_internals.load_model_from_hdf5(file, compile=False, safe_mode=True)
        return model, cost


def _is_legacy_sequential(config):
    if not model_budget.is_sequential(config):
        return False
    _, _, first_config, _ = model_budget.graph(config)[0][0]
    # Keras 2 marks the input with `batch_input_shape` (on an InputLayer or the first layer).
    return "batch_input_shape" in first_config


def _rebuild_legacy_sequential(config, weights_group):
    """Rebuilds a Keras 2 Sequential from its checked config; restores weights by layer name,
    each compared with the layer's shapes before it is read."""
    nodes, _ = model_budget.graph(config)
    model_layers = [model_budget.instantiate(name, class_name, layer_config)
                    for name, class_name, layer_config, _ in nodes if class_name != "InputLayer"]
    model = keras.Sequential([keras.Input(shape=EXPECTED_INPUT_SHAPE), *model_layers])
    for layer in model.layers:
        if not layer.weights:
            continue
        group = weights_group[layer.name]  # Present: `_check_weights` counted its weights.
        names = [_text(name) for name in group.attrs.get("weight_names", [])]
        if not all(name in group for name in names):
            raise InputError("model_unreadable", detail=f"the weights of {layer.name} are not "
                             "where the file says.")
        datasets = [group[name] for name in names]
        declared = [tuple(dataset.shape) for dataset in datasets]
        expected = [tuple(weight.shape) for weight in layer.weights]
        if declared != expected:
            raise InputError("model_unreadable",
                             detail=f"layer {layer.name} stores weights of shapes {declared}, "
                             f"expected {expected}.")
        layer.set_weights([dataset[()] for dataset in datasets])
    return model


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
