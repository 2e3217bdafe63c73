"""Per-interaction latency of /layers, /activations and /optimizers: the cached lib calls behind
each widget change, cold (new arguments) and warm (cached), plus the figure, beside baselines.

Run: python -m bench.bench_explore
Prints medians in milliseconds; the target is about 200 ms per interaction (warm), and
cold where the page computes on a widget change.
"""

import logging
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
logging.getLogger("streamlit").setLevel(logging.ERROR)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")  # tf.function retracing notes: expected, one per new optimizer.

from lib import explore  # noqa: E402
from lib.charts import explore as charts  # noqa: E402
from lib.ui import cache  # noqa: E402

REPEATS = 7


def median_ms(function, arguments_list):
    times = []
    for arguments in arguments_list:
        started = time.perf_counter()
        function(*arguments)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def interaction(name, call, cold_arguments, warm_arguments, figure=None):
    """Times `call` on fresh arguments (cold), then repeated arguments (warm), then the figure."""
    cold = median_ms(call, cold_arguments)
    call(*warm_arguments)
    warm = median_ms(call, [warm_arguments] * 20)
    result = call(*warm_arguments)
    drawing = median_ms(lambda: figure(result), [()] * 5) if figure else 0.0
    print(f"{name:<44} {cold:9.1f} {warm:9.2f} {drawing:9.1f} {warm + drawing:9.1f}")


def main():
    digit = cache.explore_test_digit(7)
    image = digit.reshape(1, 28, 28, 1)
    print(f"keras {keras.__version__}, tensorflow {tf.__version__}, {os.cpu_count()} cores; "
          f"median ms over {REPEATS} cold / 20 warm calls")
    print("\nBaselines (same run)")
    conv = keras.layers.Conv2D(8, kernel_size=(5, 5))
    conv(image)
    print(f"  eager call of a built Conv2D(8, 5x5) on one digit: "
          f"{median_ms(lambda: conv(image), [()] * 20):.2f}")
    print(f"  build + call a new Conv2D(8, 5x5) (no cache):      "
          f"{median_ms(lambda: keras.layers.Conv2D(8, kernel_size=(5, 5))(image), [()] * 10):.2f}")
    print(f"  model.predict of the bundled CNN on one digit:      "
          f"{median_ms(lambda: cache.bundled_model().predict(image, verbose=0), [()] * 5):.2f}")

    print(f"\n{'interaction':<44} {'cold':>9} {'warm':>9} {'figure':>9} {'warm+fig':>9}")
    conv_arguments = explore.layers.default_arguments("Conv2D")
    interaction(
        "layers: Conv2D filters changed",
        lambda filters: cache.explore_layer("Conv2D", {**conv_arguments, "filters": filters},
                                            "test-7", digit),
        [(filters,) for filters in range(20, 20 + REPEATS)], (8,),
        lambda result: charts.maps_figure(result.output, "Output", "map {index}"),
    )
    interaction(
        "layers: Conv2D 64 filters, padding same",
        lambda seed: cache.explore_layer("Conv2D", {**conv_arguments, "filters": 64,
                                                    "padding": "same"}, "test-7", digit, seed),
        [(seed,) for seed in range(1, 1 + REPEATS)], (0,),
        lambda result: charts.maps_figure(result.output, "Output", "map {index}"),
    )
    interaction(
        "layers: Dense units changed",
        lambda units: cache.explore_layer("Dense", {"units": units}, "test-7", digit),
        [(units,) for units in range(30, 30 + REPEATS)], (10,),
        lambda result: charts.bars_figure(result.output, "Output", "unit", "value"),
    )
    interaction(
        "layers: Dropout rate changed",
        lambda rate: cache.explore_layer("Dropout", {"rate": rate}, "test-7", digit),
        [(0.1 + 0.05 * index,) for index in range(REPEATS)], (0.5,),
        lambda result: charts.images_figure([("a", digit), ("b", result.output[0]),
                                             ("c", result.training_output[0]),
                                             ("d", result.mask)]),
    )
    interaction(
        "layers: 3 x 3 kernel preset changed",
        lambda preset: cache.explore_kernel(
            tuple(map(tuple, explore.layers.conv_preset(preset).tolist())), 0.0, None, "test-7",
            digit),
        [(preset,) for preset in list(explore.layers.CONV_PRESETS)[:REPEATS]], ("identity",),
        lambda result: charts.images_figure([("a", digit), ("b", result)], height=280),
    )
    interaction(
        "activations: relu negative_slope changed",
        lambda slope: cache.explore_activation("relu", {"negative_slope": slope}, -5.0, 5.0),
        [(0.05 * (index + 1),) for index in range(REPEATS)], (0.0,),
        lambda result: charts.activations_figure({"relu": result}, True, "f(x)", "f'(x)"),
    )
    logits = ((2.0, 1.0, 0.1, 0.0, -1.0, 0.5, 0.0, 3.0, 0.0, -0.5), (0.0,) * 9 + (1.0,))
    interaction(
        "activations: softmax temperature changed",
        lambda temperature: cache.explore_softmax(logits, temperature, -1),
        [(0.3 + index,) for index in range(REPEATS)], (1.0,),
        lambda result: charts.softmax_figure(result, "row {index}", "class"),
    )
    surface = explore.optimizers.SURFACES["rosenbrock"]
    grid = cache.explore_surface("rosenbrock")
    interaction(
        "optimizers: adam lr changed (150 steps)",
        lambda lr: cache.explore_path("rosenbrock", "adam", 150, {"lr": lr}),
        [(0.05 + 0.01 * index,) for index in range(REPEATS)], (0.3,),
        lambda result: charts.contour_figure(*grid, surface.log_scale, {"adam": result.points},
                                             surface.start, surface.minimum, "start", "min"),
    )
    interaction(
        "optimizers: MNIST button, one optimizer, 300",
        lambda lr: cache.explore_mnist_curve("sgd", 300, {"lr": lr}),
        [(0.01 * (index + 1),) for index in range(3)], (0.15,),
        lambda result: charts.lines_figure({"sgd": result}, None, "batch", "loss", smooth=0.9),
    )
    print(f"  three ways to build the tutorial CNN (cold, once per process): "
          f"{median_ms(lambda: explore.build_ways.build_three_ways(), [()] * 3):.0f} ms")


if __name__ == "__main__":
    main()
