import io
import json
import os
import resource
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


def test_a_folder_s_files_too_large_or_not_images_are_never_read(num_draft, tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "num3.png").write_bytes((num_draft / "num3.png").read_bytes())
    with zipfile.ZipFile(folder / "more.zip", "w") as archive:  # A zip in a folder is read.
        archive.write(num_draft / "num7.png", "num7.png")
    for name, size in (("notes.txt", 3 * 2**30), ("huge.png", 3 * 2**30)):
        with open(folder / name, "wb") as sparse:  # 3 GB declared, no disk used.
            sparse.truncate(size)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB
    status = cli.main(["predict", str(folder)])
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    captured = capsys.readouterr()
    assert status == 0
    assert "class/num3.png\t3\t" in captured.out
    assert "class/more.zip/num7.png\t7\t" in captured.out
    assert "class/huge.png\terror: The file is 3072.0 MB, more than the limit" in captured.out
    assert "skipped 1 file(s): 1 not_image" in captured.err
    assert growth_mb < 500


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


def test_train_from_a_refused_npz_says_why(tmp_path, capsys):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((5, 32, 32), np.uint8), y_train=np.zeros(5, np.uint8),
             x_test=np.zeros((5, 28, 28), np.uint8), y_test=np.zeros(5, np.uint8))
    assert cli.main(["train", "--preset", "mlp", "--data", str(path),
                     "--out", str(tmp_path / "never.keras")]) == 2
    assert "error: Expected x_train of shape (n, 28, 28)" in capsys.readouterr().err
    assert not (tmp_path / "never.keras").exists()


def test_file_names_cannot_forge_a_result_line_or_drive_the_terminal(num_draft, tmp_path, capsys):
    folder = tmp_path / "names"
    folder.mkdir()
    digit = (num_draft / "num3.png").read_bytes()
    forged = "num3\nnum8.png\t8\t1.000\nx.png"  # Would print a line saying num8.png is an 8.
    for name in [forged, "tab\tnum3.png", "esc\x1b[2J.png", "rlo\u202egnp.3mun.png"]:
        (folder / name).write_bytes(digit)
    with open(os.path.join(os.fsencode(folder), b"bytes\xffnum3.png"), "wb") as file:
        file.write(digit)  # A name that is not UTF-8: a lone surrogate in Python.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("zipped\r\n3.png", digit)
    (folder / "a.zip").write_bytes(buffer.getvalue())
    assert cli.main(["predict", str(folder)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 6  # One line per image, whatever the names hold.
    assert all(len(line.split("\t")) == 3 for line in lines)
    assert "names/num3\\nnum8.png\\t8\\t1.000\\nx.png\t3\t" in out
    assert "names/esc\\x1b[2J.png\t" in out and "\x1b" not in out
    assert "names/rlo\\u202egnp.3mun.png\t" in out and "\u202e" not in out
    assert "names/bytes\\udcffnum3.png\t" in out
    assert "names/a.zip/zipped\\r\\n3.png\t" in out


def test_json_output_is_strict_and_holds_the_names_exactly(num_draft, tmp_path, capsys):
    folder = tmp_path / "names"
    folder.mkdir()
    name = "num4\n{\"file\": \"x\u2028\"}.png"
    (folder / name).write_bytes((num_draft / "num4.png").read_bytes())
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert cli.main(["predict", str(folder), "--json"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2 and "\u2028" not in out

    def no_constants(constant):
        raise AssertionError(f"not strict JSON: {constant}")

    rows = {row["file"]: row for row in (json.loads(line, parse_constant=no_constants)
                                         for line in lines)}
    assert rows[f"names/{name}"]["prediction"] == 4
    assert rows["names/broken.png"]["error"].startswith("This is not an image Pillow can read")


def test_json_lines_write_non_finite_numbers_as_null():
    line = cli.json_line({"confidence": float("nan"), "probabilities": [float("inf"), 0.5],
                          "file": "\U000e0041.png"})
    assert line == ('{"confidence": null, "probabilities": [null, 0.5], '
                    '"file": "\\udb40\\udc41.png"}')
    assert json.loads(line)["file"] == "\U000e0041.png"


def test_a_large_folder_is_recognised_batch_by_batch_not_refused(num_draft, monkeypatch, capsys):
    from lib import uploads

    monkeypatch.setattr(uploads, "LIMITS", uploads.BatchLimits(max_files=3, max_pixels=1))
    gathered = []
    batches = uploads.batches

    def counting(named_files, limits):
        for batch in batches(named_files, limits):
            gathered.append(len(batch.files))
            yield batch

    monkeypatch.setattr(uploads, "batches", counting)
    assert cli.main(["predict", str(num_draft)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all("error" not in line for line in lines)
    assert gathered == [3, 3, 3, 1]  # No batch budget of pixels on the command line.


# --- teach ---------------------------------------------------------------------------------


def _writer_folder(folder, digits=range(10), per_digit=2, name="{digit}/w{seed}.png"):
    """A writer's digits (lib.writers) as a student's files: black ink on white."""
    from lib import writers

    made = writers.make_digits(writers.writer(20_004), writers.EXAMPLE_SEEDS[:per_digit],
                               digits=digits, keep_inks=True)
    for ink, label, seed in zip(made.inks, made.labels, made.seeds, strict=True):
        path = folder / name.format(digit=label, seed=seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.round((1 - ink) * 255).astype(np.uint8)).save(path)
    return folder


@pytest.mark.slow
def test_teach_on_a_folder_writes_the_model_and_its_card(tmp_path, capsys):
    folder = _writer_folder(tmp_path / "mine")
    out = tmp_path / "out" / "mine.keras"
    assert cli.main(["teach", str(folder), "--out", str(out), "--epochs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "examples: 20 labelled (0: 2, 1: 2" in printed and "epoch 1/1: loss" in printed
    assert "your examples (10 held out)" in printed and "MNIST (1000 test digits)" in printed
    assert "not taught" not in printed and f"saved {out} and mine.json" in printed
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["model"] == "mine.keras" and card["taught_from"] == "mnist_cnn.keras"
    assert card["examples_per_digit"] == {str(digit): 2 for digit in range(10)}
    assert card["replay"] == 500 and card["epochs"] == 1 and card["held_out"] == 10
    assert set(card["before"]) == set(card["after"]) == {"examples", "mnist"}
    assert card["command"].startswith("python -m lib.cli teach ")
    assert sorted(path.name for path in out.parent.iterdir()) == ["mine.json", "mine.keras"]
    assert models.load_model(out).count_params() == card["parameters"]


@pytest.mark.slow
def test_teach_one_digit_says_which_were_not_taught(tmp_path, capsys):
    folder = _writer_folder(tmp_path / "fours", digits=[4], per_digit=3,
                            name="num{digit}_{seed}.png")
    out = tmp_path / "fours.keras"
    assert cli.main(["teach", str(folder), "--out", str(out), "--epochs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "examples: 3 labelled (4: 3)" in printed
    assert "not taught (no example): 0, 1, 2, 3, 5, 6, 7, 8, 9." in printed
    assert json.loads(out.with_suffix(".json").read_text())["digits_not_taught"] == [
        0, 1, 2, 3, 5, 6, 7, 8, 9]


def test_teach_without_a_labelled_example_exits_non_zero_and_says_why(tmp_path, capsys):
    folder = _writer_folder(tmp_path / "unnamed", digits=[3], per_digit=1, name="scan{seed}.png")
    out = tmp_path / "mine.keras"
    assert cli.main(["teach", str(folder), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "unnamed/scan0.png\tskipped: no label in its name" in captured.out
    assert "error: Expected at least one example with its digit" in captured.err
    assert list(tmp_path.iterdir()) == [folder]


def test_teach_refuses_a_hostile_zip_and_leaves_nothing_behind(tmp_path, capsys):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("3/bomb.png", b"\x00" * (20 * 2**20))  # 20 MB of zeros: ratio ~1000.
    out = tmp_path / "out" / "mine.keras"
    assert cli.main(["teach", str(bomb), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "bomb.zip\tskipped:" in captured.out and "zip bomb" in captured.out
    assert "Expected at least one example" in captured.err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bomb.zip"]


def test_teach_refuses_an_output_that_is_not_a_model_file_before_reading(tmp_path, capsys):
    assert cli.main(["teach", str(tmp_path), "--out", str(tmp_path / "mine.txt")]) == 2
    assert "expected --out ending in .keras or .h5" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["teach", str(tmp_path), "--out", "x.keras", "--epochs", "0"])
