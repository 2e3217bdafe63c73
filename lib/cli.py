"""The tutorial's two scripts as commands.

    python -m lib.cli predict num-draft/ [--model FILE] [--json]
    python -m lib.cli train --preset tutorial_cnn --epochs 5 --out model.keras
    python -m lib.cli export [--model FILE] --out exports/digits [--version 1]
    python -m lib.cli teach my-digits/ [--model FILE] --out mine.keras [--epochs N]

`predict` recognises images, folders and zips, one line per image; an
unreadable file is reported on its line and the rest go on. The exit status is
non-zero only when nothing could be read. `train` prints Keras's own
per-epoch progress bar and metrics, saves the model atomically, and writes a
card beside it. `export` writes a SavedModel for TensorFlow Serving into a new
version folder of a model's base path, and prints its serving signature.
`teach` fine-tunes a copy of a model on labelled examples (images, folders
and zips, read as `predict` reads them; the label from each name) mixed with
a replay of the embedded MNIST digits, prints before and after, and saves the
copy atomically with a card beside it.
"""

import argparse
import collections
import dataclasses
import json
import math
import os
import pathlib
import shlex
import sys
import time
import unicodedata

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Every command needs Keras (even the parser: its bounds come from lib.train_settings), so
# everything is imported here, once TensorFlow's log level is set.
import tensorflow as tf  # noqa: E402

from lib import data, links, models, teach, train_settings, training, uploads  # noqa: E402
from lib.errors import InputError  # noqa: E402


def build_parser():
    """The parser of `python -m lib.cli`: `predict`, `train`, `export`, `link` and `teach`."""
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    predict = commands.add_parser("predict", help="recognise digits in images, folders, zips")
    predict.add_argument("paths", nargs="+", metavar="PATH", help="image, folder or .zip")
    predict.add_argument("--model", help="a .keras or Keras 2 .h5 file (default: bundled)")
    predict.add_argument("--json", action="store_true", help="JSON lines with all probabilities")

    train = commands.add_parser("train", help="train a model, as the tutorial's script did")
    train_settings.add_cli_arguments(train)  # The page's settings, defaults and bounds.
    train.add_argument("--data", default="auto",
                       help="auto, keras, embedded, or the path of an mnist.npz")
    train.add_argument("--seed", type=int, default=1234)
    train.add_argument("--out", default="model.keras", help=".keras (or .h5) file to write")

    export = commands.add_parser("export", help="write a SavedModel for TensorFlow Serving")
    export.add_argument("--model", help="a .keras or Keras 2 .h5 file (default: bundled)")
    export.add_argument("--out", required=True, metavar="DIR",
                        help="the model's base path, e.g. exports/digits")
    export.add_argument("--version", type=int, default=1,
                        help="the version folder to write under DIR (default: 1)")

    link = commands.add_parser("link", help="print a classroom link (as the app's Share panel)")
    link.add_argument("--base", default="http://localhost:8501",
                      help="the app's address as students reach it")
    link.add_argument("--page", default="", choices=links.PAGES, metavar="PAGE",
                      help="recognize, train, layers, ... (default: home)")
    link.add_argument("--lang", default="en", choices=("en", "zh"))
    link.add_argument("--hide", action="append", default=[], choices=links.CONTROLS,
                      metavar="CONTROL", help="a control to hide (repeat): "
                      + ", ".join(links.CONTROLS))
    link.add_argument("--present", action="store_true", help="presentation mode")
    link.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                      help="a setting of the page, as its link writes it (e.g. epochs=3)")

    taught = commands.add_parser("teach", help="fine-tune a copy of a model on your own digits")
    taught.add_argument("examples", nargs="+", metavar="EXAMPLES",
                        help="image, folder or .zip; each label from its name: 3/x.png, "
                        "num3.png, digit_3.jpg")
    taught.add_argument("--model", help="a .keras or Keras 2 .h5 file (default: bundled)")
    taught.add_argument("--out", required=True, help=".keras file to write (a card .json beside)")
    taught.add_argument("--epochs", type=_bounded(1, teach.MAX_EPOCHS), default=teach.EPOCHS,
                        help=f"passes over the examples and the replay (default: {teach.EPOCHS})")
    return parser


def _bounded(low, high):
    """An argparse type: an integer from `low` to `high`."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, received {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high}, received {value}")
        return value

    return parse


def main(argv=None):
    arguments = build_parser().parse_args(argv)
    if arguments.command == "predict":
        return run_predict(arguments)
    if arguments.command == "export":
        return run_export(arguments)
    if arguments.command == "link":
        return run_link(arguments)
    if arguments.command == "teach":
        return run_teach(arguments, argv if argv is not None else sys.argv[1:])
    return run_train(arguments, argv if argv is not None else sys.argv[1:])


def read_paths(paths):
    """`(name, contents)` for each file named, every file under each folder, and each zip.

    Files are read one at a time, as the caller asks for them. Contents are the file's bytes;
    nothing is read of a file in a folder that a batch skips by its name (`b""`), or of one
    over the server's upload limit (its `InputError`, from its size on disk). A path that is
    neither a file nor a folder comes as `(name, None)`.
    """
    for path in map(pathlib.Path, paths):
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                name = f"{path.name}/{file.relative_to(path).as_posix()}"
                yield name, b"" if uploads.skipped_unread(name) else _read_file(file)
        elif path.is_file():
            yield str(path), _read_file(path)
        else:
            yield str(path), None


def _read_file(path):
    size = path.stat().st_size
    if size > uploads.FILE_MAX_BYTES:
        return uploads.file_too_large(size)
    return path.read_bytes()


def _readable(paths, missing, refused):
    """`read_paths`'s files that were read; the others' names go to `missing`, and
    `(name, InputError)` of those refused unread to `refused`."""
    for name, contents in read_paths(paths):
        if contents is None:
            missing.append(name)
        elif isinstance(contents, InputError):
            refused.append((name, contents))
        else:
            yield name, contents


def printable(text):
    """`text` safe to print on one line: control and format characters (newlines, tabs,
    escape sequences, bidirectional overrides, lone surrogates of undecodable file names) are
    written as escapes, so a file name cannot forge a result line or drive the terminal."""
    return "".join(_escape(character) if _unprintable(character) else character
                   for character in str(text))


def _unprintable(character):
    return unicodedata.category(character)[0] == "C" or character in "\u2028\u2029"


def _escape(character):
    code = ord(character)
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    if character in named:
        return named[character]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else (
        f"\\U{code:08x}")


def json_line(row):
    """`row` as one line of strict JSON (RFC 8259: no NaN or Infinity, which are written as
    `null`), with the characters `printable` escapes written as `\\uXXXX` escapes, so the
    line is also safe to read on a terminal."""
    text = json.dumps(_finite(row), ensure_ascii=False, allow_nan=False)
    return "".join(_json_escape(character) if _unprintable(character) else character
                   for character in text)


def _json_escape(character):
    code = ord(character)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # Outside the basic plane: JSON writes a surrogate pair.
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _load_model_or_say_why(path):
    """The model in `path` (the bundled one if `None`), or `None` after saying why it cannot be
    read on standard error."""
    try:
        return models.load_model(path) if path else models.load_bundled_model()
    except (InputError, OSError) as error:
        print(f"error: {printable(error)}", file=sys.stderr)
        return None


def run_predict(arguments):
    model = _load_model_or_say_why(arguments.model)
    if model is None:
        return 2
    missing, refused = [], []
    # Batch after batch, each within the server's budget of files and bytes, so a large folder
    # never sits in memory whole; a command line has no budget of pixels.
    limits = dataclasses.replace(uploads.LIMITS, max_pixels=None)
    skipped = collections.Counter()
    results = []
    for batch in uploads.batches(_readable(arguments.paths, missing, refused), limits):
        skipped.update(batch.skipped)
        for result in uploads.recognize(model, batch):
            results.append(result)
            print(_result_line(result, arguments.json))
    for name, error in [(name, "no such file or folder") for name in missing] + refused:
        print(json_line({"file": name, "error": str(error)}) if arguments.json
              else f"{printable(name)}\terror: {printable(error)}")
    if skipped:
        print(f"skipped {sum(skipped.values())} file(s): " + ", ".join(
            f"{count} {reason}" for reason, count in sorted(skipped.items())),
            file=sys.stderr)
    summary = uploads.summary(results)
    if summary["labelled"]:
        print(f"accuracy on {summary['labelled']} labelled file(s): {summary['accuracy']:.1%}",
              file=sys.stderr)
    return 0 if any(result.error is None for result in results) else 1


def _result_line(result, as_json):
    if as_json:
        return json_line(_as_json(result))
    if result.error is not None:
        return f"{printable(result.file)}\terror: {printable(result.error)}"
    return f"{printable(result.file)}\t{result.prediction}\t{result.confidence:.3f}"


def _as_json(result):
    row = {"file": result.file, "label": result.label}
    if result.error is not None:
        row["error"] = str(result.error)
        return row
    row.update(prediction=result.prediction, confidence=round(result.confidence, 6),
               correct=result.correct,
               probabilities=[round(float(p), 6) for p in result.probabilities])
    return row


def run_train(arguments, argv):
    source, path = (arguments.data, None)
    if arguments.data not in ("auto", "keras", "embedded"):
        source, path = "npz", arguments.data
    try:
        mnist = data.load_mnist(source=source, path=path, seed=arguments.seed)
    except (InputError, OSError) as error:  # A --data file that is missing or refused.
        print(f"error: {printable(error)}", file=sys.stderr)
        return 2
    for note in mnist.notes:
        print(f"note: {note}")
    print(f"data: {mnist.source} ({len(mnist.y_train)} training, {len(mnist.y_test)} test) "
          f"from {mnist.origin}")
    optimizer_arguments = {name: value for name in train_settings.OPTIMIZER_ARGUMENTS
                           if (value := getattr(arguments, name)) is not None}
    config = training.TrainingConfig(
        preset=arguments.preset, epochs=arguments.epochs, batch_size=arguments.batch_size,
        optimizer=arguments.optimizer, optimizer_arguments=optimizer_arguments,
        validation_split=arguments.validation_split, augment=arguments.augment,
        train_size=arguments.train_size, seed=arguments.seed,
    )
    result = training.train(config, mnist, verbose=1 if sys.stdout.isatty() else 2)
    print(f"test accuracy: {result.test_accuracy:.4f} on {len(mnist.y_test)} held-out digits "
          f"({result.seconds:.0f} s)")
    out = models.save_model(result.model, arguments.out)
    command = "python -m lib.cli train " + shlex.join(argv[1:] if argv[:1] == ["train"] else argv)
    card = training.model_card(config, mnist, result, out.name, command=command)
    models.write_card(card, out.with_suffix(".json"))
    print(f"saved {out} and {out.with_suffix('.json').name}")
    return 0


def run_export(arguments):
    model = _load_model_or_say_why(arguments.model)
    if model is None:
        return 1
    started = time.perf_counter()
    try:
        path = models.export_saved_model(model, arguments.out, version=arguments.version)
    except (ValueError, OSError) as error:  # A bad version, or one that exists already.
        print(f"error: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    size = sum(file.stat().st_size for file in path.rglob("*") if file.is_file())
    print(f"exported {path} ({size / 1e6:.1f} MB) in {seconds:.1f} s")
    # Read back from the files written: what TensorFlow Serving will see.
    signature = tf.saved_model.load(str(path)).signatures["serving_default"]
    print("signature serving_default (Keras's endpoint serve):")
    for direction, specs in (("input", signature.structured_input_signature[1]),
                             ("output", signature.structured_outputs)):
        for name, spec in specs.items():
            shape = "(" + ", ".join("None" if size is None else str(size)
                                    for size in spec.shape) + ")"
            print(f"  {direction:<6} {name}: {spec.dtype.name} {shape}")
    print("  images in [0, 1], bright ink on black; outputs are probabilities (rows sum to 1)")
    base = path.parent.resolve()
    print(f"serve it with: docker run -p 8601:8501 -v {shlex.quote(f'{base}:/models/{base.name}')} "
          f"-e MODEL_NAME={shlex.quote(base.name)} tensorflow/serving")
    return 0


def run_link(arguments):
    settings = dict(item.partition("=")[::2] for item in arguments.set)
    try:
        print(links.classroom_link(arguments.base, arguments.page, arguments.lang, settings,
                                   arguments.hide, arguments.present))
    except ValueError as error:
        print(f"error: {printable(error)}", file=sys.stderr)
        return 2
    return 0


def run_teach(arguments, argv):
    out = pathlib.Path(arguments.out)
    if out.suffix not in (".keras", ".h5"):  # Said before anything is read or trained.
        print(f"error: expected --out ending in .keras or .h5. Received {printable(out)!r}.",
              file=sys.stderr)
        return 2
    model = _load_model_or_say_why(arguments.model)
    if model is None:
        return 2
    examples, skipped = _read_examples(model, arguments.examples)
    if not examples:
        print(f"error: {InputError('teach_no_examples')}", file=sys.stderr)
        return 1
    counts = teach.label_counts([example.label for example in examples])
    print(f"examples: {len(examples)} labelled ("
          + ", ".join(f"{digit}: {count}" for digit, count in counts.items()) + ")"
          + (f"; {skipped} skipped" if skipped else ""))
    untaught = [digit for digit in range(10) if digit not in counts]
    if untaught:
        print("not taught (no example): " + ", ".join(map(str, untaught))
              + ". The model reads them as it learnt before; teach them with examples of them.")
    mnist = data.load_mnist("embedded")
    base_card = models.read_card(models.BUNDLED_MODEL_PATH) if not arguments.model else {
        "model": pathlib.Path(arguments.model).name}
    command = "python -m lib.cli teach " + shlex.join(argv[1:] if argv[:1] == ["teach"] else argv)
    try:
        taught = teach.teach(model, examples, replay=mnist, epochs=arguments.epochs,
                             reporter=_EpochPrinter(arguments.epochs), base_card=base_card,
                             command=command)
    except ValueError as error:  # InputError (a model that cannot be taught, too many), or
        print(f"error: {printable(error)}", file=sys.stderr)  # over the budget.
        return 2
    card = taught.card
    print(f"fine-tuned {len(examples) - card['held_out']} examples x {card['repeats']} with "
          f"{card['replay']} {card['replay_source']} MNIST digits replayed, {card['epochs']} "
          f"epochs, frozen: {', '.join(card['frozen_layers']) or 'nothing'}: "
          f"{card['training_seconds']:.1f} s")
    print(f"{'':28}{'before':>8}{'after':>8}")
    if card["held_out"]:
        label = f"your examples ({card['held_out']} held out)"
        print(f"{label:28}{card['before']['examples']:>8.3f}{card['after']['examples']:>8.3f}")
    else:
        print("your examples: none held out to measure (a digit needs two examples or more)")
    label = f"MNIST ({len(mnist.y_test)} test digits)"
    print(f"{label:28}{card['before']['mnist']:>8.3f}{card['after']['mnist']:>8.3f}")
    out = models.save_model(taught.model, out)
    card["model"] = out.name
    models.write_card(card, out.with_suffix(".json"))
    print(f"saved {out} and {out.with_suffix('.json').name}")
    return 0


def _read_examples(model, paths):
    """`(examples, skipped)`: the labelled images among `paths`, read and preprocessed as
    `predict` reads them (the server's budgets of one batch, zip refusals and all). Each file
    that cannot teach (unreadable, refused, no label in its name) is listed on its own line."""
    missing, refused = [], []
    batch = uploads.gather(_readable(paths, missing, refused))
    examples, skipped = [], sum(batch.skipped.values())
    for result in uploads.recognize(model, batch):
        if result.error is not None:
            print(f"{printable(result.file)}\tskipped: {printable(result.error)}")
        elif result.label is None:
            print(f"{printable(result.file)}\tskipped: no label in its name (name it like "
                  "3/x.png, num3.png or digit_3.jpg)")
        else:
            examples.append(teach.Example(result.image, result.label, result.file))
            continue
        skipped += 1
    for name, error in [(name, "no such file or folder") for name in missing] + refused:
        print(f"{printable(name)}\tskipped: {printable(error)}")
    return examples, skipped + len(missing) + len(refused)


class _EpochPrinter:
    """A reporter for `teach.teach` that prints each epoch's loss and accuracy."""

    def __init__(self, epochs):
        self.epochs = epochs

    def report_progress(self, progress):
        pass

    def report_epoch(self, epoch, logs, history):
        print(f"epoch {epoch + 1}/{self.epochs}: loss {logs.get('loss', math.nan):.4f}, "
              f"accuracy {logs.get('accuracy', math.nan):.4f}", flush=True)

    def should_stop(self):
        return False


if __name__ == "__main__":
    sys.exit(main())
