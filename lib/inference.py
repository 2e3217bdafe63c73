"""Fast predictions: one compiled function per model, reused, and safe across threads.

`model.predict` builds a data pipeline on every call (about 50 ms for one
digit here). A `tf.function` with a fixed input signature is traced once per
model; its concrete function, called directly (without the dispatch that
matches arguments to traces), then runs one digit in about a millisecond. One
digit alone (a stroke on the canvas) goes through an XLA-compiled copy: one
fused program instead of a graph run op by op, which also leaves the CPU's
caches to the preprocessing around it (a drawn digit end to end: about 2.1
instead of 2.9 ms here). Batches keep the graph, whose batch size is free.

Streamlit serves each session from its own thread and TensorFlow objects are
not thread-safe, so calls on one model are serialised by that model's lock.
"""

import math
import threading
import weakref

import keras
import numpy as np
import tensorflow as tf

# Large inputs go through in chunks: bounded memory, same compiled function. A chunk holds
# at most BATCH_SIZE images, and fewer when a model's activations for one image are large:
# no call of any model holds more than MAX_CALL_BYTES of activations.
BATCH_SIZE = 256
MAX_CALL_BYTES = 256 * 2**20


class PerModel:
    """One object per model, made by `make(model)` on first use, dropped with the model.

    Thread-safe; holds models weakly, so a cache entry never keeps a discarded model alive.
    """

    def __init__(self, make):
        self._make = make
        self._objects = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, model):
        with self._lock:
            made = self._objects.get(model)
            if made is None:
                made = self._objects[model] = self._make(model)
            return made


class _CompiledModel:
    def __init__(self, model):
        input_shape = tuple(model.input_shape[1:])
        # Hold the model weakly: the cache entry must not keep a discarded model alive.
        model_ref = weakref.ref(model)

        def forward(images):
            return model_ref()(images, training=False)

        def signature(batch_size):
            return [tf.TensorSpec((batch_size, *input_shape), tf.float32)]

        self.input_shape = input_shape
        self.ends_in_softmax = ends_in_softmax(model)
        self.chunk_size = chunk_size(model)
        self.lock = threading.Lock()
        # Traced on first use, with `lock` held: tracing a new model (a run that just
        # finished) never holds up the other models' predictions.
        self._batches = tf.function(forward, input_signature=signature(None))
        self._one = tf.function(forward, input_signature=signature(1), jit_compile=True)
        self.function = None  # Concrete functions, once traced.
        self.one = None
        self.xla = True

    def __call__(self, batch):
        """Outputs for one batch (at most `chunk_size`); call with `lock` held."""
        batch = tf.constant(batch)
        if len(batch) == 1 and self.xla:
            try:
                if self.one is None:
                    self.one = self._one.get_concrete_function()
                return self.one(batch).numpy()
            except tf.errors.OpError:  # XLA cannot compile some op of this model: use the graph.
                self.xla, self.one = False, None
        if self.function is None:
            self.function = self._batches.get_concrete_function()
        return self.function(batch).numpy()


def chunk_size(model):
    """Images per call of `model`: `BATCH_SIZE`, or fewer so that one call's activations
    (every layer's output, as `lib.model_budget.Cost.activations` counts them) stay within
    `MAX_CALL_BYTES`."""
    per_image = math.prod(model.input_shape[1:]) + sum(
        math.prod(layer.output.shape[1:]) for layer in model.layers)
    return int(max(1, min(BATCH_SIZE, MAX_CALL_BYTES // (4 * per_image))))


def ends_in_softmax(model):
    """Whether `model`'s outputs are probabilities already (a softmax last), not logits."""
    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    return isinstance(last, keras.layers.Softmax) or activation is keras.activations.softmax


def model_lock(model):
    """The lock that serialises TensorFlow calls on `model` across sessions (threads).

    Hold it around any direct call of a shared model (gradients, feature maps).
    """
    return _compiled_for(model).lock


_compiled_for = PerModel(_CompiledModel)


def predict_proba(model, images):
    """Class probabilities for a batch of MNIST-style digits.

    Args:
        model: A Keras model taking `(batch, 28, 28, 1)` and returning
            `(batch, 10)` probabilities (softmax output).
        images: float array `(N, 28, 28)` or `(N, 28, 28, 1)` in [0, 1], bright
            ink on black (see `lib.preprocess.to_mnist`).

    Returns:
        float32 array `(N, 10)`; each row sums to 1.

    Raises:
        ValueError: if `images` is not shaped `(N, 28, 28)` or `(N, 28, 28, 1)`.
    """
    compiled = _compiled_for(model)
    array = np.asarray(images, dtype=np.float32)
    if array.ndim == 3:
        array = array[..., np.newaxis]
    if array.ndim != 4 or array.shape[1:] != compiled.input_shape:
        raise ValueError(
            "Expected images of shape (N, 28, 28) or (N, 28, 28, 1). "
            f"Received an array of shape {np.shape(images)}."
        )
    if len(array) == 0:
        return np.zeros((0, 10), dtype=np.float32)
    step = compiled.chunk_size
    with compiled.lock:
        chunks = [compiled(array[start : start + step]) for start in range(0, len(array), step)]
    outputs = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
    return outputs if compiled.ends_in_softmax else as_probabilities(outputs)


def warm_up(model):
    """Traces and compiles `model`'s functions now (about half a second), so that the
    first digit a user draws does not wait for it."""
    shape = _compiled_for(model).input_shape
    for batch_size in (1, 2):  # The XLA copy for one digit, the graph for batches.
        predict_proba(model, np.zeros((batch_size, *shape), np.float32))


def as_probabilities(outputs):
    """Rows of probabilities: model outputs that are not (logits, say) go through a softmax.

    Args:
        outputs: float `(N, 10)`.

    Returns:
        float32 `(N, 10)`; each row sums to 1.
    """
    outputs = np.asarray(outputs, dtype=np.float32)
    sums = outputs.sum(axis=1)
    if np.all(outputs >= 0) and np.allclose(sums, 1.0, atol=1e-3):
        return outputs
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def predict_digit(model, image):
    """`(digit, probabilities)` for one `(28, 28)` image: the argmax and the `(10,)` row."""
    probabilities = predict_proba(model, np.asarray(image)[np.newaxis])[0]
    return int(np.argmax(probabilities)), probabilities
