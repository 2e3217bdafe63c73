"""The few parts of Keras that are not public API but that this app needs, in one place.

Checked against Keras 3.15.1. Each has no public counterpart:

- `saving_lib.load_model` reads a `.keras` archive from a file object (the public
  `keras.saving.load_model` wants a path, so an upload would have to be written to disk);
- `saving_lib.safe_get_h5_dataset` / `safe_get_h5_group`: Keras's own checks of an HDF5
  dataset or group (links, external storage, virtual datasets, shape bombs);
- `legacy_h5_format.load_model_from_hdf5` reads a Keras 2 `.h5` from an open `h5py.File`;
- `naming.to_snake_case`: how Keras names a layer's group in a `.keras` weights file;
- `backend.config.keras_home`: where `keras.utils.get_file` caches (`KERAS_HOME`);
- `file_utils.validate_file`: the hash check `keras.utils.get_file` applies;
- `KerasTensor._keras_history` and `Operation._inbound_nodes`: which layer call made a
  tensor of a functional graph (/inside walks a loaded model's graph back from its outputs).

When Keras changes, this module is the one to look at (`tests/unit/test_keras_internals.py`
checks each is still there).
"""

from keras.src.backend.config import keras_home
from keras.src.legacy.saving.legacy_h5_format import load_model_from_hdf5
from keras.src.saving.saving_lib import load_model as load_keras_archive
from keras.src.saving.saving_lib import safe_get_h5_dataset, safe_get_h5_group
from keras.src.utils.file_utils import validate_file
from keras.src.utils.naming import to_snake_case


def producer(tensor):
    """`(layer, node)`: the layer call of a functional graph that made `tensor`."""
    operation, node_index, _ = tensor._keras_history
    return operation, operation._inbound_nodes[node_index]


__all__ = ["keras_home", "load_keras_archive", "load_model_from_hdf5", "producer",
           "safe_get_h5_dataset", "safe_get_h5_group", "to_snake_case", "validate_file"]
