"""Hostile model files, crafted here, each refused with its message, in bounded memory, leaving no
file behind (each runs in a fresh interpreter: `tests/hostile.py`); and the legitimate files that
must still load."""

import io
import json
import os
import pathlib
import zipfile
import zlib

import h5py
import keras
import numpy as np
import pytest
from keras import layers

from lib import inference, model_budget, model_files, sandbox
from lib.errors import InputError
from tests import hostile, legacy_h5

pytestmark = pytest.mark.slow

SECRET = "top-secret-token-1234567890"


def refused(data, tmp_path, name="upload"):
    """Loads `data` as an upload in a fresh interpreter; asserts it is refused in bounded memory,
    quickly and leaving nothing behind, and returns the `hostile.Outcome`."""
    path = tmp_path / name
    path.write_bytes(data)
    outcome = hostile.attempt("from lib import model_files",
                              f"model_files.load_model(open({str(path)!r}, 'rb').read())")
    assert outcome.raised == "InputError", outcome.traceback or outcome.value
    assert outcome.message_zh and outcome.message_zh != outcome.message
    assert outcome.growth_mb < hostile.MEMORY_BUDGET_MB, outcome
    assert outcome.action_seconds < 5, outcome
    assert outcome.left_behind == []
    return outcome


# --- Fixtures: a small Keras 2 Sequential .h5 and a small .keras, then broken on purpose ------


def small_layers():
    """Conv2D(2, 3x3) -> Flatten -> Dense(10, softmax), as Keras 2.2.4 listed them."""
    return [legacy_h5._conv("conv2d_1", 2, 3, first=True),
            {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True,
                                                 "data_format": "channels_last"}},
            legacy_h5._dense("dense_1", 10, "softmax")]


def small_weights():
    rng = np.random.default_rng(0)
    return {"conv2d_1": [rng.normal(size=(3, 3, 1, 2)).astype("float32"),
                         np.zeros(2, "float32")],
            "dense_1": [rng.normal(size=(28 * 28 * 2, 10)).astype("float32") * 0.01,
                        np.zeros(10, "float32")]}


def keras2_h5(tmp_path, weights=None, edit=None):
    """The small model as a Keras 2.2.4 `.h5`; `edit(file)` changes it before it is read back."""
    path = tmp_path / "model.h5"
    legacy_h5.write_keras224_h5(path, small_layers(), small_weights() if weights is None
                                else weights)
    if edit is not None:
        with h5py.File(path, "r+") as file:
            edit(file)
    return path.read_bytes()


def replace_dataset(file, name, **create):
    group_name, weight = name.rsplit("/", 1)
    group = file[f"model_weights/{group_name}"]
    del group[weight]
    return group, weight, create and group.create_dataset(weight, **create)


def small_model():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(2, 3, activation="relu"),
                             layers.Flatten(), layers.Dense(10, activation="softmax")])


def keras_archive(config=None, weights=None, extra=(), model=None):
    """A `.keras` archive's bytes: the small model's members, with any of them replaced."""
    model = model or small_model()
    saved = io.BytesIO()
    with zipfile.ZipFile(_saved_bytes(model)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    if config is not None:
        members["config.json"] = json.dumps(config).encode()
    if weights is not None:
        members["model.weights.h5"] = weights
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*members.items(), *extra]:
            archive.writestr(name, data)
    return saved.getvalue()


def _saved_bytes(model):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as file:
            return io.BytesIO(file.read())


def config_of(model):
    return json.loads(json.dumps(keras.saving.serialize_keras_object(model)))


# --- Reading outside the file ------------------------------------------------------------------


def test_h5_external_storage_reads_no_server_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET * 10)

    def external(file):
        replace_dataset(file, "conv2d_1/conv2d_1/kernel:0", shape=(3, 3, 1, 2), dtype="float32",
                        external=[(str(secret), 0, 72)])

    outcome = refused(keras2_h5(tmp_path, edit=external), tmp_path)
    assert outcome.reason == "model_weights_refused"
    assert "external" in outcome.message and SECRET not in outcome.message


@pytest.mark.parametrize("kind", ["soft", "external_link"])
def test_h5_links_are_refused(kind, tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as file:
        file["data"] = np.zeros(2, "float32")

    def link(file):
        group, weight, _ = replace_dataset(file, "conv2d_1/conv2d_1/bias:0")
        group[weight] = (h5py.SoftLink("/model_weights/dense_1/dense_1/bias:0") if kind == "soft"
                         else h5py.ExternalLink(str(other), "/data"))

    outcome = refused(keras2_h5(tmp_path, edit=link), tmp_path)
    assert outcome.reason == "model_weights_refused"
    assert ("SoftLink" if kind == "soft" else "ExternalLink") in outcome.message


def test_h5_virtual_dataset_is_refused(tmp_path):
    source = tmp_path / "source.h5"
    with h5py.File(source, "w") as file:
        file["data"] = np.zeros(2, "float32")

    def virtual(file):
        group, weight, _ = replace_dataset(file, "conv2d_1/conv2d_1/bias:0")
        layout = h5py.VirtualLayout(shape=(2,), dtype="float32")
        layout[:] = h5py.VirtualSource(str(source), "data", shape=(2,))
        group.create_virtual_dataset(weight, layout)

    outcome = refused(keras2_h5(tmp_path, edit=virtual), tmp_path)
    assert outcome.reason == "model_weights_refused" and "virtual" in outcome.message


def test_keras_archive_with_extra_members_extracts_nothing(tmp_path):
    # Keras extracts every member of an archive with more than three: this one would write
    # 64 MB to the temporary folder (a 48 KB file once wrote 2.9 GB).
    data = keras_archive(extra=[("assets/filler.bin", bytes(64 * 2**20))])
    assert len(data) < 200_000
    outcome = refused(data, tmp_path)
    assert outcome.reason == "model_members" and "assets/filler.bin" in outcome.message


def test_keras_weights_member_bomb_is_refused_before_unpacking(tmp_path):
    outcome = refused(keras_archive(weights=bytes(45 * 2**20)), tmp_path)
    assert outcome.reason == "model_member_too_large"
    assert "model.weights.h5" in outcome.message


# --- Budgets that were counted but not enforced ------------------------------------------------


def test_lora_is_refused(tmp_path):
    config = config_of(small_model())
    config["config"]["layers"][-1]["config"]["lora_rank"] = 500_000
    outcome = refused(keras_archive(config=config), tmp_path)
    assert outcome.reason == "model_setting_refused" and "lora_rank" in outcome.message


@pytest.mark.parametrize("dtype", ["int8", "mixed_float16",
                                   {"class_name": "DTypePolicy", "config": {"name": "int8"}}])
def test_only_float32_is_accepted(dtype):
    config = config_of(small_model())
    config["config"]["layers"][1]["config"]["dtype"] = dtype
    with pytest.raises(InputError, match="setting dtype") as error:
        model_budget.cost(config)
    assert error.value.reason == "model_setting_refused"


def test_unknown_setting_is_refused():
    config = config_of(small_model())
    config["config"]["layers"][1]["config"]["kernel_bomb"] = 1
    with pytest.raises(InputError, match="kernel_bomb = 1, which this app does not accept"):
        model_budget.cost(config)


@pytest.mark.parametrize(
    ("hidden", "reason"),
    [
        # 20 parameters, 3 GB of activations per digit.
        ([layers.UpSampling2D(1000), layers.MaxPooling2D(1000)], "model_too_many_activations"),
        ([layers.Conv2D(200_000, 1)], "model_too_many_activations"),
        ([layers.UpSampling2D(40), layers.LayerNormalization(axis=[1, 2, 3])],
         "model_too_many_activations"),
        ([layers.Conv2D(400, 3, padding="same"), layers.Conv2D(400, 3, padding="same")],
         "model_too_many_flops"),
    ],
    ids=["upsampling", "wide_1x1_conv", "layer_norm_large_axis", "flops"],
)
def test_compute_budgets_are_enforced(hidden, reason, tmp_path):
    config = {"class_name": "Sequential", "config": {"name": "hostile", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 28, 28, 1]}},
        *({"class_name": type(layer).__name__, "config": layer.get_config()} for layer in hidden),
        {"class_name": "Flatten", "config": {}},
        {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("config.json", json.dumps(config))
        zipped.writestr("model.weights.h5", b"")
    outcome = refused(archive.getvalue(), tmp_path)
    assert outcome.reason == reason
    assert "limit" in outcome.message


def test_thousands_of_layers_are_refused_at_once(tmp_path):
    config = config_of(small_model())
    config["config"]["layers"][-1:] = [
        {"class_name": "Dense", "config": {"name": f"d{index}", "units": 10}}
        for index in range(5000)]
    outcome = refused(keras_archive(config=config), tmp_path)
    assert outcome.reason == "model_too_many_layers" and "5,003 layers" in outcome.message


def test_declared_weights_larger_than_the_config_are_refused_before_reading(tmp_path):
    def huge(file):  # 1.25 GB declared, a few KB stored.
        replace_dataset(file, "dense_1/dense_1/kernel:0", shape=(1568, 200_000), dtype="float32",
                        chunks=(1, 4096), compression="gzip")

    outcome = refused(keras2_h5(tmp_path, edit=huge), tmp_path)
    assert outcome.reason == "model_weights_mismatch" and "dense_1" in outcome.message
    assert outcome.growth_mb < 100


def test_keras_weights_larger_than_the_config_are_refused_before_reading(tmp_path):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        file.create_dataset("layers/dense/vars/0", shape=(1568, 200_000), dtype="float32",
                            chunks=(1, 4096), compression="gzip")
    outcome = refused(keras_archive(weights=buffer.getvalue()), tmp_path)
    assert outcome.reason == "model_weights_mismatch"


# One float32 chunk of 1.6 GB: HDF5 allocates and fills a whole chunk to read any part of it.
BOMB_CHUNK = 400_000_000


def _chunk_bomb(group, name, shape):
    """A dataset of `shape` stored in chunks of `(1, BOMB_CHUNK)`, only its first written (a
    few bytes of deflate): reading each row that has no chunk fills a 1.6 GB buffer."""
    dataset = group.create_dataset(name, shape=shape, maxshape=(None, None), dtype="<f4",
                                   chunks=(1, BOMB_CHUNK), compression="gzip")
    dataset.id.write_direct_chunk((0, 0), zlib.compress(bytes(4 * shape[1])))


def test_h5_weights_in_chunks_larger_than_themselves_are_refused_before_reading(tmp_path):
    def bomb(file):  # The right shape and a 52 KB file; 1.6 GB per row to read.
        group, weight, _ = replace_dataset(file, "dense_1/dense_1/kernel:0")
        _chunk_bomb(group, weight, (1568, 10))

    outcome = refused(keras2_h5(tmp_path, edit=bomb), tmp_path)
    assert outcome.reason == "model_weights_refused" and "chunks" in outcome.message
    assert outcome.growth_mb < 100


def test_keras_weights_in_chunks_larger_than_themselves_are_refused_before_reading(tmp_path):
    model = small_model()
    with zipfile.ZipFile(_saved_bytes(model)) as source:
        weights = source.read("model.weights.h5")
    buffer = io.BytesIO()
    with h5py.File(io.BytesIO(weights), "r") as original, h5py.File(buffer, "w") as file:
        def copy(name, item):
            if isinstance(item, h5py.Group):
                file.require_group(name)
            elif name == "layers/dense/vars/0":  # The (1568, 10) kernel.
                _chunk_bomb(file, name, item.shape)
            else:
                file.create_dataset(name, data=item[()])
        original.visititems(copy)
        for key, value in original.attrs.items():
            file.attrs[key] = value
    outcome = refused(keras_archive(weights=buffer.getvalue()), tmp_path)
    assert outcome.reason == "model_weights_refused" and "chunks" in outcome.message
    assert outcome.growth_mb < 100


def test_bundled_config_costs_what_the_tutorial_says():
    with zipfile.ZipFile("models/mnist_cnn.keras") as archive:
        cost = model_files.check_config(json.loads(archive.read("config.json")))
    assert cost.parameters == 935_562
    assert cost.flops == pytest.approx(32.5e6, rel=0.01)
    assert cost.parameters * 5 < model_budget.MAX_PARAMETERS
    assert cost.activations * 30 < model_budget.MAX_ACTIVATIONS
    assert cost.flops * 10 < model_budget.MAX_FLOPS


@pytest.mark.parametrize("layer", [layers.BatchNormalization(), layers.LayerNormalization(),
                                   layers.SeparableConv2D(4, 3), layers.DepthwiseConv2D(3)])
def test_budget_counts_every_weight(layer):
    model = keras.Sequential([keras.Input((28, 28, 3)), layer, layers.Flatten(),
                              layers.Dense(10)])
    assert model_budget.cost(config_of(model)).parameters == model.count_params()


# --- Malformed files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("just a string", "not a model's"),
        (42, "not a model's"),
        (["conv", "dense"], "not a layer"),
        ({"class_name": "Sequential", "config": {"layers": "none"}}, "no list of layers"),
        ({"class_name": "Functional", "config": {"layers": [
            {"class_name": "Dense", "name": "d", "config": {"units": 10},
             "inbound_nodes": [["nowhere", 0, 0, {}]]}]}}, "fed by nowhere"),
    ],
    ids=["string", "number", "strings", "layers_not_a_list", "dangling_input"],
)
def test_malformed_configs_get_a_message(config, message):
    with pytest.raises(InputError, match=message) as error:
        model_files.check_config(config)
    assert error.value.reason == "model_unreadable"


def test_deeply_nested_json_is_refused(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("config.json", "[" * 200_000 + "]" * 200_000)
        zipped.writestr("model.weights.h5", b"")
    outcome = refused(archive.getvalue(), tmp_path)
    assert outcome.reason == "model_unreadable" and "nested" in outcome.message


@pytest.mark.parametrize(
    ("weights", "reason", "message"),
    [
        ({"conv2d_1": [np.zeros((3, 3, 1, 2), "int32"), np.zeros(2, "int32")],
          "dense_1": small_weights()["dense_1"]}, "model_weights_refused", "must be floats"),
        ({"conv2d_1": [np.array([b"weights"] * 18).reshape(3, 3, 1, 2), np.zeros(2, "float32")],
          "dense_1": small_weights()["dense_1"]}, "model_weights_refused", "|S7"),
        ({"conv2d_1": small_weights()["conv2d_1"]}, "model_weights_mismatch",
         "stores 0 weights for the layer dense_1"),
    ],
    ids=["integer_weights", "string_weights", "missing_weights"],
)
def test_weights_of_the_wrong_kind(weights, reason, message, tmp_path):
    with pytest.raises(InputError, match=message) as error:
        model_files.load_model(keras2_h5(tmp_path, weights=weights))
    assert error.value.reason == reason


def test_non_finite_weights_are_refused(tmp_path):
    weights = small_weights()
    weights["dense_1"][1][3] = np.nan
    with pytest.raises(InputError, match="NaN or infinite") as error:
        model_files.load_model(keras2_h5(tmp_path, weights=weights))
    assert error.value.details["layer"] == "dense_1"


def test_code_execution_still_refused_in_the_archive():
    config = config_of(small_model())
    config["config"]["layers"].insert(2, {"module": "keras.layers", "class_name": "Lambda",
                                          "config": {"name": "l", "function": "print"}})
    with pytest.raises(InputError, match="not allowed"):
        model_budget.cost(config)


# --- What must still load ------------------------------------------------------------------------


def test_keras2_tutorial_h5_still_loads_and_predicts_like_its_weights(tmp_path):
    model = model_files.load_model(keras2_h5(tmp_path))
    weights = small_weights()
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], weights["conv2d_1"][0])
    assert inference.predict_proba(model, np.zeros((3, 28, 28))).shape == (3, 10)


def test_keras_file_loads_from_memory_and_matches(tmp_path, monkeypatch):
    import tempfile

    model = small_model()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    loaded = model_files.load_model(keras_archive(model=model))
    x = np.random.default_rng(1).random((2, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)
    assert list(scratch.iterdir()) == []


def test_trained_stack_with_dropout_and_batch_norm_loads(tmp_path):
    from lib import layer_stack

    stack = [{"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same",
              "activation": "relu"}, {"type": "BatchNormalization"},
             {"type": "MaxPooling2D", "pool_size": 2}, {"type": "Flatten"},
             {"type": "Dropout", "rate": 0.3}, {"type": "Dense", "units": 10,
                                                 "activation": "softmax"}]
    model = layer_stack.build_model(stack)
    loaded = model_files.load_model(keras_archive(model=model))
    assert loaded.count_params() == model.count_params()


# --- The sandbox ---------------------------------------------------------------------------------


def test_sandbox_passes_the_bundled_model_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    seconds = sandbox.check_model(pathlib.Path("models/mnist_cnn.keras").read_bytes())
    assert 0 < seconds < sandbox.TIMEOUT_SECONDS
    assert list(tmp_path.iterdir()) == []


def test_sandbox_passes_refusals_through_in_the_users_language():
    config = config_of(small_model())
    config["config"]["layers"][-1]["config"]["lora_rank"] = 8
    with pytest.raises(InputError, match="lora_rank") as error:
        sandbox.check_model(keras_archive(config=config))
    assert "LoRA" in error.value.message("zh")


def test_sandbox_that_runs_out_of_memory_is_a_refusal(monkeypatch):
    monkeypatch.setattr(sandbox, "ADDRESS_SPACE_BYTES", 256 * 2**20)  # Too little for TF.
    with pytest.raises(InputError, match="could not be loaded in the test process") as error:
        sandbox.check_model(keras_archive())
    assert error.value.reason == "model_check_failed"


def test_sandbox_that_runs_out_of_time_is_a_refusal(monkeypatch):
    monkeypatch.setattr(sandbox, "TIMEOUT_SECONDS", 0.5)
    with pytest.raises(InputError, match="took more than 0.5 s") as error:
        sandbox.check_model(keras_archive())
    assert error.value.reason == "model_check_timeout"


def test_orphans_of_dead_servers_are_removed(tmp_path):
    import subprocess

    finished = subprocess.Popen(["true"])
    finished.wait()
    (tmp_path / f"{sandbox.SCRATCH_PREFIX}{finished.pid}-abc").mkdir()
    (tmp_path / f"{sandbox.SCRATCH_PREFIX}{os.getpid()}-def").mkdir()  # A live server's.
    (tmp_path / "upload-x1y2.keras").write_bytes(b"old")
    (tmp_path / f"digitlab-{'a' * 64}.npz").write_bytes(b"old")
    (tmp_path / "someone-elses.keras").write_bytes(b"keep")
    removed = sandbox.remove_orphans(tmp_path)
    assert sorted(removed) == sorted([
        f"{sandbox.SCRATCH_PREFIX}{finished.pid}-abc", "upload-x1y2.keras",
        f"digitlab-{'a' * 64}.npz"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{sandbox.SCRATCH_PREFIX}{os.getpid()}-def", "someone-elses.keras"]


# --- Inference stays within a fixed memory bound per call ----------------------------------------


def test_inference_chunks_by_activation_memory(monkeypatch):
    inputs = keras.Input((28, 28, 1))
    wide = layers.Conv2D(512, 3, padding="same")(inputs)
    model = keras.Model(inputs, layers.Dense(10)(layers.GlobalAveragePooling2D()(wide)))
    per_image = 4 * (784 + 28 * 28 * 512 * 1 + 512 + 10)
    assert inference.chunk_size(model) == inference.MAX_CALL_BYTES // per_image < 256
    calls = []
    compiled = inference._compiled_for(model)
    original = type(compiled).__call__
    monkeypatch.setattr(type(compiled), "__call__",
                        lambda self, batch: calls.append(len(batch)) or original(self, batch))
    inference.predict_proba(model, np.zeros((400, 28, 28), np.float32))
    assert max(calls) <= inference.chunk_size(model) and sum(calls) == 400


@pytest.mark.parametrize("name", ["**bold** [link](http://x)", "a" * 129, "line\nbreak"])
def test_layer_names_must_be_names(name):
    config = config_of(small_model())
    config["config"]["layers"][1]["config"]["name"] = name
    with pytest.raises(InputError, match="has a name that is not a layer name"):
        model_budget.cost(config)


def test_keras_archive_with_a_huge_directory_is_refused_unparsed(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(20_000):  # A 1 MB directory of empty entries.
            archive.writestr(f"{index}", b"")
    outcome = refused(buffer.getvalue(), tmp_path)
    assert outcome.reason == "model_members" and "20,000 entries" in outcome.message
    assert outcome.action_seconds < 0.5
