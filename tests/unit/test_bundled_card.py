"""The bundled model's card tells the truth: its figures are re-measured here.

Every set is measured whole (the figures must match to the card's rounding), but
for the styles set's phone photos, slow to make: a subset of them must agree with
the card's whole-set figures within sampling error. Then the recipe's own pieces: how an epoch
is chosen, `fit` on a few digits, and the validation digits of `choose`'s last round (MNIST's
as each kind of picture).
"""

import dataclasses

import numpy as np
import pytest
from scipy import stats

from lib import bundled_model, font_digits, generalization, models, synthetic_digits
from lib.picture_kinds import KINDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def card():
    return models.read_card(models.BUNDLED_MODEL_PATH)


def _could_come_from(measured, recorded, digits, whole):
    """Whether a share measured on `digits` digits is a likely sample of the share the card
    records for `whole` digits (an exact binomial test at the 0.1% level). A share of 0 or 1
    is taken as half a digit off it: the subset's pictures are not the whole set's."""
    share = min(max(recorded, 0.5 / whole), 1 - 0.5 / whole)
    return stats.binomtest(round(measured * digits), digits, share).pvalue >= 1e-3


def test_the_card_describes_the_recipe_and_the_data(card, model):
    assert model.count_params() == card["parameters"] == 935_562
    assert card["command"] == "python -m lib.bundled_model"
    assert card["preset"] == "tutorial_cnn" and card["data_source"] == "embedded"
    recipe = bundled_model.RECIPE
    assert (card["mix"], card["epochs"], card["seed"], card["label_smoothing"]) == (
        recipe.mix, recipe.epochs, recipe.seed, recipe.label_smoothing)
    synthetic = card["synthetic"]
    assert synthetic["fonts"]["fonts"] == list(font_digits.FONTS)
    assert synthetic["fonts"]["count"] == 10 * bundled_model.FONT_DIGITS_PER_CLASS
    assert synthetic["strokes"]["count"] == (bundled_model.STROKE_SEEDS_PER_STYLE
                                             * len(synthetic_digits.STYLES))
    assert list(synthetic["strokes"]["styles"]) == list(synthetic_digits.STYLES)
    assert card["validation_choice"]["chosen"]["seed"] == recipe.seed
    assert card["test_accuracy"] == card["generalization"]["mnist_test"]["accuracy"]


def test_whole_sets_match_the_card(card, model, mnist):
    sets = generalization.evaluation_sets(mnist, renderings=["canvas", "black on white"])
    measured = generalization.measure(model, sets)
    assert sorted(card["generalization"]) == sorted([*sets, "styles_phone_photo"])
    for name in sets:
        recorded = card["generalization"][name]
        assert measured[name]["digits"] == recorded["digits"]
        for figure in ("accuracy", "confident_wrong", "ece"):
            assert measured[name][figure] == pytest.approx(recorded[figure], abs=5e-5), (
                name, figure)


def test_a_subset_of_the_photos_agrees_with_the_card(card, model, mnist):
    # Photos take 30 ms each to make: 10 of the card's 50 test seeds per style.
    sets = generalization.evaluation_sets(mnist, seeds_per_style=10, optdigits_limit=1,
                                          renderings=["phone photo"])
    measured = generalization.measure(model, {"photos": sets["styles_phone_photo"]})["photos"]
    recorded = card["generalization"]["styles_phone_photo"]
    assert measured["digits"] == 200 < recorded["digits"]
    for figure in ("accuracy", "confident_wrong"):
        assert _could_come_from(measured[figure], recorded[figure], 200, recorded["digits"]), (
            figure, measured[figure], recorded[figure])


def test_the_best_epoch_is_the_best_macro_accuracy_and_ties_go_to_the_lower_loss():
    history = [{"val_macro_accuracy": accuracy, "val_unsmoothed_loss": loss}
               for accuracy, loss in [(0.9, 0.3), (0.99, 0.2), (0.99, 0.1), (0.98, 0.05)]]
    assert bundled_model.best_epoch(history) == 3


def test_fit_trains_the_tutorial_cnn_on_the_mix_and_validates_on_every_source(mnist):
    rng = np.random.default_rng(0)

    def source(count):
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        return bundled_model.Source(images, np.arange(count, dtype=np.uint8) % 10,
                                    images[:20], np.arange(20, dtype=np.uint8) % 10)

    sources = {"mnist": bundled_model.Source(mnist.x_train[:200], mnist.y_train[:200],
                                             mnist.x_train[200:240], mnist.y_train[200:240]),
               "fonts": source(60), "strokes": source(60)}
    recipe = bundled_model.Recipe(mix="mnist", epochs=1, seed=0)
    model, history = bundled_model.fit(recipe, sources)
    assert model.count_params() == 935_562 and len(history) == 1
    logs = history[0]
    for name in bundled_model.SOURCES:  # Validated on every source, trained on the mix's.
        assert 0.0 <= logs[f"val_{name}_accuracy"] <= 1.0
        assert logs[f"val_{name}_loss"] > 0 and 0.0 <= logs[f"val_{name}_confident_wrong"] <= 1
    assert logs["val_macro_accuracy"] == pytest.approx(
        np.mean([logs[f"val_{name}_accuracy"] for name in bundled_model.SOURCES]))
    with pytest.raises(ValueError, match="Unknown mix: 'all'. Expected one of"):
        bundled_model.fit(dataclasses.replace(recipe, mix="all"), sources)


def test_the_last_round_reads_the_mnist_validation_digits_as_every_kind_of_picture(mnist):
    validation = bundled_model.Source(mnist.x_train[:0], mnist.y_train[:0],
                                      mnist.x_train[:6], mnist.y_train[:6])
    kinds = bundled_model.make_kinds_source(validation)
    assert kinds.x_val.shape == (6 * len(KINDS), 28, 28) and kinds.x_val.dtype == np.uint8
    assert len(kinds.y_train) == 0 and list(kinds.y_val) == list(mnist.y_train[:6]) * len(KINDS)
    assert list(dict.fromkeys(kinds.kinds)) == list(KINDS)
    again = bundled_model.make_kinds_source(validation)  # Seeded: the same pictures.
    np.testing.assert_array_equal(kinds.x_val, again.x_val)

    # Trained on 100 MNIST digits (twice); fonts and strokes only validate.
    training = bundled_model.Source(mnist.x_train[:100], mnist.y_train[:100],
                                    mnist.x_train[:6], mnist.y_train[:6])
    sources = {"mnist": training, "fonts": validation, "strokes": validation,
               bundled_model.MNIST_KINDS: kinds}
    _, history = bundled_model.fit(bundled_model.Recipe(mix="2xmnist+fonts+strokes", epochs=1,
                                                        seed=0), sources)
    logs = history[0]
    accuracies = [logs[f"val_{name}_accuracy"] for name in bundled_model.SOURCES]
    assert logs["val_macro_accuracy"] == pytest.approx(np.mean(accuracies))
    assert logs["val_kinds_macro_accuracy"] == pytest.approx(
        np.mean([*accuracies, logs["val_mnist_kinds_accuracy"]]))
    assert 0.0 <= logs["val_mnist_kinds_worst"] <= logs["val_mnist_kinds_accuracy"]


def test_the_best_epoch_can_be_chosen_by_another_score():
    history = [{"val_macro_accuracy": 0.9, "val_kinds_macro_accuracy": 0.95,
                "val_unsmoothed_loss": 0.2},
               {"val_macro_accuracy": 0.95, "val_kinds_macro_accuracy": 0.9,
                "val_unsmoothed_loss": 0.1}]
    assert bundled_model.best_epoch(history) == 2
    assert bundled_model.best_epoch(history, score="val_kinds_macro_accuracy") == 1
