import csv
import io
import struct
import zipfile

import numpy as np
import pytest
from PIL import Image

from lib import uploads
from lib.errors import InputError
from tests.unit.test_hostile_batches import raw_zip


def png(digit):
    buffer = io.BytesIO()
    Image.fromarray(255 - digit).resize((84, 84)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "label"),
    [("num3.png", 3), ("num-draft/num7.png", 7), ("3/xyz.png", 3), ("digit_3.jpg", 3),
     ("Digit-5.PNG", 5), ("8.png", 8), ("2_scan.png", 2), ("train/digit_4/a.png", 4),
     ("photo.jpg", None), ("num12.png", None), ("a3.png", None), ("2024/photo.png", None)],
)
def test_label_from_name(name, label):
    assert uploads.label_from_name(name) == label


def test_zip_with_good_bad_and_skipped_members(mnist):
    archive = make_zip({
        "num-draft/num0.png": png(mnist.x_test[mnist.y_test == 0][0]),
        "num-draft/num1.png": png(mnist.x_test[mnist.y_test == 1][0]),
        "num-draft/broken.png": b"\x89PNG\r\n\x1a\nnot really",
        "num-draft/notes.txt": b"hello",
        "num-draft/.DS_Store": b"\x00",
        "__MACOSX/num-draft/._num0.png": b"\x00",
        "../../etc/evil.png": png(mnist.x_test[0]),
    })
    batch = uploads.gather([("draft.zip", archive)])
    names = [name for name, _ in batch.files]
    assert "draft.zip/../../etc/evil.png" in names and len(names) == 4
    assert batch.skipped == {"not_image": 1, "hidden": 1, "macos": 1}
    assert batch.errors == []


def test_recognize_keeps_going_after_bad_files(model, mnist):
    good = [(f"num{d}.png", png(mnist.x_test[mnist.y_test == d][0])) for d in range(10)]
    bad = [("empty.png", b""), ("text.png", b"plain text"),
           ("blank.png", png(np.zeros((28, 28), np.uint8)))]
    batch = uploads.gather(good[:5] + bad + good[5:] + [("bomb.zip", b"PK\x03\x04nonsense")])
    progress = []
    results = uploads.recognize(model, batch, progress=lambda done, total: progress.append(done))
    assert [r.file for r in results][:5] == [name for name, _ in good[:5]]
    failures = {r.file: r.error.reason for r in results if r.error is not None}
    assert failures == {"empty.png": "empty_file", "text.png": "not_an_image",
                        "blank.png": "blank", "bomb.zip": "zip_unreadable"}
    summary = uploads.summary(results)
    assert summary["labelled"] == 10 and summary["accuracy"] >= 0.9
    # The same evaluation /train and /inside show: ten labelled digits, one of each.
    assert summary["evaluation"].confusion.sum() == 10
    assert summary["per_digit"] == summary["evaluation"].per_digit
    assert sorted(summary["per_digit"]) == list(range(10))
    assert summary["correct"] == sum(correct for correct, _ in summary["per_digit"].values())
    assert progress[-1] == 13
    rows = uploads.to_rows(results, language="zh")
    assert list(rows[0])[:6] == list(uploads.CSV_COLUMNS)
    assert [f"p{d}" for d in range(10)] == list(rows[0])[6:]
    assert rows[5]["error"] == "文件是空的。" and rows[5]["prediction"] is None


def test_zip_bomb_is_refused_by_ratio():
    bomb = make_zip({"bomb.png": b"\x00" * (20 * 2**20)})
    batch = uploads.gather([("bomb.zip", bomb)])
    assert batch.files == [] and batch.errors[0][1].reason == "zip_ratio"
    assert "zip bomb" in str(batch.errors[0][1])


def test_zip_limits_on_members_and_size(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_MEMBERS", 3)
    many = make_zip({f"{i}.png": b"x" for i in range(4)})
    assert uploads.gather([("many.zip", many)]).errors[0][1].reason == "zip_too_many_members"
    monkeypatch.setattr(uploads, "ZIP_MAX_TOTAL_BYTES", 100)
    large = make_zip({"a.png": bytes(range(256)) * 2}, compression=zipfile.ZIP_STORED)
    error = uploads.gather([("large.zip", large)]).errors[0][1]
    assert error.reason == "zip_too_large" and "limit" in str(error)


def test_encrypted_member_is_one_error_row():
    archive = bytearray(make_zip({"a.png": b"data"}, compression=zipfile.ZIP_STORED))
    archive[6] |= 0x1  # Local header flag: encrypted.
    central = archive.rfind(b"PK\x01\x02")
    archive[central + 8] |= 0x1  # Central directory flag: encrypted.
    batch = uploads.gather([("secret.zip", bytes(archive))])
    assert batch.errors[0][1].reason == "zip_encrypted"


def test_folder_upload_skips_like_a_zip(mnist):
    batch = uploads.gather([
        ("digits/3/a.png", png(mnist.x_test[0])),
        ("digits/readme.md", b"# notes"),
        ("digits/.hidden.png", b""),
        ("single.txt", b"a lone file is tried and reported"),
    ])
    assert [name for name, _ in batch.files] == ["digits/3/a.png", "single.txt"]
    assert batch.skipped == {"not_image": 1, "hidden": 1}


# Budgets of a whole batch (all its files and zips together), checked from what each upload
# declares before anything is read. The hostile versions, at the real limits and in a fresh
# interpreter, are in test_hostile_batches.py.


def test_uploads_past_the_file_budget_are_one_row_and_never_read(mnist):
    limits = uploads.BatchLimits(max_files=3)
    digit = png(mnist.x_test[0])
    named = [("a.png", digit), ("b.png", digit), ("c.png", digit), ("d.png", digit),
             ("e.zip", b"not even read"), ("f.png", digit)]
    batch = uploads.gather(named, limits)
    assert [name for name, _ in batch.files] == ["a.png", "b.png", "c.png"]
    ((name, error),) = batch.errors
    assert name == "d.png" and error.reason == "batch_too_many_files"
    assert str(error) == (
        "Not read: this upload holds 1 file(s) and the batch already counts 3, more than the "
        "limit of 3 files in one batch (every file in the zips read so far counts, in refused "
        "zips too). It and the 2 upload(s) after it were left out; upload them again as "
        "another batch.")
    assert "个文件的上限" in error.message("zh")


def test_zip_entries_count_towards_the_file_budget_skipped_ones_too(mnist):
    archive = make_zip({"a.png": png(mnist.x_test[0]), "notes.txt": b"x", ".DS_Store": b"x"})
    batch = uploads.gather([("one.zip", archive), ("two.zip", archive)],
                           uploads.BatchLimits(max_files=5))
    assert [name for name, _ in batch.files] == ["one.zip/a.png"]
    assert batch.errors[0][0] == "two.zip"
    assert "holds 3 file(s) and the batch already counts 3" in str(batch.errors[0][1])


def test_entries_of_a_refused_zip_count_too_so_refusals_cannot_be_repeated(monkeypatch):
    bomb = make_zip({"bomb.png": bytes(2 * 2**20), "a.png": b"x"})  # Parsed, then refused.
    monkeypatch.setattr(uploads, "ZIP_MAX_MEMBERS", 2)
    # Its end record says 1 entry; its directory holds 3: refused once parsed, and counted.
    liar = _with_end_record(make_zip({"a.png": b"x", "b.png": b"x", "c.png": b"x"}), entries=1)
    batch = uploads.gather([("bomb.zip", bomb), ("liar.zip", liar), ("num1.png", b"x")],
                           uploads.BatchLimits(max_files=5))
    assert [(name, error.reason) for name, error in batch.errors] == [
        ("bomb.zip", "zip_ratio"), ("liar.zip", "zip_too_many_members"),
        ("num1.png", "batch_too_many_files")]
    assert "the batch already counts 5" in str(batch.errors[-1][1])


def test_a_zip_past_the_byte_budget_is_refused_from_its_directory(monkeypatch):
    archive = make_zip({"a.png": b"\x00" * 1000, "b.png": b"\x00" * 1000})
    read = []
    monkeypatch.setattr(uploads, "_read_member",
                        lambda archive, info: read.append(info.filename) or b"")
    batch = uploads.gather([("small.png", b"x" * 500), ("big.zip", archive)],
                           uploads.BatchLimits(max_bytes=2000))
    assert read == []  # Refused from the sizes its directory declares.
    ((name, error),) = batch.errors
    assert name == "big.zip" and error.reason == "batch_too_large"
    assert "this upload is 0.0 MB (unpacked)" in str(error) and "the 0 upload(s)" in str(error)
    assert error.message("zh").startswith("未读取")


def test_pixel_budget_refuses_an_image_unread_and_reads_smaller_ones_after_it(model, mnist):
    small, large = png(mnist.x_test[0]), _png_sized((280, 280))
    batch = uploads.Batch(files=[("a.png", small), ("b.png", large), ("c.png", small)],
                          limits=uploads.BatchLimits(max_pixels=2 * 84 * 84 + 100))
    results = uploads.recognize(model, batch)
    assert [r.prediction is not None for r in results] == [True, False, True]
    assert results[1].error.reason == "batch_too_many_pixels"
    assert str(results[1].error) == (
        "Not read: this image declares 78,400 pixels and the images before it in the batch "
        "7,056, more than the limit of 14,212 pixels in one batch. Recognise it in another "
        "batch, or scale it down.")


def _with_end_record(archive, **fields):
    """The zip with its end record's `entries` or directory `size` rewritten (a lying header)."""
    data = bytearray(archive)
    end = data.rfind(b"PK\x05\x06")
    if "entries" in fields:
        struct.pack_into("<HH", data, end + 8, fields["entries"], fields["entries"])
    if "size" in fields:
        struct.pack_into("<L", data, end + 12, fields["size"])
    return bytes(data)


def _never_parsed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the zip's directory was parsed")

    monkeypatch.setattr(uploads.zipfile, "ZipFile", refuse)


def test_zip_declaring_too_many_entries_is_refused_unparsed(monkeypatch):
    archive = _with_end_record(make_zip({"a.png": b"x"}), entries=6000)
    _never_parsed(monkeypatch)
    ((name, error),) = uploads.gather([("many.zip", archive)]).errors
    assert error.reason == "zip_too_many_members"
    assert str(error) == "The zip holds 6,000 files, more than the limit of 5,000."


def test_zip_declaring_a_huge_directory_is_refused_unparsed(monkeypatch):
    archive = _with_end_record(make_zip({"a.png": b"x"}), size=40 * 2**20)
    _never_parsed(monkeypatch)
    ((name, error),) = uploads.gather([("dir.zip", archive)]).errors
    assert error.reason == "batch_zip_directory"
    assert str(error) == (
        "The zip's directory (its list of files) is 40.0 MB, more than the 2.4 MB a zip of at "
        "most 5,000 files needs. Refused unread, as a possible zip bomb.")
    assert "zip 炸弹" in error.message("zh")


def _with_central_sizes(archive, name, size):
    """The zip with `name`'s sizes in its directory rewritten to `size` (a lying header)."""
    data = bytearray(archive)
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        entry = data.index(b"PK\x01\x02", entry + 1)
    struct.pack_into("<LL", data, entry + 20, size, size)
    return bytes(data)


def test_members_and_files_larger_than_an_image_may_be_are_their_own_rows(model, mnist):
    digit = png(mnist.x_test[0])
    archive = make_zip({"big.png": b"x" * 100, "num7.png": digit},
                       compression=zipfile.ZIP_STORED)
    archive = _with_central_sizes(archive, "big.png", 60 * 2**20)
    batch = uploads.gather([("photos.zip", archive),
                            ("poster.png", b"\x89PNG" + bytes(uploads.FILE_MAX_BYTES))])
    assert [name for name, _ in batch.files] == ["photos.zip/num7.png"]
    errors = dict(batch.errors)
    assert str(errors["photos.zip/big.png"]) == (
        "The file is 60.0 MB, more than the limit of 50 MB.")
    assert errors["poster.png"].reason == "file_too_large"


def test_a_member_that_cannot_be_unpacked_is_its_own_row(mnist):
    digit = png(mnist.x_test[0])
    data = bytearray(make_zip({"bad.png": digit, "num0.png": digit},
                              compression=zipfile.ZIP_STORED))
    data[data.index(b"bad.png") + len(b"bad.png") + 40] ^= 0xFF  # Corrupt its data: bad CRC.
    batch = uploads.gather([("scans.zip", bytes(data))])
    assert [name for name, _ in batch.files] == ["scans.zip/num0.png"]
    ((name, error),) = batch.errors
    assert name == "scans.zip/bad.png" and error.reason == "zip_unreadable"
    assert "Bad CRC-32" in str(error)


def test_a_member_without_a_name_is_its_own_row(mnist):
    digit = png(mnist.x_test[0])
    batch = uploads.gather([("nameless.zip", raw_zip([("", digit), ("3/a.png", digit)]))])
    assert [name for name, _ in batch.files] == ["nameless.zip/3/a.png"]
    ((name, error),) = batch.errors
    assert name == "nameless.zip/" and error.reason == "batch_zip_member_unnamed"
    assert str(error) == ("A file in the zip has an empty name, so it was not read. Make the "
                          "zip again from a folder of images.")


def _png_sized(size):
    buffer = io.BytesIO()
    Image.fromarray(np.kron(np.eye(2, dtype=np.uint8) * 255, np.ones((14, 14), np.uint8))
                    ).resize(size).save(buffer, format="PNG")
    return buffer.getvalue()


def test_anything_going_wrong_with_one_file_is_that_files_row(model, monkeypatch, caplog):
    named = [("num1.png", _png_sized((40, 40))), ("surprise.png", _png_sized((41, 41))),
             ("huge.png", _png_sized((42, 42))), ("num2.png", _png_sized((43, 43)))]
    real = uploads.preprocess.to_mnist

    def to_mnist(image):
        if image.size == (41, 41):
            raise RuntimeError("a bug")
        if image.size == (42, 42):
            raise MemoryError
        return real(image)

    monkeypatch.setattr(uploads.preprocess, "to_mnist", to_mnist)
    results = uploads.recognize(model, uploads.gather(named))
    errors = {r.file: r.error for r in results if r.error is not None}
    assert sorted(errors) == ["huge.png", "surprise.png"]
    assert str(errors["surprise.png"]) == (
        "This file could not be read (RuntimeError); the rest of the batch was recognised. "
        "Save it again as an ordinary PNG or JPEG.")
    assert errors["huge.png"].reason == "batch_out_of_memory"
    assert "内存不足" in errors["huge.png"].message("zh")
    assert "Preprocessing 'surprise.png' failed unexpectedly" in caplog.text
    assert [r.file for r in results if r.prediction is not None] == ["num1.png", "num2.png"]


def _nan_model():
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    kernel, bias = model.layers[-1].get_weights()
    model.layers[-1].set_weights([kernel, np.full_like(bias, np.nan)])
    return model


def test_a_model_that_fails_or_answers_nan_gives_rows_not_a_lost_batch(mnist, caplog):
    batch = uploads.gather([("num7.png", png(mnist.x_test[0])), ("empty.png", b"")])
    failed = uploads.recognize(object(), batch)  # Not a model at all.
    assert [r.error.reason for r in failed] == ["batch_prediction_failed", "empty_file"]
    assert str(failed[0].error).startswith("The model failed on this image (")
    assert "Predicting a chunk of 2 images failed" in caplog.text
    nan = uploads.recognize(_nan_model(), batch)
    assert nan[0].prediction is None and nan[0].error.reason == "batch_prediction_not_finite"
    assert "not a number (NaN or infinity)" in str(nan[0].error)


def test_batches_split_a_large_upload_instead_of_refusing_it(mnist):
    digit = png(mnist.x_test[0])
    archive = make_zip({f"{index}.png": digit for index in range(3)})
    named = [("a.png", digit), ("b.png", digit), ("c.zip", archive), ("d.png", digit)]
    batches = list(uploads.batches(iter(named), uploads.BatchLimits(max_files=4)))
    assert [[name for name, _ in batch.files] for batch in batches] == [
        ["a.png", "b.png"], ["c.zip/0.png", "c.zip/1.png", "c.zip/2.png", "d.png"]]
    assert all(batch.errors == [] for batch in batches)


def test_summary_of_a_batch_without_labels():
    results = [uploads.Result(file="x.png", prediction=3, confidence=0.9),
               uploads.Result(file="num4.png", label=4, error=InputError("blank"))]
    summary = uploads.summary(results)
    assert summary["labelled"] == 0 and summary["correct"] == 0
    assert summary["accuracy"] is None and summary["per_digit"] == {}


def test_csv_cells_that_would_run_as_formulas_are_text(mnist):
    from lib import recognition

    names = ["=HYPERLINK(\"http://x\")", "+1.png", "-2.png", "@SUM(A1).png", "\tx.png",
             "\rx.png", "num3.png"]
    results = [uploads.Result(file=name, label=3, prediction=3, confidence=0.5,
                              probabilities=np.full(10, 0.1, np.float32)) for name in names]
    results.append(uploads.Result(file="x.png", error=InputError("zip_ratio", name="=cmd|x",
                                                                 ratio=1000, limit=100)))
    rows = list(csv.DictReader(io.StringIO(recognition.csv_bytes(results).decode("utf-8-sig"))))
    assert [row["file"] for row in rows] == [
        "'=HYPERLINK(\"http://x\")", "'+1.png", "'-2.png", "'@SUM(A1).png", "'\tx.png",
        "'\rx.png", "num3.png", "x.png"]
    assert rows[0]["prediction"] == "3" and rows[0]["confidence"] == "0.5"
    assert rows[0]["p0"] == "0.1" and rows[-1]["prediction"] == ""
    assert rows[-1]["error"].startswith("The zip member =cmd|x")  # Mid-cell: no formula.
    assert recognition.csv_cell(-0.25) == -0.25 and recognition.csv_cell("-0.25") == "'-0.25"
