"""The private Keras parts the app relies on (`lib/keras_internals.py`) still exist and behave."""

import io

import h5py
import keras
import numpy as np
import pytest

from lib import keras_internals


def test_a_keras_archive_loads_from_a_file_object(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])
    model.save(tmp_path / "m.keras")
    loaded = keras_internals.load_keras_archive(io.BytesIO((tmp_path / "m.keras").read_bytes()),
                                                compile=False, safe_mode=True)
    np.testing.assert_allclose(loaded.get_weights()[0], model.get_weights()[0])


def test_keras_refuses_an_external_dataset(tmp_path):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        file.create_dataset("x", shape=(2,), dtype="f4", external=[(str(tmp_path / "x"), 0, 8)])
        file.create_group("g")
    with h5py.File(buffer, "r") as file:
        with pytest.raises(ValueError, match="external"):
            keras_internals.safe_get_h5_dataset(file, "x")
        assert keras_internals.safe_get_h5_group(file, "g").name == "/g"


def test_group_names_and_the_graph_walk():
    assert keras_internals.to_snake_case("MaxPooling2D") == "max_pooling2d"
    inputs = keras.Input((4,))
    dense = keras.layers.Dense(2)
    layer, node = keras_internals.producer(dense(inputs))
    assert layer is dense and list(node.input_tensors) == [inputs]
    assert keras_internals.keras_home()
    assert callable(keras_internals.validate_file)
