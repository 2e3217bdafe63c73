import pytest

from lib import errors, layer_stack


def _output():
    return {"type": "Dense", "units": 10, "activation": "softmax"}


def test_tutorial_preset_has_the_tutorials_parameter_count():
    assert layer_stack.count_parameters(layer_stack.preset("tutorial_cnn")) == 935_562


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(layer_stack.PRESETS))
def test_parameter_counts_match_keras(name):
    stack = layer_stack.preset(name)
    model = layer_stack.build_model(stack)
    rows = layer_stack.summarize(stack)
    assert sum(row["parameters"] for row in rows) == model.count_params()
    for row, layer in zip(rows, model.layers, strict=True):
        assert row["parameters"] == layer.count_params()
        assert row["output_shape"] == tuple(layer.output.shape[1:])


@pytest.mark.slow
def test_batch_normalization_and_valid_padding_match_keras():
    stack = [
        {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "valid",
         "activation": "elu"},
        {"type": "BatchNormalization"},
        {"type": "AveragePooling2D", "pool_size": 3},
        {"type": "Flatten"},
        {"type": "Dense", "units": 20, "activation": "tanh"},
        {"type": "BatchNormalization"},
        _output(),
    ]
    rows = layer_stack.summarize(stack)
    assert rows[0]["output_shape"] == (26, 26, 8)
    assert rows[2]["output_shape"] == (8, 8, 8)
    assert sum(row["parameters"] for row in rows) == layer_stack.build_model(stack).count_params()


@pytest.mark.slow
@pytest.mark.parametrize("style", sorted(layer_stack.CODE_STYLES))
def test_the_three_ways_build_the_same_model(style):
    stack = layer_stack.preset("small_cnn")
    code = layer_stack.keras_code(stack, style)
    assert code.startswith("import keras\nfrom keras import layers\n")
    namespace = {}
    exec(code, namespace)
    assert namespace["model"].count_params() == layer_stack.count_parameters(stack)


def test_code_reads_like_keras_io():
    code = layer_stack.keras_code(layer_stack.preset("tutorial_cnn"), "sequential")
    assert 'layers.Conv2D(32, kernel_size=(5, 5), padding="same", activation="relu"),' in code
    assert "layers.Dropout(0.5)," in code
    functional = layer_stack.keras_code(layer_stack.preset("mlp"), "functional")
    assert functional.splitlines()[-1] == "model = keras.Model(inputs=inputs, outputs=outputs)"
    assert "model.add(layers.Flatten())" in layer_stack.keras_code(layer_stack.preset("mlp"), "add")
    with pytest.raises(ValueError, match="Unknown code style: 'yaml'"):
        layer_stack.keras_code(layer_stack.preset("mlp"), "yaml")


def test_pooling_below_one_pixel_is_explained():
    stack = [{"type": "MaxPooling2D", "pool_size": 2}] * 5 + [{"type": "Flatten"}, _output()]
    with pytest.raises(ValueError, match=r"Layer 5 \(MaxPooling2D\) would shrink the 1 x 1 image"):
        layer_stack.summarize(stack)


def test_convolution_after_flatten_is_explained():
    stack = [{"type": "Flatten"}, {"type": "Conv2D"}, _output()]
    with pytest.raises(ValueError, match=r"Layer 2 \(Conv2D\) .* after Flatten.*784 numbers"):
        layer_stack.summarize(stack)


def test_missing_softmax_output_is_explained():
    stack = layer_stack.preset("mlp")[:-1]
    with pytest.raises(ValueError, match=r"last layer must be Dense\(10, softmax\).*Dense\(128"):
        layer_stack.summarize(stack)
    wrong_units = [{"type": "Flatten"}, {"type": "Dense", "units": 9, "activation": "softmax"}]
    with pytest.raises(ValueError, match="must be Dense"):
        layer_stack.summarize(wrong_units)


def test_dense_on_an_image_asks_for_flatten():
    with pytest.raises(ValueError, match=r"image of shape \(28, 28, 1\). Add a Flatten"):
        layer_stack.summarize([_output()])


def test_bad_arguments_and_types_are_explained():
    with pytest.raises(ValueError, match="has no layers"):
        layer_stack.summarize([])
    with pytest.raises(ValueError, match=r"filters must be a whole number from 1 to 1024. Rec"):
        layer_stack.summarize([{"type": "Conv2D", "filters": 0}])
    with pytest.raises(ValueError, match="dropout rate must be at least 0 and below 1"):
        layer_stack.summarize([{"type": "Dropout", "rate": 1.0}])
    with pytest.raises(ValueError, match="padding must be one of same, valid. Received 'full'"):
        layer_stack.summarize([{"type": "Conv2D", "padding": "full"}])
    with pytest.raises(ValueError, match="unknown layer type 'LSTM'. Expected one of Conv2D"):
        layer_stack.summarize([{"type": "LSTM"}])
    with pytest.raises(ValueError, match="more than the limit of 5,000,000"):
        layer_stack.summarize([{"type": "Flatten"}, {"type": "Dense", "units": 8000}, _output()])


def test_errors_translate():
    with pytest.raises(layer_stack.StackError) as caught:
        layer_stack.summarize([{"type": "Flatten"}, {"type": "MaxPooling2D"}, _output()])
    assert caught.value.index == 2
    assert isinstance(caught.value, errors.InputError)  # One error family, its own texts.
    assert "Flatten" in caught.value.message("zh") and "第 2 层" in caught.value.message("zh")


def test_query_round_trip_and_bad_query():
    for name in layer_stack.PRESETS:
        stack = layer_stack.preset(name)
        assert layer_stack.from_query(layer_stack.to_query(stack)) == layer_stack.normalize(stack)
    assert layer_stack.to_query(layer_stack.preset("mlp")).startswith("flatten~dense_256_relu~")
    with pytest.raises(ValueError, match="cannot be read: 'dense_x_relu'"):
        layer_stack.from_query("flatten~dense_x_relu")
    with pytest.raises(ValueError, match="unknown layer type 'rnn'"):
        layer_stack.from_query("rnn_3")


def test_presets_are_copies():
    stack = layer_stack.preset("mlp")
    stack[1]["units"] = 3
    assert layer_stack.preset("mlp")[1]["units"] == 256
    assert layer_stack.new_layer("Dropout") == {"type": "Dropout", "rate": 0.5}


def test_one_argument_spec_gives_defaults_and_bounds():
    assert layer_stack.LAYER_TYPES["Conv2D"] == {"filters": 32, "kernel_size": 3,
                                                 "padding": "same", "activation": "relu"}
    filters, kernel_size, padding, _ = layer_stack.ARGUMENTS["Conv2D"]
    assert (filters.minimum, filters.maximum, kernel_size.maximum) == (1, 1024, 28)
    assert padding.choices == layer_stack.PADDINGS
    with pytest.raises(ValueError, match="units must be a whole number from 1 to 8192"):
        layer_stack.normalize([{"type": "Dense", "units": 8193}])


# What a stack costs, counted by lib.model_budget from a config made without building the model.

ISSUE_STACK = "~".join(["conv_1024_1_same_relu"] * 4 + ["pool_28", "flatten", "dense_10_softmax"])


def test_tutorial_cost_is_counted_from_its_config():
    cost = layer_stack.cost(layer_stack.preset("tutorial_cnn"))
    assert cost.parameters == 935_562
    assert cost.activations == 59_738  # Every layer's output, the input included.
    assert cost.flops == 32_569_728  # The issue's 32.5 MFLOP.
    assert cost.layers == 15  # The input and its 14 layers.


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(layer_stack.PRESETS))
def test_model_config_costs_what_the_built_model_does(name):
    import json

    import keras

    from lib import model_budget

    stack = layer_stack.preset(name)
    config = layer_stack.model_config(stack)
    built = keras.saving.serialize_keras_object(layer_stack.build_model(stack))
    # Through JSON, as a saved file's config would come.
    assert model_budget.cost(json.loads(json.dumps(config))) == model_budget.cost(
        json.loads(json.dumps(built)))
    assert layer_stack.cost(stack).parameters == layer_stack.build_model(stack).count_params()


def test_model_config_is_made_from_unbuilt_layers():
    # 4.8 million weights (19 MB) if it were built; a built layer's config has a build_config.
    stack = [{"type": "Flatten"}, {"type": "Dense", "units": 6_000, "activation": "relu"},
             _output()]
    config = layer_stack.model_config(stack, name="wide")
    assert config["class_name"] == "Sequential" and config["config"]["name"] == "wide"
    layers = config["config"]["layers"]
    assert [layer["class_name"] for layer in layers] == ["InputLayer", "Flatten", "Dense",
                                                         "Dense"]
    assert layers[0]["config"]["batch_shape"] == [None, 28, 28, 1]
    assert not any("build_config" in layer for layer in layers)
    assert layer_stack.cost(stack).parameters == 784 * 6_000 + 6_000 + 6_000 * 10 + 10
    with pytest.raises(ValueError, match="comes after Flatten"):
        layer_stack.model_config([{"type": "Flatten"}, {"type": "MaxPooling2D"}, _output()])


def test_the_issues_stack_is_refused_per_digit():
    # 4 x Conv2D(1024, 1x1): about 31 GB at batch 2048, 13 samples/s at batch 256.
    with pytest.raises(ValueError, match="Up to the layer conv2d_2, one image already takes "
                       "1,646 million operations, more than the limit of 400 million") as caught:
        layer_stack.cost(layer_stack.from_query(ISSUE_STACK))
    assert caught.value.reason == "model_too_many_flops"
    assert "百万次运算" in caught.value.message("zh")
