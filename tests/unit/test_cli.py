import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from lib import cli, data, models


@pytest.fixture(scope="module")
def num_draft(tmp_path_factory):
    """The tutorial's folder: num0.png ... num9.png, black digits on white, 200 x 200."""
    mnist = data.load_embedded()
    folder = tmp_path_factory.mktemp("work") / "num-draft"
    folder.mkdir()
    for digit in range(10):
        image = mnist.x_test[mnist.y_test == digit][1]
        Image.fromarray(255 - image).resize((200, 200)).save(folder / f"num{digit}.png")
    return folder


def test_predict_recognises_the_tutorial_folder(num_draft, capsys):
    assert cli.main(["predict", str(num_draft)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 10
    for line in lines:
        name, prediction, confidence = line.split("\t")
        assert name.endswith(f"num{prediction}.png") and 0 < float(confidence) <= 1


def test_predict_json_lines_with_probabilities(num_draft, capsys):
    assert cli.main(["predict", str(num_draft / "num4.png"), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["prediction"] == 4 and row["label"] == 4 and row["correct"] is True
    assert len(row["probabilities"]) == 10 and sum(row["probabilities"]) == pytest.approx(1, 1e-3)


def test_unreadable_files_are_reported_and_the_rest_go_on(num_draft, tmp_path, capsys):
    broken = tmp_path / "broken.png"
    whole = (num_draft / "num1.png").read_bytes()
    broken.write_bytes(whole[: len(whole) // 2])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(num_draft / "num7.png", "num-draft/num7.png")
        archive.writestr("num-draft/notes.txt", "skip me")
    zipped = tmp_path / "num-draft.zip"
    zipped.write_bytes(buffer.getvalue())
    status = cli.main(["predict", str(broken), str(zipped), str(tmp_path / "missing.png")])
    captured = capsys.readouterr()
    assert status == 0
    assert "broken.png\terror: The image is truncated" in captured.out
    assert "num-draft.zip/num-draft/num7.png\t7\t" in captured.out
    assert "missing.png\terror: no such file" in captured.out
    assert "skipped 1 file(s): 1 not_image" in captured.err


def test_exit_status_is_non_zero_when_nothing_could_be_read(tmp_path, capsys):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert cli.main(["predict", str(empty)]) == 1
    assert "The file is empty." in capsys.readouterr().out


def test_refused_model_is_an_error(tmp_path, capsys, num_draft):
    fake = tmp_path / "model.h5"
    fake.write_bytes(b"not a model")
    assert cli.main(["predict", str(num_draft), "--model", str(fake)]) == 2
    assert "Expected a Keras model file" in capsys.readouterr().err


@pytest.mark.slow
def test_train_a_tiny_model_and_use_it(tmp_path, capsys, num_draft):
    out = tmp_path / "tiny.keras"
    status = cli.main(["train", "--preset", "small_cnn", "--epochs", "2", "--train-size", "400",
                       "--data", "embedded", "--optimizer", "sgd", "--lr", "0.05",
                       "--momentum", "0.9", "--decay", "0.001", "--augment", "--out", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "Epoch 2/2" in printed and "val_accuracy" in printed and "test accuracy" in printed
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["epochs"] == 2 and card["optimizer"] == {"name": "sgd", "lr": 0.05,
                                                        "momentum": 0.9, "decay": 0.001}
    assert card["split"]["train_size"] == 400 and 0.1 < card["test_accuracy"] <= 1
    assert card["command"].startswith("python -m lib.cli train --preset small_cnn")
    model = models.load_model(out)
    assert model.count_params() == card["parameters"]
    assert cli.main(["predict", str(num_draft), "--model", str(out)]) == 0


def test_train_from_an_npz(tmp_path, capsys):
    mnist = data.load_embedded()
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=mnist.x_train[:200], y_train=mnist.y_train[:200],
             x_test=mnist.x_test[:50], y_test=mnist.y_test[:50])
    out = tmp_path / "npz.keras"
    assert cli.main(["train", "--preset", "mlp", "--epochs", "1", "--data", str(path),
                     "--out", str(out)]) == 0
    assert "data: npz (200 training, 50 test)" in capsys.readouterr().out
