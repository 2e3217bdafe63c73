"""The seam between `lib` and Streamlit's caches: loaded models and data, shared read-only.

`cache_resource` holds objects every session shares and nobody mutates (the
bundled model, uploaded models keyed by their content hash); `cache_data`
holds arrays. A model being trained never lives here: it belongs to one
session (`st.session_state`).
"""

import hashlib
import logging
import os
import sqlite3
import urllib.parse

import streamlit as st

from lib import (
    applications,
    data,
    datasets,
    explore,
    inference,
    inspection,
    jobs,
    model_files,
    models,
    preprocess,
    runs,
    sandbox,
)


@st.cache_resource(show_spinner=False)
def bundled_model():
    """The bundled trained CNN, loaded once per process, shared by all sessions, and compiled
    for fast predictions before anyone draws."""
    model = models.load_bundled_model()
    inference.warm_up(model)
    return model


@st.cache_resource(show_spinner=False)
def bundled_card():
    return models.read_card(models.BUNDLED_MODEL_PATH)


@st.cache_resource(show_spinner=False, max_entries=16)
def uploaded_model(digest, _data):
    """A model file a user uploaded, keyed by its SHA-256 `digest`: loaded and warmed up in a
    limited process of its own first (`lib.sandbox`), then loaded safely here and compiled.

    Raises:
        InputError: why the file was refused (nothing is cached then).
    """
    sandbox.check_model(_data)
    model = model_files.load_model(_data)
    inference.warm_up(model)
    return model


def digest(data):
    return hashlib.sha256(data).hexdigest()


@st.cache_data(show_spinner=False, max_entries=4)
def mnist(source="auto", seed=data.DEFAULT_SEED):
    """MNIST from `lib.data.load_mnist`, loaded once per process per source.

    Only the server's own sources (`"auto"`, `"keras"`, `"embedded"`): an `mnist.npz` a
    user uploads is read with `lib.data.read_npz` and kept in that user's session.
    """
    if source not in ("auto", "keras", "embedded"):
        raise ValueError(f"Unknown shared MNIST source: {source!r}. Expected 'auto', 'keras' "
                         "or 'embedded'; an uploaded mnist.npz goes through lib.data.read_npz "
                         "into the session.")
    return data.load_mnist(source=source, seed=seed)


# /train: the server-wide training queue and run database (thread-safe, shared by design).


@st.cache_resource(show_spinner=False)
def job_manager():
    """The one `lib.jobs.JobManager` of this server (its queue spans all sessions)."""
    return jobs.JobManager()


@st.cache_resource(show_spinner=False)
def run_database():
    """The `lib.runs.RunDatabase` beside `models/`. Once per process, at start-up, the runs
    left "running" by a process that is gone (killed mid-training) are marked "interrupted";
    replicas sharing the file keep theirs. A database that cannot be used then is left for
    /train to explain."""
    database = runs.RunDatabase()
    try:
        # Another machine's runs are checked by age: past the longest a run may take (its
        # limit may differ there), with an hour for the end of its last batch and its test.
        database.mark_interrupted(stale_after=2 * jobs.MAX_RUN_SECONDS + 3600)
    except (sqlite3.Error, OSError) as error:
        logging.getLogger(__name__).warning("Runs not checked in %s: %s", database.path, error)
    return database


@st.cache_data(show_spinner=False, ttl=300)
def keras_mnist_available():
    """Whether the full MNIST can be had: cached by Keras, or its server reachable (checked
    at most every five minutes)."""
    return os.path.exists(data.keras_cache_path()) or data.can_connect(data.KERAS_MNIST_URL)


# /layers, /activations, /optimizers: results of `lib.explore`, cached by their arguments.


@st.cache_data(show_spinner=False, max_entries=16)
def explore_test_digit(label):
    """The first test digit with `label`, float32 `(28, 28)` in [0, 1]."""
    digits = mnist()
    index = int((digits.y_test == label).argmax())
    return digits.x_test[index].astype("float32") / 255.0


@st.cache_data(show_spinner=False, max_entries=256)
def explore_layer(layer_type, arguments, digit_key, _digit, seed=0):
    """`lib.explore.layers.apply_layer` on a digit identified by `digit_key`."""
    return explore.layers.apply_layer(layer_type, arguments, _digit, seed=seed)


@st.cache_data(show_spinner=False, max_entries=256)
def explore_kernel(kernel, bias, activation, digit_key, _digit):
    """`lib.explore.layers.apply_kernel` on a digit identified by `digit_key`."""
    return explore.layers.apply_kernel(_digit, kernel, bias=bias, activation=activation)


@st.cache_data(show_spinner=False)
def explore_three_ways():
    """The tutorial's CNN built three ways (`lib.explore.build_ways.build_three_ways`)."""
    return explore.build_ways.build_three_ways()


@st.cache_data(show_spinner=False, max_entries=512)
def explore_activation(name, arguments, x_min, x_max):
    """`lib.explore.activations.activation_curve`: `(x, y, dy)`."""
    return explore.activations.activation_curve(name, arguments, x_min=x_min, x_max=x_max)


@st.cache_data(show_spinner=False, max_entries=256)
def explore_softmax(logits, temperature, axis):
    """`lib.explore.activations.softmax_table`."""
    return explore.activations.softmax_table(logits, temperature=temperature, axis=axis)


@st.cache_data(show_spinner=False, max_entries=8)
def explore_surface(name):
    """`lib.explore.optimizers.surface_grid`: `(xs, ys, values)`."""
    return explore.optimizers.surface_grid(name)


def explore_path(surface, optimizer, steps, arguments):
    """`lib.explore.optimizers.optimizer_path` for `steps` steps with the optimizer's
    `arguments` (a dict): computed once for `MAX_STEPS` steps per surface, optimizer and
    arguments (in any order, `0` the same as `0.0`), then cut to `steps`."""
    key = tuple(sorted((name, value if isinstance(value, bool) else float(value))
                       for name, value in arguments.items()))
    return _explore_full_path(surface, optimizer, key).first(steps)


@st.cache_data(show_spinner=False, max_entries=256)
def _explore_full_path(surface, optimizer, arguments):
    return explore.optimizers.optimizer_path(surface, optimizer,
                                             steps=explore.optimizers.MAX_STEPS,
                                             **dict(arguments))


def explore_warm_optimizers():
    """Computes what /optimizers shows first on each surface: the surface and every
    optimizer's path from its defaults (a second or two; `lib.ui.server` does it once, in
    the background)."""
    for surface in explore.optimizers.SURFACES:
        explore_surface(surface)
        for optimizer in models.OPTIMIZERS:
            explore_path(surface, optimizer, 1,
                         explore.optimizers.optimizer_defaults(surface, optimizer))


@st.cache_data(show_spinner=False, max_entries=64)
def explore_mnist_curve(optimizer, steps, arguments):
    """`lib.explore.optimizers.mnist_loss_curve` on the training digits of `mnist()`."""
    digits = mnist()
    return explore.optimizers.mnist_loss_curve(digits.x_train, digits.y_train, optimizer,
                                               steps=steps, **arguments)


# /inside: test-set statistics and filter patterns of `lib.inspection`, computed once per model.
# `model_key` names the model stably ("bundled", a session model's name and id, an upload's
# digest); the model itself is passed unhashed.


@st.cache_data(show_spinner=False, max_entries=8)
def inside_test_statistics(model_key, data_key, _model):
    """`lib.inspection.test_statistics` on the test split of `mnist()` (`data_key` names it)."""
    digits = mnist()
    return inspection.test_statistics(_model, digits.x_test, digits.y_test)


@st.cache_data(show_spinner=False, max_entries=256)
def inside_filter_pattern(model_key, layer_name, filter_index, _model):
    """`lib.inspection.filter_pattern`: float32 `(28, 28)`."""
    return inspection.filter_pattern(_model, layer_name, filter_index)


# /datasets and /applications: the other keras.datasets and keras.applications.


@st.cache_data(show_spinner=False, ttl=300)
def reachable_hosts():
    """`{hostname: bool}` for every host the datasets and models download from, probed in
    parallel at most every five minutes (each probe gives up after a few seconds)."""
    urls = [file.origin for spec in datasets.DATASETS.values()
            for file in (*spec.files, *((spec.word_index,) if spec.word_index else ()))]
    urls += [file.origin for spec in applications.APPLICATIONS.values()
             for file in (spec.weights, spec.weights_notop)]
    urls.append(applications.CLASS_INDEX.origin)
    return datasets.probe(urls)


def reachable(url):
    """Whether `url`'s host answered the last probe (what `lib.datasets` calls `reachable`)."""
    hosts = reachable_hosts()
    host = urllib.parse.urlparse(url).hostname
    return hosts[host] if host in hosts else data.can_connect(url)


@st.cache_resource(show_spinner=False, max_entries=3)
def keras_dataset(name):
    """`lib.datasets.load(name)`, once per process (read-only arrays shared by all sessions)."""
    return datasets.load(name, reachable=reachable)


@st.cache_data(show_spinner=False, max_entries=4)
def mnist_views(source="auto", per_class=10, seed=0):
    """The /datasets views of `mnist()`: examples by class, balance, means, histograms, summary."""
    digits = mnist(source)
    return {
        "examples": {split: datasets.examples(images, labels, per_class, seed=seed)
                     for split, images, labels in (("train", digits.x_train, digits.y_train),
                                                   ("test", digits.x_test, digits.y_test))},
        "balance": {"train": datasets.class_balance(digits.y_train),
                    "test": datasets.class_balance(digits.y_test)},
        "means": datasets.mean_images(digits.x_train, digits.y_train),
        "histogram": {"train": datasets.pixel_histogram(digits.x_train),
                      "test": datasets.pixel_histogram(digits.x_test)},
        "summary": datasets.split_summary(digits),
    }


@st.cache_data(show_spinner=False, max_entries=32)
def application_stats(name):
    """`lib.applications.model_stats(name)`: counted from a model built with shapes only (no
    weight allocated, VGG16 included) and dropped; only the figures and the layer table stay."""
    return applications.model_stats(name)


@st.cache_resource(show_spinner=False, max_entries=1)
def pretrained_application(name):
    """`lib.applications.load_pretrained(name)`, shared read-only (use under its lock).

    Loaded only for a photo to classify, and one at a time: another model's weights replace
    these (VGG16's are 528 MB, and a class server has no use for two).
    """
    return applications.load_pretrained(name, reachable=reachable)


@st.cache_data(show_spinner=False, max_entries=32)
def application_classify(name, digest, _data):
    """`lib.applications.classify` of an uploaded photo identified by its `digest`, and where
    the weights came from: `(pixels, rows, note, embedding, origin)`.

    Raises:
        InputError: the upload is not an image the app reads (checked before the model loads).
        ValueError: the cached weights do not fit the model (`load_pretrained`).
    """
    # Opened like every upload: the app's formats only, bombs refused from the header.
    image = preprocess.open_image(_data)
    pretrained = pretrained_application(name)
    return (*applications.classify(pretrained, image, reachable=reachable), pretrained.origin)
