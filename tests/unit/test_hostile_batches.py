"""Hostile batches of images, crafted here, each tried in a fresh interpreter (`tests.hostile`).

Every class of batch that once crashed the page, lost the whole batch or ran the server out of
memory or time: headers declaring 48 MP and 150 MP, a 48 MP phone photo, progressive and
oversized JPEGs, a zip member without a name, many small zips that unpack to gigabytes, zips of
thousands of entries, many large images. Each test checks the refusal's message (in English, and
that a Chinese one exists), that the rest of the batch is recognised, that the child's memory
grew by a bounded amount and that it left no file behind.

The fixtures are small files made here with zipfile, PIL, numpy and struct; the helpers that
make them are imported by the other upload tests.
"""

import ast
import io
import json
import struct
import zipfile
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from lib import i18n, preprocess, uploads
from lib.errors import InputError
from tests import hostile

# Refusals happen from headers: the child allocates next to nothing for them.
REFUSAL_BUDGET_MB = 64


# Fixtures.


def png_header(width, height, mode_bits=(8, 0)):
    """A valid PNG whose header declares `width` x `height` (gray), with almost no pixel data."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, *mode_bits, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def digit_png(size=(84, 84)):
    """A real PNG of a thick dark bar on white: the model reads it (as a 1)."""
    return _encoded(_bar(size), "PNG")


def digit_jpeg(size, **options):
    """A real JPEG of a dark bar on light gray; solid areas keep even 48 MP under a megabyte."""
    return _encoded(_bar(size, ground=230), "JPEG", quality=80, **options)


def _bar(size, ground=255):
    image = Image.new("L", size, ground)
    width, height = size
    ImageDraw.Draw(image).rectangle(
        (width // 2 - max(width // 30, 1), height // 5, width // 2 + max(width // 30, 1),
         4 * height // 5), fill=20)
    return image


def _encoded(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def jpeg_declaring(width, height, mode="L"):
    """A small real JPEG whose frame header is rewritten to declare `width` x `height`."""
    data = bytearray(_encoded(_bar((16, 16), ground=230).convert(mode), "JPEG", quality=80))
    frame = data.index(b"\xff\xc0")  # Baseline start of frame: length, precision, height, width.
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def tiled_tiff(width, height, tile_width, tile_height, whole=False):
    """A deflated gray TIFF of `width` x `height` in one tile of `tile_width` x `tile_height`,
    written tag by tag (Pillow writes no tiles), with a kilobyte of pixel data (or, `whole`, the
    whole tile's)."""
    pixels = zlib.compress(b"\xc8" * (tile_width * tile_height if whole else 1024))
    tags = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 8), (262, 3, 1),
            (277, 3, 1), (322, 4, tile_width), (323, 4, tile_height), (324, 4, None),
            (325, 4, len(pixels))]
    data_offset = 8 + 2 + 12 * len(tags) + 4
    ifd = struct.pack("<H", len(tags))
    for tag, kind, value in tags:
        value = data_offset if value is None else value
        ifd += struct.pack("<HHI" + ("HH" if kind == 3 else "I"), tag, kind, 1, value,
                           *((0,) if kind == 3 else ()))
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + pixels


def webp_declaring(width, height):
    """A small lossless WebP inside an extended header that declares a `width` x `height`
    canvas."""
    small = _encoded(Image.new("L", (16, 16), 200), "WEBP", lossless=True)
    canvas = bytes(4) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(canvas)) + canvas + small[12:]
    return b"RIFF" + struct.pack("<I", len(body)) + body


def raw_zip(members):
    """A stored zip written byte by byte, so names may be anything (even empty).

    Args:
        members: list of `(name, bytes)`.
    """
    local, central = bytearray(), bytearray()
    for name, content in members:
        encoded = name.encode()
        crc = zlib.crc32(content) & 0xFFFFFFFF
        offset = len(local)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(content),
                             len(content), len(encoded), 0) + encoded + content
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc,
                               len(content), len(content), len(encoded), 0, 0, 0, 0, 0,
                               offset) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central),
                      len(local), 0)
    return bytes(local + central + end)


def zip_of(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# Running a hostile input in a fresh interpreter.

_SUMMARY = '''
def summary(results):
    """What a batch gave, small enough for the outcome: counts, and each refusal's first row."""
    refusals = {}
    for result in results:
        if result.error is not None and result.error.reason not in refusals:
            refusals[result.error.reason] = (result.file, result.error.message("en"),
                                             result.error.message("zh"))
    return {"rows": len(results), "recognised": [r.file for r in results
                                                 if r.prediction is not None][:20],
            "recognised_count": sum(r.prediction is not None for r in results),
            "errors": {reason: sum(1 for r in results if r.error is not None
                                   and r.error.reason == reason) for reason in refusals},
            "refusals": refusals}
'''


def attempt_batch(tmp_path, named, setup=""):
    """Gathers and recognises `named` (`(name, bytes)` uploads) with the bundled model in a
    fresh interpreter; returns `(outcome, summary)`."""
    paths = []
    for index, (name, content) in enumerate(named):
        path = tmp_path / f"upload-{index}"
        path.write_bytes(content)
        paths.append((name, str(path)))
    listing = tmp_path / "uploads.json"
    listing.write_text(json.dumps(paths))
    outcome = hostile.attempt(
        f"import json\nfrom lib import models, uploads\n{_SUMMARY}\n"
        "model = models.load_bundled_model()\n"
        f"named = [(name, open(path, 'rb').read()) for name, path in "
        f"json.load(open({str(listing)!r}))]\n{setup}",
        "summary(uploads.recognize(model, uploads.gather(named)))",
    )
    assert outcome.raised is None, outcome.traceback
    assert outcome.left_behind == []
    return outcome, ast.literal_eval(outcome.value)


def attempt_image(tmp_path, content):
    """`preprocess.to_mnist(content)` in a fresh interpreter (no TensorFlow: a quick child)."""
    path = tmp_path / "upload.img"
    path.write_bytes(content)
    outcome = hostile.attempt(
        f"from lib import preprocess\ncontent = open({str(path)!r}, 'rb').read()",
        "preprocess.to_mnist(content).shape",
    )
    assert outcome.left_behind == []
    return outcome


def _assert_translated(reason, english, chinese):
    assert chinese and chinese != english
    assert i18n.TEXTS["error." + reason][1]  # The Chinese text exists for this reason.


# One image.


def test_header_declaring_48_megapixels_is_refused_unread(tmp_path):
    outcome = attempt_image(tmp_path, png_header(8000, 6000))
    assert outcome.reason == "batch_image_pixels", outcome.traceback
    assert "8,000 x 6,000 = 48,000,000 pixels" in outcome.message
    assert "at most 40,000,000" in outcome.message and "Scale it down" in outcome.message
    _assert_translated(outcome.reason, outcome.message, outcome.message_zh)
    assert outcome.growth_mb < REFUSAL_BUDGET_MB


def test_header_beyond_pillows_own_limit_says_what_it_declares(tmp_path):
    # 900 MP: Pillow itself refuses it at open; the message still says the declared size.
    outcome = attempt_image(tmp_path, png_header(30_000, 30_000))
    assert outcome.reason == "batch_image_pixels", outcome.traceback
    assert "30,000 x 30,000 = 900,000,000 pixels" in outcome.message
    _assert_translated(outcome.reason, outcome.message, outcome.message_zh)
    assert outcome.growth_mb < REFUSAL_BUDGET_MB


def test_ordinary_48_megapixel_phone_photo_is_read_reduced(tmp_path):
    photo = digit_jpeg((8000, 6000))
    assert len(photo) < 2**20
    outcome = attempt_image(tmp_path, photo)
    assert outcome.raised is None, outcome.traceback
    assert outcome.value == "(28, 28)"
    # Decoded at 1/8 of each side (1000 x 750): a few MB, where full size takes ~50 MB and more.
    assert outcome.growth_mb < 40, outcome.growth_mb


def test_progressive_48_megapixel_jpeg_is_refused_unread(tmp_path):
    # libjpeg holds a progressive JPEG's whole coefficient buffer (2 bytes a sample), however
    # reduced its output: it counts as full size.
    outcome = attempt_image(tmp_path, digit_jpeg((8000, 6000), progressive=True))
    assert outcome.reason == "batch_image_pixels", outcome.traceback
    assert "progressive JPEG" in outcome.message and "48,000,000" in outcome.message
    _assert_translated(outcome.reason, outcome.message, outcome.message_zh)
    assert outcome.growth_mb < REFUSAL_BUDGET_MB


def test_jpeg_declaring_more_than_photos_may_have_is_refused_unread(tmp_path):
    outcome = attempt_image(tmp_path, jpeg_declaring(15_000, 10_000))
    assert outcome.reason == "batch_jpeg_pixels", outcome.traceback
    assert "15,000 x 10,000 = 150,000,000 pixels" in outcome.message
    assert "120,000,000" in outcome.message and "lower resolution" in outcome.message
    _assert_translated(outcome.reason, outcome.message, outcome.message_zh)
    assert outcome.growth_mb < REFUSAL_BUDGET_MB


def test_tiff_in_tiles_far_larger_than_the_image_is_refused_unread(tmp_path):
    # libtiff decodes a tile at a time into a buffer of the tile's size: this 2 KB file of
    # 16 x 16 pixels took 1 GB (a 65,535-pixel square tile would take 4 GB).
    outcome = attempt_image(tmp_path, tiled_tiff(16, 16, 32768, 32768))
    assert outcome.reason == "batch_tiff_tiles", outcome.traceback
    assert outcome.message == (
        "The TIFF image is 16 x 16 pixels but cut into tiles of 32,768 x 32,768, each decoded "
        "whole into memory. Refused unread, as a possible decompression bomb. Save it again as "
        "an ordinary PNG or TIFF.")
    _assert_translated(outcome.reason, outcome.message, outcome.message_zh)
    assert outcome.growth_mb < REFUSAL_BUDGET_MB


def test_webp_canvas_beyond_pillows_own_limit_is_refused_unread(tmp_path):
    outcome = attempt_image(tmp_path, webp_declaring(16383, 16383))
    assert outcome.reason == "too_many_pixels", outcome.traceback
    assert "claims 268,402,689 pixels, more than the limit of 40,000,000" in outcome.message
    _assert_translated(outcome.reason, outcome.message, outcome.message_zh)
    assert outcome.growth_mb < REFUSAL_BUDGET_MB


# Batches.


@pytest.mark.slow
def test_batch_with_bomb_headers_and_a_nameless_member_keeps_the_rest(tmp_path):
    # Pillow's bomb warnings as errors (as the page once made them): one that escaped would
    # lose the batch.
    named = [
        ("num1.png", digit_png()),
        ("phone.png", png_header(8000, 6000)),  # 48 MP: raised DecompressionBombWarning.
        ("poster.png", png_header(12_500, 12_000)),  # 150 MP: Pillow warns at open.
        ("nameless.zip", raw_zip([("", digit_png()), ("1/scan.png", digit_png())])),
        ("digit_1.jpg", digit_jpeg((8000, 6000))),  # An ordinary 48 MP phone photo.
    ]
    outcome, summary = attempt_batch(
        tmp_path, named, setup="import warnings\nfrom PIL import Image\n"
        "warnings.simplefilter('error', Image.DecompressionBombWarning)")
    assert summary["rows"] == 6  # Five uploads, one of them a zip of two.
    assert sorted(summary["recognised"]) == ["digit_1.jpg", "nameless.zip/1/scan.png",
                                             "num1.png"]
    assert summary["errors"] == {"batch_image_pixels": 2, "batch_zip_member_unnamed": 1}
    file, english, chinese = summary["refusals"]["batch_zip_member_unnamed"]
    assert file == "nameless.zip/" and "empty name" in english
    _assert_translated("batch_zip_member_unnamed", english, chinese)
    file, english, chinese = summary["refusals"]["batch_image_pixels"]
    assert file == "phone.png" and "48,000,000 pixels" in english
    assert outcome.growth_mb < 128, outcome.growth_mb


@pytest.mark.slow
def test_many_small_zips_unpacking_to_gigabytes_stop_at_the_batch_budget(tmp_path):
    # 200 members of 1 MiB of zeros each: exempt from the ratio check (not above 1 MiB), 200 MiB
    # unpacked (the per-zip limit), ~200 KB packed. Twenty of them: 4 MB uploaded, 3.9 GiB
    # declared, which all went into memory when limits were per zip.
    small_zip = zip_of({f"z/{index}.png": bytes(2**20) for index in range(200)})
    assert len(small_zip) < 300_000
    named = [("num1.png", digit_png())]
    named += [(f"part{index}.zip", small_zip) for index in range(20)]
    outcome, summary = attempt_batch(tmp_path, named)
    assert "num1.png" in summary["recognised"]
    # The first zip fits the 256 MiB budget; the second does not, and with it the 18 after it.
    file, english, chinese = summary["refusals"]["batch_too_large"]
    assert file == "part1.zip"
    assert "200.0 MB (unpacked)" in english and "limit of 256 MB" in english
    assert "the 18 upload(s) after it" in english
    _assert_translated("batch_too_large", english, chinese)
    assert summary["errors"] == {"not_an_image": 200, "batch_too_large": 1}
    growth_limit = uploads.BATCH_MAX_BYTES / 2**20 + 128
    assert outcome.growth_mb < min(growth_limit, hostile.MEMORY_BUDGET_MB), outcome.growth_mb


@pytest.mark.slow
def test_zips_of_thousands_of_entries_stop_at_the_batch_file_budget(tmp_path):
    entries = zip_of({f"notes/{index}.txt": b"" for index in range(uploads.ZIP_MAX_MEMBERS)},
                     compression=zipfile.ZIP_STORED)
    named = [("num1.png", digit_png())]
    named += [(f"notes{index}.zip", entries) for index in range(40)]
    named.append(("digit_1.png", digit_png()))
    outcome, summary = attempt_batch(tmp_path, named)
    assert summary["recognised"] == ["num1.png"]
    # One file, then 5,000 entries fit; the next 5,000 would be 10,001 of 10,000.
    file, english, chinese = summary["refusals"]["batch_too_many_files"]
    assert file == "notes1.zip"
    assert "holds 5,000 file(s) and the batch already counts 5,001" in english
    assert "limit of 10,000 files" in english and "the 39 upload(s) after it" in english
    _assert_translated("batch_too_many_files", english, chinese)
    assert outcome.action_seconds < 30  # Each zip beyond the budget is counted, never parsed.
    # The 5,000 entries that fit are parsed and the first prediction traces the model: about
    # 100 MB, measured.
    assert outcome.growth_mb < 2 * REFUSAL_BUDGET_MB


@pytest.mark.slow
def test_many_large_images_stop_at_the_batch_pixel_budget(tmp_path):
    # Thirteen 40 MP PNGs (the largest size decoded in full, each ~50 KB): 500 MP fit twelve of
    # them. A smaller image after the refused one is still read.
    large = digit_png((8000, 5000))
    named = [(f"scan{index}.png", large) for index in range(13)] + [("num1.png", digit_png())]
    outcome, summary = attempt_batch(tmp_path, named)
    assert summary["recognised_count"] == 13 and "num1.png" in summary["recognised"]
    file, english, chinese = summary["refusals"]["batch_too_many_pixels"]
    assert file == "scan12.png"
    assert "declares 40,000,000 pixels" in english and "480,000,000" in english
    assert "limit of 500,000,000 pixels" in english
    _assert_translated("batch_too_many_pixels", english, chinese)
    assert summary["errors"] == {"batch_too_many_pixels": 1}
    assert outcome.growth_mb < 256, outcome.growth_mb


def test_fixtures_declare_what_they_say():
    assert Image.open(io.BytesIO(png_header(8000, 6000))).size == (8000, 6000)
    assert Image.open(io.BytesIO(jpeg_declaring(15_000, 10_000))).size == (15_000, 10_000)
    names = [info.filename for info in zipfile.ZipFile(io.BytesIO(raw_zip(
        [("", b"x"), ("a.png", b"y")]))).infolist()]
    assert names == ["", "a.png"]
    image = Image.open(io.BytesIO(digit_jpeg((800, 600))))
    assert preprocess.decodes_reduced(image, digit_jpeg((800, 600)))
    tiff = Image.open(io.BytesIO(tiled_tiff(16, 16, 32768, 32768)))
    assert tiff.size == (16, 16) and tiff.tag_v2[322] == 32768
    # An ordinary tiled TIFF (a tile larger than a small image, as 16-pixel multiples make
    # them) is decoded: this one is a blank gray tile.
    with pytest.raises(InputError, match="blank"):
        preprocess.to_mnist(tiled_tiff(100, 100, 256, 256, whole=True))
    assert np.asarray(Image.open(io.BytesIO(digit_png()))).min() == 20
