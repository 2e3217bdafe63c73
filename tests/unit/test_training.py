import threading

import numpy as np
import pytest

from lib import data, jobs, layer_stack, runs, training

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
    assert evaluation["confusion"][2, 2] == 1 and evaluation["confusion"][1, 2] == 1
    assert evaluation["confusion"].sum() == 4
    assert evaluation["accuracy"] == 0.5
    assert evaluation["per_digit"][0] == 1.0 and evaluation["per_digit"][1] == 0.0
    assert np.isnan(evaluation["per_digit"][5])
    assert sorted(evaluation["mistakes"].tolist()) == [1, 3]


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
    assert run["test_accuracy"] == pytest.approx(live.evaluation["accuracy"], abs=1e-6)


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
