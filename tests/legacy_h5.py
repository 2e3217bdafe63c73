"""Writes model files exactly as Keras 2.2.4's `model.save('model.h5')` laid them out.

Keras 2.2.4 (the tutorial's version) stored a Sequential model's config as a
bare list of layer configs, the first carrying `batch_input_shape`, old-style
initializer configs, and an optimizer config that says `lr`. Weights live in
`model_weights/<layer>/<layer>/<weight>:0` with `layer_names` and
`weight_names` attributes.
"""

import json

import h5py
import numpy as np

_GLOROT = {"class_name": "VarianceScaling",
           "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
_ZEROS = {"class_name": "Zeros", "config": {}}


def _conv(name, filters, kernel, first=False):
    config = {
        "name": name, "trainable": True, "filters": filters, "kernel_size": [kernel, kernel],
        "strides": [1, 1], "padding": "same", "data_format": "channels_last",
        "dilation_rate": [1, 1], "activation": "relu", "use_bias": True,
        "kernel_initializer": _GLOROT, "bias_initializer": _ZEROS, "kernel_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
        "bias_constraint": None,
    }
    if first:
        config = {"batch_input_shape": [None, 28, 28, 1], "dtype": "float32", **config}
    return {"class_name": "Conv2D", "config": config}


def _pool(name):
    return {"class_name": "MaxPooling2D", "config": {
        "name": name, "trainable": True, "pool_size": [2, 2], "padding": "valid",
        "strides": [2, 2], "data_format": "channels_last"}}


def _dense(name, units, activation):
    return {"class_name": "Dense", "config": {
        "name": name, "trainable": True, "units": units, "activation": activation,
        "use_bias": True, "kernel_initializer": _GLOROT, "bias_initializer": _ZEROS,
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None}}


def tutorial_layers():
    """The tutorial's CNN as Keras 2.2.4's Sequential.get_config() listed it."""
    return [
        _conv("conv2d_1", 32, 5, first=True), _pool("max_pooling2d_1"),
        _conv("conv2d_2", 64, 5), _pool("max_pooling2d_2"),
        _conv("conv2d_3", 128, 3), _pool("max_pooling2d_3"),
        _conv("conv2d_4", 128, 3), _pool("max_pooling2d_4"),
        {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True,
                                             "data_format": "channels_last"}},
        _dense("dense_1", 1024, "relu"),
        {"class_name": "Dropout", "config": {"name": "dropout_1", "trainable": True,
                                             "rate": 0.5, "noise_shape": None, "seed": None}},
        _dense("dense_2", 512, "relu"),
        {"class_name": "Dropout", "config": {"name": "dropout_2", "trainable": True,
                                             "rate": 0.5, "noise_shape": None, "seed": None}},
        _dense("dense_3", 10, "softmax"),
    ]


def write_keras224_h5(path, layer_configs, weights_by_layer):
    """Writes a Keras 2.2.4 Sequential `.h5`.

    Args:
        path: Where to write.
        layer_configs: The bare list Keras 2.2.4 stored as the model config.
        weights_by_layer: `{layer_name: [kernel, bias, ...]}` NumPy arrays.
    """
    with h5py.File(path, "w") as file:
        file.attrs["keras_version"] = b"2.2.4"
        file.attrs["backend"] = b"tensorflow"
        file.attrs["model_config"] = json.dumps(
            {"class_name": "Sequential", "config": layer_configs}).encode("utf-8")
        file.attrs["training_config"] = json.dumps({
            "optimizer_config": {"class_name": "Adam", "config": {
                "lr": 0.0010000000474974513, "beta_1": 0.8999999761581421,
                "beta_2": 0.9990000128746033, "decay": 0.0, "epsilon": 1e-07, "amsgrad": False}},
            "loss": "categorical_crossentropy", "metrics": ["accuracy"],
            "sample_weight_mode": None, "loss_weights": None}).encode("utf-8")
        group = file.create_group("model_weights")
        names = [layer["config"]["name"] for layer in layer_configs]
        group.attrs["layer_names"] = np.array([name.encode("utf-8") for name in names])
        group.attrs["backend"] = b"tensorflow"
        group.attrs["keras_version"] = b"2.2.4"
        for name in names:
            layer_group = group.create_group(name)
            values = weights_by_layer.get(name, [])
            suffixes = ["kernel:0", "bias:0"][: len(values)]
            weight_names = [f"{name}/{suffix}".encode() for suffix in suffixes]
            layer_group.attrs["weight_names"] = np.array(weight_names, dtype="S")
            for weight_name, value in zip(weight_names, values, strict=True):
                layer_group.create_dataset(weight_name.decode("utf-8"), data=value)
