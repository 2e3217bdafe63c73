import gc
import threading
import weakref

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from lib import data, inference, models


@pytest.fixture(scope="module")
def digits():
    mnist = data.load_embedded()
    return mnist.x_test[:300] / 255.0, mnist.y_test[:300]


def test_probabilities_match_keras_predict(model, digits):
    images, labels = digits
    probabilities = inference.predict_proba(model, images)
    assert probabilities.shape == (300, 10) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    expected = model.predict(images[..., None], verbose=0)
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)
    assert (probabilities.argmax(1) == labels).mean() > 0.97


def test_one_image_and_channel_axis(model, digits):
    images, _ = digits
    one = inference.predict_proba(model, images[:1])
    with_channel = inference.predict_proba(model, images[:1, :, :, None])
    np.testing.assert_allclose(one, with_channel)
    digit, row = inference.predict_digit(model, images[0])
    assert digit == int(one.argmax()) and row.shape == (10,)


def test_large_batches_are_chunked(model, digits, monkeypatch):
    monkeypatch.setattr(inference, "BATCH_SIZE", 64)
    images, _ = digits
    np.testing.assert_allclose(
        inference.predict_proba(model, images), model.predict(images[..., None], verbose=0),
        atol=1e-5)


def test_empty_batch(model):
    assert inference.predict_proba(model, np.zeros((0, 28, 28))).shape == (0, 10)


def test_wrong_shape_says_what_was_received(model):
    with pytest.raises(ValueError, match=r"Received an array of shape \(2, 32, 32\)"):
        inference.predict_proba(model, np.zeros((2, 32, 32)))


def test_model_without_softmax_still_gives_probabilities():
    logits_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])
    images = np.random.default_rng(0).random((4, 28, 28))
    probabilities = inference.predict_proba(logits_model, images)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities >= 0).all()


def test_concurrent_sessions_share_one_model_safely(model, digits):
    images, _ = digits
    expected = inference.predict_proba(model, images[:50])
    results, errors = {}, []

    def session(index):
        try:
            for _ in range(10):
                results[index] = inference.predict_proba(model, images[index : index + 1])
                np.testing.assert_allclose(results[index][0], expected[index], atol=1e-5)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 8


def test_one_digit_goes_through_xla_and_agrees_with_the_graph(model, digits):
    images, _ = digits
    one = inference.predict_proba(model, images[:1])
    in_a_batch = inference.predict_proba(model, images[:2])[:1]
    assert inference._compiled_for(model).one is not None
    np.testing.assert_allclose(one, in_a_batch, atol=1e-5)


def test_a_model_xla_cannot_compile_falls_back_to_the_graph(digits, monkeypatch):
    images, _ = digits
    model = models.build_model("mlp")
    compiled = inference._compiled_for(model)

    def cannot_compile(batch):  # What XLA raises for an op it has no kernel for.
        raise tf.errors.UnimplementedError(None, None, "no XLA kernel")

    monkeypatch.setattr(compiled, "one", cannot_compile)
    probabilities = inference.predict_proba(model, images[:1])
    assert probabilities.shape == (1, 10) and compiled.one is None and not compiled.xla
    inference.predict_proba(model, images[:1])  # From now on, the graph.


def test_compiled_once_per_model(model, digits):
    images, _ = digits
    inference.predict_proba(model, images[:2])
    compiled = inference._compiled_for(model)
    function = compiled.function
    # One traced graph serves every batch size (a concrete function cannot retrace).
    assert inference.predict_proba(model, images[:7]).shape == (7, 10)
    assert inference.predict_proba(model, images[:300]).shape == (300, 10)
    assert inference._compiled_for(model) is compiled and compiled.function is function


def test_a_discarded_model_is_freed_with_its_compiled_functions(digits):
    images, _ = digits
    model = models.build_model("mlp")
    inference.predict_proba(model, images[:1])
    inference.predict_proba(model, images[:3])
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None  # The compiled functions hold it weakly.
