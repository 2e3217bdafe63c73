"""The pen-stroke generator: every style, determinism by seed, shapes and ranges, and seeds
kept apart between training and the benchmark; and the digits rendered from fonts."""

import numpy as np
import pytest
from scipy import ndimage

from lib import bundled_model, digit_pictures, font_digits, preprocess, synthetic_digits

STYLES = list(synthetic_digits.STYLES)
SEEDS = list(synthetic_digits.TEST_SEEDS[:6])


def holes(ink):
    """Enclosed background regions of a drawing (of at least 30 pixels)."""
    background, count = ndimage.label(ink < 0.5)
    border = set(np.unique(np.concatenate([background[0], background[-1], background[:, 0],
                                           background[:, -1]])))
    sizes = ndimage.sum_labels(np.ones_like(ink), background, index=np.arange(1, count + 1))
    return sum(1 for label, size in enumerate(sizes, 1) if label not in border and size >= 30)


def assert_readable_on_the_canvas(drawing):
    """A drawing (this generator's or `lib.writers`') inks a 280 x 280 canvas in [0, 1], wholly
    on it (nothing touches the edges), and the app reads it as a 28 x 28 digit."""
    ink = synthetic_digits.render(drawing)
    assert ink.shape == (280, 280) and ink.dtype == np.float32
    assert ink.min() == 0.0 and ink.max() == 1.0
    assert not ink[[0, -1]].any() and not ink[:, [0, -1]].any()
    for stroke in drawing.strokes:
        assert stroke.ndim == 2 and stroke.shape[1] == 2
        assert stroke.min() > 0 and stroke.max() < 1
    digit = preprocess.to_mnist(ink)
    assert digit.shape == (28, 28) and digit.max() == pytest.approx(1.0)


def test_the_styles_the_issue_asks_for_and_every_digit():
    for style in ("1_flag", "1_flag_base", "4_closed", "7_bar", "9_straight", "2_loop"):
        assert synthetic_digits.STYLES[style].mnist_has_few
    assert sorted({style.digit for style in synthetic_digits.STYLES.values()}) == list(range(10))
    # Each digit but 0 as MNIST writes it and as MNIST rarely does; the 1 in three ways.
    counts = [len(synthetic_digits.style_names(digit)) for digit in range(10)]
    assert counts == [1, 3, 2, 2, 2, 2, 2, 2, 2, 2]


@pytest.mark.parametrize("style", STYLES)
def test_every_style_draws_a_digit_that_the_app_can_read(style):
    for seed in SEEDS[:3]:
        drawing = synthetic_digits.draw_strokes(style, seed)
        assert drawing.digit == synthetic_digits.STYLES[style].digit
        assert_readable_on_the_canvas(drawing)


def test_closed_shapes_have_holes_and_open_ones_do_not():
    expected = {"0_oval": 1, "4_closed": 1, "4_open": 0, "6_round": 1, "6_straight": 1,
                "8_one_stroke": 2, "8_two_loops": 2, "9_curved": 1, "9_straight": 1,
                "1_flag_base": 0, "7_bar": 0, "2_plain": 0}
    for style, count in expected.items():
        found = [holes(synthetic_digits.render(synthetic_digits.draw_strokes(style, seed)))
                 for seed in SEEDS]
        assert found == [count] * len(SEEDS), style
    # A thick pen fills a 2's small loop in; at least half of them keep it open.
    looped = [holes(synthetic_digits.render(synthetic_digits.draw_strokes("2_loop", seed)))
              for seed in synthetic_digits.TEST_SEEDS[:20]]
    assert set(looped) <= {0, 1} and looped.count(1) >= 10


def _widths(ink, rows):
    """Ink columns in a band of rows (fractions of the digit's height, from its top)."""
    drawn = np.flatnonzero((ink > 0.5).any(axis=1))
    top, height = drawn[0], drawn[-1] - drawn[0]
    band = ink[top + int(rows[0] * height) : top + int(rows[1] * height) + 1] > 0.5
    return np.flatnonzero(band.any(axis=0)).size


def test_a_base_is_wider_than_the_stem_and_a_stick_has_none():
    for seed in SEEDS:
        based = synthetic_digits.render(synthetic_digits.draw_strokes("1_flag_base", seed))
        assert _widths(based, (0.95, 1.0)) > 2 * _widths(based, (0.45, 0.55))
        stick = synthetic_digits.render(synthetic_digits.draw_strokes("1_stick", seed))
        assert _widths(stick, (0.95, 1.0)) < 1.5 * _widths(stick, (0.45, 0.55))


def test_upright_and_slanted_forms():
    drawings = [synthetic_digits.draw_strokes("1_stick", seed)
                for seed in synthetic_digits.TEST_SEEDS[:40]]
    slanted = [drawing.slanted for drawing in drawings]
    assert 10 <= sum(slanted) <= 30
    for drawing in drawings:
        (stroke,) = drawing.strokes
        top, bottom = stroke[0], stroke[-1]  # The stick is drawn from the top down.
        lean = (top[0] - bottom[0]) / (bottom[1] - top[1])  # Right per unit of height.
        if drawing.slanted:
            assert lean > 0.08
        else:
            assert abs(lean) < 0.2


def test_the_same_seed_draws_the_same_digit_and_others_differ():
    first = synthetic_digits.render(synthetic_digits.draw_strokes("7_bar", 42))
    again = synthetic_digits.render(synthetic_digits.draw_strokes("7_bar", 42))
    other = synthetic_digits.render(synthetic_digits.draw_strokes("7_bar", 43))
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).sum() > 100
    # A seed draws each style differently (its own stream), not one shape in twenty styles.
    four = synthetic_digits.draw_strokes("4_closed", 42)
    nine = synthetic_digits.draw_strokes("9_straight", 42)
    assert four.pen_width != nine.pen_width


def test_a_set_is_drawn_style_by_style_and_is_deterministic():
    seeds = synthetic_digits.TRAINING_SEEDS[:2]
    digits = synthetic_digits.make_digits(seeds, styles=["1_flag", "4_closed"], size=112)
    assert digits.inks.shape == (4, 112, 112) and digits.inks.dtype == np.float32
    assert digits.inks.min() >= 0.0 and digits.inks.max() <= 1.0
    assert digits.labels.tolist() == [1, 1, 4, 4]
    assert digits.styles.tolist() == ["1_flag", "1_flag", "4_closed", "4_closed"]
    assert digits.seeds.tolist() == [0, 1, 0, 1]
    again = synthetic_digits.make_digits(seeds, styles=["1_flag", "4_closed"], size=112)
    np.testing.assert_array_equal(digits.inks, again.inks)


def test_training_and_test_seeds_are_disjoint():
    training, test = synthetic_digits.TRAINING_SEEDS, synthetic_digits.TEST_SEEDS
    assert training.stop <= test.start or test.stop <= training.start
    assert set(bundled_model.STROKE_SEEDS) <= set(training)
    # A set is for training or for testing: one holding both kinds of seed is refused.
    with pytest.raises(ValueError, match="all from TRAINING_SEEDS or all from TEST_SEEDS"):
        synthetic_digits.make_digits([training[0], test[0]], styles=["1_flag"])


def test_unknown_styles_and_bad_seeds_are_refused_with_what_was_expected():
    with pytest.raises(ValueError, match=r"Unknown style: '1_serif'\. Expected one of"):
        synthetic_digits.draw_strokes("1_serif", 0)
    with pytest.raises(ValueError, match="non-negative integer. Received -1"):
        synthetic_digits.draw_strokes("1_flag", -1)
    with pytest.raises(ValueError, match="non-negative integer. Received 1.5"):
        synthetic_digits.draw_strokes("1_flag", 1.5)


def test_the_three_renderings_read_back_as_the_same_digit():
    ink = synthetic_digits.render(synthetic_digits.draw_strokes("4_closed", SEEDS[0]))
    rng = np.random.default_rng(0)
    canvas = digit_pictures.render(ink, "canvas", rng)
    assert canvas.shape == (280, 280, 4) and not canvas[..., :3].any()  # Black ink, in alpha.
    np.testing.assert_array_equal(canvas[..., 3], np.round(ink * 255))
    png = digit_pictures.render(ink, "black on white", rng)
    photo = digit_pictures.render(ink, "phone photo", rng)
    assert png.startswith(b"\x89PNG") and photo.startswith(b"\xff\xd8")
    reference = preprocess.to_mnist(ink)
    for picture in (canvas, png, photo):
        assert np.abs(preprocess.to_mnist(picture) - reference).mean() < 0.05
    with pytest.raises(ValueError, match="Unknown rendering: 'fax'"):
        digit_pictures.render(ink, "fax", rng)


def test_font_digits_cover_every_font_and_digit_deterministically():
    digits = font_digits.make_digits(len(font_digits.FONTS), seed=0)
    assert digits.inks.shape == (10 * len(font_digits.FONTS), font_digits.SIZE,
                                 font_digits.SIZE)
    assert digits.inks.min() >= 0.0 and digits.inks.max() <= 1.0
    assert np.bincount(digits.labels).tolist() == [len(font_digits.FONTS)] * 10
    assert set(digits.fonts) == set(font_digits.FONTS)
    for ink in digits.inks:  # Distortion and thinning never erase a digit.
        assert (ink > 0.5).sum() > 100
    again = font_digits.render(3, "DejaVu Serif", 5)
    np.testing.assert_array_equal(again, font_digits.render(3, "DejaVu Serif", 5))
    assert np.abs(again - font_digits.render(3, "DejaVu Serif", 6)).sum() > 10


def test_a_missing_font_names_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(font_digits, "FONT_DIRECTORY", tmp_path)
    with pytest.raises(FileNotFoundError, match="apt-get install -y fonts-liberation"):
        font_digits.render(1, "Liberation Sans", 0)
    with pytest.raises(ValueError, match="Unknown font: 'Comic Sans'"):
        font_digits.font_path("Comic Sans")
