"""The figures behind /train's estimates: training FLOP rate, per-step cost, memory per image.

    python bench/bench_train_budget.py [--epochs 3] [--quick]

`lib.training.estimate_run` prices a run from its model's `lib.model_budget.Cost`:
time from forward FLOPs per image (x3 for the backward pass), samples and epochs at a
training FLOP rate, plus a fixed cost per step; memory per step from the weights,
gradients and optimizer slots plus the activations the backward pass keeps. This
script measures those figures on this machine, through the app's own training path
(`lib.training.make_dataset` and `fit`), for stacks from a linear model to one near
`lib.model_budget.MAX_FLOPS`:

- samples/s per stack (median of the timed epochs, after one warm-up epoch) at batch 64,
  and the training GFLOP/s it implies;
- the per-step cost, from the tiny stack (Flatten, Dense(10)), whose FLOPs are nothing;
- the peak-RSS growth of a fit at batch 64 and at batch 512, each in a fresh interpreter;
  the difference over 448 images, per image, against the stack's activations (float32).

Baseline from the same run: a float32 2048 x 2048 matmul's GFLOP/s (the machine's dense
arithmetic, what training cannot exceed). Each stack's estimate from the constants in
`lib.training` is printed beside what was measured.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def conv(filters, size, padding="same"):
    return {"type": "Conv2D", "filters": filters, "kernel_size": size, "padding": padding,
            "activation": "relu"}


POOL, FLATTEN = {"type": "MaxPooling2D", "pool_size": 2}, {"type": "Flatten"}
OUTPUT = {"type": "Dense", "units": 10, "activation": "softmax"}
STACKS = {
    "tiny": [FLATTEN, OUTPUT],
    "mlp": "mlp",
    "small_cnn": "small_cnn",
    "tutorial_cnn": "tutorial_cnn",
    "wide_conv": [conv(64, 3), conv(64, 3), POOL, FLATTEN, OUTPUT],
    "heavy_conv": [conv(128, 3), conv(128, 3), POOL, conv(128, 3), POOL, FLATTEN, OUTPUT],
}

_CHILD = textwrap.dedent("""
    import json, os, resource, sys, threading, time
    sys.path.insert(0, {root!r})
    import keras, numpy as np
    from lib import layer_stack, training

    stack = {stack!r}
    stack = layer_stack.preset(stack) if isinstance(stack, str) else stack
    model = layer_stack.build_model(stack)
    keras.utils.set_random_seed(0)
    from lib import models
    models.compile_model(model, "adam")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, ({samples}, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, {samples})
    dataset = training.make_dataset(images, labels, {batch}, shuffle=True, seed=0,
                                    augment={augment})

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()
        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.started)

    def rss_mb():
        with open("/proc/self/statm") as file:
            return int(file.read().split()[1]) * resource.getpagesize() / 2**20

    # The peak of the resident set while fit runs, sampled, over what was resident before.
    peak, done = [0.0], threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.002)

    seconds = []
    before = rss_mb()
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    model.fit(dataset, epochs={epochs} + 1, callbacks=[Clock()], verbose=0)
    done.set()
    watcher.join()
    growth = max(peak[0], rss_mb()) - before
    print("RESULT " + json.dumps({{"seconds": seconds[1:], "growth_mb": growth}}))
""")


def run_child(stack, batch, samples, epochs, augment=False):
    code = _CHILD.format(root=ROOT, stack=stack, batch=batch, samples=samples, epochs=epochs,
                         augment=augment)
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, check=False)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(completed.stderr[-3000:])
    return json.loads(lines[-1][len("RESULT "):])


def matmul_gflops(repeats=20, size=2048):
    import time

    import tensorflow as tf

    a = tf.random.uniform((size, size))
    b = tf.random.uniform((size, size))
    tf.linalg.matmul(a, b).numpy()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        tf.linalg.matmul(a, b).numpy()
        times.append(time.perf_counter() - started)
    return 2 * size**3 / statistics.median(times) / 1e9


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per stack")
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds over the stacks")
    parser.add_argument("--quick", action="store_true", help="fewer samples (a rough figure)")
    arguments = parser.parse_args(argv)

    from lib import layer_stack, training

    print(f"{os.cpu_count()} CPU(s); batch 64 for time, 64 and 512 for memory; "
          f"{arguments.repeats} rounds of {arguments.epochs} timed epoch(s) after a warm-up; "
          "medians (the rounds in brackets)")
    baseline = matmul_gflops()
    print(f"baseline: float32 2048 x 2048 matmul {baseline:,.1f} GFLOP/s (median of 20)")
    plans = {}
    for name, stack in STACKS.items():
        specs = layer_stack.preset(stack) if isinstance(stack, str) else stack
        cost = layer_stack.cost(specs)
        # Enough samples for an epoch of a few seconds at the rate seen on this machine.
        samples = int(min(8_000, max(1_024, 2e10 / (3 * cost.flops + 1e7))))
        if arguments.quick:
            samples = max(samples // 4, 512)
        plans[name] = (stack, cost, samples)
    # Rounds over all stacks, so a burst of load from elsewhere on the machine hits one
    # round of each rather than every run of one stack.
    rates = {name: [] for name in plans}
    for _ in range(arguments.repeats):
        for name, (stack, _, samples) in plans.items():
            timed = run_child(stack, 64, samples, arguments.epochs)
            rates[name].append(samples / statistics.median(timed["seconds"]))
    rows = []
    for name, (stack, cost, samples) in plans.items():
        small = run_child(stack, 64, 1_024, 1)
        large = run_child(stack, 512, 1_024, 1)
        per_second = statistics.median(rates[name])
        per_image_mb = (large["growth_mb"] - small["growth_mb"]) / (512 - 64)
        estimate = training.estimate_run(cost, training.TrainingConfig(
            epochs=1, batch_size=64, validation_split=0.0), n_train=samples, n_test=0)
        rows.append((name, cost, per_second, small["growth_mb"], large["growth_mb"],
                     per_image_mb, estimate, samples))
        spread = ", ".join(f"{rate:,.0f}" for rate in rates[name])
        print(f"  {name:<13} {cost.flops / 1e6:6.1f} MFLOP {cost.activations:>8,} activations"
              f" | {per_second:7,.0f} samples/s ({spread}) = "
              f"{per_second * 3 * cost.flops / 1e9:5.1f} GFLOP/s | estimated "
              f"{samples / estimate.seconds:7,.0f} | RSS +{small['growth_mb']:4.0f} MB at 64, "
              f"+{large['growth_mb']:4.0f} MB at 512: "
              f"{per_image_mb * 2**20 / (4 * cost.activations):4.1f} x activations per image")
    tiny = rows[0]
    print(f"per-step cost (tiny stack, batch 64): {64 / tiny[2] * 1e3:.2f} ms")
    augmented_rate = statistics.median(
        rows[0][7] / statistics.median(run_child(STACKS["tiny"], 64, rows[0][7], arguments.epochs,
                                                 augment=True)["seconds"])
        for _ in range(arguments.repeats))
    print(f"augmentation (tiny stack, batch 64): {augmented_rate:,.0f} samples/s against "
          f"{tiny[2]:,.0f} without: {(1 / augmented_rate - 1 / tiny[2]) * 1e6:.0f} us per digit")
    heavy = [row for row in rows if row[1].flops > 2e7]
    flop_rates = [row[2] * 3 * row[1].flops for row in heavy]
    print(f"training FLOP rate over the stacks above 20 MFLOP: median "
          f"{statistics.median(flop_rates) / 1e9:.1f} GFLOP/s, lowest {min(flop_rates) / 1e9:.1f} "
          f"({statistics.median(flop_rates) / 1e9 / baseline:.0%} of the matmul baseline)")
    factors = [row[5] * 2**20 / (4 * row[1].activations) for row in rows if row[1].flops > 2e6]
    print(f"memory per image kept by a training step: median {statistics.median(factors):.1f}, "
          f"highest {max(factors):.1f} x the float32 activations (stacks above 2 MFLOP)")
    print(f"lib.training: {training.TRAINING_FLOPS_PER_SECOND / 1e9:.0f} GFLOP/s, "
          f"{training.SECONDS_PER_STEP * 1e3:.1f} ms per step, "
          f"{training.ACTIVATION_COPIES} x activations kept")


if __name__ == "__main__":
    main()
