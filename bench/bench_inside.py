"""Speed of /inside: every layer's output for one digit beside `model.predict`, saliency and
Grad-CAM, filter patterns, and the test-set statistics cold and cached.

Run: python -m bench.bench_inside
Targets (issue 6): layer outputs for one input well under a second; test-set statistics
computed once per model and then served from the cache.
"""

import logging
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
logging.getLogger("streamlit").setLevel(logging.ERROR)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from bench.bench_core import median_ms  # noqa: E402
from lib import inference, inspection  # noqa: E402
from lib.ui import cache  # noqa: E402


def once_ms(function):
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def main():
    model = cache.bundled_model()
    digits = cache.mnist()
    digit = digits.x_test[0].astype(np.float32) / 255.0
    batch = digit.reshape(1, 28, 28, 1)
    print(f"keras {keras.__version__}, tensorflow {tf.__version__}, {os.cpu_count()} cores; "
          f"bundled tutorial CNN, {digits.source} test set ({len(digits.y_test):,} digits)")

    print("\nOne digit (median ms, warm)")
    first = once_ms(lambda: inspection.layer_outputs(model, digit))
    layers = median_ms(lambda: inspection.layer_outputs(model, digit), 50)
    predict = median_ms(lambda: model.predict(batch, verbose=0), 10)
    inference.predict_proba(model, batch)
    proba = median_ms(lambda: inference.predict_proba(model, batch), 50)
    print(f"  layer_outputs, all {len(model.layers)} layers:   {layers:8.2f}"
          f"   (first call, tracing: {first:.0f})")
    print(f"  model.predict, output only:           {predict:8.2f}")
    print(f"  inference.predict_proba, output only: {proba:8.2f}")
    print(f"  layer_outputs is faster by:           {predict / layers:8.1f} x")
    first = once_ms(lambda: inspection.explain(model, digit))
    explain = median_ms(lambda: inspection.explain(model, digit, class_index=9), 50)
    print(f"  explain (saliency + Grad-CAM):        {explain:8.2f}   (first call: {first:.0f})")

    print("\nFilter pattern, 40 gradient-ascent steps (ms)")
    first = once_ms(lambda: cache.inside_filter_pattern("bundled", "conv2d_2", 0, model))
    cold = median_ms(lambda: inspection.filter_pattern(model, "conv2d_2", 1), 5)
    cached = median_ms(lambda: cache.inside_filter_pattern("bundled", "conv2d_2", 0, model), 20)
    print(f"  first (tracing) {first:8.1f}   new filter {cold:8.1f}   cached {cached:8.2f}")

    print("\nTest-set statistics: predictions, confusion, mistakes, PCA map (ms)")
    data_key = f"{digits.source}-{len(digits.y_test)}"
    colds = []
    for _ in range(3):
        cache.inside_test_statistics.clear()
        colds.append(once_ms(lambda: cache.inside_test_statistics("bundled", data_key, model)))
    cached = median_ms(lambda: cache.inside_test_statistics("bundled", data_key, model), 20)
    print(f"  {len(digits.y_test):>6,} digits: cold {statistics.median(colds):8.1f}"
          f"   cached {cached:8.2f}   ({statistics.median(colds) / cached:,.0f} x)")
    # The full MNIST test set has 10,000 digits: the embedded 1,000 ten times over.
    images = np.tile(digits.x_test, (10, 1, 1))[:10_000]
    labels = np.tile(digits.y_test, 10)[:10_000]
    full = once_ms(lambda: inspection.test_statistics(model, images, labels))
    print(f"  {len(labels):>6,} digits: cold {full:8.1f}   (uncached, full-MNIST size)")


if __name__ == "__main__":
    main()
