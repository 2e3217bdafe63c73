import dataclasses
import os
import pathlib
import threading

import numpy as np
import pytest

from lib import data, jobs, layer_stack, runs, train_settings, training

pytestmark = pytest.mark.slow

TINY_STACK = [
    {"type": "Flatten"},
    {"type": "Dense", "units": 16, "activation": "relu"},
    {"type": "Dense", "units": 10, "activation": "softmax"},
]


@pytest.fixture(scope="module")
def mnist():
    full = data.load_mnist("embedded")
    # A small test split keeps evaluation quick.
    return data.Mnist(full.x_train, full.y_train, full.x_test[:200], full.y_test[:200],
                      full.source, full.origin, full.seed)


def _config(**overrides):
    values = {"preset": "custom", "epochs": 2, "batch_size": 32, "train_size": 320,
              "validation_split": 0.25, **overrides}
    return training.TrainingConfig(**values)


def test_live_metrics_sees_train_and_validation_logs(mnist):
    epochs, progress = [], []
    live = training.LiveMetrics(
        on_progress=progress.append,
        on_epoch=lambda epoch, logs, history, watched: epochs.append((epoch, logs, watched)),
        watch_images=mnist.x_test[:4], progress_interval=0.0, batch_size=32,
    )
    result = training.train(_config(), mnist, callbacks=[live],
                            model=layer_stack.build_model(TINY_STACK))
    assert [epoch for epoch, _, _ in epochs] == [0, 1]
    for _, logs, watched in epochs:
        assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= logs.keys()
        assert watched.shape == (4, 10)
        np.testing.assert_allclose(watched.sum(axis=1), 1.0, rtol=1e-4)
    assert progress[-1]["epoch"] == 2 and progress[-1]["samples_per_second"] > 0
    assert progress[-1]["step"] == progress[-1]["steps"] == 8  # 240 training digits / 32
    assert len(result.history) == 2 and not result.stopped_early
    assert 0.0 <= result.test_accuracy <= 1.0


def test_stop_mid_epoch_keeps_the_model_and_history(mnist):
    batches = []

    def should_stop():
        batches.append(1)
        return len(batches) >= 3  # The third batch of the first epoch.

    live = training.LiveMetrics(should_stop=should_stop, batch_size=32)
    result = training.train(_config(epochs=5), mnist, callbacks=[live],
                            model=layer_stack.build_model(TINY_STACK))
    assert result.stopped_early and live.stopped_early
    assert len(batches) == 3
    # Keras still closes the interrupted epoch (with validation), then ends.
    assert len(result.history) == 1
    probabilities = result.model.predict(mnist.x_test[:3].reshape(-1, 28, 28, 1) / 255.0,
                                         verbose=0)
    assert probabilities.shape == (3, 10) and np.isfinite(probabilities).all()


def test_a_raising_sink_does_not_corrupt_the_model(mnist):
    def broken(*arguments):
        raise RuntimeError("display went away")

    live = training.LiveMetrics(on_progress=broken, on_epoch=broken, should_stop=broken,
                                progress_interval=0.0, batch_size=32)
    result = training.train(_config(), mnist, callbacks=[live],
                            model=layer_stack.build_model(TINY_STACK))
    assert len(live.sink_errors) > 10
    assert all(isinstance(error, RuntimeError) for error in live.sink_errors)
    assert len(result.history) == 2 and not result.stopped_early
    assert all(np.isfinite(weights).all() for weights in result.model.get_weights())
    assert result.test_accuracy > 0.3


def test_augmentation_keeps_shapes_and_range():
    images = np.zeros((8, 28, 28), dtype=np.uint8)
    images[:, 10:18, 12:16] = 255
    dataset = training.make_dataset(images, np.arange(8), batch_size=4, augment=True, seed=1)
    batches = list(dataset)
    assert [tuple(batch.shape) for batch, _ in batches] == [(4, 28, 28, 1)] * 2
    for batch, labels in batches:
        values = batch.numpy()
        assert values.dtype == np.float32 and values.min() >= 0.0 and values.max() <= 1.0001
        assert labels.shape == (4,)
    assert not np.array_equal(batches[0][0].numpy()[..., 0], images[:4] / 255.0)


def test_evaluate_predictions_counts():
    labels = np.array([0, 1, 2, 2])
    probabilities = np.eye(10, dtype=np.float32)[[0, 2, 2, 1]] * 0.9 + 0.01
    evaluation = _evaluate_with(probabilities, labels)
    assert evaluation.confusion[2, 2] == 1 and evaluation.confusion[1, 2] == 1
    assert evaluation.confusion.sum() == 4
    assert evaluation.accuracy == 0.5
    # Per digit: (correct, total); a digit absent from the labels has no entry.
    assert evaluation.per_digit[0] == (1, 1) and evaluation.per_digit[1] == (0, 1)
    assert 5 not in evaluation.per_digit
    assert sorted(evaluation.mistakes.tolist()) == [1, 3]


def _evaluate_with(probabilities, labels):
    from unittest import mock

    with mock.patch("lib.inference.predict_proba", return_value=probabilities):
        return training.evaluate_predictions(object(), np.zeros((len(labels), 28, 28)), labels)


def test_train_live_in_a_job_records_the_run(mnist, tmp_path):
    manager = jobs.JobManager(max_concurrent=1)
    database = runs.RunDatabase(tmp_path / "runs.sqlite")
    watch = mnist.x_test[:5]
    owner = manager.new_owner()  # Held: a collected owner means the session ended.
    job = manager.submit(owner, lambda job: training.train_live(
        _config(), mnist, TINY_STACK, job, watch_images=watch, database=database,
        name="tiny", progress_interval=0.0))
    assert job.wait(120)
    snapshot = job.snapshot()
    assert snapshot.status == "done", snapshot.error
    assert len(snapshot.history) == 2 and snapshot.watch_probabilities.shape == (5, 10)
    live = snapshot.result
    assert live.card["epochs"] == 2 and live.card["parameters"] == 12_730
    [run] = database.list_runs()
    assert run["id"] == live.run_id and run["status"] == "done"
    assert run["config"]["stack"] == "flatten~dense_16_relu~dense_10_softmax"
    assert len(database.epochs([run["id"]])[run["id"]]) == 2
    assert run["test_accuracy"] == pytest.approx(live.evaluation.accuracy, abs=1e-6)


def test_stopping_a_job_keeps_a_usable_partial_model(mnist):
    manager = jobs.JobManager(max_concurrent=1)
    started = threading.Event()

    class Reporter:
        pass

    def work(job):
        def report_progress(progress):
            started.set()
            job.report_progress(progress)

        reporter = Reporter()
        reporter.report_progress = report_progress
        reporter.report_epoch = job.report_epoch
        reporter.should_stop = job.should_stop
        return training.train_live(_config(epochs=50), mnist, TINY_STACK, reporter,
                                   progress_interval=0.0)

    owner = manager.new_owner()
    job = manager.submit(owner, work)
    assert started.wait(60)
    job.stop()
    assert job.wait(60)
    snapshot = job.snapshot()
    assert snapshot.status == "stopped"
    result = snapshot.result.result
    assert result.stopped_early and 1 <= len(result.history) < 50
    from lib import inference

    assert inference.predict_proba(result.model, mnist.x_test[:2] / 255.0).shape == (2, 10)


# What a run costs (`estimate_run`) and the budget it must fit (`check_budget`): estimates from
# a `lib.model_budget.Cost`, never a built model.

PAGE_DEFAULTS = train_settings.to_config(train_settings.defaults())
# The embedded set (4,000 training, 1,000 test digits) and the full MNIST (60,000 and 10,000).
DATA_SIZES = {"embedded": (4_000, 1_000), "full_mnist": (60_000, 10_000)}
WIDE_STACK = "conv_1024_1_same_relu~pool_28~flatten~dense_10_softmax"
HEAVY_STACK = "conv_128_3_same_relu~conv_128_3_same_relu~pool_2~flatten~dense_10_softmax"


def _cost(parameters=1_000, activations=100, flops=1_000_000):
    from lib import model_budget

    return model_budget.Cost(parameters=parameters, activations=activations, flops=flops,
                             layers=3, input_shapes=((None, 28, 28, 1),),
                             output_shapes=((None, 10),), layer_parameters={})


@pytest.mark.parametrize("data_set", sorted(DATA_SIZES))
@pytest.mark.parametrize("name", sorted(layer_stack.PRESETS))
def test_every_preset_at_the_page_defaults_fits_with_room_to_spare(name, data_set):
    n_train, n_test = DATA_SIZES[data_set]
    estimate = training.estimate_run(layer_stack.cost(layer_stack.preset(name)), PAGE_DEFAULTS,
                                     n_train, n_test)
    training.check_budget(estimate)
    assert estimate.seconds < training.max_run_seconds() / 3
    assert estimate.step_bytes < training.MAX_STEP_BYTES / 10


def test_the_estimate_counts_weights_slots_activations_and_every_pass():
    cost = _cost(parameters=1_000, activations=100, flops=1_000_000)
    config = training.TrainingConfig(epochs=2, batch_size=10, optimizer="adam",
                                     validation_split=0.2)
    estimate = training.estimate_run(cost, config, n_train=100, n_test=30)
    # Weights, gradients and Adam's two moments; 10 digits' activations, kept for the backward.
    assert estimate.weight_bytes == 1_000 * 4 * 4
    assert estimate.activation_bytes == 10 * 100 * training.ACTIVATION_COPIES * 4
    assert estimate.step_bytes == estimate.weight_bytes + estimate.activation_bytes
    assert (estimate.train_samples, estimate.validation_samples) == (80, 20)
    rate, step = training.TRAINING_FLOPS_PER_SECOND, training.SECONDS_PER_STEP
    epoch = 8 * step + 80 * 3e6 / rate + 2 * step + 20 * 1e6 / rate
    assert estimate.epoch_seconds == pytest.approx(epoch)
    assert estimate.seconds == pytest.approx(2 * epoch + 2 * (3 * step + 30 * 1e6 / rate))
    augmented = training.estimate_run(cost, dataclasses.replace(config, augment=True), 100, 30)
    assert augmented.seconds == pytest.approx(
        estimate.seconds + 2 * 80 * training.AUGMENT_SECONDS_PER_SAMPLE)


def test_optimizer_slots_follow_keras():
    cost = _cost(parameters=1_000)

    def weights(optimizer, **arguments):
        config = training.TrainingConfig(optimizer=optimizer, optimizer_arguments=arguments)
        return training.estimate_run(cost, config, 100, 10).weight_bytes // (1_000 * 4)

    assert weights("sgd", momentum=0.0) == 2  # Weights and gradients only.
    assert weights("sgd", momentum=0.9) == 3
    assert weights("rmsprop") == weights("adagrad") == 3
    assert weights("adam") == 4


def test_the_subset_and_split_set_the_samples():
    config = training.TrainingConfig(train_size=1_000, validation_split=0.1)
    assert training.split_sizes(config, 60_000) == (900, 100)
    assert training.split_sizes(dataclasses.replace(config, train_size=None), 4_000) == (
        3_600, 400)
    assert training.split_sizes(training.TrainingConfig(train_size=10**6, validation_split=0.0),
                                4_000) == (4_000, 0)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_step_over_the_memory_budget_is_refused_with_the_batch_that_fits(language):
    # Conv2D(1024, 1x1): 805,658 values per digit; at batch 2048 about 19 GB.
    cost = layer_stack.cost(layer_stack.from_query(WIDE_STACK))
    config = dataclasses.replace(PAGE_DEFAULTS, batch_size=2048)
    estimate = training.estimate_run(cost, config, 4_000, 1_000)
    largest = estimate.largest_batch()
    assert 1 <= largest < 2048
    with pytest.raises(training.BudgetError) as caught:
        training.check_budget(estimate)
    assert caught.value.reason == "memory"
    message = caught.value.message(language)
    if language == "en":
        assert message.startswith("A training step of this model at batch size 2,048 needs "
                                  f"about {estimate.step_bytes / 2**20:,.0f} MB (805,658 values")
        assert f"more than the limit of 1,024 MB per step on this server. Use a batch size of " \
            f"at most {largest:,}" in message
    else:
        assert f"请把批大小设为不超过 {largest:,}" in message
    # The batch it names fits; one more does not.
    fits = training.estimate_run(cost, dataclasses.replace(config, batch_size=largest), 4_000, 0)
    training.check_budget(fits)
    over = training.estimate_run(cost, dataclasses.replace(config, batch_size=largest + 1),
                                 4_000, 0)
    with pytest.raises(training.BudgetError, match="needs about"):
        training.check_budget(over)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_run_over_the_time_budget_is_refused_with_the_epochs_that_fit(language):
    cost = layer_stack.cost(layer_stack.from_query(HEAVY_STACK))
    config = dataclasses.replace(PAGE_DEFAULTS, epochs=100)
    estimate = training.estimate_run(cost, config, 60_000, 10_000)
    limit = training.max_run_seconds()
    with pytest.raises(training.BudgetError) as caught:
        training.check_budget(estimate)
    error = caught.value
    assert error.reason == "time" and error.details["largest"] >= 1
    fits = training.estimate_run(cost, dataclasses.replace(
        config, epochs=error.details["largest"]), 60_000, 10_000)
    training.check_budget(fits)
    assert fits.seconds <= limit
    message = error.message(language)
    if language == "en":
        assert message.startswith(f"This run would take up to about {estimate.seconds / 60:,.0f} "
                                  "min on this server (54,000 digits x 100 epochs, 233.6 million "
                                  "operations per digit)")
        assert f"more than the limit of {limit / 60:,.0f} min per run. Train at most " \
            f"{error.details['largest']} epochs" in message
    else:
        assert f"请把训练轮数设为不超过 {error.details['largest']}" in message


def test_even_one_epoch_too_long_names_the_digits_that_fit():
    cost = layer_stack.cost(layer_stack.from_query(HEAVY_STACK))
    config = dataclasses.replace(PAGE_DEFAULTS, epochs=1)
    estimate = training.estimate_run(cost, config, 60_000, 10_000)
    with pytest.raises(training.BudgetError, match="even one epoch is too long. Train on at "
                       "most [0-9,]+ digits") as caught:
        training.check_budget(estimate, max_seconds=estimate.seconds / 4)
    assert caught.value.reason == "time_epoch"
    fits = dataclasses.replace(config, train_size=caught.value.details["largest"],
                               validation_split=0.0)
    training.check_budget(training.estimate_run(cost, fits, 60_000, 10_000),
                          max_seconds=estimate.seconds / 4)


def test_train_live_refuses_a_run_over_the_budget_before_building(mnist, monkeypatch):
    built = []
    monkeypatch.setattr(layer_stack, "build_model", lambda *a, **k: built.append(1))
    config = _config(batch_size=2048)
    with pytest.raises(training.BudgetError, match="at batch size 2,048 needs about"):
        training.train_live(config, mnist, layer_stack.from_query(WIDE_STACK), reporter=None)
    assert built == []


@pytest.mark.parametrize(("stack", "batch_size", "reason"), [
    # The stack: 4 x Conv2D(1024, 1x1), about 31 GB at batch 2048 when it was built.
    ("~".join(["conv_1024_1_same_relu"] * 4 + ["pool_28", "flatten", "dense_10_softmax"]), 2048,
     "model_too_many_flops"),
    (WIDE_STACK, 2048, "memory"),
    (HEAVY_STACK, 64, "time"),
])
def test_a_stack_over_the_budget_is_refused_in_bounded_memory(stack, batch_size, reason):
    from tests import hostile

    outcome = hostile.attempt(
        "from lib import layer_stack, training\n"
        "layer_stack.cost(layer_stack.preset('mlp'))  # Keras's import and first layers.\n"
        f"stack = layer_stack.from_query({stack!r})\n"
        f"config = training.TrainingConfig(batch_size={batch_size}, epochs=100)",
        "training.check_budget(training.estimate_run(layer_stack.cost(stack), config, 60_000, "
        "10_000))")
    assert outcome.reason == reason, outcome.traceback
    assert outcome.message and outcome.message_zh != outcome.message
    assert outcome.growth_mb < 50 and outcome.seconds < 60
    assert outcome.left_behind == []

# Saving into models/: an unwritable folder, a full disk, and the quota.


def _small_model():
    import keras

    return keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(10, activation="softmax")])


def _left_in(directory):
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def test_save_writes_the_model_and_its_card(tmp_path):
    path = training.save_trained_model(_small_model(), {"epochs": 1}, "../My model!", tmp_path)
    assert path == tmp_path / "My_model.keras"
    assert _left_in(tmp_path) == ["My_model.json", "My_model.keras"]
    with pytest.raises(training.SaveError, match="A model named 'My_model' already exists in "):
        training.save_trained_model(_small_model(), {}, "My model", tmp_path)
    with pytest.raises(ValueError, match="Expected a model name with letters or digits. "
                       "Received '!!!'."):
        training.save_trained_model(_small_model(), {}, "!!!", tmp_path)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_folder_the_server_cannot_write_is_refused_with_a_message(language):
    # /sys cannot be written to, even by root (chmod does not stop root).
    folder = pathlib.Path("/sys")
    try:
        (folder / ".digitlab-probe").touch()
    except OSError:
        pass
    else:
        (folder / ".digitlab-probe").unlink()
        pytest.skip("/sys can be written to here")
    with pytest.raises(training.SaveError) as refused:
        training.save_trained_model(_small_model(), {}, "mine", folder)
    assert refused.value.reason == "os_error"
    message = refused.value.message(language)
    cause = refused.value.details["cause"]
    assert cause in ("Permission denied", "Read-only file system")
    if language == "en":
        assert message == (f"The model could not be saved into sys/: {cause}. Expected a "
                           "folder the server can write to, with free space. Download the model "
                           "instead, or ask the teacher to check the folder.")
    else:
        assert message.startswith(f"无法把模型保存到 sys/：{cause}。")
    assert "/sys" not in message.replace("sys/", "")  # No server path.


@pytest.mark.parametrize("failing", ["model", "card"])
def test_a_full_disk_leaves_nothing_behind(tmp_path, monkeypatch, failing):
    import errno
    import json

    import keras

    def full(*arguments, **keywords):
        if failing == "model":  # Keras had written part of the file when the disk filled.
            pathlib.Path(arguments[1]).write_bytes(b"PK\x03\x04 half a model")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(keras.Model, "save", full) if failing == "model" else (
        monkeypatch.setattr(json, "dump", full))
    with pytest.raises(training.SaveError, match="could not be saved into .*: No space left on "
                       "device. Expected a folder the server can write to, with free space"):
        training.save_trained_model(_small_model(), {}, "mine", tmp_path)
    assert _left_in(tmp_path) == []  # No half file, no card without its model, no temporary.


def test_the_quota_counts_saved_models_and_their_bytes(tmp_path):
    for number in range(3):
        (tmp_path / f"old{number}.keras").write_bytes(b"x" * 1000)
    (tmp_path / "old0.json").write_text("{}")
    assert training.saved_models_usage(tmp_path) == (3, 3002)
    model = _small_model()
    with pytest.raises(training.SaveError) as refused:
        training.save_trained_model(model, {}, "one more", tmp_path, max_models=3)
    assert str(refused.value) == ("tmp_path/ already holds 3 saved models, the limit of this "
                                  "server. Delete some there, or download this model instead."
                                  ).replace("tmp_path", tmp_path.name)
    assert refused.value.message("zh").startswith(f"{tmp_path.name}/ 中已保存了 3 个模型")
    # The size is estimated from the parameters before anything is written.
    size = model.count_params() * 4 + training.SAVE_OVERHEAD_BYTES
    with pytest.raises(training.SaveError, match=r"Saving this model \(about 0.3 MB\) would "
                       r"bring the saved models in .*/ to 0.3 MB, more than the limit of 0 MB"):
        training.save_trained_model(model, {}, "one more", tmp_path, max_bytes=size + 3001)
    assert "超过上限" in training.SaveError("quota_bytes", size_mb=1.0, total_mb=2.0,
                                         limit_mb=1.0, folder="models").message("zh")
    assert _left_in(tmp_path) == ["old0.json", "old0.keras", "old1.keras", "old2.keras"]
    # Within both limits it saves; replacing a model makes room for its new version.
    training.save_trained_model(model, {}, "one more", tmp_path, max_models=4,
                                max_bytes=size + 3002)
    training.save_trained_model(model, {}, "old1", tmp_path, overwrite=True, max_models=4)
    assert training.saved_models_usage(tmp_path)[0] == 4
    # The bundled model is not a save.
    assert training.saved_models_usage(training.models.MODELS_DIR) == (0, 0)


@pytest.mark.parametrize(("progress", "fraction"), [
    (None, 0.0), ({}, 0.0),
    ({"epoch": 1, "epochs": 4, "step": 0, "steps": 10}, 0.0),
    ({"epoch": 2, "epochs": 4, "step": 5, "steps": 10}, 0.375),
    ({"epoch": 4, "epochs": 4, "step": 10, "steps": 10}, 1.0),
    ({"epoch": 5, "epochs": 4, "step": 10, "steps": 10}, 1.0),  # Never past the end.
])
def test_progress_fraction(progress, fraction):
    assert training.progress_fraction(progress, epochs=4) == pytest.approx(fraction)
