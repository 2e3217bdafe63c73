"""Teaching a copy of a model one writer's hand (lib.teach), and the writers it is measured on
(lib.writers): fine-tuning raises a writer's accuracy and keeps MNIST, the shared model is left
as it was, one digit alone can be taught, refusals say why in both languages, and the writer
generator is deterministic, consistent and kept apart from what the benchmark measures."""

import json

import keras
import numpy as np
import pytest
from PIL import Image

from lib import cli, models, preprocess, synthetic_digits, teach, training, uploads, writers
from lib.errors import InputError
from tests.unit.test_synthetic_digits import assert_readable_on_the_canvas

# A writer of neither range, so that no test shares a hand with tuning or the benchmark.
WRITER = 20_000 + 4


def examples_of(hand, per_digit=5, digits=range(10)):
    made = writers.make_digits(hand, writers.EXAMPLE_SEEDS[:per_digit], digits=digits)
    return [teach.Example(image, int(label), f"seed {seed}")
            for image, label, seed in zip(made.images, made.labels, made.seeds, strict=True)]


def assert_says(error, english, chinese):
    assert english in str(error.value) and english in error.value.message("en")
    assert chinese in error.value.message("zh")


@pytest.fixture(scope="module")
def weights_before(model):
    return [weight.copy() for weight in model.get_weights()]


@pytest.fixture(scope="module")
def taught(model, mnist, weights_before):
    """The bundled model taught 5 examples of each digit by one writer, with the defaults."""
    return teach.teach(model, examples_of(writers.writer(WRITER)), replay=mnist)


# --- Fine-tuning -----------------------------------------------------------------------


@pytest.mark.slow
def test_fine_tuning_raises_a_writers_accuracy_and_keeps_mnist(model, mnist, taught):
    new = writers.make_digits(writers.writer(WRITER), writers.NEW_SEEDS[:10])
    before = teach.accuracy(model, new.images, new.labels)
    after = teach.accuracy(taught.model, new.images, new.labels)
    assert before <= 0.93  # The writer's forms are new to the bundled model...
    assert after >= 0.97 and after >= before + 0.04  # ... and taught, it reads them.
    test = (training.as_model_input(mnist.x_test)[..., 0], mnist.y_test)
    assert teach.accuracy(taught.model, *test) >= teach.accuracy(model, *test) - 0.005
    card = taught.card
    assert card["before"]["mnist"] == pytest.approx(teach.accuracy(model, *test), abs=1e-6)
    assert card["after"]["examples"] >= card["before"]["examples"]
    assert card["training_seconds"] <= 30  # 10 s on a quiet machine; CI may be busy.


@pytest.mark.slow
def test_the_shared_model_is_unchanged_and_the_copy_is_whole(model, taught, weights_before):
    for before, now in zip(weights_before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, now)
    assert taught.model is not model
    assert all(layer.trainable for layer in taught.model.layers)  # Trainable again.
    assert not all(np.array_equal(before, now) for before, now in
                   zip(weights_before, taught.model.get_weights(), strict=True))
    # The frozen layers are the shared model's, exactly.
    for layer in taught.model.layers:
        if layer.name in taught.card["frozen_layers"]:
            for mine, shared in zip(layer.get_weights(), model.get_layer(layer.name).get_weights(),
                                    strict=True):
                np.testing.assert_array_equal(mine, shared)


@pytest.mark.slow
def test_the_card_is_json_and_says_what_was_taught(taught, tmp_path):
    card = taught.card
    text = json.dumps(card, allow_nan=False)
    path = models.write_card(card, tmp_path / "mine.json")
    assert json.loads(path.read_text()) == json.loads(text)
    assert card["examples"] == 50 and card["held_out"] == 10 and card["replay"] == teach.REPLAY_SIZE
    assert card["examples_per_digit"] == {str(digit): 5 for digit in range(10)}
    assert card["digits_not_taught"] == [] and card["epochs"] == teach.EPOCHS
    assert card["frozen_layers"] == sorted(teach.frozen_layers(taught.model))
    assert len(taught.history) == teach.EPOCHS and set(taught.history[0]) >= {"loss", "accuracy"}
    images, labels = taught.held_out
    assert images.shape == (10, 28, 28) and sorted(labels.tolist()) == list(range(10))


@pytest.mark.slow
def test_one_digit_only_is_taught_and_the_others_are_named(model, mnist):
    examples = examples_of(writers.writer(WRITER), per_digit=6, digits=[1])
    taught = teach.teach(model, examples, replay=mnist, epochs=2, replay_size=200)
    card = taught.card
    assert card["examples_per_digit"]["1"] == 6 and card["examples"] == 6
    assert card["digits_not_taught"] == [0, 2, 3, 4, 5, 6, 7, 8, 9]
    assert card["held_out"] == 1 and card["after"]["examples"] is not None
    # Taught only 1s, it does not read everything as a 1.
    assert card["after"]["mnist"] >= card["before"]["mnist"] - 0.01


def test_the_first_convolution_is_frozen_and_the_rest_taught(model):
    convolutions = [layer.name for layer in model.layers
                    if isinstance(layer, keras.layers.Conv2D)]
    assert teach.frozen_layers(model) == convolutions[:1]
    assert [type(model.get_layer(name)).__name__ for name in teach.trainable_layers(model)] == [
        "Conv2D"] * 3 + ["Dense"] * 3
    assert teach.frozen_layers(model, "convolutions") == convolutions
    assert teach.frozen_layers(model, "nothing") == []
    assert teach.trainable_layers(model, "all_but_last") == [model.layers[-1].name]
    with pytest.raises(ValueError, match="Unknown way to freeze layers: 'some'"):
        teach.frozen_layers(model, "some")


def test_the_keras_code_compiles_and_says_what_was_frozen(model):
    for freeze in teach.FREEZING:
        code = teach.keras_code(teach.frozen_layers(model, freeze), freeze=freeze)
        compile(code, "<keras_code>", "exec")
        assert f"Adam({teach.LEARNING_RATE:g})" in code and teach.FREEZING[freeze][1][:20] in code
    code = teach.keras_code(teach.frozen_layers(model))
    assert "not in ('conv2d',)" in code and "Freeze the first convolution" in code


def test_held_out_examples_per_digit():
    labels = np.array([3] * 5 + [4] * 2 + [7])
    train, held_out = teach.split_held_out(labels)
    assert sorted(labels[held_out].tolist()) == [3, 4]  # One of 5, one of 2, none of 1.
    assert sorted(np.concatenate([train, held_out]).tolist()) == list(range(len(labels)))


# --- Refusals, before anything is built -------------------------------------------------


def test_no_examples_is_refused_in_both_languages(model):
    with pytest.raises(InputError, match="Received none") as error:
        teach.teach(model, [])
    assert error.value.reason == "teach_no_examples"
    assert_says(error, "correct a few predictions first", "一个也没有")


def test_too_many_examples_are_refused_in_both_languages(model):
    example = teach.Example(np.zeros((28, 28), np.float32), 3)
    with pytest.raises(InputError) as error:
        teach.teach(model, [example] * (teach.MAX_EXAMPLES + 1))
    assert error.value.reason == "teach_too_many"
    assert_says(error, "Expected at most 500 examples. Received 501",
                "最多只能有 500 个例子，现在有 501 个")


def test_a_model_with_nothing_left_to_train_is_refused_in_both_languages():
    # Its only weights are its first convolution's, which teaching keeps frozen.
    convolutions_only = keras.Sequential([
        keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(10, kernel_size=(28, 28)),
        keras.layers.Flatten(), keras.layers.Softmax()])
    example = teach.Example(np.zeros((28, 28), np.float32), 3)
    with pytest.raises(InputError) as error:
        teach.teach(convolutions_only, [example])
    assert error.value.reason == "teach_no_trainable"
    assert_says(error, "no weights fine-tuning may train", "没有微调可以训练的权重")
    # Its author froze its only dense layer: it stays frozen, as Keras keeps it.
    frozen_dense = keras.Sequential([
        keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax", trainable=False)])
    with pytest.raises(InputError, match="no weights fine-tuning may train"):
        teach.check_teachable(frozen_dense)
    frozen_dense.layers[-1].trainable = True
    teach.check_teachable(frozen_dense)


def test_a_model_with_a_wrong_input_is_refused_in_both_languages():
    colour = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Flatten(),
                               keras.layers.Dense(10, activation="softmax")])
    example = teach.Example(np.zeros((28, 28), np.float32), 3)
    with pytest.raises(InputError) as error:
        teach.teach(colour, [example])
    assert error.value.reason == "teach_input"
    assert_says(error, "it takes (None, 32, 32, 3) and returns (None, 10)",
                "它的输入是 (None, 32, 32, 3)")


def test_a_run_over_the_time_budget_is_refused_before_it_starts(model):
    examples = [teach.Example(np.zeros((28, 28), np.float32), digit % 10)
                for digit in range(teach.MAX_EXAMPLES)]
    with pytest.raises(training.BudgetError) as error:
        teach.teach(model, examples, epochs=teach.MAX_EPOCHS, repeats=teach.MAX_REPEATS)
    assert error.value.reason == "time"
    assert "Train at most" in str(error.value) and "请把训练轮数设为" in error.value.message("zh")
    # The defaults with as many examples as a session may keep fit well within it.
    estimate = teach.estimate(model, teach.MAX_EXAMPLES)
    assert estimate.seconds < teach.MAX_SECONDS / 2


@pytest.mark.parametrize(("settings", "message"), [
    ({"epochs": 0}, "epochs to be an integer from 1 to 100. Received 0"),
    ({"epochs": 2.5}, "epochs to be an integer"),
    ({"repeats": 1000}, "repeats to be an integer from 1 to 32"),
    ({"replay_size": -1}, "replay_size to be an integer from 0"),
    ({"learning_rate": 0.0}, "learning_rate above 0"),
    ({"learning_rate": 1.0}, "learning_rate above 0 and at most 0.1"),
    ({"freeze": "dense"}, "Unknown way to freeze layers: 'dense'"),
])
def test_settings_out_of_bounds_are_refused(model, settings, message):
    example = teach.Example(np.zeros((28, 28), np.float32), 3)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        teach.teach(model, [example], **settings)


@pytest.mark.parametrize(("example", "message"), [
    (teach.Example(np.zeros((280, 280), np.float32), 3, "big.png"),
     r"shape \(28, 28\).*Received \(280, 280\) for example 0 \('big.png'\)"),
    (teach.Example(np.full((28, 28), np.nan, np.float32), 3), "finite"),
    (teach.Example(np.zeros((28, 28), np.float32), 10), "digit 0-9. Received 10"),
    (teach.Example(np.zeros((28, 28), np.float32), True), "digit 0-9. Received True"),
    (teach.Example(np.zeros((28, 28), np.float32), 2.5), "digit 0-9. Received 2.5"),
])
def test_examples_that_are_not_digits_are_refused(example, message):
    with pytest.raises(ValueError, match=message):
        teach.check_examples([example])


# --- Labels from names -------------------------------------------------------------------


def test_labels_are_read_from_names_as_predict_reads_them(model, tmp_path, capsys):
    ink = synthetic_digits.render(writers.writer(WRITER).draw(3, writers.EXAMPLE_SEEDS[0]))
    picture = Image.fromarray(np.round((1 - ink) * 255).astype(np.uint8))
    for name in ("3/x.png", "num5.png", "digit_7.jpg", "scan.png"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        picture.save(tmp_path / name)
    examples, skipped = cli._read_examples(model, [str(tmp_path)])
    assert sorted((example.label, example.source.split("/", 1)[1]) for example in examples) == [
        (3, "3/x.png"), (5, "num5.png"), (7, "digit_7.jpg")]
    assert skipped == 1 and "scan.png\tskipped: no label in its name" in capsys.readouterr().out
    assert all(example.image.shape == (28, 28) for example in examples)
    np.testing.assert_array_equal(examples[0].image, preprocess.to_mnist(picture))
    assert [uploads.label_from_name(name) for name in ("a/3/x.png", "num3.png", "digit_3.jpg",
                                                       "x.png")] == [3, 3, 3, None]


# --- The writers ------------------------------------------------------------------------


@pytest.mark.parametrize("style", list(writers.STYLES))
def test_every_style_draws_its_digit_on_the_canvas(style):
    assert style not in synthetic_digits.STYLES  # Never what the bundled model trained on.
    for writer_id in (0, writers.BENCH_WRITERS[0]):
        drawing = writers.draw_strokes(style, writers.writer(writer_id), 3)
        assert drawing.digit == writers.STYLES[style].digit
        assert_readable_on_the_canvas(drawing)


def test_every_digit_has_a_form_and_every_form_is_new():
    assert sorted({style.digit for style in writers.STYLES.values()}) == list(range(10))
    assert all(style.mnist_has_few for style in writers.STYLES.values())
    assert not set(writers.STYLES) & set(synthetic_digits.STYLES)


def test_a_writer_is_one_hand_and_the_same_by_seed():
    hand = writers.writer(WRITER)
    assert hand == writers.writer(WRITER)
    assert all(writers.STYLES[hand.styles[digit]].digit == digit for digit in range(10))
    first = synthetic_digits.render(hand.draw(4, 11))
    np.testing.assert_array_equal(first, synthetic_digits.render(hand.draw(4, 11)))
    assert not np.array_equal(first, synthetic_digits.render(hand.draw(4, 12)))
    others = [writers.writer(writer_id) for writer_id in range(20)]
    assert len({(other.slant, other.width, other.pen) for other in others}) == 20
    assert len({tuple(other.styles.values()) for other in others}) > 5
    # Their digits stray a little from their traits, never far.
    made = writers.make_digits(hand, writers.NEW_SEEDS[:5], digits=[1])
    assert set(made.styles) == {hand.styles[1]}
    widths = [hand.draw(1, seed).pen_width for seed in writers.NEW_SEEDS[:20]]
    assert max(widths) / min(widths) < 1.6


def test_a_writers_forms_can_be_given():
    hand = writers.writer(5, styles={4: "4_hooked", 9: "9_kicked_tail"})
    assert hand.styles[4] == "4_hooked" and hand.styles[9] == "9_kicked_tail"
    assert hand.slant == writers.writer(5).slant
    with pytest.raises(ValueError, match="Expected a style of the digit 3. Received '4_hooked'"):
        writers.writer(5, styles={3: "4_hooked"})
    with pytest.raises(ValueError, match="Unknown writer's style: '4_closed'"):
        writers.writer(5, styles={4: "4_closed"})
    with pytest.raises(ValueError, match="non-negative integer. Received -1"):
        writers.writer(-1)


def test_make_digits_shapes_ranges_and_disjoint_seeds():
    made = writers.make_digits(WRITER, writers.EXAMPLE_SEEDS[:2], keep_inks=True)
    assert made.images.shape == (20, 28, 28) and made.images.dtype == np.float32
    assert made.images.min() >= 0.0 and made.images.max() <= 1.0
    assert made.labels.dtype == np.int32 and made.labels.tolist() == sorted(list(range(10)) * 2)
    assert made.inks.shape == (20, 280, 280)
    assert writers.make_digits(WRITER, writers.NEW_SEEDS[:1]).inks is None
    assert not set(writers.TUNING_WRITERS) & set(writers.BENCH_WRITERS)
    assert not set(writers.EXAMPLE_SEEDS) & set(writers.NEW_SEEDS)
    with pytest.raises(ValueError, match="some of each"):
        writers.make_digits(WRITER, [writers.EXAMPLE_SEEDS[0], writers.NEW_SEEDS[0]])


def test_the_bundled_model_misreads_a_visible_share_of_a_writers_digits(model):
    # Otherwise the benchmark would say nothing: a writer in forms the model knows is read.
    scores = []
    for writer_id in writers.TUNING_WRITERS[:5]:
        made = writers.make_digits(writer_id, writers.NEW_SEEDS[:10])
        scores.append(teach.accuracy(model, made.images, made.labels))
    assert np.mean(scores) <= 0.95, scores
