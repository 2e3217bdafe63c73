"""The tutorial's CNN and its smaller siblings, the optimizer registry, and model files.

Architectures read like keras-io's `mnist_convnet.py`: a flat
`keras.Sequential([...])`. Loading a file a user uploaded is a security
boundary and lives in `lib.model_files`; this module re-exports `load_model`.
`export_saved_model` writes a model for TensorFlow Serving.
"""

import dataclasses
import json
import os
import pathlib
import shutil
import tempfile

import keras
from keras import layers

from lib import registry
from lib.model_files import load_model  # noqa: F401  (part of this module's API)

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
MODELS_DIR = pathlib.Path(__file__).resolve().parent.parent / "models"
BUNDLED_MODEL_PATH = MODELS_DIR / "mnist_cnn.keras"
BUNDLED_CARD_PATH = MODELS_DIR / "mnist_cnn.json"
# Saved files are readable by everyone, like any file written with the usual umask.
_READABLE = 0o644
# The name of the exported SavedModel's input (its key in a TensorFlow Serving request).
SERVING_INPUT_NAME = "images"


def tutorial_cnn():
    """The tutorial's four-block CNN: 935,562 parameters."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Conv2D(32, kernel_size=(5, 5), padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(5, 5), padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(128, kernel_size=(3, 3), padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(128, kernel_size=(3, 3), padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            # Heavy dropout: the dense head holds most of the parameters.
            layers.Dropout(0.5),
            layers.Dense(512, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="tutorial_cnn",
    )


def small_cnn():
    """A LeNet-like CNN for quick classroom runs: about 1/20 of the tutorial's parameters."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Conv2D(16, kernel_size=(5, 5), padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(32, kernel_size=(5, 5), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="small_cnn",
    )


def mlp():
    """A multilayer perceptron: no convolutions, to compare against the CNNs."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            layers.Flatten(),
            layers.Dense(256, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(128, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="mlp",
    )


PRESETS = {"tutorial_cnn": tutorial_cnn, "small_cnn": small_cnn, "mlp": mlp}


def build_model(preset="tutorial_cnn"):
    """Builds a fresh, uncompiled model from `PRESETS`.

    Raises:
        ValueError: for an unknown preset.
    """
    return registry.get(PRESETS, preset, "preset")()


# Each optimizer's arguments, with the tutorial's Keras 2 names and defaults.
# `lr` is Keras 3's `learning_rate`; `decay` becomes an InverseTimeDecay schedule.
OPTIMIZERS = {
    "sgd": {
        "class": keras.optimizers.SGD,
        "defaults": {"lr": 0.01, "momentum": 0.0, "decay": 0.0, "nesterov": False},
    },
    "rmsprop": {
        "class": keras.optimizers.RMSprop,
        "defaults": {"lr": 0.001, "rho": 0.9, "epsilon": 1e-7, "decay": 0.0},
    },
    "adagrad": {
        "class": keras.optimizers.Adagrad,
        "defaults": {"lr": 0.01, "epsilon": 1e-7, "decay": 0.0},
    },
    "adam": {
        "class": keras.optimizers.Adam,
        "defaults": {"lr": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "decay": 0.0},
    },
}

# How far a widget, a link and the CLI may set each of the tutorial's optimizer arguments.
# The defaults here are Keras's; each optimizer's own are in `OPTIMIZERS` (`optimizer_arguments`).
_FRACTION = {"minimum": 0.0, "maximum": 0.999, "step": 0.001}
OPTIMIZER_ARGUMENTS = {
    "lr": registry.Argument("lr", "float", 0.001, minimum=1e-5, maximum=10.0, step=0.001),
    "momentum": registry.Argument("momentum", "float", 0.0, **_FRACTION),
    "rho": registry.Argument("rho", "float", 0.9, **_FRACTION),
    "beta_1": registry.Argument("beta_1", "float", 0.9, **_FRACTION),
    "beta_2": registry.Argument("beta_2", "float", 0.999, **_FRACTION),
    "epsilon": registry.Argument("epsilon", "float", 1e-7, minimum=1e-10, maximum=1.0),
    "decay": registry.Argument("decay", "float", 0.0, minimum=0.0, maximum=1.0, step=0.001),
    "nesterov": registry.Argument("nesterov", "bool", False),
}


def optimizer_arguments(name, **defaults):
    """The arguments optimizer `name` takes, each starting from its tutorial default.

    Args:
        name: A key of `OPTIMIZERS`.
        **defaults: Other starting values (e.g. a learning rate that suits a problem).

    Returns:
        `{argument name: lib.registry.Argument}`, in the optimizer's order.

    Raises:
        ValueError: for an unknown optimizer (listing the known ones).
    """
    entry = registry.get(OPTIMIZERS, name, "optimizer")
    return {argument: dataclasses.replace(OPTIMIZER_ARGUMENTS[argument],
                                          default=defaults.get(argument, default))
            for argument, default in entry["defaults"].items()}


def learning_rate_schedule(lr, decay):
    """Keras 2's `decay` argument as the Keras 3 schedule with the same formula.

    Keras 2 used `lr / (1 + decay * iterations)`, which is exactly
    `InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)`. Without decay the
    learning rate is the plain number.
    """
    if decay < 0:
        raise ValueError(f"Expected decay >= 0. Received decay={decay}.")
    if decay == 0:
        return lr
    return keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=lr, decay_steps=1, decay_rate=decay
    )


def make_optimizer(name, **kwargs):
    """Builds an optimizer from `OPTIMIZERS` with the tutorial's argument names.

    Args:
        name: `"sgd"`, `"rmsprop"`, `"adagrad"` or `"adam"` (any case).
        **kwargs: The tutorial's arguments (`lr`, `momentum`, `decay`,
            `nesterov`, `rho`, `epsilon`, `beta_1`, `beta_2`); `learning_rate`
            is accepted for `lr`.

    Returns:
        A `keras.optimizers.Optimizer`.

    Raises:
        ValueError: for an unknown optimizer or an argument it does not take.
    """
    key = str(name).lower()
    entry = registry.get(OPTIMIZERS, key, "optimizer")
    if "learning_rate" in kwargs:
        kwargs["lr"] = kwargs.pop("learning_rate")
    unknown = kwargs.keys() - entry["defaults"].keys()
    if unknown:
        raise ValueError(
            f"The {key} optimizer does not take {sorted(unknown)}. "
            f"Its arguments are {sorted(entry['defaults'])}."
        )
    arguments = {**entry["defaults"], **kwargs}
    learning_rate = learning_rate_schedule(
        float(arguments.pop("lr")), float(arguments.pop("decay"))
    )
    return entry["class"](learning_rate=learning_rate, **arguments)


def compile_model(model, optimizer="adam", **optimizer_arguments):
    """Compiles for digit classification with integer labels, as the tutorial did."""
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer, **optimizer_arguments)
    model.compile(
        optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def save_model(model, path, include_optimizer=False):
    """Saves `model` atomically: to a temporary file beside `path`, then renamed.

    A reader never sees a half-written file, and a crash leaves the old one.

    Args:
        model: A Keras model.
        path: Target file ending in `.keras` (or `.h5` for Keras 2 tools).
        include_optimizer: Keep the optimizer's state (to resume training).
            Without it the file holds the architecture and weights only.

    Returns:
        The path as a `pathlib.Path`.
    """
    path = pathlib.Path(path)
    if path.suffix not in (".keras", ".h5"):
        raise ValueError(f"Expected a path ending in .keras or .h5. Received {str(path)!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    to_save = model
    if not include_optimizer and getattr(model, "optimizer", None) is not None:
        # The same architecture and weights, never compiled (clone_model would compile it).
        to_save = type(model).from_config(model.get_config())
        to_save.set_weights(model.get_weights())
    handle, temporary = tempfile.mkstemp(suffix=path.suffix, dir=path.parent, prefix=".saving-")
    os.close(handle)
    try:
        to_save.save(temporary)
        os.chmod(temporary, _READABLE)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def write_card(card, path):
    """Writes a model card (a JSON-able dict) atomically."""
    path = pathlib.Path(path)
    handle, temporary = tempfile.mkstemp(suffix=".json", dir=path.parent, prefix=".saving-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(card, file, indent=2, ensure_ascii=False)
            file.write("\n")
        os.chmod(temporary, _READABLE)
        os.replace(temporary, path)
    finally:
        # A full disk fails the write: leave nothing behind.
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def read_card(model_path):
    """The card beside a model file (`name.json` for `name.keras`), or `None`."""
    card_path = pathlib.Path(model_path).with_suffix(".json")
    if not card_path.exists():
        return None
    with open(card_path, encoding="utf-8") as file:
        return json.load(file)


def load_bundled_model():
    """The trained tutorial CNN shipped in `models/`."""
    if not BUNDLED_MODEL_PATH.exists():
        raise FileNotFoundError(
            f"The bundled model {BUNDLED_MODEL_PATH} is missing. Rebuild it with: "
            "python -m lib.bundled_model"
        )
    return keras.saving.load_model(BUNDLED_MODEL_PATH, compile=False, safe_mode=True)


def export_saved_model(model, directory, version=1):
    """Exports `model` for TensorFlow Serving as `<directory>/<version>/`, atomically.

    TensorFlow Serving watches a model's base path and serves the highest
    numbered version in it; each version is a SavedModel (`saved_model.pb`
    and `variables/`). Keras's own `model.export(..., format="tf_saved_model")`
    writes it into a hidden folder beside the version (TF Serving skips names
    that are not numbers), which is then renamed: TF Serving never loads a
    half-written version, and a failed export leaves nothing behind.

    The SavedModel has one endpoint, `serve`, also registered as the
    signature `serving_default` (the one TF Serving's REST API calls):

    - input `images`: float32 `(None, 28, 28, 1)` in [0, 1], bright ink on
      black, as `lib.preprocess.to_mnist` makes (plus a channel axis);
    - output `output_0`: float32 `(None, 10)` probabilities; each row sums
      to 1. A model whose last layer is not a softmax (it returns logits) is
      exported with a `Softmax` layer appended, as `lib.inference.predict_proba`
      turns its outputs into probabilities.

    Args:
        model: A built Keras model taking `(batch, 28, 28, 1)` and returning
            `(batch, 10)`.
        directory: The model's base path, e.g. `exports/digits` (created if
            missing).
        version: The version number, a positive integer.

    Returns:
        The version folder `<directory>/<version>` as a `pathlib.Path`.

    Raises:
        ValueError: for a version that is not a positive integer, or a model
            with other input or output shapes.
        FileExistsError: if `<directory>/<version>` exists already.
    """
    from lib import inference

    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(
            f"Expected a version that is a positive integer. Received version={version!r}."
        )
    _check_digit_shapes(model)
    directory = pathlib.Path(directory)
    target = directory / str(version)
    if target.exists():
        raise FileExistsError(_version_exists_message(directory, version))
    directory.mkdir(parents=True, exist_ok=True)
    temporary = tempfile.mkdtemp(dir=directory, prefix=".exporting-")
    try:
        # Exporting traces the model: serialise it with the other threads that call it.
        with inference.model_lock(model):
            _with_probabilities(model).export(
                temporary, format="tf_saved_model", verbose=False,
                input_signature=[keras.InputSpec(shape=(None, *INPUT_SHAPE), dtype="float32",
                                                 name=SERVING_INPUT_NAME)],
            )
        os.chmod(temporary, 0o755)  # mkdtemp's folder is private; a version is not.
        try:
            os.rename(temporary, target)
        except OSError as error:  # Another export took this version meanwhile.
            raise FileExistsError(_version_exists_message(directory, version)) from error
    finally:
        if os.path.exists(temporary):
            shutil.rmtree(temporary)
    return target


def saved_model_zip(model, name="digits", version=1):
    """The model exported by `export_saved_model` as a zip, in bytes (for a download button).

    Args:
        model: As for `export_saved_model`.
        name: The folder at the top of the archive: the model's base path
            once unzipped (letters, digits, `-` and `_`).
        version: The version folder inside it.

    Returns:
        The bytes of a zip holding `<name>/<version>/saved_model.pb` and
        `<name>/<version>/variables/`.
    """
    if pathlib.Path(name).name != name or name in ("", ".", ".."):
        raise ValueError(f"Expected a folder name without slashes. Received name={name!r}.")
    with tempfile.TemporaryDirectory(prefix="digitlab-export-") as scratch:
        export_saved_model(model, pathlib.Path(scratch) / name, version)
        # With `root_dir`, a zip is written without changing the process's working folder.
        archive = shutil.make_archive(
            os.path.join(scratch, "archive"), "zip", root_dir=scratch, base_dir=name
        )
        return pathlib.Path(archive).read_bytes()


def _check_digit_shapes(model):
    input_shape, output_shape = model.input_shape, model.output_shape
    if isinstance(input_shape, list) or tuple(input_shape[1:]) != INPUT_SHAPE:
        raise ValueError(
            f"Expected a model taking digits of shape (None, 28, 28, 1). "
            f"Received a model taking {input_shape}."
        )
    if isinstance(output_shape, list) or tuple(output_shape[1:]) != (NUM_CLASSES,):
        raise ValueError(
            f"Expected a model returning {NUM_CLASSES} scores, shape (None, {NUM_CLASSES}). "
            f"Received a model returning {output_shape}."
        )


def _with_probabilities(model):
    # The test lib.inference uses: a softmax layer, or a layer whose activation is softmax.
    last = model.layers[-1]
    if isinstance(last, layers.Softmax) or getattr(last, "activation", None) is (
            keras.activations.softmax):
        return model
    inputs = keras.Input(shape=INPUT_SHAPE)
    return keras.Model(inputs, layers.Softmax()(model(inputs)), name=f"{model.name}_softmax")


def _version_exists_message(directory, version):
    taken = [int(path.name) for path in directory.iterdir() if path.name.isdigit()]
    return (
        f"Version {version} of the model in {directory} exists already; it is never "
        f"overwritten (TensorFlow Serving may be serving it). Export version "
        f"{max(taken, default=version) + 1} instead, or remove {directory / str(version)}."
    )
