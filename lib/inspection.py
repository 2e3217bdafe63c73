"""Look inside a digit model: each layer's output, filters, saliency, Grad-CAM, test-set errors.

Works for any single-input Keras model the app can load, sequential or
functional. Nothing here changes the model: every view runs through a derived
`keras.Model` built from the model's own symbolic tensors, once per model, and
traced once into a `tf.function`. A model may be shared by every session (the
bundled one is), and Streamlit serves sessions from threads, so all TensorFlow
work on one model holds that model's lock: the same lock `lib.inference` holds.
"""

import dataclasses
import weakref

import keras
import numpy as np
import tensorflow as tf
from scipy import ndimage

from lib import evaluation, inference, keras_internals, registry

# Layers whose output is a stack of feature maps a student can look at as images.
CONV_LAYERS = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)
# What each kind of layer output is drawn as, by the number of dimensions after the batch.
OUTPUT_KINDS = {3: "maps", 1: "vector"}
# Gradient ascent for filter patterns: enough steps to show the pattern, few enough for ~1 s.
FILTER_STEPS = 40
FILTER_STEP_SIZE = 0.05
# Test digits drawn on the 2-D map at most (all of them count in the statistics).
MAP_POINTS = 2000
BATCH_SIZE = 256


@dataclasses.dataclass(frozen=True)
class LayerOutput:
    """One layer's output for one input.

    Attributes:
        name: The layer's name, e.g. `"conv2d"`.
        class_name: Its class, e.g. `"Conv2D"`.
        output_shape: Shape without the batch axis, e.g. `(28, 28, 32)`.
        params: Its parameter count.
        kind: `"maps"` (values `(channels, height, width)`), `"vector"`
            (values `(units,)`), `"probabilities"` (the model's output, `(10,)`)
            or `"other"` (values as the layer returned them).
        values: float32 array, shaped by `kind`.
    """

    name: str
    class_name: str
    output_shape: tuple
    params: int
    kind: str
    values: np.ndarray


@dataclasses.dataclass(frozen=True)
class Explanation:
    """Why the model gave a class its score, for one input.

    Attributes:
        class_index: The class explained.
        probabilities: float32 `(10,)`, the model's output.
        gradient: float32 `(28, 28)`, d(score of the class) / d(pixel), signed:
            more ink where it is positive raises the class's score.
        saliency: float32 `(28, 28)` in [0, 1], `|gradient|` scaled to its maximum.
        grad_cam: float32 `(28, 28)` in [0, 1], Grad-CAM upsampled to the input,
            or `None` for a model without convolution layers.
        grad_cam_layer: The layer Grad-CAM looked at, or `None`.
    """

    class_index: int
    probabilities: np.ndarray
    gradient: np.ndarray
    saliency: np.ndarray
    grad_cam: np.ndarray | None
    grad_cam_layer: str | None


@dataclasses.dataclass(frozen=True)
class TestStatistics(evaluation.Evaluation):
    """How a model does on labelled digits: a `lib.evaluation.Evaluation`, and a 2-D map.

    Attributes:
        map_indices: int `(m,)`, the digits drawn on the 2-D map (at most `MAP_POINTS`).
        map_points: float32 `(m, 2)`, their penultimate-layer features projected
            on the first two principal components.
        explained_variance: float `(2,)`, the share of variance each component keeps.
        map_layer: The layer whose output was projected.
    """

    map_indices: np.ndarray
    map_points: np.ndarray
    explained_variance: np.ndarray
    map_layer: str


class _Inspector:
    """The derived models and traced functions of one model (built lazily, kept per model)."""

    def __init__(self, model):
        if len(model.inputs) != 1:
            raise ValueError(
                "Expected a model with one input (a batch of 28 x 28 digits). "
                f"Received a model with {len(model.inputs)} inputs."
            )
        self.model_ref = weakref.ref(model)
        self.lock = inference.model_lock(model)
        self.input_shape = tuple(model.inputs[0].shape[1:])
        # {layer: (input tensor, output tensor)} of the node that leads to the model's output.
        self.tensors = _main_path(model)
        self.layers = [layer for layer in model.layers if layer in self.tensors]
        self.functions = {}

    def output(self, layer):
        return self.tensors[layer][1]

    def input(self, layer):
        return self.tensors[layer][0]

    def function(self, name, build):
        """The traced function `name`, built by `build()` on first use."""
        if name not in self.functions:
            self.functions[name] = build()
        return self.functions[name]


_inspector = inference.PerModel(_Inspector)


def _main_path(model):
    """Each layer's input and output tensors on the way from the model's input to its output.

    `layer.output` is not always that tensor: a `Sequential` model loaded from a
    file was built one layer at a time, which left every layer called on
    several partial graphs, and `layer.output` names the first of them. Walking
    back from `model.outputs` finds the calls the model really makes. A layer
    called twice (shared weights) has no single output to show and is left out.
    """
    found, shared, seen = {}, set(), set()
    stack = list(model.outputs)
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        operation, node = keras_internals.producer(tensor)
        inputs = list(node.input_tensors)
        stack.extend(inputs)
        if isinstance(operation, keras.layers.InputLayer) or len(node.output_tensors) != 1:
            continue
        if operation in found and found[operation][1] is not tensor:
            shared.add(operation)
        found[operation] = (inputs[0] if len(inputs) == 1 else inputs, tensor)
    return {layer: tensors for layer, tensors in found.items() if layer not in shared}


def _batch(image, input_shape):
    array = np.asarray(image, dtype=np.float32)
    if array.shape == input_shape[:2]:
        array = array[..., np.newaxis]
    if array.shape != input_shape:
        raise ValueError(
            f"Expected one digit of shape {input_shape[:2]} or {input_shape}. "
            f"Received an array of shape {np.shape(image)}."
        )
    return tf.constant(array[np.newaxis])


def _signature(inspector):
    return [tf.TensorSpec((None, *inspector.input_shape), tf.float32)]


def conv_layer_names(model):
    """Names of the layers whose output is feature maps from a convolution, in model order."""
    inspector = _inspector(model)
    return [layer.name for layer in inspector.layers
            if isinstance(layer, CONV_LAYERS) and len(inspector.output(layer).shape) == 4]


def output_shapes(model):
    """`{layer name: output shape without the batch axis}`, in the model's order."""
    inspector = _inspector(model)
    return {layer.name: tuple(int(size) for size in inspector.output(layer).shape[1:])
            for layer in inspector.layers}


def default_grad_cam_layer(model):
    """The convolution layer Grad-CAM looks at unless told: the last one at least 7 x 7.

    Grad-CAM's paper uses the last convolution layer. On 28 x 28 digits that
    layer is often tiny (3 x 3 in the tutorial's CNN), too coarse to point at
    a stroke; the last layer of at least 7 x 7 still sees whole strokes.

    Returns:
        A layer name, or `None` for a model without convolution layers.
    """
    shapes = output_shapes(model)
    names = conv_layer_names(model)
    fine = [name for name in names if min(shapes[name][:2]) >= 7]
    return (fine or names or [None])[-1]


def layer_outputs(model, image):
    """Every layer's output for one digit, in the model's order.

    Args:
        model: A Keras model with one input `(28, 28, 1)`.
        image: float array `(28, 28)` or `(28, 28, 1)` in [0, 1].

    Returns:
        A list of `LayerOutput`, one per layer (input layers left out). Feature
        maps come as `(channels, height, width)`; the last layer's 10 values as
        `"probabilities"`.

    Raises:
        ValueError: if `image` is not one digit of the model's input shape, or
            the model has more than one input.
    """
    inspector = _inspector(model)
    batch = _batch(image, inspector.input_shape)

    def build():
        derived = keras.Model(model.inputs, [inspector.output(layer) for layer in inspector.layers])
        return tf.function(lambda x: derived(x, training=False),
                           input_signature=_signature(inspector), reduce_retracing=True)

    with inspector.lock:
        outputs = inspector.function("layers", build)(batch)
        outputs = [np.asarray(output[0], dtype=np.float32) for output in outputs]
    last = inspector.layers[-1]
    results = []
    for layer, values in zip(inspector.layers, outputs, strict=True):
        kind = OUTPUT_KINDS.get(values.ndim, "other")
        if layer is last and values.shape == (10,):
            kind = "probabilities"
            values = inference.as_probabilities(values[np.newaxis])[0]
        elif kind == "maps":
            values = np.moveaxis(values, -1, 0)
        results.append(LayerOutput(layer.name, type(layer).__name__,
                                   tuple(int(size) for size in inspector.output(layer).shape[1:]),
                                   int(layer.count_params()), kind, values))
    return results


def first_conv_kernels(model):
    """The first `Conv2D` layer's kernels, one small image per filter.

    Args:
        model: A Keras model.

    Returns:
        `(layer name, kernels)`, kernels float32 `(filters, kernel_height,
        kernel_width)` (summed over input channels), or `None` when the model
        has no `Conv2D` layer.
    """
    for layer in _inspector(model).layers:
        if isinstance(layer, keras.layers.Conv2D) and not isinstance(
                layer, keras.layers.SeparableConv2D):
            kernel = np.asarray(layer.kernel.numpy(), dtype=np.float32)
            return layer.name, np.moveaxis(kernel.sum(axis=2), -1, 0)
    return None


def _layer(model, name):
    return registry.get({layer.name: layer for layer in _inspector(model).layers}, name, "layer")


def filter_pattern(model, layer_name, filter_index, steps=FILTER_STEPS, seed=0):
    """An input that strongly activates one filter, found by gradient ascent.

    Starts from faint noise and climbs the filter's mean activation for `steps`
    normalised gradient steps, keeping pixels in [0, 1]. For `Conv2D` layers
    the activation before the layer's own activation function is climbed, so a
    filter that ReLU silences on the noise still has a gradient.

    Args:
        model: A Keras model with one input `(28, 28, 1)`.
        layer_name: A convolution layer (see `conv_layer_names`).
        filter_index: Which filter (channel) of that layer.
        steps: Gradient-ascent steps.
        seed: Seed of the starting noise.

    Returns:
        float32 `(28, 28)` in [0, 1].

    Raises:
        ValueError: for a layer that is not a convolution, or a filter it does not have.
    """
    inspector = _inspector(model)
    if layer_name not in conv_layer_names(model):
        raise ValueError(
            f"Expected a convolution layer. Received {layer_name!r}; the model's convolution "
            f"layers are {conv_layer_names(model)}."
        )
    layer = _layer(model, layer_name)
    filters = int(inspector.output(layer).shape[-1])
    if not 0 <= filter_index < filters:
        raise ValueError(
            f"Expected a filter index from 0 to {filters - 1} for layer {layer_name!r}. "
            f"Received {filter_index}."
        )
    preactivation = isinstance(layer, keras.layers.Conv2D) and not isinstance(
        layer, keras.layers.SeparableConv2D)

    def build():
        source = inspector.input(layer) if preactivation else inspector.output(layer)
        derived = keras.Model(model.inputs, source)

        def response(x):
            value = derived(x, training=False)
            if preactivation:
                value = layer.convolution_op(value, layer.kernel)
                if layer.use_bias:
                    value = value + layer.bias
            return value

        def climb(x, channel):
            for _ in tf.range(steps):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    score = tf.reduce_mean(tf.gather(response(x), channel, axis=-1))
                gradient = tape.gradient(score, x)
                gradient = gradient / (tf.math.reduce_std(gradient) + 1e-8)
                x = tf.clip_by_value(x + FILTER_STEP_SIZE * gradient, 0.0, 1.0)
            return x

        return tf.function(climb, input_signature=[*_signature(inspector),
                                                    tf.TensorSpec((), tf.int32)])

    start = np.random.default_rng(seed).uniform(0.0, 0.2, (1, *inspector.input_shape))
    with inspector.lock:
        climbed = inspector.function(f"filter/{layer_name}/{steps}", build)(
            tf.constant(start, tf.float32), tf.constant(filter_index, tf.int32))
        pattern = np.asarray(climbed[0, ..., 0], dtype=np.float32)
    return pattern


def _logits_source(model, inspector):
    """The tensor whose entries are the class scores before softmax, and how to finish them.

    Gradients of softmax probabilities vanish once the model is sure; the
    scores before it (logits) keep them. A final `Dense(..., activation="softmax")`
    is recomputed without its activation from its input; a final `Softmax` or
    `Activation("softmax")` is skipped. Any other model's output is used as is.
    """
    last = inspector.layers[-1]
    activation = getattr(last, "activation", None)
    softmax = activation is keras.activations.softmax or (
        activation is not None and keras.activations.serialize(activation) == "softmax")
    if isinstance(last, keras.layers.Dense) and softmax:
        def finish(value):
            logits = tf.matmul(value, last.kernel)
            return logits + last.bias if last.use_bias else logits

        return inspector.input(last), finish
    if isinstance(last, keras.layers.Softmax) or (
            isinstance(last, keras.layers.Activation) and softmax):
        return inspector.input(last), lambda value: value
    return model.outputs[0], lambda value: value


def explain(model, image, class_index=None, layer_name=None):
    """Saliency map and Grad-CAM for one class of one digit.

    The saliency map is the gradient of the class's score (its logit) with
    respect to every input pixel. Grad-CAM weights each feature map of a
    convolution layer (see `default_grad_cam_layer`) by the mean
    gradient of the class's score over that map, keeps the positive sum and
    scales it up to the input.

    Args:
        model: A Keras model with one input `(28, 28, 1)` and 10 outputs.
        image: float array `(28, 28)` or `(28, 28, 1)` in [0, 1].
        class_index: The class to explain; `None` for the predicted one.
        layer_name: The convolution layer for Grad-CAM; `None` for
            `default_grad_cam_layer(model)`.

    Returns:
        An `Explanation`.

    Raises:
        ValueError: for a class outside 0-9, a `layer_name` that is not a
            convolution layer, or an `image` of the wrong shape.
    """
    inspector = _inspector(model)
    batch = _batch(image, inspector.input_shape)
    conv_names = conv_layer_names(model)
    if layer_name is None:
        layer_name = default_grad_cam_layer(model)
    if layer_name is not None and layer_name not in conv_names:
        raise ValueError(
            f"Expected a convolution layer for Grad-CAM. Received {layer_name!r}; the model's "
            f"convolution layers are {conv_names}."
        )
    if class_index is not None and not 0 <= int(class_index) < 10:
        raise ValueError(f"Expected a class from 0 to 9. Received {class_index}.")

    def build():
        source, finish = _logits_source(model, inspector)
        maps = [inspector.output(_layer(model, layer_name))] if layer_name is not None else []
        derived = keras.Model(model.inputs, [source, model.outputs[0], *maps])

        def gradients(x, chosen):
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(x)
                source_value, output, *map_values = derived(x, training=False)
                logits = finish(source_value)
                chosen = tf.where(chosen < 0, tf.argmax(output[0], output_type=tf.int32), chosen)
                score = logits[0, chosen]
            pixel_gradient = tape.gradient(score, x)
            if not map_values:
                return output, chosen, pixel_gradient, tf.zeros((0,)), tf.zeros((0,))
            map_gradient = tape.gradient(score, map_values[0])
            del tape
            return output, chosen, pixel_gradient, map_values[0], map_gradient

        return tf.function(gradients, input_signature=[*_signature(inspector),
                                                        tf.TensorSpec((), tf.int32)])

    chosen = -1 if class_index is None else int(class_index)
    with inspector.lock:
        output, chosen, pixel_gradient, maps, map_gradient = inspector.function(
            f"explain/{layer_name}", build)(batch, tf.constant(chosen, tf.int32))
        output, chosen = output.numpy()[0], int(chosen)
        gradient = np.asarray(pixel_gradient[0, ..., 0], dtype=np.float32)
        maps, map_gradient = maps.numpy(), map_gradient.numpy()
    grad_cam = None
    if layer_name is not None:
        grad_cam = grad_cam_map(maps[0], map_gradient[0], inspector.input_shape[:2])
    return Explanation(
        class_index=chosen,
        probabilities=inference.as_probabilities(output[np.newaxis])[0],
        gradient=gradient,
        saliency=_scaled(np.abs(gradient)),
        grad_cam=grad_cam,
        grad_cam_layer=layer_name,
    )


def grad_cam_map(maps, gradients, size=(28, 28)):
    """Grad-CAM from one layer's feature maps and the class score's gradient on them.

    Args:
        maps: float `(height, width, channels)`, the layer's output.
        gradients: float `(height, width, channels)`, d(score) / d(maps).
        size: `(height, width)` of the input to scale the map up to.

    Returns:
        float32 `size` in [0, 1] (all zeros where no map speaks for the class).
    """
    weights = np.mean(gradients, axis=(0, 1))
    cam = np.maximum(np.tensordot(maps, weights, axes=([-1], [0])), 0.0)
    zoom = (size[0] / cam.shape[0], size[1] / cam.shape[1])
    cam = ndimage.zoom(cam, zoom, order=1, mode="nearest", grid_mode=True)
    return _scaled(np.maximum(cam, 0.0))


def _scaled(values):
    values = np.asarray(values, dtype=np.float32)
    peak = float(values.max()) if values.size else 0.0
    return values / peak if peak > 0 else np.zeros_like(values)


def pca_2d(features):
    """Projects rows on their first two principal components (by SVD).

    Args:
        features: float array `(n, d)`.

    Returns:
        `(points, explained)`: float32 `(n, 2)` and the share of variance of
        each component, `(2,)`.
    """
    features = np.asarray(features, dtype=np.float64)
    centred = features - features.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    points = centred @ components[:2].T
    if points.shape[1] < 2:
        points = np.pad(points, ((0, 0), (0, 2 - points.shape[1])))
    variance = singular**2
    total = variance.sum()
    explained = variance[:2] / total if total > 0 else np.zeros(2)
    return points.astype(np.float32), np.pad(explained, (0, 2 - explained.size))


def _penultimate_layer(inspector):
    """The last layer before the classifier (skipping dropout and softmax-only layers)."""
    layers = inspector.layers
    last = len(layers) - 1
    if isinstance(layers[last], (keras.layers.Softmax, keras.layers.Activation)) and last > 0:
        last -= 1
    index = last - 1
    while index > 0 and isinstance(layers[index], (keras.layers.Dropout,
                                                   keras.layers.SpatialDropout2D)):
        index -= 1
    return layers[max(index, 0)]


def test_statistics(model, images, labels, map_points=MAP_POINTS, seed=0):
    """Predictions, confusion matrix, per-digit accuracy, mistakes and a 2-D map of test digits.

    Args:
        model: A Keras model with one input `(28, 28, 1)` and 10 outputs.
        images: `(n, 28, 28)` uint8 0-255 or float in [0, 1].
        labels: int `(n,)`.
        map_points: At most this many digits (a seeded sample) go on the 2-D map.
        seed: Seed of that sample.

    Returns:
        A `TestStatistics`.

    Raises:
        ValueError: if `images` and `labels` differ in length.
    """
    images = np.asarray(images)
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if len(images) != len(labels):
        raise ValueError(
            f"Expected one label per image. Received {len(images)} images and "
            f"{len(labels)} labels."
        )
    if images.dtype == np.uint8:
        images = images.astype(np.float32) / 255.0
    images = np.asarray(images, dtype=np.float32).reshape(len(images), *(28, 28, 1))
    inspector = _inspector(model)
    penultimate = _penultimate_layer(inspector)

    def build():
        derived = keras.Model(model.inputs, [inspector.output(penultimate), model.outputs[0]])
        return tf.function(lambda x: derived(x, training=False),
                           input_signature=_signature(inspector), reduce_retracing=True)

    features, outputs = [], []
    with inspector.lock:
        function = inspector.function("statistics", build)
        for start in range(0, len(images), BATCH_SIZE):
            feature, output = function(tf.constant(images[start:start + BATCH_SIZE]))
            features.append(feature.numpy().reshape(len(feature), -1))
            outputs.append(output.numpy())
    probabilities = inference.as_probabilities(np.concatenate(outputs))
    scores = evaluation.evaluate(labels, probabilities.argmax(axis=1), probabilities.max(axis=1))
    sample = np.arange(len(labels))
    if len(sample) > map_points:
        sample = np.sort(np.random.default_rng(seed).choice(sample, map_points, replace=False))
    points, explained = pca_2d(np.concatenate(features)[sample])
    return TestStatistics(
        **vars(scores),
        map_indices=sample,
        map_points=points,
        explained_variance=explained,
        map_layer=penultimate.name,
    )


@dataclasses.dataclass(frozen=True)
class WeightChange:
    """How much fine-tuning moved one layer's weights.

    Attributes:
        name: The layer's name, e.g. `"dense"`.
        class_name: Its class, e.g. `"Dense"`.
        params: Its parameter count.
        relative_change: `||after - before|| / ||before||` over all its weights (kernel and
            bias together): 0.0 for a layer left as it was, 0.01 for one moved by 1%.
    """

    name: str
    class_name: str
    params: int
    relative_change: float


def weight_changes(before, after):
    """Each layer's relative weight change from `before` to `after`, a copy of it trained on.

    A taught model (`lib.teach`) is a clone of the model it was taught from, trained further:
    this says which layers learned the writer's hand (the dense ones) and which stayed as they
    were (the frozen convolutions). `before` is only read; hold `inference.model_lock(before)`
    around the call if other threads use it.

    Args:
        before: The Keras model as it was.
        after: The same architecture with other weights (`keras.models.clone_model`'s).

    Returns:
        A list of `WeightChange`, one per layer with weights, in the model's order.

    Raises:
        ValueError: if the two models do not have the same layers and weight shapes.
    """
    layers_before = [layer for layer in before.layers if layer.weights]
    layers_after = [layer for layer in after.layers if layer.weights]
    shapes = [[tuple(weight.shape) for weight in layer.weights] for layer in layers_before]
    if shapes != [[tuple(weight.shape) for weight in layer.weights] for layer in layers_after]:
        raise ValueError("Expected two models with the same layers and weight shapes (a model "
                         "and a clone of it). Received models whose weights differ in shape.")
    changes = []
    for old, new in zip(layers_before, layers_after, strict=True):
        moved = size = 0.0
        for old_weight, new_weight in zip(old.get_weights(), new.get_weights(), strict=True):
            old_weight = np.asarray(old_weight, np.float64)
            moved += float(np.sum((np.asarray(new_weight, np.float64) - old_weight) ** 2))
            size += float(np.sum(old_weight ** 2))
        relative = np.sqrt(moved / size) if size else (0.0 if not moved else float("inf"))
        changes.append(WeightChange(old.name, type(old).__name__, int(old.count_params()),
                                    float(relative)))
    return changes
