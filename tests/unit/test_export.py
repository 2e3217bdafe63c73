"""SavedModel export for TensorFlow Serving: layout, signature, numbers, refusals, the command.

TensorFlow Serving itself does not run here (no Docker); the SavedModel is loaded back
with `tf.saved_model.load` and its `serving_default` signature, the one TF Serving's
REST API calls, is called on real digits.
"""

import io
import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from lib import cli, data, inference, models


@pytest.fixture(scope="module")
def bundled():
    return models.load_bundled_model()


@pytest.fixture(scope="module")
def digits():
    """Twenty real test digits, float32 `(20, 28, 28)` in [0, 1], and their labels."""
    mnist = data.load_embedded()
    return (mnist.x_test[:20] / 255).astype(np.float32), mnist.y_test[:20]


@pytest.fixture(scope="module")
def exported(bundled, tmp_path_factory):
    return models.export_saved_model(bundled, tmp_path_factory.mktemp("exports") / "digits")


def _serve(version_path, images):
    signature = tf.saved_model.load(str(version_path)).signatures["serving_default"]
    return signature(images=tf.constant(images[..., np.newaxis]))["output_0"].numpy()


def test_layout_is_a_tf_serving_model_base_path(exported):
    base = exported.parent
    assert exported == base / "1"
    assert sorted(path.name for path in base.iterdir()) == ["1"]  # No temporary left.
    assert (exported / "saved_model.pb").is_file()
    assert (exported / "variables" / "variables.index").is_file()
    assert (exported / "variables" / "variables.data-00000-of-00001").is_file()


def test_serving_signature(exported):
    loaded = tf.saved_model.load(str(exported))
    assert {"serve", "serving_default"} <= set(loaded.signatures)
    signature = loaded.signatures["serving_default"]
    [(name, spec)] = signature.structured_input_signature[1].items()
    assert name == models.SERVING_INPUT_NAME == "images"
    assert spec.shape.as_list() == [None, 28, 28, 1] and spec.dtype == tf.float32
    [(name, spec)] = signature.structured_outputs.items()
    assert name == "output_0"
    assert spec.shape.as_list() == [None, 10] and spec.dtype == tf.float32


def test_served_probabilities_equal_the_apps(exported, bundled, digits):
    images, labels = digits
    served = _serve(exported, images)
    np.testing.assert_allclose(served, inference.predict_proba(bundled, images), atol=1e-5)
    np.testing.assert_allclose(served.sum(axis=1), 1, atol=1e-5)
    assert (served.argmax(axis=1) == labels).mean() >= 0.9


def test_an_existing_version_is_never_overwritten(exported, bundled):
    before = (exported / "saved_model.pb").stat().st_mtime_ns
    with pytest.raises(FileExistsError, match=r"Version 1 of the model in .*digits exists "
                                              r"already.*Export version 2 instead"):
        models.export_saved_model(bundled, exported.parent, version=1)
    assert (exported / "saved_model.pb").stat().st_mtime_ns == before
    assert sorted(path.name for path in exported.parent.iterdir()) == ["1"]


@pytest.mark.parametrize("version", [0, -1, 1.5, "2", True])
def test_a_version_is_a_positive_integer(bundled, tmp_path, version):
    with pytest.raises(ValueError, match="Expected a version that is a positive integer"):
        models.export_saved_model(bundled, tmp_path / "digits", version=version)
    assert not (tmp_path / "digits").exists()


def test_a_model_returning_logits_is_served_probabilities(tmp_path, digits):
    # A functional model ending in a linear Dense: the app's softmax is exported with it.
    inputs = keras.Input(shape=(28, 28, 1))
    outputs = layers.Dense(10)(layers.Flatten()(inputs))
    model = keras.Model(inputs, outputs)
    images, _ = digits
    path = models.export_saved_model(model, tmp_path / "logits", version=3)
    assert path == tmp_path / "logits" / "3"
    np.testing.assert_allclose(_serve(path, images), inference.predict_proba(model, images),
                               atol=1e-5)


def test_a_model_of_other_shapes_is_refused(tmp_path):
    model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10)])
    with pytest.raises(ValueError, match=r"Expected a model taking digits of shape "
                                         r"\(None, 28, 28, 1\). Received a model taking "
                                         r"\(None, 28, 28\)"):
        models.export_saved_model(model, tmp_path / "digits")


def test_zip_for_a_download(bundled):
    archive = zipfile.ZipFile(io.BytesIO(models.saved_model_zip(bundled, "my_run")))
    names = set(archive.namelist())
    assert {"my_run/1/saved_model.pb", "my_run/1/variables/variables.index",
            "my_run/1/variables/variables.data-00000-of-00001"} <= names
    assert all(name.startswith("my_run/1/") or name == "my_run/" for name in names)
    with pytest.raises(ValueError, match="Expected a folder name without slashes"):
        models.saved_model_zip(bundled, "../elsewhere")


def test_cli_exports_and_prints_the_signature(tmp_path, capsys, digits):
    base = tmp_path / "digits"
    assert cli.main(["export", "--out", str(base), "--version", "4"]) == 0
    printed = capsys.readouterr().out
    assert f"exported {base / '4'} (" in printed
    assert "signature serving_default" in printed
    assert "input  images: float32 (None, 28, 28, 1)" in printed
    assert "output output_0: float32 (None, 10)" in printed
    assert f'-v {base.resolve()}:/models/digits -e MODEL_NAME=digits tensorflow/serving' in printed
    images, labels = digits
    assert (_serve(base / "4", images).argmax(axis=1) == labels).mean() >= 0.9


def test_cli_refuses_an_existing_version(tmp_path, capsys):
    (tmp_path / "digits" / "1").mkdir(parents=True)
    assert cli.main(["export", "--out", str(tmp_path / "digits")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: Version 1 of the model in ")
    assert "Traceback" not in captured.err


def test_cli_bad_model_is_a_clear_error(tmp_path, capsys):
    fake = tmp_path / "model.keras"
    fake.write_bytes(b"not a model")
    assert cli.main(["export", "--model", str(fake), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: Expected a Keras model file")
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()
    assert cli.main(["export", "--model", str(tmp_path / "missing.keras"),
                     "--out", str(tmp_path / "out")]) == 1
    assert "No such file or directory" in capsys.readouterr().err
