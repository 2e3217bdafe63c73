import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from lib import data, models, uploads


@pytest.fixture(scope="module")
def model():
    return models.load_bundled_model()


@pytest.fixture(scope="module")
def mnist():
    return data.load_embedded()


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
