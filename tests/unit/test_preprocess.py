import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFile
from scipy import ndimage

from lib import inference, preprocess
from lib.errors import InputError
from lib.picture_kinds import KINDS
from tests.unit.test_hostile_batches import digit_jpeg, jpeg_declaring


def _png(array, mode=None):
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_header_only(width, height):
    """A PNG whose header claims `width` x `height` pixels (a decompression bomb)."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_output_is_mnist_shaped_and_centred(mnist):
    result = preprocess.to_mnist(255 - mnist.x_test[0])  # Black ink on white.
    assert result.shape == (28, 28) and result.dtype == np.float32
    assert result.min() >= 0.0 and result.max() == pytest.approx(1.0)
    rows, cols = np.nonzero(result > 0.05)
    assert rows.max() - rows.min() < 22 and cols.max() - cols.min() < 22
    centre = ndimage.center_of_mass(result)
    assert centre == pytest.approx((13.5, 13.5), abs=1.0)


def test_polarity_does_not_matter(mnist):
    digit = mnist.x_test[3]
    white_on_black = preprocess.to_mnist(digit)
    black_on_white = preprocess.to_mnist(255 - digit)
    assert np.abs(white_on_black - black_on_white).max() < 0.05


def test_canvas_rgba_array_with_ink_in_alpha(mnist):
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = np.asarray(Image.fromarray(mnist.x_test[5]).resize((280, 280)))
    result = preprocess.to_mnist(rgba)
    assert result.shape == (28, 28) and result.max() == pytest.approx(1.0)


@pytest.mark.parametrize("ink, ground", [((20, 40, 160), (255, 255, 255)),  # Pen on a PNG.
                                         ((255, 255, 255), (0, 0, 0))])  # The canvas.
def test_transparency_shrunk_first_matches_laying_it_on_its_ground_first(mnist, ink, ground):
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., :3] = ink
    rgba[..., 3] = np.asarray(Image.fromarray(mnist.x_test[8]).resize((280, 280)))
    gray = preprocess.preprocess_steps(rgba).gray  # The quick look: 280 px reduced to 94.
    laid = Image.alpha_composite(Image.new("RGBA", (280, 280), (*ground, 255)),
                                 Image.fromarray(rgba))
    expected = np.asarray(laid.convert("L").reduce(3), np.float32) / 255.0
    assert gray.shape == expected.shape == (94, 94)
    assert np.abs(gray - expected).max() < 0.02


def test_steps_are_all_returned(mnist):
    steps = preprocess.preprocess_steps(_png(255 - mnist.x_test[1]))
    assert steps.gray.ndim == 2 and steps.ink.shape == steps.gray.shape
    assert max(steps.fitted.shape) == preprocess.DIGIT_BOX
    assert steps.mnist.shape == (28, 28)


def test_large_images_are_worked_on_reduced(mnist):
    big = np.asarray(Image.fromarray(255 - mnist.x_test[2]).resize((3000, 2000)))
    steps = preprocess.preprocess_steps(_png(big))
    assert max(steps.gray.shape) <= preprocess.WORKING_SIZE


@pytest.mark.parametrize("kind", list(KINDS))
def test_bundled_model_reads_each_kind_of_picture(kind, mnist, model):
    rng = np.random.default_rng(7)
    indices = rng.choice(len(mnist.y_test), 40, replace=False)
    images = np.stack([preprocess.to_mnist(KINDS[kind](mnist.x_test[i], rng)) for i in indices])
    accuracy = (inference.predict_proba(model, images).argmax(1) == mnist.y_test[indices]).mean()
    assert accuracy >= 0.9, f"{kind}: {accuracy:.1%}"


@pytest.mark.parametrize(
    "image",
    [
        np.full((100, 100), 255, np.uint8),
        np.zeros((50, 80), np.uint8),
        np.full((64, 64, 4), 0, np.uint8),  # An untouched canvas: all transparent.
    ],
    ids=["white page", "black page", "empty canvas"],
)
def test_blank_image_raises(image):
    with pytest.raises(ValueError, match="blank"):
        preprocess.to_mnist(image)


def test_blank_photo_with_jpeg_noise_raises():
    rng = np.random.default_rng(0)
    page = np.clip(rng.normal(200, 3, (600, 800, 3)), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(page).save(buffer, format="JPEG", quality=70)
    with pytest.raises(InputError, match="blank") as error:
        preprocess.to_mnist(buffer.getvalue())
    assert error.value.reason == "blank"
    assert "空白" in error.value.message("zh")


@pytest.mark.parametrize(
    ("content", "reason", "message"),
    [
        (b"", "empty_file", "empty"),
        (b"hello, this is a text file", "not_an_image", "not an image"),
        (_png_header_only(30_000, 30_000), "batch_image_pixels", "900,000,000 pixels"),
        (_png_header_only(8000, 6000), "batch_image_pixels", "8,000 x 6,000 = 48,000,000"),
        (jpeg_declaring(15_000, 10_000), "batch_jpeg_pixels", "more than the limit of 120,000,000"),
    ],
)
def test_bad_files_raise_a_clear_error(content, reason, message):
    with pytest.raises(InputError, match=message) as error:
        preprocess.to_mnist(content)
    assert error.value.reason == reason
    assert error.value.message("zh") != str(error.value)


def _bar_picture(size=(120, 90)):
    image = Image.new("L", size, 235)
    ImageDraw.Draw(image).rectangle((size[0] // 2 - 6, 10, size[0] // 2 + 6, size[1] - 10),
                                    fill=15)
    return image


def _encoded(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("format", preprocess.FORMATS)
def test_every_format_the_app_names_is_read(format):
    picture = _bar_picture().convert("RGB" if format == "JPEG" else "L")
    result = preprocess.to_mnist(_encoded(picture, format))
    assert result.shape == (28, 28) and result.max() == pytest.approx(1.0)


@pytest.mark.parametrize("format", ["PPM", "ICO", "PCX", "TGA", "SGI", "QOI"])
def test_formats_pillow_knows_but_the_app_does_not_name_are_not_opened(format):
    content = _encoded(_bar_picture().convert("RGB"), format)
    with pytest.raises(InputError, match="not an image Pillow can read") as error:
        preprocess.to_mnist(content)
    assert error.value.reason == "not_an_image"


def test_a_large_baseline_jpeg_is_decoded_reduced():
    # An ordinary 48 MP phone photo: drafted to 1/8 of each side, never decoded in full.
    photo = digit_jpeg((8000, 6000))
    image = preprocess.open_image(photo)
    assert image.size == (1000, 750)
    assert preprocess.to_mnist(photo).shape == (28, 28)


def _first_scan_with_one_component(jpeg):
    """The JPEG with its first scan's component count rewritten to 1 (of 3): such a file has a
    scan per component, and libjpeg buffers all of it to decode it."""
    data = bytearray(jpeg)
    scan = data.index(b"\xff\xda")
    data[scan + 4] = 1
    return bytes(data)


@pytest.mark.parametrize(
    ("make", "reduced"),
    [
        (lambda: _encoded(_bar_picture().convert("RGB"), "JPEG"), True),
        (lambda: _encoded(_bar_picture(), "JPEG"), True),  # Gray: one component, one scan.
        (lambda: _encoded(_bar_picture().convert("RGB"), "JPEG", progressive=True), False),
        (lambda: _first_scan_with_one_component(_encoded(_bar_picture().convert("RGB"), "JPEG")),
         False),
        (lambda: _encoded(_bar_picture(), "PNG"), False),
    ],
    ids=["baseline", "gray baseline", "progressive", "scan per component", "png"],
)
def test_only_single_scan_sequential_jpegs_decode_reduced(make, reduced):
    content = make()
    assert preprocess.decodes_reduced(Image.open(io.BytesIO(content)), content) is reduced


def test_jpeg_with_a_scan_per_component_counts_as_full_size():
    header = _first_scan_with_one_component(jpeg_declaring(8000, 6000, mode="RGB"))
    with pytest.raises(InputError, match=r"progressive JPEG\) may have at most 40,000,000") as err:
        preprocess.open_image(header)
    assert err.value.reason == "batch_image_pixels"


def test_check_sees_the_header_before_anything_is_decoded():
    seen = []

    def check(image):
        seen.append((image.size, image.format, image._im))
        raise InputError("batch_too_many_pixels", pixels=image.width * image.height, used=0,
                         limit=1)

    with pytest.raises(InputError, match="declares 10,800 pixels"):
        preprocess.open_image(_encoded(_bar_picture(), "PNG"), check=check)
    assert seen == [((120, 90), "PNG", None)]  # Nothing decoded yet.


def test_a_mode_with_no_way_to_gray_is_a_clear_error():
    with pytest.raises(InputError, match=r"colour mode \(La\)") as error:
        preprocess.to_mnist(Image.new("La", (64, 64)))
    assert error.value.reason == "batch_image_mode"


@pytest.mark.parametrize("size", [(1, 40_000), (40_000, 1), (1, 1), (3, 20_000)])
def test_extreme_shapes_are_blank_not_a_crash(size):
    image = Image.new("L", size, 255)
    image.putpixel((0, 0), 0)
    with pytest.raises(InputError, match="blank"):
        preprocess.to_mnist(_encoded(image, "PNG"))


def test_a_decoder_failing_its_own_way_is_reported_as_damaged(monkeypatch, caplog):
    content = _encoded(_bar_picture(), "PNG")

    def broken_load(self):
        raise KeyError("a decoder's own surprise")

    monkeypatch.setattr(ImageFile.ImageFile, "load", broken_load)
    with pytest.raises(InputError, match="truncated or damaged") as error:
        preprocess.open_image(content)
    assert error.value.reason == "truncated"
    assert "Decoding a PNG image failed unexpectedly" in caplog.text  # Logged on the server.
