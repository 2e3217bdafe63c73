import io
import json
import zipfile

import keras
import numpy as np
import pytest
from keras import layers

from lib import model_files, models
from lib.errors import InputError
from tests.legacy_h5 import tutorial_layers, write_keras224_h5


def test_tutorial_cnn_has_935562_parameters():
    assert models.build_model("tutorial_cnn").count_params() == 935_562


@pytest.mark.parametrize("preset", sorted(models.PRESETS))
def test_presets_take_digits_and_give_ten_classes(preset):
    model = models.build_model(preset)
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)


def test_unknown_preset():
    with pytest.raises(ValueError, match=r"Unknown preset: 'vgg'. Expected one of"):
        models.build_model("vgg")


def test_sgd_with_the_tutorial_arguments():
    optimizer = models.make_optimizer("SGD", lr=0.05, momentum=0.9, nesterov=True)
    assert isinstance(optimizer, keras.optimizers.SGD)
    assert float(optimizer.learning_rate) == pytest.approx(0.05)
    assert optimizer.momentum == 0.9 and optimizer.nesterov


def test_decay_becomes_inverse_time_decay_with_keras2_formula():
    optimizer = models.make_optimizer("rmsprop", lr=0.01, rho=0.8, decay=0.5)
    schedule = optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.InverseTimeDecay)
    for step in (0, 1, 10, 100):
        assert float(schedule(step)) == pytest.approx(0.01 / (1 + 0.5 * step))


def test_learning_rate_is_accepted_for_lr():
    optimizer = models.make_optimizer("adagrad", learning_rate=0.2, epsilon=1e-6)
    assert float(optimizer.learning_rate) == pytest.approx(0.2)


def test_optimizer_errors_name_what_is_accepted():
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'lion'. Expected one of"):
        models.make_optimizer("lion")
    with pytest.raises(ValueError, match=r"adagrad optimizer does not take \['momentum'\]"):
        models.make_optimizer("adagrad", momentum=0.9)


def test_save_is_atomic_and_leaves_no_optimizer(tmp_path):
    model = models.compile_model(models.build_model("small_cnn"))
    model.fit(np.zeros((8, 28, 28, 1)), np.zeros(8), epochs=1, verbose=0)
    path = models.save_model(model, tmp_path / "sub" / "model.keras")
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.keras"]
    with zipfile.ZipFile(path) as archive:
        assert b"optimizer" not in archive.read("model.weights.h5")
    loaded = models.load_model(path)
    x = np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)


def test_save_rejects_other_suffixes(tmp_path):
    with pytest.raises(ValueError, match="ending in .keras or .h5"):
        models.save_model(models.build_model("mlp"), tmp_path / "model.pkl")


def test_bundled_model_and_card():
    model = models.load_bundled_model()
    assert model.count_params() == 935_562
    card = models.read_card(models.BUNDLED_MODEL_PATH)
    assert card["test_accuracy"] >= 0.98 and card["data_source"] == "embedded"
    assert card["split"] == {"train": 4000, "test": 1000, "seed": 1234,
                             "validation_split": 0.1, "train_size": None}
    # Rebuilt from scratch, synthetic digits included, by one command (lib.bundled_model).
    assert card["command"] == "python -m lib.bundled_model"


# --- Loading files, including Keras 2 ones ----------------------------------------


def _reference_weights(model):
    return {config["config"]["name"]: [w.numpy() for w in layer.weights]
            for config, layer in zip(tutorial_layers(), model.layers, strict=True) if layer.weights}


def test_keras_224_sequential_h5_loads_with_its_weights(tmp_path):
    reference = models.tutorial_cnn()
    path = tmp_path / "model.h5"
    write_keras224_h5(path, tutorial_layers(), _reference_weights(reference))
    loaded = models.load_model(path)
    x = np.random.default_rng(1).random((3, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded(x), reference(x), atol=1e-6)
    assert loaded.count_params() == 935_562


def test_keras_224_h5_from_bytes(tmp_path):
    reference = models.tutorial_cnn()
    path = tmp_path / "model.h5"
    write_keras224_h5(path, tutorial_layers(), _reference_weights(reference))
    assert models.load_model(path.read_bytes()).output_shape == (None, 10)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_tf_keras_h5_loads(kind, tmp_path):
    import tf_keras

    if kind == "sequential":
        old = tf_keras.Sequential([
            tf_keras.layers.Conv2D(4, 3, activation="relu", input_shape=(28, 28, 1)),
            tf_keras.layers.MaxPooling2D(), tf_keras.layers.Flatten(),
            tf_keras.layers.Dense(10, activation="softmax")])
    else:
        inputs = tf_keras.Input((28, 28, 1))
        hidden = tf_keras.layers.Flatten()(tf_keras.layers.Conv2D(4, 3)(inputs))
        old = tf_keras.Model(inputs, tf_keras.layers.Dense(10, activation="softmax")(hidden))
    old.compile(optimizer=tf_keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    path = tmp_path / "model.h5"
    old.save(path)
    loaded = models.load_model(path)
    x = np.random.default_rng(2).random((2, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded(x), old(x).numpy(), atol=1e-5)


def _saved(model, tmp_path, name="model.keras"):
    path = tmp_path / name
    model.save(path)
    return path


def test_lambda_layer_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "ran"
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(),
                              layers.Lambda(lambda x: x * 2), layers.Dense(10)])
    path = _saved(model, tmp_path)
    with pytest.raises(InputError, match="Lambda.*not allowed") as error:
        models.load_model(path)
    assert error.value.reason == "model_layer_refused" and not marker.exists()


def test_custom_layer_is_refused(tmp_path):
    @keras.saving.register_keras_serializable(package="evil")
    class Shout(layers.Layer):
        def call(self, x):
            return x

    path = _saved(keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), Shout(),
                                    layers.Dense(10)]), tmp_path)
    with pytest.raises(InputError, match="not allowed"):
        models.load_model(path)


def test_parameter_budget_is_checked_before_building(tmp_path):
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(models.mlp())))
    for layer in config["config"]["layers"]:
        if layer["class_name"] == "Dense" and layer["config"]["units"] == 256:
            layer["config"]["units"] = 10**9  # 784 billion weights: never allocated.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", "{}")
        archive.writestr("model.weights.h5", b"")
    with pytest.raises(InputError, match="parameters, more than the budget") as error:
        models.load_model(buffer.getvalue())
    assert error.value.details["params"] > model_files.MAX_PARAMETERS


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (keras.Sequential([keras.Input((32, 32, 3)), layers.Flatten(), layers.Dense(10)]),
         r"input is \(32, 32, 3\)"),
        (keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(5)]),
         r"output is \(5\)"),
    ],
    ids=["input", "output"],
)
def test_shapes_are_checked(model, message, tmp_path):
    with pytest.raises(InputError, match=message):
        models.load_model(_saved(model, tmp_path))


def test_functional_keras_model_loads(tmp_path):
    inputs = keras.Input((28, 28, 1))
    left = layers.Conv2D(4, 3, padding="same")(inputs)
    right = layers.Conv2D(4, 5, padding="same")(inputs)
    merged = layers.Flatten()(layers.Add()([left, right]))
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(merged))
    loaded = models.load_model(_saved(model, tmp_path))
    assert loaded.count_params() == model.count_params()
    assert model_files.check_config(keras.saving.serialize_keras_object(model)).parameters == (
        model.count_params())


def test_size_cap(tmp_path):
    path = _saved(models.mlp(), tmp_path)
    with pytest.raises(InputError, match="more than the limit of 0 MB"):
        models.load_model(path, max_bytes=1000)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"just text", "neither"), (b"PK\x03\x04broken zip", "cannot be read"),
     (b"\x89HDF\r\n\x1a\nbroken", "cannot be read")],
)
def test_damaged_or_foreign_files(content, message):
    with pytest.raises(InputError, match=message):
        models.load_model(content)


def test_uploads_leave_no_temporary_files(tmp_path, monkeypatch):
    import tempfile

    data = _saved(models.mlp(), tmp_path).read_bytes()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    models.load_model(data)
    assert list(scratch.iterdir()) == []
