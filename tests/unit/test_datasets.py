"""lib.datasets without a network: the offline message, and fake files where Keras caches them."""

import time

import numpy as np
import pytest

from lib import data, datasets
from tests import fake_keras_cache as fake


def offline(url):
    return False


def online(url):
    return True


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    return fake.use_keras_home(monkeypatch, tmp_path / "keras")


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "cifar10", "imdb", "reuters",
                                  "boston_housing", "california_housing"])
def test_registry_matches_what_keras_fetches(name, monkeypatch):
    """Every file Keras's loader asks `get_file` for is in the registry, with its URL and hash."""
    import keras
    import keras.src.datasets as keras_datasets

    asked = []

    def recorder(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
                 cache_subdir="datasets", hash_algorithm="auto", extract=False, **kwargs):
        asked.append(datasets.CacheFile(fname, origin, cache_subdir, file_hash, extract))
        return "/nonexistent/" + fname

    monkeypatch.setattr(getattr(keras_datasets, name), "get_file", recorder)
    module = getattr(keras.datasets, name)
    calls = [module.load_data] + ([module.get_word_index]
                                  if hasattr(module, "get_word_index") else [])
    for call in calls:
        with pytest.raises(Exception):  # noqa: B017 - the reader fails on the missing path.
            call()
    spec = datasets.get_spec(name)
    assert tuple(asked) == (*spec.files, *((spec.word_index,) if spec.word_index else ()))


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown dataset: 'cifar100'.*'boston_housing'"):
        datasets.get_spec("cifar100")


def test_cache_path_follows_keras_home(keras_home):
    spec = datasets.get_spec("cifar10")
    assert datasets.cache_path(spec.files[0]) == str(
        keras_home / "datasets" / "cifar-10-batches-py-target_archive")
    fashion = datasets.get_spec("fashion_mnist").files[0]
    assert datasets.cache_path(fashion) == str(
        keras_home / "datasets" / "fashion-mnist" / "train-labels-idx1-ubyte.gz")


def test_offline_load_says_which_file_to_put_where(keras_home):
    start = time.monotonic()
    with pytest.raises(datasets.Unavailable) as raised:
        datasets.load("imdb", reachable=offline)
    assert time.monotonic() - start < 1
    message = str(raised.value)
    assert "keras.datasets.imdb is not in Keras's cache" in message
    assert "Run the app once online" in message
    expected = f"{datasets.get_spec('imdb').files[0].origin} -> {keras_home}/datasets/imdb.npz"
    assert expected in message
    assert [file.fname for file in raised.value.missing] == ["imdb.npz"]


def test_offline_with_the_real_probe_gives_up_within_its_timeout(keras_home, monkeypatch):
    # A probe that never answers: the real `can_connect` must still return after its timeout.
    monkeypatch.setattr(data, "CONNECT_TIMEOUT", 0.5)

    def hanging_connection(*args, **kwargs):
        time.sleep(30)
        raise OSError("timed out")  # Ends the abandoned probe thread cleanly.

    monkeypatch.setattr(data.socket, "create_connection", hanging_connection)
    start = time.monotonic()
    with pytest.raises(datasets.Unavailable):
        datasets.load("boston_housing", reachable=lambda url: data.can_connect(url, 0.5))
    assert time.monotonic() - start < 2


def test_availability_states(keras_home, monkeypatch):
    files = datasets.get_spec("boston_housing").files
    assert datasets.availability(files, reachable=offline).state == "offline"
    assert datasets.availability(files, reachable=online).state == "downloadable"
    fake.place_dataset(monkeypatch, "boston_housing")
    status = datasets.availability(datasets.get_spec("boston_housing").files, reachable=offline)
    assert status.state == "cached" and status.available and status.missing == ()


def test_probe_asks_each_host_once_and_in_parallel():
    asked = []

    def slow(url):
        asked.append(url)
        time.sleep(0.5)
        return "toronto" in url

    start = time.monotonic()
    answers = datasets.probe(["https://a.example/x", "https://a.example/y",
                              "https://www.cs.toronto.edu/z"], reachable=slow)
    assert time.monotonic() - start < 0.9
    assert answers == {"a.example": False, "www.cs.toronto.edu": True}
    assert len(asked) == 2


def test_a_corrupt_cached_file_is_reported_not_downloaded_again(keras_home):
    spec = datasets.get_spec("boston_housing")
    path = datasets.cache_path(spec.files[0])
    (keras_home / "datasets").mkdir()
    with open(path, "wb") as file:
        file.write(b"half a download")
    with pytest.raises(ValueError, match="incomplete or not the expected one.*Delete it"):
        datasets.load("boston_housing", reachable=offline)


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "boston_housing",
                                  "california_housing"])
def test_cached_fake_files_load_through_keras(name, keras_home, monkeypatch):
    fake.place_dataset(monkeypatch, name)
    dataset = datasets.load(name, reachable=offline)
    assert len(dataset.x_train) == len(dataset.y_train) > 0
    assert len(dataset.x_test) == len(dataset.y_test) > 0
    assert dataset.y_train.ndim == 1
    if dataset.spec.kind == "table":
        features = datasets.table_features(dataset)
        assert len(features) == dataset.x_train.shape[1]
        assert features == dataset.spec.feature_names
    else:
        assert dataset.x_train.shape[1:] == (28, 28)


def test_imdb_decodes_with_its_word_index(keras_home, monkeypatch):
    fake.place_dataset(monkeypatch, "imdb")
    dataset = datasets.load("imdb", reachable=offline)
    assert dataset.word_index == {word: index + 1 for index, word in enumerate(fake.WORDS)}
    text = datasets.decode(dataset.x_train[0], dataset.word_index)
    words = text.split()
    assert len(words) == len(dataset.x_train[0]) - 1  # Keras's start mark is dropped.
    # Keras's load_data marks the highest word id out-of-vocabulary ([?]) when num_words=None.
    assert set(words) <= {*fake.WORDS, "[?]"} and set(words) & set(fake.WORDS)
    assert dataset.x_train[0].dtype == np.int32
    assert set(datasets.class_balance(dataset.y_train, 2)) == {6}


def test_reuters_without_its_word_index_shows_ids(keras_home, monkeypatch):
    fake.place_dataset(monkeypatch, "reuters", word_index=False)
    dataset = datasets.load("reuters", reachable=offline)
    assert dataset.word_index is None
    assert "reuters_word_index.json" in dataset.notes[0]
    assert datasets.decode([1, 4, 2, 5], None) == "#4 [?] #5"
    assert len(datasets.class_balance(dataset.y_train, 46)) == 46
    assert datasets.sequence_lengths(dataset.x_train).min() >= 4


@pytest.mark.slow
def test_cifar10_archive_is_extracted_and_loaded(keras_home, monkeypatch):
    fake.place_dataset(monkeypatch, "cifar10")
    dataset = datasets.load("cifar10", reachable=offline)
    assert dataset.x_train.shape == (50000, 32, 32, 3)
    assert dataset.x_test.shape == (10000, 32, 32, 3)
    grid = datasets.examples(dataset.x_train, dataset.y_train, 4)
    assert grid.shape == (10, 4, 32, 32, 3)


def test_decode_skips_padding_and_start():
    index = {"hello": 1, "world": 2}
    assert datasets.decode([0, 0, 1, 4, 5, 2, 99], index) == "hello world [?] #99"


@pytest.fixture(scope="module")
def embedded():
    return data.load_embedded()


def test_mnist_views(embedded):
    grid = datasets.examples(embedded.x_train, embedded.y_train, 6, seed=3)
    assert grid.shape == (10, 6, 28, 28)
    picked = datasets.examples(embedded.x_train, embedded.y_train, 6, seed=3)
    np.testing.assert_array_equal(grid, picked)
    balance = datasets.class_balance(embedded.y_train)
    assert balance.tolist() == [400] * 10
    means = datasets.mean_images(embedded.x_train, embedded.y_train)
    assert means.shape == (10, 28, 28) and means.dtype == np.float32
    # A mean "1" has its ink in a narrow middle column; a mean "0" is a ring with a dark centre.
    assert means[1][:, 12:16].mean() > means[1][:, :8].mean() * 5
    assert means[0][14, 14] < means[0][14, 8]
    shares, edges = datasets.pixel_histogram(embedded.x_train)
    assert shares.sum() == pytest.approx(1.0) and len(edges) == 33
    assert shares[0] > 0.7  # Most pixels are background.


def test_split_summary(embedded):
    summary = datasets.split_summary(embedded)
    assert summary["examples"] == {"train": 4000, "test": 1000}
    assert summary["smallest_class_share"]["train"] == pytest.approx(0.1)
    assert 0 < summary["ink_share"]["test"] < 0.3
    assert abs(summary["mean_intensity"]["train"] - summary["mean_intensity"]["test"]) < 5
    assert 0 < summary["mean_image_gap"]["train"] < 10
