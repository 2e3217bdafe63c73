"""Small fake `keras.datasets` and `keras.applications` files placed where Keras caches them.

`use_keras_home(monkeypatch, path)` points Keras (and `lib.datasets`) at an
empty cache folder and makes every download fail at once, so no test touches
the network. `place_dataset(monkeypatch, name)` writes a tiny file in the
format of Keras's real one, and makes both Keras's loader and
`lib.datasets.DATASETS` expect *its* hash: `keras.utils.get_file` still runs
for real (it finds the file, checks the hash, returns the path), and so does
Keras's reader.
"""

import dataclasses
import gzip
import hashlib
import io
import json
import os
import pickle
import tarfile

import numpy as np

from lib import applications, datasets

WORDS = ("the", "movie", "was", "great", "bad", "oil", "prices", "rose")


def use_keras_home(monkeypatch, path):
    """Points Keras's cache at `path` and makes any download attempt raise."""
    from keras.src.backend import config
    from keras.src.utils import file_utils

    # Keras uses /tmp/.keras when its home is missing or read-only: make it exist.
    path.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(config, "_KERAS_DIR", str(path))

    def no_network(url, *args, **kwargs):
        raise OSError(f"no network in tests (tried {url})")

    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    return path


def _hash(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as file:
        digest.update(file.read())
    return digest.hexdigest()


def _write_npz(path, **arrays):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def _sequences(count, seed):
    rng = np.random.default_rng(seed)
    sequences = np.empty(count, dtype=object)
    for index in range(count):
        sequences[index] = [int(word) for word in rng.integers(1, len(WORDS) + 1,
                                                               size=3 + index % 5)]
    return sequences


def _idx(path, array, magic):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    header = magic + b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    with gzip.open(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


def _cifar_archive(path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        for member in [f"data_batch_{index}" for index in range(1, 6)] + ["test_batch"]:
            # Keras's loader expects 10,000 images per batch; plain colours compress to little.
            labels = np.arange(10000) % 10
            pixels = np.repeat((labels * 25).astype(np.uint8)[:, None], 3072, axis=1)
            batch = {b"data": pixels, b"labels": [int(label) for label in labels]}
            payload = pickle.dumps(batch, protocol=3)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{member}")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(buffer.getvalue())


def _write(name, cache_file, path):
    """Writes a tiny file shaped like `cache_file` of dataset `name`."""
    rng = np.random.default_rng(1)
    if name == "mnist":
        labels = np.arange(40, dtype=np.uint8) % 10
        _write_npz(path, x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8),
                   y_train=labels, x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
                   y_test=labels[:20])
    elif name == "fashion_mnist":
        count = 30 if cache_file.fname.startswith("train") else 20
        if "labels" in cache_file.fname:
            _idx(path, np.arange(count) % 10, b"\x00\x00\x08\x01")
        else:
            _idx(path, rng.integers(0, 256, (count, 28, 28)), b"\x00\x00\x08\x03")
    elif name == "cifar10":
        _cifar_archive(path)
    elif cache_file.fname.endswith("word_index.json"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as file:
            json.dump({word: index + 1 for index, word in enumerate(WORDS)}, file)
    elif name == "imdb":
        _write_npz(path, x_train=_sequences(12, 0), y_train=np.arange(12) % 2,
                   x_test=_sequences(8, 1), y_test=np.arange(8) % 2)
    elif name == "reuters":
        _write_npz(path, x=_sequences(30, 2), y=np.arange(30) % 46)
    elif name == "boston_housing":
        _write_npz(path, x=rng.uniform(0, 10, (50, 13)), y=rng.uniform(5, 50, 50))
    elif name == "california_housing":
        x = rng.uniform(0, 10, (50, 8))
        x[:, 0] = -rng.uniform(114, 124, 50)
        _write_npz(path, x=x, y=rng.uniform(15000, 500000, 50))
    else:
        raise ValueError(f"No fake file for {name!r}.")


def _expect_hashes(monkeypatch, fake_hashes):
    """Makes Keras's loaders check the fake files' hashes instead of the real ones."""
    import keras.src.datasets as keras_datasets
    from keras.src.utils import file_utils

    real_get_file = file_utils.get_file

    def get_file(fname=None, origin=None, *args, **kwargs):
        if fname in fake_hashes and kwargs.get("file_hash"):
            kwargs["file_hash"] = fake_hashes[fname]
        return real_get_file(fname, origin, *args, **kwargs)

    for module in ("mnist", "fashion_mnist", "cifar10", "imdb", "reuters", "boston_housing",
                   "california_housing"):
        monkeypatch.setattr(getattr(keras_datasets, module), "get_file", get_file)
    monkeypatch.setattr(file_utils, "get_file", get_file)


def place_dataset(monkeypatch, name, word_index=True, fake_hashes=None):
    """Writes a fake `name` (and its word index) into Keras's cache; returns the paths.

    Keras's hashes are replaced by the fake files' own, in Keras's loaders and
    in `lib.datasets.DATASETS`.
    """
    fake_hashes = {} if fake_hashes is None else fake_hashes
    spec = datasets.get_spec(name)
    files = [*spec.files, *((spec.word_index,) if spec.word_index and word_index else ())]
    replaced = {}
    for cache_file in files:
        path = datasets.cache_path(cache_file)
        _write(name, cache_file, path)
        if cache_file.file_hash:
            algorithm = "sha256" if len(cache_file.file_hash) == 64 else "md5"
            fake_hashes[cache_file.fname] = _hash(path, algorithm)
            replaced[cache_file.fname] = dataclasses.replace(
                cache_file, file_hash=fake_hashes[cache_file.fname])
    monkeypatch.setitem(datasets.DATASETS, name, dataclasses.replace(
        spec, files=tuple(replaced.get(file.fname, file) for file in spec.files),
        word_index=(replaced.get(spec.word_index.fname, spec.word_index)
                    if spec.word_index else None)))
    _expect_hashes(monkeypatch, fake_hashes)
    return [datasets.cache_path(file) for file in files]


TINY = dataclasses.replace(
    applications.APPLICATIONS["MobileNetV2"], input_size=96, arguments=(("alpha", 0.35),),
    weights=datasets.CacheFile(
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5", cache_subdir="models"),
    weights_notop=datasets.CacheFile(
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5",
        cache_subdir="models"),
)


def use_tiny_mobilenet(monkeypatch):
    """Replaces the registry's MobileNetV2 by MobileNetV2(alpha=0.35) at 96 x 96 (fast)."""
    monkeypatch.setitem(applications.APPLICATIONS, "MobileNetV2", TINY)
    return TINY


def place_weights(spec, model):
    """Saves `model`'s weights as Keras's legacy `.h5` weights file of `spec` in the cache."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    path = datasets.cache_path(spec.weights)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as file:
        legacy_h5_format.save_weights_to_hdf5_group(file, model)
    return path


def place_class_index(monkeypatch):
    """A 1000-class `imagenet_class_index.json` in the cache, expected by Keras's decoder."""
    from keras.src.applications import imagenet_utils

    path = datasets.cache_path(applications.CLASS_INDEX)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as file:
        json.dump({str(index): [f"n{index:08d}", f"thing_{index}"] for index in range(1000)},
                  file)
    fake_hash = _hash(path, "md5")
    monkeypatch.setattr(applications, "CLASS_INDEX",
                        dataclasses.replace(applications.CLASS_INDEX, file_hash=fake_hash))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    _expect_hashes(monkeypatch, {applications.CLASS_INDEX.fname: fake_hash})
    return path
