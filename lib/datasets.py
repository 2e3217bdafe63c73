"""The `keras.datasets`: where each one is cached, whether it can be had now, and its views.

Every dataset in `DATASETS` lists the files its `load_data()` fetches with
`keras.utils.get_file` (name, URL, cache folder, hash), copied from Keras 3's
loaders (a unit test checks them against Keras). `availability(name)` says
whether those files are in Keras's cache, or else whether their host answers
within `lib.data.CONNECT_TIMEOUT` seconds; `load(name)` calls `keras.datasets`
only then, so a page never waits on a download that cannot start. The MNIST
statistics at the bottom work on any `lib.data.Mnist` (full or embedded).
"""

import dataclasses
import os
import urllib.parse

import numpy as np

from lib import data, registry
from lib.errors import InputError

_TF_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@dataclasses.dataclass(frozen=True)
class CacheFile:
    """One file `keras.utils.get_file` keeps in Keras's cache.

    Attributes:
        fname: Its name in the cache folder.
        origin: The URL Keras downloads it from.
        cache_subdir: Its folder under Keras's home (`"datasets"`, `"models"`, ...).
        file_hash: The sha256 or md5 Keras checks it against (`None`: unchecked).
        extract: Whether Keras extracts it: the archive is then cached as
            `<fname>_archive` and extracted into the folder `<fname>`.
    """

    fname: str
    origin: str
    cache_subdir: str = "datasets"
    file_hash: str | None = None
    extract: bool = False

    @property
    def cached_name(self):
        """The name of the downloaded file in the cache folder (as `get_file` names it)."""
        if self.extract and "." not in self.fname:
            return f"{self.fname}_archive"
        return self.fname

    @property
    def host(self):
        return urllib.parse.urlparse(self.origin).hostname


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """A dataset of `keras.datasets` and what its view needs.

    Attributes:
        name: Its module in `keras.datasets` (`"cifar10"`, ...).
        kind: `"images"`, `"text"` or `"table"`: which view shows it.
        files: The `CacheFile`s `load_data()` fetches.
        word_index: The `CacheFile` of `get_word_index()` (text datasets), else `None`.
        class_names: Label names, if the dataset has classes.
        feature_names: Column names of a table.
        load_arguments: Keyword arguments for `load_data()`.
    """

    name: str
    kind: str
    files: tuple
    word_index: CacheFile | None = None
    class_names: tuple = ()
    feature_names: tuple = ()
    load_arguments: tuple = ()


FASHION_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")

# Reuters topics as `keras.datasets.reuters.get_label_names()` returns them (no download).
REUTERS_TOPICS = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi",
    "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei",
    "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)
BOSTON_FEATURES = ("CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX",
                   "PTRATIO", "B", "LSTAT")
# The columns of the StatLib file Keras's california_housing.npz comes from.
CALIFORNIA_FEATURES = ("longitude", "latitude", "housing_median_age", "total_rooms",
                       "total_bedrooms", "population", "households", "median_income")

DATASETS = {
    "mnist": DatasetSpec(
        "mnist", "images",
        (CacheFile("mnist.npz", f"{_TF_DATASETS}mnist.npz", file_hash=(
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")),),
        class_names=tuple(str(digit) for digit in range(10)),
    ),
    "fashion_mnist": DatasetSpec(
        "fashion_mnist", "images",
        tuple(CacheFile(name, f"{_TF_DATASETS}{name}", cache_subdir="datasets/fashion-mnist")
              for name in FASHION_FILES),
        class_names=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                     "Sneaker", "Bag", "Ankle boot"),
    ),
    "cifar10": DatasetSpec(
        "cifar10", "images",
        (CacheFile("cifar-10-batches-py-target",
                   "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", extract=True,
                   file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),),
        class_names=("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                     "ship", "truck"),
    ),
    "imdb": DatasetSpec(
        "imdb", "text",
        (CacheFile("imdb.npz", f"{_TF_DATASETS}imdb.npz", file_hash=(
            "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f")),),
        word_index=CacheFile("imdb_word_index.json", f"{_TF_DATASETS}imdb_word_index.json",
                             file_hash="bfafd718b763782e994055a2d397834f"),
        class_names=("negative", "positive"),
    ),
    "reuters": DatasetSpec(
        "reuters", "text",
        (CacheFile("reuters.npz", f"{_TF_DATASETS}reuters.npz", file_hash=(
            "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")),),
        word_index=CacheFile("reuters_word_index.json",
                             f"{_TF_DATASETS}reuters_word_index.json",
                             file_hash="4d44cc38712099c9e383dc6e5f11a921"),
        class_names=REUTERS_TOPICS,
    ),
    "boston_housing": DatasetSpec(
        "boston_housing", "table",
        (CacheFile("boston_housing.npz", f"{_TF_DATASETS}boston_housing.npz", file_hash=(
            "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5")),),
        feature_names=BOSTON_FEATURES,
    ),
    "california_housing": DatasetSpec(
        "california_housing", "table",
        (CacheFile("california_housing.npz", f"{_TF_DATASETS}california_housing.npz", file_hash=(
            "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f")),),
        feature_names=CALIFORNIA_FEATURES,
    ),
}


def get_spec(name):
    """The `DatasetSpec` called `name`.

    Raises:
        ValueError: for a name not in `DATASETS`.
    """
    return registry.get(DATASETS, name, "dataset")


def keras_home():
    """Keras's cache root, found the way `keras.utils.get_file` finds it.

    `KERAS_HOME` or `~/.keras` as Keras read it at import, or `/tmp/.keras`
    when that folder is not writable.
    """
    from lib import keras_internals  # Imports Keras: only when a page asks.

    home = os.path.expanduser(keras_internals.keras_home())
    if not os.access(home, os.W_OK):
        home = os.path.join("/tmp", ".keras")
    return home


def cache_path(cache_file):
    """Where `keras.utils.get_file` keeps `cache_file` (a `CacheFile`)."""
    return os.path.join(keras_home(), cache_file.cache_subdir, cache_file.cached_name)


def missing_files(cache_files):
    """The `CacheFile`s of `cache_files` that are not in Keras's cache."""
    return tuple(file for file in cache_files if not os.path.exists(cache_path(file)))


@dataclasses.dataclass(frozen=True)
class Availability:
    """Whether a dataset's (or a model's) files can be had now.

    Attributes:
        state: `"cached"` (every file in Keras's cache), `"downloadable"` (some
            missing, their host reachable) or `"offline"` (missing, unreachable).
        missing: The missing `CacheFile`s.
    """

    state: str
    missing: tuple = ()

    @property
    def available(self):
        return self.state != "offline"


def availability(cache_files, reachable=None):
    """Whether `cache_files` are cached, downloadable now, or out of reach.

    Args:
        cache_files: `CacheFile`s.
        reachable: `reachable(url) -> bool`; defaults to `lib.data.can_connect`,
            which gives up after `lib.data.CONNECT_TIMEOUT` seconds. Called only
            when a file is missing, once per host.

    Returns:
        An `Availability`.
    """
    missing = missing_files(cache_files)
    if not missing:
        return Availability("cached")
    reachable = reachable or data.can_connect
    hosts = {file.host: file.origin for file in missing}
    if all(reachable(origin) for origin in hosts.values()):
        return Availability("downloadable", missing)
    return Availability("offline", missing)


class Unavailable(ValueError):
    """A dataset, weights file or class index that is neither cached nor downloadable now.

    Attributes:
        missing: The missing `CacheFile`s, for a message that says where to put them.
    """

    def __init__(self, what, missing):
        self.missing = tuple(missing)
        places = "; ".join(f"{file.origin} -> {cache_path(file)}" for file in self.missing)
        super().__init__(
            f"{what} is not in Keras's cache and cannot be downloaded now (no connection to "
            f"{', '.join(sorted({file.host for file in self.missing}))} within "
            f"{data.CONNECT_TIMEOUT:.0f} s). Run the app once online, or download these files "
            f"and place them in Keras's cache: {places}."
        )


class DatasetError(InputError):
    """A dataset in Keras's cache that cannot be used: a file that fails its hash, or a load
    that fails.

    `str(error)` is the English message; `error.message(language)` translates it (its text is
    `"datasets.error." + reason` in `lib.i18n`).
    """

    text_prefix = "datasets.error."


def check_hashes(cache_files):
    """Raises if a cached file does not match its hash (Keras would then download it again).

    Raises:
        DatasetError: naming the file, where it is and what to do.
    """
    from lib import keras_internals  # Imports Keras: only when a page asks.

    for file in cache_files:
        path = cache_path(file)
        if file.file_hash and os.path.exists(path) and not keras_internals.validate_file(
                path, file.file_hash):
            raise DatasetError("hash_mismatch", path=path, hash=file.file_hash,
                               origin=file.origin)


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A dataset as `keras.datasets.<name>.load_data()` returned it.

    Attributes:
        name: The `DATASETS` key.
        x_train, y_train, x_test, y_test: Keras's arrays (labels flattened to `(n,)`;
            text datasets: sequences as int32 arrays in an object array).
        word_index: `{word: index}` for text datasets when it could be had, else `None`.
        notes: Why something is missing (e.g. the word index was unreachable).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    word_index: dict | None = None
    notes: tuple = ()

    @property
    def spec(self):
        return get_spec(self.name)


def load(name, reachable=None):
    """Loads a dataset through `keras.datasets`, only if it is cached or downloadable now.

    Args:
        name: A key of `DATASETS`.
        reachable: As in `availability`.

    Returns:
        A `Dataset`.

    Raises:
        ValueError: for an unknown name.
        DatasetError: for a corrupt cached file, or a failed load.
        Unavailable: when the files are neither cached nor downloadable now.
    """
    import keras

    spec = get_spec(name)
    status = availability(spec.files, reachable)
    if status.state == "offline":
        raise Unavailable(f"The dataset keras.datasets.{name}", status.missing)
    if status.state == "cached":
        # A cached file that fails its hash makes Keras download again: say so instead.
        check_hashes(spec.files)
    module = getattr(keras.datasets, name)
    # A download cut short or a corrupt archive fails here; Keras's message stays the cause.
    try:
        (x_train, y_train), (x_test, y_test) = module.load_data(**dict(spec.load_arguments))
    except Exception as error:
        folder = os.path.join(keras_home(), spec.files[0].cache_subdir)
        raise DatasetError("load_failed", name=name, detail=type(error).__name__,
                           folder=folder) from error
    if spec.kind == "text":
        x_train, x_test = _compact(x_train), _compact(x_test)
    word_index, notes = None, ()
    if spec.word_index is not None:
        try:
            word_index = load_word_index(name, reachable)
        except ValueError as error:
            notes = (str(error),)
    return Dataset(name, x_train, np.asarray(y_train).reshape(-1), x_test,
                   np.asarray(y_test).reshape(-1), word_index=word_index, notes=notes)


def _compact(sequences):
    """Keras's lists of Python ints as int32 arrays (a tenth of the memory)."""
    compact = np.empty(len(sequences), dtype=object)
    for index, sequence in enumerate(sequences):
        compact[index] = np.asarray(sequence, dtype=np.int32)
    return compact


def load_word_index(name, reachable=None):
    """`keras.datasets.<name>.get_word_index()`, only if cached or downloadable now.

    Raises:
        Unavailable: when the word-index file cannot be had.
        ValueError: when it is corrupt or fails to load.
    """
    import keras

    spec = get_spec(name)
    if spec.word_index is None:
        raise ValueError(f"keras.datasets.{name} has no word index. Expected one of "
                         f"{sorted(key for key, value in DATASETS.items() if value.word_index)}.")
    status = availability((spec.word_index,), reachable)
    if status.state == "offline":
        raise Unavailable(f"The word index of keras.datasets.{name}", status.missing)
    if status.state == "cached":
        check_hashes((spec.word_index,))
    try:
        return getattr(keras.datasets, name).get_word_index()
    except Exception as error:
        raise ValueError(f"keras.datasets.{name}.get_word_index() failed: {error}") from error


# Views: what each kind of dataset shows.


def decode(sequence, word_index, index_from=3):
    """A sequence of word ids as text, as `load_data()` (default arguments) encoded it.

    Ids 0, 1 and 2 are padding, start and out-of-vocabulary; a word's id is its
    index plus `index_from`. Without a word index the ids are shown as `#id`.
    """
    reverse = {} if word_index is None else {index + index_from: word
                                             for word, index in word_index.items()}
    words = []
    for token in sequence:
        token = int(token)
        if token in (0, 1):
            continue
        if token == 2:
            words.append("[?]")
        else:
            words.append(reverse.get(token, f"#{token}"))
    return " ".join(words)


def examples(images, labels, per_class, seed=0):
    """`per_class` random examples of each class.

    Args:
        images: `(n, ...)`.
        labels: `(n,)` ints.
        per_class: Examples per class.
        seed: Seed of the draw.

    Returns:
        `(classes, per_class, ...)`: row `c` holds examples of class `c` (fewer
        classes than `labels.max() + 1` only if some have no example).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        pick = rng.choice(members, size=per_class, replace=len(members) < per_class)
        rows.append(images[pick])
    return np.stack(rows)


def class_balance(labels, classes=10):
    """How many examples each class has: int `(classes,)`."""
    return np.bincount(np.asarray(labels, dtype=np.int64).reshape(-1), minlength=classes)


def mean_images(images, labels, classes=10):
    """The mean image of each class: float32 `(classes, height, width)` in the images' scale."""
    return np.stack([images[labels == label].mean(axis=0, dtype=np.float64)
                     for label in range(classes)]).astype(np.float32)


def pixel_histogram(images, bins=32):
    """Share of pixels in each of `bins` equal intensity bins over 0-255.

    Returns:
        `(shares, edges)`: float `(bins,)` summing to 1, and `(bins + 1,)` edges.
    """
    counts, edges = np.histogram(images, bins=bins, range=(0, 256))
    return counts / max(counts.sum(), 1), edges


def split_summary(mnist):
    """How the training and test splits of a `lib.data.Mnist` compare.

    Returns:
        A dict of dicts `{statistic: {"train": value, "test": value}}` with
        `examples`, `mean_intensity` (0-255), `ink_share` (pixels above 127),
        `smallest_class_share` and `largest_class_share`, plus `mean_image_gap`:
        the mean absolute difference of the two splits' mean digits (0-255).
    """
    summary = {}
    for split, images, labels in (("train", mnist.x_train, mnist.y_train),
                                  ("test", mnist.x_test, mnist.y_test)):
        shares = class_balance(labels) / len(labels)
        values = {
            "examples": len(labels),
            "mean_intensity": float(images.mean()),
            "ink_share": float((images > 127).mean()),
            "smallest_class_share": float(shares.min()),
            "largest_class_share": float(shares.max()),
        }
        for statistic, value in values.items():
            summary.setdefault(statistic, {})[split] = value
    gap = np.abs(mean_images(mnist.x_train, mnist.y_train)
                 - mean_images(mnist.x_test, mnist.y_test)).mean()
    summary["mean_image_gap"] = {"train": float(gap), "test": float(gap)}
    return summary


def sequence_lengths(sequences):
    """The length of each sequence: int `(n,)`."""
    return np.fromiter((len(sequence) for sequence in sequences), dtype=np.int64,
                       count=len(sequences))


def table_features(dataset):
    """Column names for a table dataset's `x` (Keras's own order).

    California housing's file is checked for the StatLib column order
    (longitude first, all negative); otherwise its columns are numbered.
    """
    spec = dataset.spec
    names = spec.feature_names
    if dataset.name == "california_housing" and not (dataset.x_train[:, 0] < 0).all():
        names = ()
    width = dataset.x_train.shape[1]
    if len(names) != width:
        return tuple(f"x{index}" for index in range(width))
    return names


def probe(urls, reachable=None):
    """Which hosts of `urls` answer, probed in parallel (each gives up after its timeout).

    Returns:
        `{hostname: bool}`.
    """
    from concurrent.futures import ThreadPoolExecutor

    reachable = reachable or data.can_connect
    hosts = {urllib.parse.urlparse(url).hostname: url for url in urls}
    with ThreadPoolExecutor(max_workers=max(1, len(hosts))) as pool:
        answers = dict(zip(hosts, pool.map(reachable, hosts.values()), strict=True))
    return answers
