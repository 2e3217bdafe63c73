"""The `keras.applications` models: built without weights, measured, and used when weights exist.

Every model in `APPLICATIONS` is built with `weights=None`, which needs no
download, to count its layers and parameters, estimate its FLOPs and list its
layers (`model_stats`). That build only gives each variable its shape: no
weight is allocated (VGG16's would be 528 MB of random numbers), and the model
is dropped once counted. Its ImageNet weights are a file in Keras's cache
(`~/.keras/models/`); when that file is there, or its host answers within
`lib.data.CONNECT_TIMEOUT` seconds, `load_pretrained` gives a model that
classifies a photo with the model's own `preprocess_input` /
`decode_predictions` and extracts its embedding.
"""

import dataclasses
import importlib
import threading

import numpy as np

from lib import datasets, registry
from lib.datasets import CacheFile

_APPLICATIONS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"
CLASS_INDEX = CacheFile(
    "imagenet_class_index.json",
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
    cache_subdir="models", file_hash="c2c37ea517e94d9795004a39431a14cb",
)
TOP = 5
# A pretrained model is shared by every session (each runs in its own thread): one call at a time.
_MODEL_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class ApplicationSpec:
    """A model of `keras.applications`.

    Attributes:
        name: Its constructor in `keras.applications` (`"MobileNetV2"`).
        module: Its module there, which holds its `preprocess_input` and
            `decode_predictions` (`"mobilenet_v2"`).
        input_size: The side of its square input images, in pixels.
        weights: The `CacheFile` of its ImageNet weights (with the classifier).
        weights_notop: The `CacheFile` for `include_top=False`.
        arguments: Extra constructor arguments, as `((name, value), ...)`.
        year: When it was published.
    """

    name: str
    module: str
    input_size: int
    weights: CacheFile
    weights_notop: CacheFile
    arguments: tuple = ()
    year: int = 0

    @property
    def constructor_arguments(self):
        return {"input_shape": (self.input_size, self.input_size, 3), **dict(self.arguments)}


def _weights(folder, fname, notop_fname, base=_APPLICATIONS_URL, origin=None, notop_origin=None):
    folder = f"{folder}/" if folder else ""
    return (CacheFile(fname, origin or f"{base}{folder}{fname}", cache_subdir="models"),
            CacheFile(notop_fname, notop_origin or f"{base}{folder}{notop_fname}",
                      cache_subdir="models"))


def _spec(name, module, input_size, weights, year, arguments=()):
    return ApplicationSpec(name, module, input_size, *weights, arguments=arguments, year=year)


_KERAS_WEIGHTS = "_weights_tf_dim_ordering_tf_kernels"
APPLICATIONS = {spec.name: spec for spec in (
    _spec("MobileNetV2", "mobilenet_v2", 224, _weights(
        "mobilenet_v2", f"mobilenet_v2{_KERAS_WEIGHTS}_1.0_224.h5",
        f"mobilenet_v2{_KERAS_WEIGHTS}_1.0_224_no_top.h5"), 2018),
    _spec("MobileNetV3Small", "mobilenet_v3", 224, _weights(
        "mobilenet_v3", "weights_mobilenet_v3_small_224_1.0_float.h5",
        "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"), 2019),
    _spec("EfficientNetB0", "efficientnet", 224, _weights(
        "", "efficientnetb0.h5", "efficientnetb0_notop.h5",
        base="https://storage.googleapis.com/keras-applications/"), 2019),
    _spec("EfficientNetV2B0", "efficientnet_v2", 224, _weights(
        "efficientnet_v2", "efficientnetv2-b0.h5", "efficientnetv2-b0_notop.h5"), 2021),
    _spec("NASNetMobile", "nasnet", 224, _weights(
        "nasnet", "nasnet_mobile.h5", "nasnet_mobile_no_top.h5",
        origin=f"{_APPLICATIONS_URL}nasnet/NASNet-mobile.h5",
        notop_origin=f"{_APPLICATIONS_URL}nasnet/NASNet-mobile-no-top.h5"), 2018),
    _spec("DenseNet121", "densenet", 224, _weights(
        "densenet", f"densenet121{_KERAS_WEIGHTS}.h5", f"densenet121{_KERAS_WEIGHTS}_notop.h5"),
        2017),
    _spec("ResNet50", "resnet50", 224, _weights(
        "resnet", f"resnet50{_KERAS_WEIGHTS}.h5", f"resnet50{_KERAS_WEIGHTS}_notop.h5"), 2015),
    _spec("InceptionV3", "inception_v3", 299, _weights(
        "inception_v3", f"inception_v3{_KERAS_WEIGHTS}.h5",
        f"inception_v3{_KERAS_WEIGHTS}_notop.h5"), 2015),
    _spec("Xception", "xception", 299, _weights(
        "xception", f"xception{_KERAS_WEIGHTS}.h5", f"xception{_KERAS_WEIGHTS}_notop.h5"), 2017),
    _spec("ConvNeXtTiny", "convnext", 224, _weights(
        "convnext", "convnext_tiny.h5", "convnext_tiny_notop.h5"), 2022),
    _spec("VGG16", "vgg16", 224, _weights(
        "vgg16", f"vgg16{_KERAS_WEIGHTS}.h5", f"vgg16{_KERAS_WEIGHTS}_notop.h5"), 2014),
)}
# The four the tutorial's table names, compared by default.
DEFAULT_COMPARISON = ("MobileNetV2", "EfficientNetB0", "ResNet50", "VGG16")


def get_spec(name):
    """The `ApplicationSpec` called `name`.

    Raises:
        ValueError: for a name not in `APPLICATIONS`.
    """
    return registry.get(APPLICATIONS, name, "application")


def keras_module(name):
    """The `keras.applications` module of model `name` (its `preprocess_input`, ...)."""
    return importlib.import_module(f"keras.applications.{get_spec(name).module}")


def build(name, weights=None, include_top=True, pooling=None):
    """`keras.applications.<name>(weights=weights, ...)` at the registry's input size.

    Args:
        name: A key of `APPLICATIONS`.
        weights: `None` (random, no download), `"imagenet"` or a weights file.
        include_top: Whether to keep the 1000-class classifier.
        pooling: `None`, `"avg"` or `"max"` (with `include_top=False`).

    Returns:
        A `keras.Model`.
    """
    import keras

    spec = get_spec(name)
    return getattr(keras.applications, spec.name)(
        weights=weights, include_top=include_top, pooling=pooling, **spec.constructor_arguments)


@dataclasses.dataclass(frozen=True)
class LayerRow:
    """One row of a model's layer table."""

    name: str
    kind: str
    output_shape: tuple
    params: int
    multiply_adds: int


@dataclasses.dataclass(frozen=True)
class ModelStats:
    """What a model costs.

    Attributes:
        name: The `APPLICATIONS` key.
        input_shape: `(height, width, 3)`.
        layers: Number of layers (input layer included, as `len(model.layers)`).
        params: All parameters.
        trainable_params: Trainable ones.
        size_mb: The weights in float32, in MiB.
        multiply_adds: Multiply-adds of one image through its Conv and Dense layers.
        rows: The layer table, a tuple of `LayerRow`.
    """

    name: str
    input_shape: tuple
    layers: int
    params: int
    trainable_params: int
    size_mb: float
    multiply_adds: int
    rows: tuple

    @property
    def gflops(self):
        """FLOPs per image in billions: two per multiply-add."""
        return 2 * self.multiply_adds / 1e9


def _shape(tensor):
    return tuple(tensor.shape[1:])


def layer_multiply_adds(layer):
    """Multiply-adds of one image through `layer`, from its input and output shapes.

    Counts the convolutions and matrix products, which are nearly all of a
    CNN's arithmetic: Conv2D (grouped too), DepthwiseConv2D, SeparableConv2D
    and Dense (also on feature maps, as in ConvNeXt). Everything else
    (BatchNormalization, activations, pooling, additions) counts 0: a few
    percent of the total. Exact for the counted layers, independent of the
    backend and quick, unlike TensorFlow's profiler on a traced graph (which
    also counts the element-wise operations, and needs the TensorFlow backend).
    """
    from keras import layers

    kind = type(layer)
    if not isinstance(layer, layers.Conv2D | layers.DepthwiseConv2D | layers.SeparableConv2D
                      | layers.Dense):
        return 0
    input_shape, output_shape = _shape(layer.input), _shape(layer.output)
    if kind is layers.Dense or isinstance(layer, layers.Dense):
        positions = int(np.prod(output_shape[:-1])) if len(output_shape) > 1 else 1
        return positions * input_shape[-1] * output_shape[-1]
    height, width, channels_out = output_shape
    channels_in = input_shape[-1]
    kernel = int(np.prod(layer.kernel_size))
    if isinstance(layer, layers.DepthwiseConv2D):
        return height * width * channels_out * kernel
    if isinstance(layer, layers.SeparableConv2D):
        depthwise = channels_in * layer.depth_multiplier
        return height * width * depthwise * (kernel + channels_out)
    return height * width * channels_out * kernel * channels_in // layer.groups


def model_stats(name, model=None):
    """Counts, sizes and the layer table of model `name`.

    Everything here comes from shapes: the layers' output shapes and their
    variables' shapes, never their values.

    Args:
        name: A key of `APPLICATIONS`.
        model: A model built by `build(name)`; if `None`, one is built here with
            shapes only (see `shapes_only_stats`) and dropped.

    Returns:
        A `ModelStats`.
    """
    if model is None:
        return shapes_only_stats(name)
    rows = tuple(
        LayerRow(layer.name, type(layer).__name__, _shape(layer.output), layer.count_params(),
                 layer_multiply_adds(layer))
        for layer in model.layers
    )
    params = model.count_params()
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    return ModelStats(
        name=name, input_shape=_shape(model.inputs[0]), layers=len(model.layers), params=params,
        trainable_params=trainable, size_mb=params * 4 / 2**20,
        multiply_adds=sum(row.multiply_adds for row in rows), rows=rows,
    )


def shapes_only_stats(name):
    """`model_stats` of model `name` built without allocating a single weight.

    The model is built inside `keras.StatelessScope(initialize_variables=False)`:
    each variable gets its shape and initializer but no value, so VGG16 costs a
    few MB of layer objects instead of 528 MB of weights (and 0.03 s instead of
    5 s of random numbers). Keras keeps such variables in a list of its thread's
    global state, to initialise them when the next stateless scope ends (every
    symbolic layer call opens one): built on a thread of its own, the list goes
    with the thread, so nothing can allocate them later, and the model goes
    with the counting. Its automatic layer names do not advance the caller's
    counters either.

    Args:
        name: A key of `APPLICATIONS`.

    Returns:
        A `ModelStats`, equal to `model_stats(name, build(name))`.

    Raises:
        ValueError: for a name not in `APPLICATIONS`.
    """
    import keras

    get_spec(name)
    outcome = {}

    def count():
        try:
            with keras.StatelessScope(initialize_variables=False):
                outcome["stats"] = model_stats(name, build(name))
        except BaseException as error:  # Raised again on the caller's thread.
            outcome["error"] = error

    thread = threading.Thread(target=count, name=f"model_stats-{name}", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["stats"]


def weights_availability(name, include_top=True, reachable=None):
    """Whether model `name`'s ImageNet weights are cached, downloadable now, or out of reach.

    Returns:
        A `lib.datasets.Availability`.
    """
    spec = get_spec(name)
    return datasets.availability((spec.weights if include_top else spec.weights_notop,),
                                 reachable)


@dataclasses.dataclass(frozen=True)
class Pretrained:
    """A model with its ImageNet weights, and its feature extractor.

    Attributes:
        name: The `APPLICATIONS` key.
        model: The classifier, `(1, size, size, 3)` -> `(1, 1000)` probabilities.
        extractor: The same weights up to the last feature map, then global average
            pooling: what `include_top=False, pooling="avg"` computes.
        origin: The weights file or URL they came from.
    """

    name: str
    model: object
    extractor: object
    origin: str


def load_pretrained(name, reachable=None):
    """Model `name` with its ImageNet weights, only if they are cached or downloadable now.

    Cached weights are read straight from Keras's cache with `load_weights`, so
    no network is touched; missing ones are downloaded by Keras
    (`weights="imagenet"`), which then keeps them there.

    Raises:
        ValueError: for an unknown name, or a weights file that does not fit.
        lib.datasets.Unavailable: when the weights are neither cached nor downloadable.
    """
    spec = get_spec(name)
    status = weights_availability(name, reachable=reachable)
    if status.state == "offline":
        raise datasets.Unavailable(f"The ImageNet weights of {name}", status.missing)
    path = datasets.cache_path(spec.weights)
    try:
        if status.state == "cached":
            model = build(name)
            model.load_weights(path)
            origin = path
        else:
            model = build(name, weights="imagenet")
            origin = spec.weights.origin
    except Exception as error:  # A truncated file, a different model's weights, a cut download.
        raise ValueError(
            f"Could not load the ImageNet weights of {name} from {path}: {error}. Delete the "
            f"file and run once online, or replace it with {spec.weights.origin}."
        ) from error
    return Pretrained(name, model, feature_extractor(model), origin)


def feature_extractor(model):
    """`model` up to its last feature map, then global average pooling (no copy of weights).

    The last feature map is the last 4-D output with more than one position: what
    `include_top=False` ends with, so this is `include_top=False, pooling="avg"`.
    """
    import keras
    from keras import layers

    feature_map = next(layer.output for layer in reversed(model.layers)
                       if len(layer.output.shape) == 4
                       and layer.output.shape[1] * layer.output.shape[2] > 1)
    pooled = layers.GlobalAveragePooling2D(name="embedding")(feature_map)
    return keras.Model(model.input, pooled, name=f"{model.name}_features")


def prepare_image(image, name):
    """A photo as model `name`'s input: centre-cropped square, resized, `preprocess_input`-ed.

    Args:
        image: A PIL image (any mode).
        name: A key of `APPLICATIONS`.

    Returns:
        `(pixels, batch)`: uint8 `(size, size, 3)` as the model sees it, and float32
        `(1, size, size, 3)` after the model's own `preprocess_input`.
    """
    from PIL import Image, ImageOps

    size = get_spec(name).input_size
    picture = ImageOps.exif_transpose(image).convert("RGB")
    picture = ImageOps.fit(picture, (size, size), method=Image.Resampling.BICUBIC)
    pixels = np.asarray(picture, dtype=np.uint8)
    batch = keras_module(name).preprocess_input(pixels[None].astype(np.float32))
    return pixels, np.asarray(batch, dtype=np.float32)


def class_index_availability(reachable=None):
    """Whether ImageNet's class names (`imagenet_class_index.json`) can be had."""
    return datasets.availability((CLASS_INDEX,), reachable)


def decode(name, probabilities, top=TOP, reachable=None):
    """The `top` classes of `(1, 1000)` probabilities, named by the model's `decode_predictions`.

    Returns:
        `(rows, note)`: rows of `(class_id, description, probability)`, best
        first; without ImageNet's class index (offline, not cached), the
        description is `None` and `note` says why.
    """
    probabilities = np.asarray(probabilities, dtype=np.float32)
    status = class_index_availability(reachable)
    if status.state == "cached":
        try:
            datasets.check_hashes((CLASS_INDEX,))
        except ValueError as error:
            status, note = None, str(error)
    if status is not None and status.available:
        decoded = keras_module(name).decode_predictions(probabilities, top=top)[0]
        return [(class_id, description, float(score))
                for class_id, description, score in decoded], None
    if status is not None:
        note = str(datasets.Unavailable("ImageNet's class index", status.missing))
    best = np.argsort(probabilities[0])[::-1][:top]
    return [(str(index), None, float(probabilities[0, index])) for index in best], note


def classify(pretrained, image, top=TOP, reachable=None):
    """Classifies a photo with a `Pretrained` model.

    Returns:
        `(pixels, rows, note, embedding)`: the `(size, size, 3)` input, the `decode`
        rows and note, and the float32 embedding `(features,)`.
    """
    pixels, batch = prepare_image(image, pretrained.name)
    with _MODEL_LOCK:
        probabilities = np.asarray(pretrained.model(batch, training=False))
        embedding = np.asarray(pretrained.extractor(batch, training=False))[0]
    rows, note = decode(pretrained.name, probabilities, top=top, reachable=reachable)
    return pixels, rows, note, embedding


def fine_tuning_code(name, classes=10):
    """A short fine-tuning recipe for model `name`, as Python source."""
    spec = get_spec(name)
    size = spec.input_size
    return f'''import keras
from keras import layers

# The pre-trained body without its ImageNet classifier, frozen at first.
base = keras.applications.{spec.name}(
    weights="imagenet", include_top=False, input_shape=({size}, {size}, 3)
)
base.trainable = False

inputs = keras.Input(shape=({size}, {size}, 3))
x = keras.applications.{spec.module}.preprocess_input(inputs)
# training=False keeps BatchNormalization in inference mode, even when unfrozen later.
x = base(x, training=False)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense({classes}, activation="softmax")(x)
model = keras.Model(inputs, outputs)

# 1. Train the new head only.
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_images, train_labels, epochs=5, validation_data=(val_images, val_labels))

# 2. Unfreeze the body and fine-tune everything with a small learning rate.
base.trainable = True
model.compile(optimizer=keras.optimizers.Adam(1e-5),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_images, train_labels, epochs=3, validation_data=(val_images, val_labels))
'''


def embedding_code(name):
    """How to get a photo's embedding with model `name`, as Python source."""
    spec = get_spec(name)
    size = spec.input_size
    return f'''import keras
import numpy as np

extractor = keras.applications.{spec.name}(weights="imagenet", include_top=False, pooling="avg")
image = keras.utils.load_img("photo.jpg", target_size=({size}, {size}))
batch = keras.applications.{spec.module}.preprocess_input(
    np.array(image, dtype="float32")[None]
)
embedding = extractor.predict(batch)[0]  # one vector per photo
'''
