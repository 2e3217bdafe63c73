"""What the second wall costs a legitimate model upload: the sandbox beside loading in-process.

    python bench/bench_model_upload.py [--runs 5]

For the bundled `.keras` (the tutorial's CNN) and a Keras 2.2.4 `.h5` of the same CNN, prints
the median seconds of:
- the baseline: `lib.model_files.load_model` and `lib.inference.warm_up` in this process;
- the sandbox: `lib.sandbox.check_model` (a fresh, limited Python that does the same);
- what an upload costs in the app: both, one after the other (`lib.ui.cache.uploaded_model`).
"""

import argparse
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from lib import inference, model_files, models, sandbox  # noqa: E402
from tests import legacy_h5  # noqa: E402


def keras2_h5_bytes():
    """The bundled model's weights in the tutorial's Keras 2.2.4 `.h5` layout."""
    model = models.load_bundled_model()
    configs = legacy_h5.tutorial_layers()
    weights = {}
    for config, layer in zip([c for c in configs if c["class_name"] in ("Conv2D", "Dense")],
                             [layer for layer in model.layers if layer.weights], strict=True):
        weights[config["config"]["name"]] = [np.asarray(w) for w in layer.get_weights()]
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "model.h5"
        legacy_h5.write_keras224_h5(path, configs, weights)
        return path.read_bytes()


def seconds(action):
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    files = {"bundled .keras": models.BUNDLED_MODEL_PATH.read_bytes(),
             "Keras 2.2.4 .h5": keras2_h5_bytes()}
    print(f"median of {runs} runs; sandbox limits {sandbox.ADDRESS_SPACE_BYTES / 2**30:.0f} GB "
          f"address space, {sandbox.TIMEOUT_SECONDS} s")
    for name, data in files.items():
        in_process = [seconds(lambda data=data: inference.warm_up(model_files.load_model(data)))
                      for _ in range(runs)]
        isolated = [seconds(lambda data=data: sandbox.check_model(data)) for _ in range(runs)]
        baseline, check = statistics.median(in_process), statistics.median(isolated)
        print(f"{name:16} in-process load + warm-up {baseline:6.2f} s | sandbox check "
              f"{check:6.2f} s | upload in the app {baseline + check:6.2f} s "
              f"({(baseline + check) / baseline:.1f}x the baseline)")


if __name__ == "__main__":
    main()
