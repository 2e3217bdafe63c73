"""Samples/s of the app's training path beside bare `model.fit` on NumPy arrays.

    python bench/bench_training.py [--preset tutorial_cnn] [--epochs 2] [--repeats 3]

The app's path is what a `/train` run does in its worker: a `tf.data` pipeline
(`lib.training.make_dataset`) and the `LiveMetrics` callback feeding a
`lib.jobs.Job` (progress every 0.5 s, epoch logs, predictions of ten watched
digits each epoch, a stop check after every batch). The baseline is the
tutorial's `model.fit(x_train, y_train, batch_size=64)` on NumPy arrays. Same
model, batch, data and epochs; a fresh model for every run; medians of the
repeats. Target: ratio >= 1.0 (the live view costs nothing).
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from lib import data, jobs, models, training  # noqa: E402


def fresh_model(preset, seed):
    keras.utils.set_random_seed(seed)
    return models.compile_model(models.build_model(preset), "adam")


def bare_fit(preset, images, labels, batch_size, epochs, seed):
    model = fresh_model(preset, seed)
    x = training.as_model_input(images)
    started = time.perf_counter()
    model.fit(x, labels, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return len(labels) * epochs / (time.perf_counter() - started)


def app_fit(preset, images, labels, watch, batch_size, epochs, seed):
    model = fresh_model(preset, seed)
    job = jobs.Job(work=None)
    live = training.LiveMetrics(
        on_progress=job.report_progress, on_epoch=job.report_epoch, should_stop=job.should_stop,
        watch_images=watch, progress_interval=0.5, batch_size=batch_size,
    )
    dataset = training.make_dataset(images, labels, batch_size, shuffle=True, seed=seed)
    started = time.perf_counter()
    model.fit(dataset, epochs=epochs, callbacks=[live], verbose=0)
    seconds = time.perf_counter() - started
    assert len(job.snapshot().history) == epochs and not live.sink_errors
    return len(labels) * epochs / seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="tutorial_cnn", choices=sorted(models.PRESETS))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args(argv)

    mnist = data.load_mnist("embedded")
    images, labels = mnist.x_train, mnist.y_train.astype(np.int32)
    watch = mnist.x_test[[int(np.flatnonzero(mnist.y_test == digit)[0]) for digit in range(10)]]
    print(f"{arguments.preset}, {len(labels):,} digits ({mnist.source}), batch "
          f"{arguments.batch_size}, {arguments.epochs} epoch(s) per run, "
          f"{arguments.repeats} runs each, {os.cpu_count()} CPU(s)")
    bare, app = [], []
    for repeat in range(arguments.repeats):
        # Alternate, so drift in the machine's load hits both paths alike.
        bare.append(bare_fit(arguments.preset, images, labels, arguments.batch_size,
                             arguments.epochs, seed=repeat))
        app.append(app_fit(arguments.preset, images, labels, watch, arguments.batch_size,
                           arguments.epochs, seed=repeat))
        print(f"  run {repeat + 1}: bare fit {bare[-1]:,.0f} samples/s, "
              f"app path {app[-1]:,.0f} samples/s")
    bare_median, app_median = statistics.median(bare), statistics.median(app)
    print(f"bare model.fit on NumPy arrays: {bare_median:,.0f} samples/s (median)")
    print(f"app path (tf.data + LiveMetrics + job sinks): {app_median:,.0f} samples/s (median)")
    print(f"ratio: {app_median / bare_median:.2f}x (target >= 1.0x)")


if __name__ == "__main__":
    main()
