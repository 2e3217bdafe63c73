"""lib.explore returns what Keras itself computes, and refuses arguments in plain words."""

import string

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from lib import explore, i18n, layer_stack, models


@pytest.fixture(scope="module")
def digit():
    """A real-looking digit: a ring of ink, float (28, 28) in [0, 1]."""
    yy, xx = np.mgrid[:28, :28]
    radius = np.hypot(yy - 14, xx - 14)
    return np.clip(1.0 - np.abs(radius - 7) / 2.5, 0, 1).astype(np.float32)


# Layers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layer_type", list(explore.layers.LAYERS))
def test_default_arguments_build_and_run(layer_type, digit):
    result = explore.layers.apply_layer(layer_type, {}, digit)
    layer = explore.layers.build_layer(layer_type, {})
    inputs_shape = (1, 784) if layer_type == "Dense" else (1, 28, 28, 1)
    assert result.output_shape == tuple(layer.compute_output_shape(inputs_shape))
    assert result.params == sum(int(np.prod(w.shape)) for w in result.weights)
    assert result.formula.endswith(f"{result.params:,}")
    assert result.code.startswith(f"layers.{layer_type}(")


@pytest.mark.parametrize(
    ("arguments", "formula"),
    [
        ({"filters": 32, "kernel_size": (5, 5)}, "(5 x 5 x 1 + 1) x 32 = 832"),
        ({"filters": 8, "kernel_size": (3, 3), "use_bias": False}, "3 x 3 x 1 x 8 = 72"),
        ({"filters": 16, "kernel_size": (3, 5), "padding": "same"}, "(3 x 5 x 1 + 1) x 16 = 256"),
    ],
)
def test_conv2d_parameter_formula_matches_count_params(arguments, formula, digit):
    result = explore.layers.apply_layer("Conv2D", arguments, digit)
    reference = layers.Conv2D(arguments["filters"], kernel_size=arguments["kernel_size"],
                              use_bias=arguments.get("use_bias", True))
    reference.build((1, 28, 28, 1))
    assert result.formula == formula
    assert result.params == reference.count_params()


@pytest.mark.parametrize(("units", "use_bias", "formula"),
                         [(10, True, "(784 + 1) x 10 = 7,850"), (32, False, "784 x 32 = 25,088")])
def test_dense_parameter_formula_matches_count_params(units, use_bias, formula, digit):
    result = explore.layers.apply_layer("Dense", {"units": units, "use_bias": use_bias}, digit)
    reference = layers.Dense(units, use_bias=use_bias)
    reference.build((1, 784))
    assert result.formula == formula
    assert result.params == reference.count_params()
    assert result.output.shape == (units,)


def test_batch_normalization_counts_trainable_and_moving_weights(digit):
    result = explore.layers.apply_layer("BatchNormalization", {}, digit)
    assert result.formula == "4 x 1 = 4"
    assert result.trainable_params == 2
    assert [w.name for w in result.weights if not w.trainable] == ["moving_mean",
                                                                   "moving_variance"]
    training = result.training_output[0]
    assert abs(training.mean()) < 1e-3 and abs(training.std() - 1) < 1e-2
    np.testing.assert_allclose(result.output[0], digit / np.sqrt(1 + 0.001), atol=1e-5)


def test_conv2d_output_is_the_convolution_of_its_own_weights(digit):
    result = explore.layers.apply_layer("Conv2D", {"filters": 4, "kernel_size": (3, 3),
                                                   "activation": "relu"}, digit, seed=3)
    kernel, bias = (w.values for w in result.weights)
    expected = tf.nn.relu(tf.nn.conv2d(digit.reshape(1, 28, 28, 1), kernel, 1, "VALID") + bias)
    np.testing.assert_allclose(result.output, np.transpose(expected[0], (2, 0, 1)), atol=1e-5)
    assert result.output.shape == (4, 26, 26)


def test_same_seed_same_weights_and_config_is_json(digit):
    first = explore.layers.apply_layer("Dense", {"units": 5}, digit, seed=7)
    second = explore.layers.apply_layer("Dense", {"units": 5}, digit, seed=7)
    np.testing.assert_array_equal(first.weights[0].values, second.weights[0].values)
    assert first.config["units"] == 5
    assert first.config["kernel_initializer"]["config"]["seed"] == 7


def test_conv2d_channels_first_moves_the_channel_axis(digit):
    result = explore.layers.apply_layer("Conv2D", {"data_format": "channels_first"}, digit)
    assert result.input_shape == (1, 1, 28, 28)
    assert result.output_shape == (1, 8, 24, 24)
    assert result.output.shape == (8, 24, 24)


def test_strides_padding_and_dilation_change_the_output_shape(digit):
    def shape(**arguments):
        return explore.layers.apply_layer("Conv2D", arguments, digit).output_shape

    assert shape(kernel_size=(5, 5)) == (1, 24, 24, 8)
    assert shape(kernel_size=(5, 5), padding="same") == (1, 28, 28, 8)
    assert shape(kernel_size=(5, 5), strides=(2, 2)) == (1, 12, 12, 8)
    assert shape(kernel_size=(3, 3), dilation_rate=(2, 2)) == (1, 24, 24, 8)


def test_pooling_matches_numpy(digit):
    blocks = digit.reshape(14, 2, 14, 2)
    maximum = explore.layers.apply_layer("MaxPooling2D", {"pool_size": (2, 2)}, digit)
    average = explore.layers.apply_layer("AveragePooling2D", {"pool_size": (2, 2)}, digit)
    np.testing.assert_allclose(maximum.output[0], blocks.max(axis=(1, 3)), atol=1e-6)
    np.testing.assert_allclose(average.output[0], blocks.mean(axis=(1, 3)), atol=1e-6)
    overlapping = explore.layers.apply_layer("MaxPooling2D",
                                             {"pool_size": (3, 3), "strides": (1, 1)}, digit)
    assert overlapping.output_shape == (1, 26, 26, 1)


def test_dropout_mask_in_training_and_identity_at_inference(digit):
    rate = 0.4
    result = explore.layers.apply_layer("Dropout", {"rate": rate, "seed": 5}, digit)
    np.testing.assert_array_equal(result.output[0], digit)
    np.testing.assert_allclose(result.training_output[0], digit * result.mask / (1 - rate),
                               atol=1e-6)
    assert 0.3 < 1 - result.mask.mean() < 0.5
    rows = explore.layers.apply_layer("Dropout", {"rate": rate, "noise_shape": (1, 28, 1, 1)},
                                      digit)
    assert np.all(rows.mask.min(axis=1) == rows.mask.max(axis=1))  # Whole rows kept or dropped.


def test_flatten_lays_rows_end_to_end(digit):
    result = explore.layers.apply_layer("Flatten", {}, digit)
    np.testing.assert_array_equal(result.output, digit.ravel())
    assert result.params == 0 and result.formula == "0"


def test_kernel_regularizer_adds_to_the_loss(digit):
    plain = explore.layers.apply_layer("Dense", {"units": 4}, digit)
    regularized = explore.layers.apply_layer("Dense", {"units": 4, "kernel_regularizer": "l2"},
                                             digit)
    assert plain.regularization_loss == 0
    kernel = regularized.weights[0].values
    assert regularized.regularization_loss == pytest.approx(0.01 * np.sum(kernel**2), rel=1e-4)


def test_arguments_a_stack_takes_come_from_layer_stack():
    rate = explore.layers.LAYERS["Dropout"][0]
    assert rate == layer_stack.ARGUMENTS["Dropout"][0]
    activations = set(explore.layers.ACTIVATION_CHOICES) - {None}
    assert activations == set(layer_stack.ACTIVATIONS) - {"linear"}
    filters, kernel_size = explore.layers.LAYERS["Conv2D"][:2]
    assert (filters.name, filters.default, filters.maximum) == ("filters", 8, 64)
    assert (kernel_size.kind, kernel_size.default, kernel_size.maximum) == ("pair", (5, 5), 32)
    assert explore.layers.default_arguments("Conv2D")["padding"] == "valid"  # Keras's default.


def test_layer_code_reads_like_keras_io():
    assert explore.layers.layer_code("Conv2D", {"filters": 32, "kernel_size": (5, 5),
                                                "padding": "same", "activation": "relu"}) == (
        'layers.Conv2D(32, kernel_size=(5, 5), padding="same", activation="relu")')
    assert explore.layers.layer_code("Dropout", {"rate": 0.5}) == "layers.Dropout(0.5, seed=0)"
    assert explore.layers.layer_code("MaxPooling2D", {}) == "layers.MaxPooling2D(pool_size=(2, 2))"


@pytest.mark.parametrize(
    ("layer_type", "arguments", "message"),
    [
        ("Conv2D", {"kernel_size": (30, 30)},
         r"\(30, 30\) window .* does not fit in the \(28, 28\) input.*padding='same'.*"
         r"Keras's reason: Computed output size would be zero or negative"),
        ("Conv2D", {"kernel_size": (9, 9), "dilation_rate": (4, 4)},
         r"spanning \(33, 33\) pixels"),
        ("MaxPooling2D", {"pool_size": (29, 29)}, r"does not fit in the \(28, 28\) input"),
        ("Conv2D", {"strides": (0, 1)}, r"strides must be at least 1.*strides=\(0, 1\)"),
        ("MaxPooling2D", {"strides": (0, 0)}, r"strides must be at least 1"),
        ("AveragePooling2D", {"strides": (1, 0)}, r"strides must be at least 1"),
        ("Conv2D", {"strides": (2, 2), "dilation_rate": (2, 2)},
         r"cannot combine strides > 1 with dilation_rate > 1"),
        ("Dense", {"units": 0}, r"Keras refused these arguments.*units"),
    ],
)
def test_refused_arguments_in_plain_words(layer_type, arguments, message, digit):
    with pytest.raises(ValueError, match=message) as caught:
        explore.layers.apply_layer(layer_type, arguments, digit)
    assert isinstance(caught.value, explore.layers.LayerArgumentError)
    assert "Keras" in caught.value.message("zh")
    assert caught.value.message("zh") != str(caught.value)


def test_large_window_with_same_padding_is_fine(digit):
    result = explore.layers.apply_layer("MaxPooling2D", {"pool_size": (30, 30), "padding": "same"},
                                        digit)
    assert result.output_shape == (1, 1, 1, 1)


def test_unknown_names_list_the_known_ones(digit):
    with pytest.raises(ValueError, match=r"Unknown layer: 'Conv3D'. Expected one of .*'Dense'"):
        explore.layers.apply_layer("Conv3D", {}, digit)
    with pytest.raises(ValueError, match=r"Unknown padding: 'causal'. Expected one of"):
        explore.layers.apply_layer("Conv2D", {"padding": "causal"}, digit)
    with pytest.raises(ValueError, match=r"Dense does not take \['filters'\]"):
        explore.layers.apply_layer("Dense", {"filters": 3}, digit)
    with pytest.raises(ValueError, match=r"Expected a digit of shape \(28, 28\)"):
        explore.layers.apply_layer("Dense", {}, np.zeros((8, 8)))


# set_weights by hand ------------------------------------------------------------------------


def _correlate(image, kernel):
    padded = np.pad(image, 1)
    return sum(kernel[i, j] * padded[i:i + 28, j:j + 28] for i in range(3) for j in range(3))


@pytest.mark.parametrize("preset", list(explore.layers.CONV_PRESETS))
def test_presets_set_the_weights_keras_convolves_with(preset, digit):
    kernel = explore.layers.conv_preset(preset)
    feature_map = explore.layers.apply_kernel(digit, kernel, bias=0.5)
    np.testing.assert_allclose(feature_map, _correlate(digit, kernel) + 0.5, atol=1e-5)


def test_identity_copies_and_relu_keeps_the_positive_part(digit):
    identity = explore.layers.conv_preset("identity")
    np.testing.assert_allclose(explore.layers.apply_kernel(digit, identity), digit, atol=1e-6)
    edges = explore.layers.apply_kernel(digit, explore.layers.conv_preset("edge_vertical"),
                                        activation="relu")
    assert edges.min() >= 0 and edges.max() > 0
    with pytest.raises(ValueError, match=r"Expected a 3 x 3 kernel. Received shape \(2, 2\)"):
        explore.layers.apply_kernel(digit, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"Unknown kernel preset: 'emboss'"):
        explore.layers.conv_preset("emboss")


# Three ways to build a model ----------------------------------------------------------------


def test_three_ways_build_the_same_tutorial_cnn():
    built = explore.build_ways.build_three_ways()
    assert [way.way for way in built] == ["sequential_list", "sequential_add", "functional"]
    assert {way.total_params for way in built} == {935_562}
    assert len({way.rows for way in built}) == 1
    assert built[0].rows[0] == ("Conv2D", "(None, 28, 28, 32)", 832)
    assert built[0].rows == explore.build_ways.summary_rows(models.tutorial_cnn())
    assert "model.add(layers.Dense(10, activation=\"softmax\"))" in built[1].code
    assert "keras.Model(inputs=inputs, outputs=outputs)" in built[2].code
    # The code /train writes for the tutorial preset, without its imports.
    assert built[0].code.splitlines()[:4] == [
        "model = keras.Sequential(", "    [", "        keras.Input(shape=(28, 28, 1)),",
        '        layers.Conv2D(32, kernel_size=(5, 5), padding="same", activation="relu"),']
    assert built[2].code.splitlines()[1] == (
        'x = layers.Conv2D(32, kernel_size=(5, 5), padding="same", activation="relu")(inputs)')


# Activations --------------------------------------------------------------------------------


def _finite_difference(name, arguments, x, h=1e-3):
    function = explore.activations.ACTIVATIONS[name].function
    merged = explore.activations.activation_arguments(name, arguments)
    up = np.asarray(function(tf.constant(x + h, tf.float64), **merged))
    down = np.asarray(function(tf.constant(x - h, tf.float64), **merged))
    return (up - down) / (2 * h)


# Points away from every function's kinks (0, relu's threshold/cap, hard_sigmoid's +-3).
SMOOTH_POINTS = np.array([-4.3, -2.2, -0.7, 0.4, 1.3, 2.6, 3.7])


@pytest.mark.parametrize("name", list(explore.activations.ACTIVATIONS))
def test_derivatives_match_finite_differences(name):
    x, y, dy = explore.activations.activation_curve(name, x_min=-5, x_max=5, num=1001)
    assert x.shape == y.shape == dy.shape == (1001,)
    slopes = np.interp(SMOOTH_POINTS, x, dy)
    np.testing.assert_allclose(slopes, _finite_difference(name, {}, SMOOTH_POINTS),
                               atol=2e-2, rtol=2e-2)


@pytest.mark.parametrize("arguments", [{"negative_slope": 0.1}, {"max_value": 2.0},
                                       {"threshold": 1.0}, {"negative_slope": 0.3,
                                                            "threshold": -1.0}])
def test_relu_arguments_and_their_derivatives(arguments):
    x, y, dy = explore.activations.activation_curve("relu", arguments, num=1001)
    merged = explore.activations.activation_arguments("relu", arguments)
    np.testing.assert_allclose(y, keras.activations.relu(x, **merged), atol=1e-6)
    slopes = np.interp(SMOOTH_POINTS, x, dy)
    np.testing.assert_allclose(slopes, _finite_difference("relu", arguments, SMOOTH_POINTS),
                               atol=1e-3)


def test_gradient_facts_tell_saturation_and_dead_units():
    sigmoid = explore.activations.gradient_facts(
        *explore.activations.activation_curve("sigmoid")[::2])
    assert sigmoid["max_slope"] == pytest.approx(0.25, abs=1e-4)
    assert sigmoid["chain"] == pytest.approx(0.25**10, rel=1e-3)
    relu = explore.activations.gradient_facts(*explore.activations.activation_curve("relu")[::2])
    assert relu["flat_share"] == pytest.approx(0.5, abs=0.01)  # Dead for every x < 0.
    assert relu["max_slope"] == 1.0


def test_activation_errors():
    with pytest.raises(ValueError, match=r"Unknown activation: 'rectifier'. Expected one of"):
        explore.activations.activation_curve("rectifier")
    with pytest.raises(ValueError, match=r"The tanh activation does not take \['alpha'\]"):
        explore.activations.activation_curve("tanh", {"alpha": 1.0})
    with pytest.raises(ValueError, match=r"Expected x_min < x_max"):
        explore.activations.activation_curve("relu", x_min=2, x_max=1)


def test_softmax_temperature_and_axis():
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    rows = explore.activations.softmax_table(logits, axis=-1)
    np.testing.assert_allclose(rows.sum(axis=1), 1, atol=1e-6)
    columns = explore.activations.softmax_table(logits, axis=0)
    np.testing.assert_allclose(columns.sum(axis=0), 1, atol=1e-6)
    hot, cold = (explore.activations.softmax_table(logits[0], temperature=t) for t in (10.0, 0.1))
    assert hot.max() < rows[0].max() < cold.max()
    expected = np.exp(logits[0] / 2) / np.exp(logits[0] / 2).sum()
    np.testing.assert_allclose(explore.activations.softmax_table(logits[0], temperature=2),
                               expected, atol=1e-6)
    with pytest.raises(ValueError, match=r"Expected a temperature > 0. Received temperature=0"):
        explore.activations.softmax_table(logits, temperature=0)
    with pytest.raises(ValueError, match=r"Received shape \(3,\) and axis=1"):
        explore.activations.softmax_table(logits[0], axis=1)


# Optimizers ---------------------------------------------------------------------------------


def test_sgd_first_step_is_learning_rate_times_gradient():
    path = explore.optimizers.optimizer_path("bowl", "sgd", steps=3, lr=0.01)
    x, y = explore.optimizers.SURFACES["bowl"].start
    np.testing.assert_allclose(path.points[1], [x - 0.01 * x, y - 0.01 * 10 * y], atol=1e-6)
    assert path.points.shape == (4, 2) and path.values.shape == (4,)


def test_decay_is_the_inverse_time_schedule():
    path = explore.optimizers.optimizer_path("bowl", "sgd", steps=50, lr=0.1, decay=0.5)
    np.testing.assert_allclose(path.learning_rates, 0.1 / (1 + 0.5 * np.arange(50)), rtol=1e-5)
    assert "InverseTimeDecay" in path.code and "decay_rate=0.5" in path.code
    plain = explore.optimizers.optimizer_path("bowl", "sgd", steps=5, lr=0.1)
    np.testing.assert_allclose(plain.learning_rates, 0.1)
    assert "InverseTimeDecay" not in plain.code


@pytest.mark.parametrize("optimizer", list(models.OPTIMIZERS))
def test_every_optimizer_goes_downhill_on_the_bowl(optimizer):
    path = explore.optimizers.optimizer_path(
        "bowl", optimizer, steps=150, **explore.optimizers.optimizer_defaults("bowl", optimizer))
    assert not path.diverged
    assert path.values[-1] < 0.01 * path.values[0]


def test_momentum_and_nesterov_change_the_path():
    plain = explore.optimizers.optimizer_path("rosenbrock", "sgd", steps=100, lr=0.001)
    momentum = explore.optimizers.optimizer_path("rosenbrock", "sgd", steps=100, lr=0.001,
                                                 momentum=0.9)
    nesterov = explore.optimizers.optimizer_path("rosenbrock", "sgd", steps=100, lr=0.001,
                                                 momentum=0.9, nesterov=True)
    assert not np.allclose(plain.points, momentum.points)
    assert not np.allclose(momentum.points, nesterov.points)


def test_too_large_learning_rate_diverges_and_stops():
    path = explore.optimizers.optimizer_path("rosenbrock", "sgd", steps=100, lr=0.01)
    assert path.diverged
    assert len(path.points) < 101 and np.isfinite(path.points).all()


def test_optimizer_errors():
    with pytest.raises(ValueError, match=r"Unknown surface: 'ridge'. Expected one of"):
        explore.optimizers.optimizer_path("ridge", "sgd")
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'lion'"):
        explore.optimizers.optimizer_path("bowl", "lion")
    with pytest.raises(ValueError, match=r"The sgd optimizer does not take \['rho'\]"):
        explore.optimizers.optimizer_path("bowl", "sgd", rho=0.9)


@pytest.mark.parametrize("optimizer", list(models.OPTIMIZERS))
@pytest.mark.parametrize("surface", list(explore.optimizers.SURFACES))
def test_a_long_path_cut_short_is_the_short_path(surface, optimizer):
    arguments = explore.optimizers.optimizer_defaults(surface, optimizer)
    long = explore.optimizers.optimizer_path(surface, optimizer,
                                             steps=explore.optimizers.MAX_STEPS, **arguments)
    for steps in (1, 40, 150):
        short = explore.optimizers.optimizer_path(surface, optimizer, steps=steps, **arguments)
        cut = long.first(steps)
        np.testing.assert_allclose(cut.points, short.points, rtol=1e-6)
        np.testing.assert_allclose(cut.values, short.values, rtol=1e-6)
        np.testing.assert_allclose(cut.learning_rates, short.learning_rates)
        assert (cut.diverged, cut.code) == (short.diverged, short.code)


def test_a_diverged_path_cut_before_it_left_has_not_diverged():
    path = explore.optimizers.optimizer_path("rosenbrock", "sgd", steps=100, lr=0.01)
    left = len(path.points)  # The first point outside the plot, which is dropped.
    assert path.first(left).diverged and path.first(100).diverged
    early = path.first(left - 1)
    assert not early.diverged and len(early.points) == left
    assert path.first(left).points.shape == (left, 2)
    with pytest.raises(ValueError, match=r"Expected 1 <= steps <= 100 .* Received steps=101"):
        path.first(101)


def test_mnist_learning_rates_suit_the_tiny_model(mnist):
    # Rosenbrock's SGD rate leaves the loss near where it starts (ln 10 = 2.3); each optimizer's
    # MNIST rate trains the tiny model well in the page's 300 batches.
    assert set(explore.optimizers.MNIST_LEARNING_RATES) == set(models.OPTIMIZERS)
    surface_rate = explore.optimizers.optimizer_defaults("rosenbrock", "sgd")
    broken = explore.optimizers.mnist_loss_curve(mnist.x_train, mnist.y_train, "sgd", steps=300,
                                                 **surface_rate)
    assert broken[-50:].mean() > 2.0
    for optimizer, rate in explore.optimizers.MNIST_LEARNING_RATES.items():
        suited = explore.optimizers.mnist_loss_curve(mnist.x_train, mnist.y_train, optimizer,
                                                     steps=300, lr=rate)
        assert suited[-50:].mean() < 0.35, optimizer


def test_surface_grid_shape():
    xs, ys, values = explore.optimizers.surface_grid("rosenbrock", num=50)
    assert xs.shape == ys.shape == (50,) and values.shape == (50, 50)
    assert values.min() >= 0


def test_mnist_loss_curve_is_seeded_and_learns():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 400)
    # Each class is a bright bar at its own row: easy to learn in a few dozen steps.
    images = np.zeros((400, 28, 28), dtype=np.uint8)
    images[np.arange(400), 2 + 2 * labels, :] = 255
    first = explore.optimizers.mnist_loss_curve(images, labels, "adam", steps=60, lr=0.01)
    second = explore.optimizers.mnist_loss_curve(images, labels, "adam", steps=60, lr=0.01)
    assert first.shape == (60,)
    np.testing.assert_allclose(first, second, rtol=1e-5)
    assert first[-10:].mean() < 0.5 * first[:5].mean()


# Texts --------------------------------------------------------------------------------------


def test_explore_texts_have_both_languages_and_the_same_placeholders():
    prefixes = ("layers.", "activations.", "optimizers.")
    keys = [key for key in i18n.TEXTS if key.startswith(prefixes)]
    assert len(keys) > 100
    formatter = string.Formatter()
    for key in keys:
        english, chinese = i18n.TEXTS[key]
        assert english and chinese, key
        names = [{field for _, field, _, _ in formatter.parse(text) if field}
                 for text in (english, chinese)]
        assert names[0] == names[1], key
    for layer_type in explore.layers.LAYERS:
        assert f"layers.what.{layer_type}" in i18n.TEXTS
    for preset in explore.layers.CONV_PRESETS:
        assert f"layers.kernel.preset.{preset}" in i18n.TEXTS
    for surface in explore.optimizers.SURFACES:
        assert f"optimizers.surface.{surface}" in i18n.TEXTS
