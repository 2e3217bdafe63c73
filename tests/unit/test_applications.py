"""lib.applications offline: stats, the offline message, and fake weights in Keras's cache."""

import ast
import threading

import numpy as np
import pytest
from PIL import Image

from lib import applications, datasets
from tests import fake_keras_cache as fake
from tests import hostile


def offline(url):
    return False


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    return fake.use_keras_home(monkeypatch, tmp_path / "keras")


@pytest.fixture
def tiny(monkeypatch):
    return fake.use_tiny_mobilenet(monkeypatch)


def photo(size=(120, 80)):
    pixels = np.zeros((*size[::-1], 3), dtype=np.uint8)
    pixels[:, :, 0] = np.linspace(0, 255, size[0], dtype=np.uint8)
    pixels[20:60, 30:90, 2] = 200
    return Image.fromarray(pixels)


def test_unknown_application_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown application: 'AlexNet'.*'MobileNetV2'"):
        applications.get_spec("AlexNet")


def test_multiply_adds_of_each_counted_layer():
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, kernel_size=(3, 3), padding="same"),  # 28*28*8*9*1
        layers.DepthwiseConv2D(kernel_size=(3, 3)),  # 26*26*8*9
        layers.SeparableConv2D(16, kernel_size=(3, 3)),  # 24*24*8*(9 + 16)
        layers.Conv2D(16, kernel_size=(1, 1), groups=4),  # 24*24*16*1*16/4
        layers.BatchNormalization(),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10),  # 16*10
    ])
    counts = [applications.layer_multiply_adds(layer) for layer in model.layers]
    assert counts == [28 * 28 * 8 * 9, 26 * 26 * 8 * 9, 24 * 24 * 8 * 25, 24 * 24 * 16 * 4, 0,
                      0, 160]


@pytest.mark.slow
def test_mobilenet_v2_stats_match_the_published_numbers():
    stats = applications.model_stats("MobileNetV2")
    assert stats.params == 3_538_984  # keras.io/api/applications: 3.5M
    assert stats.layers == 156
    assert stats.input_shape == (224, 224, 3)
    assert stats.multiply_adds == pytest.approx(300e6, rel=0.02)  # the paper: 300M
    assert stats.size_mb == pytest.approx(13.5, abs=0.1)
    assert stats.gflops == pytest.approx(0.6, rel=0.02)
    assert len(stats.rows) == stats.layers
    assert sum(row.params for row in stats.rows) == stats.params


def on_a_new_thread(function):
    """`function()` on a thread of its own: fresh Keras name counters, as `model_stats` has."""
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(function()))
    thread.start()
    thread.join()
    return outcome[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(applications.APPLICATIONS))
def test_stats_from_shapes_equal_those_of_the_built_model(name):
    # The real model, its weights allocated and initialised, is counted on a thread of its own
    # so that its automatic layer names match the shapes-only build's.
    built = on_a_new_thread(lambda: applications.model_stats(name, applications.build(name)))
    assert applications.model_stats(name) == built


def test_an_error_while_counting_is_raised_to_the_caller(tiny, monkeypatch):
    def broken(name, **kwargs):
        raise ValueError(f"Cannot build {name}.")

    monkeypatch.setattr(applications, "build", broken)
    with pytest.raises(ValueError, match="Cannot build MobileNetV2."):
        applications.model_stats("MobileNetV2")


COUNT_VGG16 = """
import gc
import keras
from lib import applications

applications.model_stats("MobileNetV3Small")  # Imports and Keras's first build, not measured.


def count_vgg16():
    gc.collect()
    before = sum(isinstance(item, keras.Variable) for item in gc.get_objects())
    stats = applications.model_stats("VGG16")
    # A symbolic layer call ends a stateless scope, which initialises every variable left
    # pending on this thread: none may be.
    keras.layers.Dense(2)(keras.Input((4,)))
    gc.collect()
    after = sum(isinstance(item, keras.Variable) for item in gc.get_objects())
    return stats.params, before, after
"""


@pytest.mark.slow
def test_vgg16_is_counted_without_allocating_its_weights_and_nothing_stays():
    outcome = hostile.attempt(COUNT_VGG16, "count_vgg16()")
    assert outcome.raised is None, outcome.traceback
    params, before, after = ast.literal_eval(outcome.value)
    assert params == 138_357_544  # keras.io/api/applications: 138.4M
    # Its weights alone are 528 MB in float32 (the fully built model peaked at about 1.4 GB).
    assert outcome.growth_mb < 100
    assert after == before


@pytest.mark.slow
@pytest.mark.parametrize("name", ["MobileNetV3Small", "EfficientNetB0", "ConvNeXtTiny"])
def test_registry_weights_match_what_keras_fetches(name, monkeypatch):
    from keras.src.utils import file_utils

    asked = []

    class Asked(Exception):
        pass

    def recorder(fname=None, origin=None, *args, cache_subdir="datasets", **kwargs):
        asked.append((fname, origin, cache_subdir))
        raise Asked

    monkeypatch.setattr(file_utils, "get_file", recorder)
    spec = applications.get_spec(name)
    for include_top, weights in ((True, spec.weights), (False, spec.weights_notop)):
        with pytest.raises(Asked):
            applications.build(name, weights="imagenet", include_top=include_top)
        assert asked[-1] == (weights.fname, weights.origin, "models")


def test_tiny_stats_and_layer_table(tiny):
    stats = applications.model_stats("MobileNetV2")
    assert stats.input_shape == (96, 96, 3)
    assert 0 < stats.multiply_adds < 30e6
    assert stats.rows[0].kind == "InputLayer" and stats.rows[-1].kind == "Dense"
    assert stats.rows[-1].output_shape == (1000,)


def test_offline_weights_say_which_file_to_put_where(keras_home, tiny):
    assert applications.weights_availability("MobileNetV2", reachable=offline).state == "offline"
    with pytest.raises(datasets.Unavailable) as raised:
        applications.load_pretrained("MobileNetV2", reachable=offline)
    message = str(raised.value)
    assert "ImageNet weights of MobileNetV2 is not in Keras's cache" in message
    assert f"{tiny.weights.origin} -> {keras_home}/models/{tiny.weights.fname}" in message


@pytest.fixture
def cached_weights(keras_home, tiny):
    """Random weights of the tiny model, saved where Keras keeps ImageNet weights."""
    source = applications.build("MobileNetV2")
    path = fake.place_weights(tiny, source)
    return source, path


def test_cached_weights_classify_and_embed(cached_weights, monkeypatch):
    source, path = cached_weights
    fake.place_class_index(monkeypatch)
    assert applications.weights_availability("MobileNetV2", reachable=offline).state == "cached"
    pretrained = applications.load_pretrained("MobileNetV2", reachable=offline)
    assert pretrained.origin == path
    for loaded, saved in zip(pretrained.model.weights, source.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(loaded), np.asarray(saved))
    pixels, rows, note, embedding = applications.classify(pretrained, photo(), reachable=offline)
    assert pixels.shape == (96, 96, 3) and pixels.dtype == np.uint8
    assert note is None and len(rows) == 5
    class_id, description, probability = rows[0]
    assert description == f"thing_{int(class_id[1:])}"
    assert [row[2] for row in rows] == sorted((row[2] for row in rows), reverse=True)
    expected = np.asarray(pretrained.model(applications.prepare_image(photo(), "MobileNetV2")[1]))
    assert probability == pytest.approx(float(expected.max()), rel=1e-5)
    assert embedding.shape == (1280,)


def test_without_the_class_index_classes_are_numbered(cached_weights):
    pretrained = applications.load_pretrained("MobileNetV2", reachable=offline)
    _, rows, note, _ = applications.classify(pretrained, photo(), reachable=offline)
    assert all(description is None for _, description, _ in rows)
    assert rows[0][0].isdigit()
    assert "imagenet_class_index.json" in note


def test_feature_extractor_is_include_top_false_with_average_pooling(tiny):
    model = applications.build("MobileNetV2")
    notop = applications.build("MobileNetV2", include_top=False, pooling="avg")
    # The body's weights come first in both models: give the pooled model the same ones.
    notop.set_weights(model.get_weights()[:len(notop.weights)])
    batch = applications.prepare_image(photo(), "MobileNetV2")[1]
    np.testing.assert_allclose(np.asarray(applications.feature_extractor(model)(batch)),
                               np.asarray(notop(batch)), rtol=1e-4, atol=1e-5)


def test_a_wrong_weights_file_is_a_clear_error(keras_home, tiny):
    path = datasets.cache_path(tiny.weights)
    (keras_home / "models").mkdir()
    with open(path, "wb") as file:
        file.write(b"not hdf5")
    with pytest.raises(ValueError, match="Could not load the ImageNet weights of MobileNetV2.*"
                                         "Delete the file"):
        applications.load_pretrained("MobileNetV2", reachable=offline)


def test_prepare_image_crops_the_centre_and_uses_the_models_preprocessing(tiny):
    pixels, batch = applications.prepare_image(photo((200, 100)).convert("RGBA"), "MobileNetV2")
    assert pixels.shape == (96, 96, 3)
    assert batch.shape == (1, 96, 96, 3) and batch.dtype == np.float32
    # MobileNetV2's preprocess_input scales 0-255 to [-1, 1].
    np.testing.assert_allclose(batch[0], pixels / 127.5 - 1, atol=1e-5)


@pytest.mark.parametrize("name", list(applications.APPLICATIONS))
def test_recipes_are_valid_python_naming_the_model(name):
    for code in (applications.fine_tuning_code(name), applications.embedding_code(name)):
        compile(code, f"<{name} recipe>", "exec")
        assert f"keras.applications.{name}(" in code
    assert "include_top=False" in applications.fine_tuning_code(name)
