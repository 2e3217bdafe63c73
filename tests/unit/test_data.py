import io
import pickle
import struct
import time
import zipfile

import numpy as np
import pytest

from lib import data
from lib.errors import InputError
from tests import hostile


def test_embedded_split_is_stratified_and_seeded():
    mnist = data.load_embedded()
    assert mnist.source == "embedded"
    assert mnist.x_train.shape == (4000, 28, 28) and mnist.x_test.shape == (1000, 28, 28)
    assert mnist.x_train.dtype == np.uint8
    assert np.bincount(mnist.y_train).tolist() == [400] * 10
    assert np.bincount(mnist.y_test).tolist() == [100] * 10
    again = data.load_embedded()
    assert np.array_equal(again.y_test, mnist.y_test)
    other = data.load_embedded(seed=7)
    assert not np.array_equal(other.y_test, mnist.y_test)


def _no_cache(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "keras_cache_path", lambda filename="mnist.npz": str(tmp_path / "x"))


def test_auto_falls_back_fast_when_offline(monkeypatch, tmp_path):
    _no_cache(monkeypatch, tmp_path)
    monkeypatch.setattr(data, "can_connect", lambda url, timeout=data.CONNECT_TIMEOUT: False)
    started = time.monotonic()
    mnist = data.load_mnist()
    assert time.monotonic() - started < 5
    assert mnist.source == "embedded"
    assert "cannot be reached" in mnist.notes[0]


def test_keras_source_raises_when_offline(monkeypatch, tmp_path):
    _no_cache(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="downloading is off"):
        data.load_mnist("keras", allow_download=False)


def test_keras_source_is_used_when_cached(monkeypatch, tmp_path):
    cached = tmp_path / "mnist.npz"
    cached.write_bytes(b"cached")
    monkeypatch.setattr(data, "keras_cache_path", lambda filename="mnist.npz": str(cached))
    import keras

    fake = ((np.zeros((6, 28, 28), np.uint8), np.arange(6)), (np.zeros((2, 28, 28), np.uint8),
                                                             np.arange(2)))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: fake)
    mnist = data.load_mnist()
    assert mnist.source == "keras" and len(mnist.y_train) == 6 and mnist.origin == str(cached)


def test_can_connect_fails_fast_on_a_closed_port():
    started = time.monotonic()
    assert not data.can_connect("http://127.0.0.1:9/", timeout=1)
    assert time.monotonic() - started < 2


def test_unknown_source():
    with pytest.raises(ValueError, match="Expected one of"):
        data.load_mnist("cifar")


def test_subset_is_stratified():
    labels = np.repeat(np.arange(10), 50)
    images = np.zeros((500, 28, 28), np.uint8)
    small_images, small_labels = data.subset(images, labels, 100)
    assert len(small_labels) == 100 and np.bincount(small_labels).tolist() == [10] * 10


def test_can_connect_gives_up_on_a_slow_name_lookup(monkeypatch):
    import socket
    import threading

    answered = threading.Event()

    def hanging_lookup(*arguments, **keywords):
        answered.wait(30)
        raise OSError("name lookup timed out")

    monkeypatch.setattr(socket, "create_connection", hanging_lookup)
    started = time.monotonic()
    assert not data.can_connect("https://example.invalid/", timeout=0.5)
    assert time.monotonic() - started < 2
    answered.set()


# An uploaded or named mnist.npz (`data.read_npz`, `data.load_npz`). The hostile ones are read
# in a fresh interpreter (`tests.hostile`), which reports the refusal, the growth of its peak
# memory and the files it left in its temporary folder.


@pytest.fixture(scope="module")
def digits():
    """A small real set with every digit in both splits: 200 training and 50 test digits."""
    embedded = data.load_embedded()
    return {"x_train": embedded.x_train[:200], "y_train": embedded.y_train[:200],
            "x_test": embedded.x_test[:50], "y_test": embedded.y_test[:50]}


def _npz(arrays, compressed=False, **overrides):
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **{**arrays, **overrides})
    return buffer.getvalue()


def _npy(header, payload=b""):
    """A `.npy` member with a header written by hand (so it may say anything)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue() + payload


def _zip(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def _members(arrays, **replaced):
    """The four `.npy` members of `arrays`, with some replaced by raw bytes."""
    members = {}
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array)
        members[f"{name}.npy"] = buffer.getvalue()
    members.update({f"{name}.npy": payload for name, payload in replaced.items()})
    return members


def _refused(tmp_path, contents, reason):
    """Reads `contents` as an uploaded npz in a fresh interpreter, and checks the refusal."""
    path = tmp_path / "upload.npz"
    path.write_bytes(contents)
    outcome = hostile.attempt(f"from lib import data\ncontents = open({str(path)!r}, 'rb').read()",
                              "data.read_npz(contents, origin='upload.npz')")
    assert outcome.reason == reason, (outcome.message, outcome.traceback)
    assert outcome.growth_mb < 64, outcome.growth_mb
    assert outcome.left_behind == []
    assert outcome.message_zh and outcome.message_zh != outcome.message
    return outcome


def test_npz_upload_is_read_in_memory_as_uint8(digits):
    # Labels as int64 (what np.arange and pandas give) and images deflated, as Keras ships it.
    contents = _npz(digits, compressed=True, y_train=digits["y_train"].astype(np.int64))
    mnist = data.read_npz(contents, origin="class 3b/mnist.npz")
    assert mnist.source == "npz" and mnist.origin == "mnist.npz"
    for name, array in digits.items():
        result = getattr(mnist, name)
        assert result.dtype == np.uint8 and np.array_equal(result, array), name


def test_npz_of_whole_numbers_in_float64_is_converted(digits):
    # np.loadtxt of a CSV gives float64: whole numbers from 0 to 255 are accepted.
    contents = _npz(digits, x_train=digits["x_train"].astype(np.float64),
                    y_test=digits["y_test"].astype(np.float32))
    mnist = data.read_npz(contents)
    assert mnist.x_train.dtype == np.uint8 and np.array_equal(mnist.x_train, digits["x_train"])
    assert np.array_equal(mnist.y_test, digits["y_test"])


def test_float64_images_are_converted_without_a_full_size_copy(tmp_path, digits):
    # 20,000 digits as float64 are 125 MB; as uint8, 16 MB. Converted a chunk at a time, the
    # reader never holds the float64 array.
    count = 20_000
    images = np.resize(digits["x_train"], (count, 28, 28)).astype(np.float64)
    labels = np.resize(digits["y_train"], count)
    contents = _npz(digits, compressed=True, x_train=images, y_train=labels)
    path = tmp_path / "float64.npz"
    path.write_bytes(contents)
    outcome = hostile.attempt(
        f"from lib import data\ncontents = open({str(path)!r}, 'rb').read()",
        "data.read_npz(contents).x_train.shape")
    assert outcome.raised is None, outcome.traceback
    assert outcome.value == "(20000, 28, 28)"
    assert outcome.growth_mb < 50, outcome.growth_mb
    assert outcome.left_behind == []


def test_npz_header_declaring_two_gigabytes_is_refused_before_allocating(tmp_path, digits):
    # 2.7 KB that np.load would have inflated into 2.35 GB.
    header = {"descr": "|u1", "fortran_order": False, "shape": (3_000_000, 28, 28)}
    contents = _zip(_members(digits, x_train=_npy(header, bytes(2_000))))
    assert len(contents) < 64 * 1024
    outcome = _refused(tmp_path, contents, "npz_size_mismatch")
    assert "x_train's header declares shape (3000000, 28, 28), 2,352,000,000 bytes of data, " \
        "but the member holds 2,000" in outcome.message


def test_npz_header_that_lies_about_its_size_is_refused(tmp_path, digits):
    # It declares 300 digits and holds 200: numpy would read past the end or fail late.
    header = {"descr": "|u1", "fortran_order": False, "shape": (300, 28, 28)}
    contents = _zip(_members(digits, x_train=_npy(header, digits["x_train"].tobytes())))
    outcome = _refused(tmp_path, contents, "npz_size_mismatch")
    assert "declares shape (300, 28, 28), 235,200 bytes" in outcome.message
    assert "holds 156,800" in outcome.message


def test_npz_zip_directory_that_lies_about_a_members_size_is_refused(tmp_path, digits):
    # The central directory says x_train.npy unpacks to 3 GB.
    contents = bytearray(_zip(_members(digits)))

    for offset in _directory_offsets(contents):
        name_length = struct.unpack_from("<H", contents, offset + 28)[0]
        if contents[offset + 46:offset + 46 + name_length] == b"x_train.npy":
            struct.pack_into("<L", contents, offset + 24, 3 * 2**30)

    outcome = _refused(tmp_path, bytes(contents), "npz_member_too_large")
    assert "x_train.npy would unpack to 3,072 MB, more than the limit of 598 MB" in \
        outcome.message


def _directory_offsets(contents):
    offset = contents.find(b"PK\x01\x02")
    while offset != -1:
        yield offset
        offset = contents.find(b"PK\x01\x02", offset + 4)


def test_npz_ratio_bomb_is_refused(tmp_path, digits):
    # 60,000 blank digits deflate to 46 KB (a ratio near 1,000); real digits about 5.
    contents = _npz(digits, compressed=True, x_train=np.zeros((60_000, 28, 28), np.uint8),
                    y_train=np.resize(np.arange(10, dtype=np.uint8), 60_000))
    assert len(contents) < 200 * 1024
    outcome = _refused(tmp_path, contents, "npz_ratio")
    assert "x_train.npy is compressed" in outcome.message
    assert "more than the limit of 200: refused as a possible zip bomb" in outcome.message


def test_npz_object_array_is_refused_and_never_unpickled(tmp_path, digits):
    # Unpickling this array would create a file in the temporary folder.
    class Touch:
        def __reduce__(self):
            return (open, ("unpickled.txt", "w"))

    payload = pickle.dumps(np.array([Touch(), Touch()], dtype=object), protocol=3)
    header = {"descr": "|O", "fortran_order": False, "shape": (2,)}
    contents = _zip(_members(digits, y_train=_npy(header, payload)))
    outcome = _refused(tmp_path, contents, "npz_dtype")
    assert outcome.message.startswith("y_train is stored as object. Expected numbers: uint8")
    assert "no pickle is loaded" in outcome.message


def test_npz_extra_members_are_refused_and_named(tmp_path, digits):
    contents = _npz(digits, x_val=np.zeros((3, 28, 28), np.uint8), **{"[a](b)": np.zeros(1)})
    outcome = _refused(tmp_path, contents, "npz_unexpected_members")
    assert "holds 2 file(s) besides the four arrays: `x_val.npy`, `?a??b?.npy`" in \
        outcome.message


def test_npz_directory_of_thousands_of_entries_is_refused_before_it_is_read(tmp_path):
    contents = _zip({f"x{index}.npy": b"" for index in range(5_000)})
    outcome = _refused(tmp_path, contents, "npz_directory")
    assert "lists 5,000 entries" in outcome.message


@pytest.mark.parametrize(("name", "array", "message"), [
    ("x_train", np.zeros((200, 32, 32), np.uint8),
     "Expected x_train of shape (n, 28, 28). Received (200, 32, 32)."),
    ("y_test", np.zeros((50, 1), np.uint8), "Expected y_test of shape (n,). Received (50, 1)."),
    ("x_test", np.zeros((28, 28), np.uint8), "Expected x_test of shape (n, 28, 28). "
     "Received (28, 28)."),
])
def test_npz_of_wrong_shape_says_what_was_received(tmp_path, digits, name, array, message):
    outcome = _refused(tmp_path, _npz(digits, **{name: array}), "npz_shape")
    assert outcome.message == message


@pytest.mark.parametrize(("overrides", "reason", "message"), [
    ({"y_train": np.zeros(199, np.uint8)}, "npz_lengths",
     "x_train holds 200 images but y_train holds 199 labels"),
    ({"y_train": np.full(200, 10)}, "npz_values", "y_train holds the value 10. Expected whole "
     "numbers from 0 to 9."),
    ({"x_test": np.full((50, 28, 28), 0.5)}, "npz_values", "x_test holds the value 0.5. "
     "Expected whole numbers from 0 to 255."),
    ({"x_test": np.full((50, 28, 28), np.nan)}, "npz_values", "x_test holds the value nan."),
    ({"x_test": np.full((50, 28, 28), -1, np.int16)}, "npz_values",
     "x_test holds the value -1."),
    ({"y_test": np.zeros(50, np.uint8)}, "npz_missing_digit",
     "y_test has no example of the digit(s) 1, 2, 3, 4, 5, 6, 7, 8, 9."),
    ({"y_test": np.array(["7"] * 50)}, "npz_dtype", "y_test is stored as str32."),
    ({"x_train": np.zeros((200, 28, 28), np.complex64)}, "npz_dtype",
     "x_train is stored as complex64."),
    ({"x_train": np.asfortranarray(np.zeros((200, 28, 28), np.uint8))}, "npz_fortran_order",
     "x_train is stored in Fortran (column) order."),
])
def test_npz_contents_are_checked(digits, overrides, reason, message):
    with pytest.raises(InputError, match="^" + _literal(message)) as caught:
        data.read_npz(_npz(digits, **overrides))
    assert caught.value.reason == reason


def _literal(text):
    import re

    return re.escape(text)


def test_npz_missing_arrays_and_not_a_zip():
    with pytest.raises(InputError, match="The mnist.npz has no x_train.npy, y_train.npy, "
                       "x_test.npy, y_test.npy"):
        data.read_npz(_npz({}, images=np.zeros(3)))
    with pytest.raises(InputError, match="Received a file that is not a readable zip"):
        data.read_npz(b"\x93NUMPY not a zip")


def test_npz_file_too_large_is_refused_from_its_size(tmp_path):
    path = tmp_path / "mnist.npz"
    with open(path, "wb") as file:
        file.truncate(data.MAX_NPZ_BYTES + 1)  # Sparse: nothing is written or read.
    with pytest.raises(InputError, match="more than the limit of 64 MB"):
        data.load_npz(path)


def test_cli_npz_file_goes_through_the_same_checks(tmp_path, digits):
    path = tmp_path / "mnist.npz"
    path.write_bytes(_npz(digits))
    mnist = data.load_mnist("auto", path=path)
    assert mnist.source == "npz" and len(mnist.y_test) == 50
    path.write_bytes(_npz(digits, x_train=np.zeros((5, 32, 32))))
    with pytest.raises(InputError, match=r"Expected x_train of shape \(n, 28, 28\)"):
        data.load_npz(path)
    with pytest.raises(InputError, match="cannot be read"):
        data.load_npz(tmp_path / "missing.npz")
