"""Teaching the bundled model one writer's hand: issue 17's targets, beside the untouched model.

    python bench/bench_teach.py [--writers 3] [--new 30]       # the targets (BENCH_WRITERS)
    python bench/bench_teach.py --tune [--writers 5]           # how lib.teach's defaults were
                                                               # chosen (TUNING_WRITERS)

Each run teaches the bundled model 5 examples per digit by one writer of `lib.writers` (a hand
in forms the bundled model was never trained on, with its own slant, width and pen), through
`lib.teach.teach` with its defaults and the embedded MNIST replay, then prints, beside the
untouched model in the same run: that writer's new digits (other seeds, `--new` per digit),
the embedded MNIST test digits, the fine-tuning's seconds, and `python -m lib.cli teach` end to
end on a temporary folder of the writer's examples as PNG files. Medians over the writers;
last, every target, met or not. The shared model's weights are checked unchanged.

`--tune` never sees a benchmark writer or an MNIST test digit: it teaches `TUNING_WRITERS`,
measures forgetting on the 400 embedded MNIST training digits the bundled model kept for its
own validation (`lib.bundled_model`'s split: never trained on) and replays from the others.
It tries which layers to freeze with each learning rate, then the epochs, the repeats and the
replay size around the best, and prints each setting's median figures over the writers.
"""

import argparse
import dataclasses
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from lib import bundled_model, data, models, teach, training, writers  # noqa: E402

EXAMPLES_PER_DIGIT = 5
# (figure, comparison, target): the issue's.
TARGETS = [
    ("writer_new_after", ">=", 0.98),
    ("mnist_drop_points", "<=", 0.5),
    ("fit_seconds", "<=", 10.0),
    ("cli_seconds", "<=", 60.0),
]


def examples_of(hand, per_digit=EXAMPLES_PER_DIGIT):
    """A writer's first `per_digit` examples of each digit, as `teach.Example`s."""
    digits = writers.make_digits(hand, writers.EXAMPLE_SEEDS[:per_digit])
    return [teach.Example(image, int(label), f"writer {hand.id}, {style}, seed {seed}")
            for image, label, style, seed in zip(digits.images, digits.labels, digits.styles,
                                                  digits.seeds, strict=True)]


def save_pngs(hand, folder, per_digit=EXAMPLES_PER_DIGIT):
    """The writer's examples as a student's files: black ink on white, `3/w<id>_<seed>.png`."""
    digits = writers.make_digits(hand, writers.EXAMPLE_SEEDS[:per_digit], keep_inks=True)
    for ink, label, seed in zip(digits.inks, digits.labels, digits.seeds, strict=True):
        (folder / str(label)).mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.round((1 - ink) * 255).astype(np.uint8)).save(
            folder / str(label) / f"w{hand.id}_{seed}.png")


def run_cli(hand, scratch):
    """Seconds of `python -m lib.cli teach` on a folder of the writer's PNGs, end to end."""
    folder = scratch / f"writer{hand.id}"
    save_pngs(hand, folder)
    out = scratch / f"mine{hand.id}.keras"
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, "-m", "lib.cli", "teach", str(folder),
                               "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if finished.returncode != 0 or not out.exists() or not out.with_suffix(".json").exists():
        raise RuntimeError(f"lib.cli teach failed ({finished.returncode}):\n{finished.stdout}"
                           f"\n{finished.stderr}")
    return seconds, finished.stdout


def bench(arguments):
    model = models.load_bundled_model()
    weights = [weight.copy() for weight in model.get_weights()]
    mnist = data.load_mnist("embedded")
    mnist_test = (training.as_model_input(mnist.x_test)[..., 0], mnist.y_test)
    untouched_mnist = teach.accuracy(model, *mnist_test)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for writer_id in writers.BENCH_WRITERS[: arguments.writers]:
            hand = writers.writer(writer_id)
            new = writers.make_digits(hand, writers.NEW_SEEDS[: arguments.new])
            started = time.perf_counter()
            taught = teach.teach(model, examples_of(hand), replay=mnist, mnist_test=mnist_test)
            teach_seconds = time.perf_counter() - started
            cli_seconds, cli_output = run_cli(hand, pathlib.Path(scratch))
            after_mnist = teach.accuracy(taught.model, *mnist_test)
            rows.append({
                "writer": writer_id,
                "forms": " ".join(hand.styles[digit].split("_", 1)[1] for digit in range(10)),
                "writer_new_before": teach.accuracy(model, new.images, new.labels),
                "writer_new_after": teach.accuracy(taught.model, new.images, new.labels),
                "mnist_before": untouched_mnist,
                "mnist_after": after_mnist,
                "mnist_drop_points": 100 * (untouched_mnist - after_mnist),
                "fit_seconds": taught.card["training_seconds"],
                "teach_seconds": teach_seconds,
                "cli_seconds": cli_seconds,
            })
            row = rows[-1]
            print(f"writer {writer_id} ({row['forms']}): new digits {row['writer_new_before']:.3f}"
                  f" -> {row['writer_new_after']:.3f}, MNIST {row['mnist_before']:.3f} -> "
                  f"{row['mnist_after']:.3f}, fit {row['fit_seconds']:.1f} s (teach() "
                  f"{teach_seconds:.1f} s), CLI {cli_seconds:.1f} s", flush=True)
            if writer_id == writers.BENCH_WRITERS[0]:
                print("  the CLI said: " + cli_output.strip().replace("\n", "\n  "))
    unchanged = all(np.array_equal(before, after)
                    for before, after in zip(weights, model.get_weights(), strict=True))
    print(f"\nmedians over {len(rows)} writers, {arguments.new} new digits per digit each, "
          f"{len(mnist.y_test)} embedded MNIST test digits; shared model's weights unchanged: "
          f"{unchanged}")
    print(f"{'':22}{'untouched':>10}{'taught':>10}")
    medians = {key: statistics.median(row[key] for row in rows)
               for key in rows[0] if key not in ("writer", "forms")}
    print(f"{'writer new digits':22}{medians['writer_new_before']:>10.3f}"
          f"{medians['writer_new_after']:>10.3f}")
    print(f"{'embedded MNIST test':22}{medians['mnist_before']:>10.3f}"
          f"{medians['mnist_after']:>10.3f}")
    print(f"fine-tuning (fit) {medians['fit_seconds']:.1f} s, teach() "
          f"{medians['teach_seconds']:.1f} s, python -m lib.cli teach end to end "
          f"{medians['cli_seconds']:.1f} s")
    print("\ntargets:")
    met_all = unchanged
    for figure, comparison, target in TARGETS:
        value = medians[figure]
        met = value >= target if comparison == ">=" else value <= target
        met_all &= met
        worst = (min if comparison == ">=" else max)(row[figure] for row in rows)
        print(f"  {figure:20} {value:8.3f} {comparison} {target:<6} {'met' if met else 'NOT met'}"
              f"  (worst writer {worst:.3f})")
    print(f"  {'weights unchanged':20} {str(unchanged):>8}          "
          f"{'met' if unchanged else 'NOT met'}")
    return 0 if met_all else 1


@dataclasses.dataclass(frozen=True)
class Setting:
    freeze: str = teach.FREEZE
    learning_rate: float = teach.LEARNING_RATE
    epochs: int = teach.EPOCHS
    repeats: int = teach.REPEATS
    replay_size: int = teach.REPLAY_SIZE

    def label(self):
        return (f"{self.freeze:17} lr {self.learning_rate:<7g} epochs {self.epochs:<3} "
                f"repeats {self.repeats:<3} replay {self.replay_size:<5}")


def tune(arguments):
    model = models.load_bundled_model()
    mnist = data.load_mnist("embedded")
    # Only training digits: forgetting is measured on those the bundled model kept for its own
    # validation (it was never trained on them), and the replay draws from the others.
    pool, validation = data.stratified_split(mnist.y_train, bundled_model.VALIDATION_SPLIT,
                                             bundled_model.SPLIT_SEED)
    replay = dataclasses.replace(mnist, x_train=mnist.x_train[pool], y_train=mnist.y_train[pool],
                                 x_test=mnist.x_train[validation],
                                 y_test=mnist.y_train[validation])
    mnist_validation = (training.as_model_input(replay.x_test)[..., 0], replay.y_test)
    mnist_before = teach.accuracy(model, *mnist_validation)
    hands = [writers.writer(writer_id) for writer_id in writers.TUNING_WRITERS[
        arguments.first_writer : arguments.first_writer + arguments.writers]]
    examples = {hand.id: examples_of(hand) for hand in hands}
    new = {hand.id: writers.make_digits(hand, writers.NEW_SEEDS[: arguments.new]) for hand in hands}
    before = [teach.accuracy(model, new[hand.id].images, new[hand.id].labels) for hand in hands]
    print(f"untouched: writers {hands[0].id}-{hands[-1].id}' new digits "
          f"{statistics.median(before):.3f} (median; {', '.join(f'{v:.3f}' for v in before)}), "
          f"MNIST validation {mnist_before:.4f} ({len(replay.y_test)} digits)")
    print(f"{'setting':70}{'new':>7}{'worst':>7}{'MNIST-':>8}{'worst':>7}{'seen-':>7}"
          f"{'fit s':>7}")

    results = {}

    def measure(setting):
        if setting in results:
            return results[setting]
        # The training digits the bundled model learnt and this run does not replay: a second,
        # larger measure of what it forgets.
        unreplayed = np.arange(len(pool))
        if 0 < setting.replay_size < len(pool):
            unreplayed, _ = data.stratified_split(replay.y_train, setting.replay_size / len(pool),
                                                  arguments.seed)
        seen = (training.as_model_input(replay.x_train[unreplayed])[..., 0],
                replay.y_train[unreplayed])
        seen_before = teach.accuracy(model, *seen)
        scores, drops, seen_drops, seconds = [], [], [], []
        for hand in hands:
            taught = teach.teach(model, examples[hand.id], replay=replay,
                                 mnist_test=mnist_validation, seed=arguments.seed,
                                 **dataclasses.asdict(setting))
            scores.append(teach.accuracy(taught.model, new[hand.id].images, new[hand.id].labels))
            drops.append(100 * (mnist_before - taught.card["after"]["mnist"]))
            seen_drops.append(100 * (seen_before - teach.accuracy(taught.model, *seen)))
            seconds.append(taught.card["training_seconds"])
        result = (statistics.median(scores), min(scores), statistics.median(drops), max(drops),
                  statistics.median(seen_drops), statistics.median(seconds))
        results[setting] = result
        print(f"{setting.label():70}{result[0]:7.3f}{result[1]:7.3f}{result[2]:8.2f}"
              f"{result[3]:7.2f}{result[4]:7.2f}{result[5]:7.1f}", flush=True)
        return result

    def best(settings):
        # Among settings whose worst writer forgets at most the target's half point of the
        # validation digits (two of 400), the most of the writers' new digits read right; a
        # digit of a writer's 300 (0.004) is noise, so within it, the one that forgets least,
        # then the faster.
        measured = [(setting, measure(setting)) for setting in settings]
        keeping = [item for item in measured if item[1][3] <= 0.5 + 1e-9] or measured
        top = max(result[0] for _, result in keeping)
        ties = [item for item in keeping if item[1][0] >= top - 0.004]
        return min(ties, key=lambda item: (item[1][2], item[1][4], item[1][5]))[0]

    chosen = best([Setting(freeze=freeze, learning_rate=rate)
                   for freeze in arguments.freezes for rate in arguments.rates])
    print(f"chosen so far: {chosen.label()}")
    chosen = best([dataclasses.replace(chosen, epochs=epochs) for epochs in arguments.epochs])
    chosen = best([dataclasses.replace(chosen, repeats=repeats) for repeats in arguments.repeats])
    chosen = best([dataclasses.replace(chosen, replay_size=size) for size in arguments.replays])
    print(f"chosen: {chosen.label()}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="choose the defaults (validation)")
    parser.add_argument("--writers", type=int, default=None,
                        help="writers to teach (default: 3, or 5 with --tune)")
    parser.add_argument("--new", type=int, default=30, help="new digits per digit and writer")
    parser.add_argument("--seed", type=int, default=teach.SEED, help="--tune: teach()'s seed")
    parser.add_argument("--first-writer", type=int, default=0,
                        help="--tune: the first of TUNING_WRITERS to teach")
    parser.add_argument("--freezes", nargs="+", default=list(teach.FREEZING))
    parser.add_argument("--rates", nargs="+", type=float, default=[3e-5, 1e-4, 3e-4, 1e-3])
    parser.add_argument("--epochs", nargs="+", type=int, default=[3, 5, 8])
    parser.add_argument("--repeats", nargs="+", type=int, default=[2, 4, 8])
    parser.add_argument("--replays", nargs="+", type=int, default=[250, 500, 1000])
    arguments = parser.parse_args(argv)
    if arguments.writers is None:
        arguments.writers = 5 if arguments.tune else 3
    return tune(arguments) if arguments.tune else bench(arguments)


if __name__ == "__main__":
    sys.exit(main())
