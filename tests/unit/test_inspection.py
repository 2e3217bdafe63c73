"""Unit tests of lib/inspection.py and lib/charts/inspect.py: layer outputs, saliency, Grad-CAM,
filter patterns, test-set statistics, and the figures drawn from them."""

import threading

import keras
import numpy as np
import pytest
from keras import layers
from PIL import Image, ImageDraw

from lib import evaluation, inference, inspection, models, preprocess
from lib.charts import digits as digit_charts
from lib.charts import evaluation as evaluation_charts
from lib.charts import inspect as figures


@pytest.fixture(scope="module")
def bundled():
    return models.load_bundled_model()


def functional_model():
    """A small functional CNN with two branches joined by `Add`, ending in logits + Softmax."""
    inputs = keras.Input(shape=(28, 28, 1), name="digits")
    trunk = layers.Conv2D(8, kernel_size=(3, 3), padding="same", activation="relu",
                          name="trunk")(inputs)
    left = layers.Conv2D(4, kernel_size=(3, 3), padding="same", name="left")(trunk)
    right = layers.Conv2D(4, kernel_size=(1, 1), name="right")(trunk)
    joined = layers.Add(name="join")([left, right])
    pooled = layers.MaxPooling2D(pool_size=(2, 2), name="pool")(joined)
    features = layers.GlobalAveragePooling2D(name="gap")(pooled)
    logits = layers.Dense(10, name="logits")(features)
    outputs = layers.Softmax(name="probabilities")(logits)
    return keras.Model(inputs, outputs, name="branches")


def synthetic_digit():
    """A hand-made "7" drawn with Pillow, preprocessed like a drawing: `(28, 28)` in [0, 1]."""
    picture = Image.new("L", (200, 200), 255)
    pen = ImageDraw.Draw(picture)
    pen.line([(40, 40), (160, 40), (90, 170)], fill=0, width=18)
    return preprocess.to_mnist(picture)


def test_layer_outputs_of_the_tutorial_cnn_have_each_layers_shape():
    model = models.tutorial_cnn()
    outputs = inspection.layer_outputs(model, np.zeros((28, 28), np.float32))
    assert [(o.name, o.output_shape, o.kind) for o in outputs] == [
        (layer.name, tuple(layer.output.shape[1:]), kind) for layer, kind in zip(
            model.layers, ["maps"] * 8 + ["vector"] * 5 + ["probabilities"], strict=True)]
    assert [o.values.shape for o in outputs[:8:2]] == [(32, 28, 28), (64, 14, 14),
                                                      (128, 7, 7), (128, 3, 3)]
    assert [o.values.shape for o in outputs[8:]] == [(128,), (1024,), (1024,), (512,), (512,),
                                                    (10,)]
    assert sum(o.params for o in outputs) == 935_562
    assert outputs[0].params == 32 * (5 * 5 + 1)


def test_layer_outputs_of_a_functional_model_follow_its_graph():
    model = functional_model()
    outputs = {o.name: o for o in inspection.layer_outputs(model, np.ones((28, 28, 1)))}
    assert list(outputs) == ["trunk", "left", "right", "join", "pool", "gap", "logits",
                             "probabilities"]
    assert outputs["trunk"].values.shape == (8, 28, 28)
    assert outputs["join"].values.shape == (4, 28, 28)
    np.testing.assert_allclose(outputs["join"].values,
                               outputs["left"].values + outputs["right"].values, atol=1e-5)
    assert outputs["pool"].output_shape == (14, 14, 4)
    assert outputs["gap"].kind == "vector" and outputs["gap"].values.shape == (4,)
    assert outputs["logits"].kind == "vector"
    assert outputs["probabilities"].kind == "probabilities"
    assert outputs["probabilities"].values.sum() == pytest.approx(1.0, abs=1e-5)
    assert inspection.conv_layer_names(model) == ["trunk", "left", "right"]


def test_a_loaded_sequential_model_runs_its_real_path(bundled, mnist):
    # A Sequential loaded from a file calls its layers on several partial graphs; the last
    # layer's output must be the model's own prediction, not one of those.
    image = mnist.x_test[0] / 255.0
    outputs = inspection.layer_outputs(bundled, image)
    np.testing.assert_allclose(outputs[-1].values, inference.predict_proba(bundled, image[None])[0],
                               atol=1e-5)
    assert len(outputs) == len(bundled.layers)


@pytest.mark.parametrize("build", [functional_model, models.small_cnn], ids=["functional",
                                                                             "sequential"])
def test_an_uploaded_model_is_inspected_like_the_one_saved(build, tmp_path):
    from lib import model_files

    model = build()
    path = models.save_model(model, tmp_path / "model.keras")
    loaded = model_files.load_model(path.read_bytes())
    digit = synthetic_digit()
    saved = inspection.layer_outputs(model, digit)
    for original, again in zip(saved, inspection.layer_outputs(loaded, digit), strict=True):
        assert (again.name, again.output_shape, again.kind) == (
            original.name, original.output_shape, original.kind)
        np.testing.assert_allclose(again.values, original.values, atol=1e-5)
    explanation = inspection.explain(loaded, digit)
    assert np.isfinite(explanation.gradient).all() and explanation.grad_cam is not None


def test_layer_outputs_refuse_a_wrong_shape(bundled):
    with pytest.raises(ValueError, match=r"Expected one digit of shape \(28, 28\).*\(32, 32\)"):
        inspection.layer_outputs(bundled, np.zeros((32, 32)))


def _grad_cam_by_hand(model, digit, layer_name, class_index):
    """Grad-CAM of a Sequential softmax model, its layers called in turn under a tape."""
    import tensorflow as tf

    value = tf.constant(digit[np.newaxis, ..., np.newaxis])
    with tf.GradientTape() as tape:
        for layer in model.layers[:-1]:
            value = layer(value, training=False)
            if layer.name == layer_name:
                maps = value
        last = model.layers[-1]  # The class's score is its logit, before the softmax.
        score = (tf.matmul(value, last.kernel) + last.bias)[0, class_index]
    return inspection.grad_cam_map(maps[0].numpy(), tape.gradient(score, maps)[0].numpy())


def test_saliency_and_grad_cam_are_finite_shaped_and_highest_on_the_ink(bundled):
    digit = synthetic_digit()
    explanation = inspection.explain(bundled, digit)
    assert explanation.class_index == 7
    assert explanation.grad_cam_layer == "conv2d_2"  # The last one at least 7 x 7.
    for values in (explanation.gradient, explanation.saliency, explanation.grad_cam):
        assert values.shape == (28, 28) and np.isfinite(values).all()
    assert explanation.saliency.max() == pytest.approx(1.0)
    assert explanation.grad_cam.min() >= 0.0 and explanation.grad_cam.max() == pytest.approx(1.0)
    # Saliency is |gradient| scaled to its maximum. How much of it falls on the ink rather than
    # around it is, like Grad-CAM, what a model learned: the bundled model trained on other
    # writing styles also weighs where ink is missing (a 7's open side).
    np.testing.assert_allclose(explanation.saliency, np.abs(explanation.gradient)
                               / np.abs(explanation.gradient).max(), atol=1e-6)
    # Where Grad-CAM lies is what a model learned, not what the code computes: models trained
    # on the same data with other seeds put it on this 7's strokes or beside them (the bundled
    # model weighs the empty space too). So the code is checked against Grad-CAM by hand.
    np.testing.assert_allclose(explanation.grad_cam,
                               _grad_cam_by_hand(bundled, digit, "conv2d_2", 7), atol=1e-4)
    # The most salient pixel moves the answer more than the least salient one does.
    def score_change(flat_index):
        nudged = digit.copy()
        nudged.flat[flat_index] += 0.05 if nudged.flat[flat_index] < 0.5 else -0.05
        before, after = inference.predict_proba(bundled, np.stack([digit, nudged]))[:, 7]
        return abs(float(after) - float(before))

    assert score_change(explanation.saliency.argmax()) > score_change(
        explanation.saliency.argmin())


def test_explain_any_class_and_any_conv_layer(bundled):
    digit = synthetic_digit()
    other = inspection.explain(bundled, digit, class_index=1, layer_name="conv2d_1")
    assert other.class_index == 1 and other.grad_cam_layer == "conv2d_1"
    assert np.isfinite(other.gradient).all() and other.grad_cam.shape == (28, 28)
    assert not np.allclose(other.gradient, inspection.explain(bundled, digit).gradient)
    with pytest.raises(ValueError, match="Expected a class from 0 to 9. Received 10"):
        inspection.explain(bundled, digit, class_index=10)
    with pytest.raises(ValueError, match="Expected a convolution layer for Grad-CAM. "
                                         "Received 'dense'"):
        inspection.explain(bundled, digit, layer_name="dense")


def test_explain_a_model_without_convolutions_gives_saliency_only():
    explanation = inspection.explain(models.mlp(), synthetic_digit())
    assert explanation.grad_cam is None and explanation.grad_cam_layer is None
    assert explanation.saliency.shape == (28, 28)
    assert inspection.first_conv_kernels(models.mlp()) is None


def test_saliency_uses_scores_before_softmax():
    # A sure model's softmax gradient vanishes; the logits' does not.
    model = functional_model()
    digit = synthetic_digit()
    explanation = inspection.explain(model, digit, class_index=3)
    assert np.abs(explanation.gradient).max() > 0


def test_grad_cam_map_by_hand():
    maps = np.zeros((2, 2, 2), np.float32)
    maps[0, 0, 0] = 1.0  # Channel 0 fires top-left; channel 1 fires bottom-right.
    maps[1, 1, 1] = 1.0
    gradients = np.stack([np.full((2, 2), 1.0), np.full((2, 2), -1.0)], axis=-1)
    cam = inspection.grad_cam_map(maps, gradients, size=(4, 4))
    assert cam.shape == (4, 4)
    assert cam[0, 0] == pytest.approx(1.0) and cam[3, 3] == pytest.approx(0.0)
    assert np.all(inspection.grad_cam_map(maps, -np.abs(gradients), size=(4, 4)) == 0)


def test_first_conv_kernels(bundled):
    name, kernels = inspection.first_conv_kernels(bundled)
    assert name == "conv2d" and kernels.shape == (32, 5, 5)
    np.testing.assert_allclose(kernels, np.moveaxis(bundled.layers[0].kernel.numpy()[:, :, 0], -1,
                                                    0))


def test_filter_pattern_excites_its_filter():
    model = functional_model()
    pattern = inspection.filter_pattern(model, "left", 2, steps=20)
    assert pattern.shape == (28, 28) and pattern.min() >= 0 and pattern.max() <= 1
    start = np.random.default_rng(0).uniform(0.0, 0.2, (28, 28))
    response = {o.name: o for o in inspection.layer_outputs(model, pattern)}["left"].values[2]
    before = {o.name: o for o in inspection.layer_outputs(model, start)}["left"].values[2]
    assert response.mean() > before.mean()
    with pytest.raises(ValueError, match=r"Expected a filter index from 0 to 3 .*Received 4"):
        inspection.filter_pattern(model, "left", 4)
    with pytest.raises(ValueError, match="Expected a convolution layer. Received 'gap'"):
        inspection.filter_pattern(model, "gap", 0)


def test_pca_of_points_on_a_line():
    line = np.outer(np.arange(10.0), [1.0, 2.0, 2.0])
    points, explained = inspection.pca_2d(line)
    assert points.shape == (10, 2)
    assert explained[0] == pytest.approx(1.0) and explained[1] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(np.abs(np.diff(points[:, 0])), 3.0, rtol=1e-5)


def test_test_statistics_of_the_bundled_model(bundled, mnist):
    images, labels = mnist.x_test[:300], mnist.y_test[:300]
    stats = inspection.test_statistics(bundled, images, labels, map_points=120)
    expected = inference.predict_proba(bundled, images / 255.0).argmax(axis=1)
    np.testing.assert_array_equal(stats.predictions, expected)
    assert isinstance(stats, evaluation.Evaluation)  # The shape /train and /recognize share.
    assert stats.confusion.sum() == 300
    np.testing.assert_array_equal(stats.confusion,
                                  evaluation.confusion_matrix(labels, expected))
    assert stats.accuracy == pytest.approx(np.mean(expected == labels))
    assert sum(total for _, total in stats.per_digit.values()) == 300
    assert all(stats.predictions[i] != stats.labels[i] for i in stats.mistakes)
    assert len(stats.mistakes) == int((expected != labels).sum())
    assert np.all(np.diff(stats.confidences[stats.mistakes]) <= 0)
    assert stats.map_points.shape == (120, 2) and len(set(stats.map_indices)) == 120
    assert stats.map_layer == "dense_1"
    assert 0 < stats.explained_variance.sum() <= 1


def test_concurrent_sessions_share_a_model_safely(bundled, mnist):
    images = mnist.x_test[:8] / 255.0
    expected = [inspection.layer_outputs(bundled, image)[-1].values for image in images]
    results, errors = {}, []

    def work(index):
        try:
            image = images[index % len(images)]
            results[index] = inspection.layer_outputs(bundled, image)[-1].values
            inspection.explain(bundled, image)
        except Exception as error:  # noqa: BLE001  (collected and reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for index, values in results.items():
        np.testing.assert_allclose(values, expected[index % len(images)], atol=1e-5)


def test_figures():
    confusion = np.diag(np.full(10, 5))
    confusion[4, 9] = 3
    figure = evaluation_charts.confusion_matrix(confusion, "predicted", "true")
    assert len(figure.data) == 2
    assert figure.data[1].text[4][9] == "3" and figure.data[1].text[0][1] == ""
    assert figure.data[0].text[4][4] == "5"
    rng = np.random.default_rng(0)
    labels = np.arange(20) % 10
    scatter = figures.map_figure(rng.normal(size=(20, 2)), labels, np.arange(100, 120), labels,
                                 {"x": "x", "y": "y", "hover": "#{index}: {label} → {prediction}"})
    assert len(scatter.data) == 10
    assert list(scatter.data[0].customdata) == [100, 110]
    assert scatter.data[0].hovertext[0] == "#100: 0 → 0"
    digit = synthetic_digit()
    panels = [("a", digit, "overlay"), ("b", digit - 0.5, "signed"), ("c", digit, "image")]
    assert len(figures.explanation_figure(digit, panels).data) == 4
    assert digit_charts.thumbnail(digit, 3).shape == (84, 84)
