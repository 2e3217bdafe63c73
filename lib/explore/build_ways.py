"""The tutorial's three ways of building a model, run: a list, `model.add(...)`, functional."""

import dataclasses

import keras
from keras import layers

from lib import layer_stack, registry

# The tutorial's CNN written three ways, as /train writes a stack's code (`lib.layer_stack`);
# `build_three_ways` runs each string as shown.
BUILD_WAYS = {
    way: layer_stack.keras_code(layer_stack.preset("tutorial_cnn"), style, imports=False)
    for way, style in (("sequential_list", "sequential"), ("sequential_add", "add"),
                       ("functional", "functional"))
}


@dataclasses.dataclass(frozen=True)
class BuiltModel:
    """One way of building the tutorial's CNN, run.

    Attributes:
        way: A key of `BUILD_WAYS`.
        code: The code that was run.
        rows: `model.summary()` as `(layer type, output shape, params)` tuples
            (the functional model's `InputLayer` row left out, as `summary()` shows it).
        total_params: `count_params()`.
    """

    way: str
    code: str
    rows: tuple
    total_params: int


def summary_rows(model):
    """`model.summary()` as `(layer type, output shape, parameters)` tuples."""
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        rows.append((type(layer).__name__, str(tuple(layer.output.shape)),
                     int(layer.count_params())))
    return tuple(rows)


def build_way(way):
    """Runs one of `BUILD_WAYS` and returns the `BuiltModel`.

    Raises:
        ValueError: for an unknown way (listing the known ones).
    """
    code = registry.get(BUILD_WAYS, way, "way of building a model")
    namespace = {"keras": keras, "layers": layers}
    exec(code, namespace)  # Only the code written above from the tutorial's preset is run.
    model = namespace["model"]
    return BuiltModel(way, code, summary_rows(model), int(model.count_params()))


def build_three_ways():
    """The tutorial's CNN built the three ways: a list of `BuiltModel`s."""
    return [build_way(way) for way in BUILD_WAYS]
