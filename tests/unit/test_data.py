import time

import numpy as np
import pytest

from lib import data


def test_embedded_split_is_stratified_and_seeded():
    mnist = data.load_embedded()
    assert mnist.source == "embedded"
    assert mnist.x_train.shape == (4000, 28, 28) and mnist.x_test.shape == (1000, 28, 28)
    assert mnist.x_train.dtype == np.uint8
    assert np.bincount(mnist.y_train).tolist() == [400] * 10
    assert np.bincount(mnist.y_test).tolist() == [100] * 10
    again = data.load_embedded()
    assert np.array_equal(again.y_test, mnist.y_test)
    other = data.load_embedded(seed=7)
    assert not np.array_equal(other.y_test, mnist.y_test)


def _no_cache(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "keras_cache_path", lambda filename="mnist.npz": str(tmp_path / "x"))


def test_auto_falls_back_fast_when_offline(monkeypatch, tmp_path):
    _no_cache(monkeypatch, tmp_path)
    monkeypatch.setattr(data, "can_connect", lambda url, timeout=data.CONNECT_TIMEOUT: False)
    started = time.monotonic()
    mnist = data.load_mnist()
    assert time.monotonic() - started < 5
    assert mnist.source == "embedded"
    assert "cannot be reached" in mnist.notes[0]


def test_keras_source_raises_when_offline(monkeypatch, tmp_path):
    _no_cache(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="downloading is off"):
        data.load_mnist("keras", allow_download=False)


def test_keras_source_is_used_when_cached(monkeypatch, tmp_path):
    cached = tmp_path / "mnist.npz"
    cached.write_bytes(b"cached")
    monkeypatch.setattr(data, "keras_cache_path", lambda filename="mnist.npz": str(cached))
    import keras

    fake = ((np.zeros((6, 28, 28), np.uint8), np.arange(6)), (np.zeros((2, 28, 28), np.uint8),
                                                             np.arange(2)))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: fake)
    mnist = data.load_mnist()
    assert mnist.source == "keras" and len(mnist.y_train) == 6 and mnist.origin == str(cached)


def test_can_connect_fails_fast_on_a_closed_port():
    started = time.monotonic()
    assert not data.can_connect("http://127.0.0.1:9/", timeout=1)
    assert time.monotonic() - started < 2


def test_npz_file(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((5, 28, 28), np.uint8), y_train=np.arange(5),
             x_test=np.zeros((3, 28, 28), np.uint8), y_test=np.arange(3))
    mnist = data.load_mnist("auto", path=path)
    assert mnist.source == "npz" and len(mnist.y_test) == 3


def test_npz_of_wrong_shape_says_what_was_received(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((5, 32, 32)), y_train=np.arange(5),
             x_test=np.zeros((3, 28, 28)), y_test=np.arange(3))
    with pytest.raises(ValueError, match=r"Expected x_train of shape \(n, 28, 28\).*\(5, 32, 32\)"):
        data.load_npz(path)


def test_npz_missing_arrays(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, images=np.zeros(3))
    with pytest.raises(ValueError, match="x_train, y_train, x_test, y_test"):
        data.load_npz(path)


def test_unknown_source():
    with pytest.raises(ValueError, match="Expected one of"):
        data.load_mnist("cifar")


def test_subset_is_stratified():
    labels = np.repeat(np.arange(10), 50)
    images = np.zeros((500, 28, 28), np.uint8)
    small_images, small_labels = data.subset(images, labels, 100)
    assert len(small_labels) == 100 and np.bincount(small_labels).tolist() == [10] * 10


def test_can_connect_gives_up_on_a_slow_name_lookup(monkeypatch):
    import socket
    import threading

    answered = threading.Event()

    def hanging_lookup(*arguments, **keywords):
        answered.wait(30)
        raise OSError("name lookup timed out")

    monkeypatch.setattr(socket, "create_connection", hanging_lookup)
    started = time.monotonic()
    assert not data.can_connect("https://example.invalid/", timeout=0.5)
    assert time.monotonic() - started < 2
    answered.set()
