"""Keras's building blocks made touchable: layers on a digit, activations, optimizers.

Everything here builds the real Keras object from plain values (numbers,
strings, tuples), runs it, and returns plain NumPy results, so a page can cache
them by their arguments. Nothing here knows about Streamlit or Plotly.

- `layers`: `LAYERS` lists each explorable layer type with its real arguments
  (the tutorial's names); `apply_layer()` builds the layer and applies it to a
  `(28, 28)` digit; `apply_kernel()` sets a 3 x 3 Conv2D's weights by hand.
- `build_ways`: `build_three_ways()` runs the tutorial's three ways of building a model.
- `activations`: `ACTIVATIONS` maps names to `keras.activations` functions;
  `activation_curve()` returns values and derivatives by automatic
  differentiation; `softmax_table()` is softmax with a temperature and an axis.
- `optimizers`: `SURFACES` holds 2-D functions; `optimizer_path()` minimises one
  with a real `keras.optimizers` optimizer; `mnist_loss_curve()` trains a tiny
  MNIST model with one.
"""

# `from lib import explore` gives all four: `explore.layers.apply_layer(...)`, ...
from lib.explore import activations, build_ways, layers, optimizers

__all__ = ["activations", "build_ways", "layers", "optimizers"]
