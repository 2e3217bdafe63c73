"""Text that comes from data reaches a Chinese page in Chinese: a refused mnist.npz (without
NumPy's or zipfile's English, and without a path), why the offline MNIST is used, a dataset that
fails in Keras's cache, and a model card's data and augmentation (new cards and old ones)."""

import io
import pickle
import re
import struct
import zipfile

import numpy as np
import pytest

from lib import data, datasets, i18n, training
from lib.errors import InputError

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _member(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _npz(compression=zipfile.ZIP_STORED, **replaced):
    """A valid little mnist.npz (every digit in both splits), with some members' bytes replaced."""
    labels = np.arange(10, dtype=np.uint8)
    members = {"x_train.npy": _member(np.zeros((10, 28, 28), np.uint8)),
               "y_train.npy": _member(labels),
               "x_test.npy": _member(np.zeros((10, 28, 28), np.uint8)),
               "y_test.npy": _member(labels)}
    members.update({f"{name}.npy": payload for name, payload in replaced.items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def _with_bad_crc(contents):
    damaged = bytearray(contents)
    damaged[damaged.find(b"\x93NUMPY") + 200] ^= 0xFF  # Inside x_train's pixels.
    return bytes(damaged)


def _cut_deflated_stream(contents):
    # x_train's compressed data, cut short inside the zip (its sizes still say the whole).
    archive = zipfile.ZipFile(io.BytesIO(contents))
    info = archive.getinfo("x_train.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    cut = start + info.compress_size // 2
    return contents[:cut] + bytes(info.compress_size - info.compress_size // 2) + contents[
        start + info.compress_size:]


@pytest.mark.parametrize(("contents", "reason"), [
    (_npz(x_train=b"NOTNPY" + bytes(200)), "npz_header"),
    (_npz(x_train=b"\x93NUMPY\x01\x00\x10\x00{'descr': <bad}   \n"), "npz_header"),
    (_npz(x_train=_member(np.zeros((10, 28, 28), np.uint8))[:50]), "npz_header"),
    (_npz(x_train=b"\x93NUMPY\x03\x00" + bytes(200)), "npz_version"),
    (_with_bad_crc(_npz()), "npz_damaged"),
    (_cut_deflated_stream(_npz(zipfile.ZIP_DEFLATED, x_train=_member(
        np.random.default_rng(0).integers(0, 256, (10, 28, 28), dtype=np.uint8)))),
     "npz_damaged"),
], ids=["not_npy", "unparsable_header", "header_cut_short", "version_3", "bad_crc",
        "broken_deflate"])
def test_a_damaged_npz_is_refused_in_both_languages_without_numpys_text(contents, reason):
    with pytest.raises(InputError) as refused:
        data.read_npz(contents, origin="/tmp/tmpa1b2c3/mnist.npz")
    error = refused.value
    assert error.reason == reason
    english, chinese = error.message("en"), error.message("zh")
    assert "x_train.npy" in english and CHINESE.search(chinese)
    for message in (english, chinese):
        assert "/tmp" not in message and "tmpa1b2c3" not in message
        # NumPy's and zipfile's own words never reach the page.
        assert not re.search(r"magic string|Cannot parse|EOF:|CRC-32 for file|Error -3|"
                             r"unsupported", message)


def test_a_member_that_ends_before_its_data_is_truncated():
    # x_train's header and the zip directory say 11 digits; the member stores 10 (as a copy cut
    # short inside a member leaves it).
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|u1", "fortran_order": False, "shape": (11, 28, 28)})
    stored = header.getvalue() + bytes(10 * 28 * 28)
    labels = _member(np.resize(np.arange(10, dtype=np.uint8), 11))
    contents = bytearray(_npz(x_train=stored, y_train=labels))
    entry = contents.find(b"PK\x01\x02")  # The zip directory's entries, until x_train's.
    while contents[entry + 46:entry + 46 + len("x_train.npy")] != b"x_train.npy":
        entry = contents.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<L", contents, entry + 24, len(stored) + 28 * 28)  # Its unpacked size.
    with pytest.raises(InputError) as refused:
        data.read_npz(bytes(contents))
    assert refused.value.reason == "npz_truncated"
    assert "cut short" in str(refused.value) and CHINESE.search(refused.value.message("zh"))


def test_why_the_offline_set_is_used_is_said_in_both_languages(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "keras_cache_path", lambda filename="mnist.npz": str(tmp_path / "x"))
    monkeypatch.setattr(data, "can_connect", lambda url, timeout=data.CONNECT_TIMEOUT: False)
    mnist = data.load_mnist()
    (note,) = mnist.notes
    assert note.startswith("Full MNIST is not cached and storage.googleapis.com cannot be reached")
    assert note.message("en") == note
    assert note.message("zh").startswith("完整 MNIST 未缓存")
    # Streamlit's data cache pickles the digits: the note comes back whole.
    again = pickle.loads(pickle.dumps(mnist)).notes[0]
    assert again == note and again.message("zh") == note.message("zh")
    with pytest.raises(data.MnistUnavailable) as raised:
        data.load_mnist("keras")
    assert CHINESE.search(raised.value.message("zh"))


def test_a_dataset_that_fails_in_keras_cache_says_so_in_both_languages(monkeypatch, tmp_path):
    from tests import fake_keras_cache as fake

    fake.use_keras_home(monkeypatch, tmp_path / "keras")
    spec = datasets.get_spec("boston_housing")
    (tmp_path / "keras" / "datasets").mkdir()
    with open(datasets.cache_path(spec.files[0]), "wb") as file:
        file.write(b"half a download")
    with pytest.raises(datasets.DatasetError) as raised:
        datasets.load("boston_housing", reachable=lambda url: False)
    assert raised.value.reason == "hash_mismatch"
    assert "incomplete or not the expected one" in str(raised.value)
    assert raised.value.message("zh").startswith("缓存文件")


@pytest.mark.parametrize(("augmentation", "name"), [
    ("handwriting", "handwriting"), ("none", "none"),
    # Cards written before the names held the English text.
    (training.AUGMENTATIONS["handwriting"], "handwriting"),
    ("a teacher's own words", None),
])
def test_a_cards_augmentation_is_a_name_the_page_translates(augmentation, name):
    assert training.card_augmentation({"augmentation": augmentation}) == name
    if name is not None:
        assert CHINESE.search(i18n.text(f"home.card.augmentation.{name}", "zh"))


def test_every_data_source_a_card_names_has_its_text():
    for source in data.SOURCES:
        if source != "auto":
            text = i18n.text(f"home.card.data.{source}", "zh", origin="x", n_train=1, n_test=1)
            assert CHINESE.search(text)


def test_the_class_names_shown_are_the_datasets_own_in_english():
    for name, spec in datasets.DATASETS.items():
        key = f"datasets.classes.{name}"
        if key in i18n.TEXTS:
            english, chinese = (i18n.text(key, language).split("|") for language in ("en", "zh"))
            assert tuple(english) == spec.class_names
            assert len(chinese) == len(english) and all(CHINESE.search(c) for c in chinese)
