import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from lib import data, inference, models, preprocess
from lib.errors import InputError
from tests.digit_images import KINDS


@pytest.fixture(scope="module")
def mnist():
    return data.load_embedded()


@pytest.fixture(scope="module")
def model():
    return models.load_bundled_model()


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
        (_png_header_only(30_000, 30_000), "too_many_pixels", "900,000,000 pixels"),
    ],
)
def test_bad_files_raise_a_clear_error(content, reason, message):
    with pytest.raises(InputError, match=message) as error:
        preprocess.to_mnist(content)
    assert error.value.reason == reason


def test_truncated_image_raises(mnist):
    data_bytes = _png(255 - mnist.x_test[0])
    with pytest.raises(InputError, match="truncated") as error:
        preprocess.to_mnist(data_bytes[: len(data_bytes) // 2])
    assert error.value.reason == "truncated"


def test_bad_array_shape_says_what_was_received():
    with pytest.raises(ValueError, match=r"Received an array of shape \(4, 4, 7\)"):
        preprocess.to_mnist(np.zeros((4, 4, 7)))
