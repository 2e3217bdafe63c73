"""What a /train run is set to, defined once: every setting's default, bounds and names.

A run's settings appear four ways: the page's settings dict (its widgets), the link
(`st.query_params`), a `lib.training.TrainingConfig`, and the `python -m lib.cli train`
command that repeats it. `SETTINGS` holds each setting once (default, bounds or choices, its
name in the link and its command-line flag), and every conversion below reads it; the CLI's
`train` options are made from it too (`add_cli_arguments`). The optimizer's own arguments
(`lr`, `momentum`, ...) come from `lib.models.OPTIMIZERS`.

`train_size` 0 means every training digit, in all four.
"""

import copy
import dataclasses
import math
import shlex

from lib import data, models
from lib.training import TrainingConfig

DATA_CHOICES = ("embedded", "keras", "npz")
ALL_DIGITS = 0
# Every optimizer argument any optimizer takes, with the tutorial's names.
OPTIMIZER_ARGUMENTS = tuple(sorted({name for spec in models.OPTIMIZERS.values()
                                    for name in spec["defaults"]}))


@dataclasses.dataclass(frozen=True)
class Setting:
    """One setting of a run.

    Attributes:
        name: Its key in the settings dict, and its `TrainingConfig` field (if any).
        query: Its name in the link.
        kind: `int`, `float`, `bool` or `str`.
        default: Its value on a first visit and in the CLI.
        low: The smallest number allowed (numbers only).
        high: The largest number allowed (numbers only).
        choices: The allowed strings (strings only).
        flag: Its `python -m lib.cli train` option, or `None` (the page's data choice, whose
            CLI option `--data` also takes a file).
    """

    name: str
    query: str
    kind: type
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    flag: str | None = None

    def read(self, text):
        """The value a link's `text` gives, or `ValueError` if it is not an allowed one."""
        if self.kind is bool:
            if text not in ("0", "1", "true", "false"):
                raise ValueError(text)
            return text in ("1", "true")
        if self.kind is str:
            if text not in self.choices:
                raise ValueError(text)
            return text
        value = self.kind(text)
        if not (math.isfinite(value) and self.low <= value <= self.high):
            raise ValueError(text)
        return value

    def write(self, value):
        """`value` as the link writes it."""
        if self.kind is bool:
            return "1" if value else "0"
        if self.kind is float:
            return f"{value:g}"
        return str(value)


SETTINGS = {setting.name: setting for setting in (
    Setting("preset", "preset", str, "tutorial_cnn", choices=tuple(models.PRESETS),
            flag="--preset"),
    Setting("optimizer", "optimizer", str, "adam", choices=tuple(models.OPTIMIZERS),
            flag="--optimizer"),
    Setting("epochs", "epochs", int, 5, 1, 100, flag="--epochs"),
    Setting("batch_size", "batch", int, 64, 1, 2048, flag="--batch-size"),
    Setting("validation_split", "val", float, 0.1, 0.0, 0.5, flag="--validation-split"),
    Setting("data", "data", str, "embedded", choices=DATA_CHOICES),
    Setting("train_size", "size", int, ALL_DIGITS, 0, 1_000_000, flag="--train-size"),
    Setting("augment", "aug", bool, False, flag="--augment"),
)}


def defaults():
    """A fresh settings dict at every default, with the optimizer's default arguments."""
    settings = {name: copy.deepcopy(setting.default) for name, setting in SETTINGS.items()}
    settings["optimizer_arguments"] = optimizer_defaults(settings["optimizer"])
    return settings


def optimizer_defaults(optimizer):
    """The default arguments of `optimizer` (a key of `lib.models.OPTIMIZERS`), a new dict."""
    return dict(models.OPTIMIZERS[optimizer]["defaults"])


def from_query(query):
    """Settings from a link; what cannot be read falls back to its default.

    Args:
        query: A mapping of the link's names to strings (`st.query_params`).

    Returns:
        `(settings, ignored)`: a complete settings dict, and the link's names whose values
        were ignored.
    """
    settings, ignored = defaults(), []
    for name, setting in SETTINGS.items():
        if setting.query not in query:
            continue
        text = str(query[setting.query])
        try:
            settings[name] = setting.read(text.lower() if name == "optimizer" else text)
        except ValueError:
            ignored.append(setting.query)
    settings["optimizer_arguments"] = optimizer_defaults(settings["optimizer"])
    for name, default in settings["optimizer_arguments"].items():
        if name not in query:
            continue
        argument = Setting(name, name, type(default), default, 0.0, math.inf)
        try:
            settings["optimizer_arguments"][name] = argument.read(str(query[name]))
        except ValueError:
            ignored.append(name)
    return settings, ignored


def to_query(settings):
    """The settings as the link writes them (`from_query` reads them back)."""
    query = {}
    for name, setting in SETTINGS.items():
        query[setting.query] = setting.write(settings[name])
        if name == "optimizer":  # Its arguments follow it, as in the tutorial's call.
            for argument, value in settings["optimizer_arguments"].items():
                query[argument] = Setting(argument, argument, type(value), value).write(value)
    return query


def to_config(settings, seed=data.DEFAULT_SEED):
    """The `TrainingConfig` of page settings."""
    return TrainingConfig(
        preset=settings["preset"], epochs=int(settings["epochs"]),
        batch_size=int(settings["batch_size"]), optimizer=settings["optimizer"],
        optimizer_arguments=dict(settings["optimizer_arguments"]),
        validation_split=float(settings["validation_split"]), augment=bool(settings["augment"]),
        train_size=int(settings["train_size"]), seed=seed,
    )


def cli_command(settings):
    """The `python -m lib.cli train ...` command that repeats a run of these settings."""
    config = to_config(settings)
    parts = ["python", "-m", "lib.cli", "train"]
    for name, setting in SETTINGS.items():
        value = getattr(config, name, None)
        if setting.flag is None or (name == "train_size" and value == ALL_DIGITS):
            continue
        if setting.kind is bool:
            parts += [setting.flag] if value else []
        else:
            parts += [setting.flag, setting.write(value)]
    parts += _optimizer_flags(config.optimizer_arguments)
    parts += ["--data", settings["data"] if settings["data"] != "npz" else "mnist.npz"]
    return shlex.join(parts)


def _optimizer_flags(arguments):
    flags = []
    for name, value in arguments.items():
        if isinstance(value, bool):
            flags += [f"--{name}"] if value else []
        else:
            flags += [f"--{name}", f"{value:g}"]
    return flags


def add_cli_arguments(parser):
    """Adds every setting with a flag to `python -m lib.cli train`'s parser, with its default
    and bounds, and the optimizers' arguments (`--lr`, `--momentum`, ...)."""
    for setting in SETTINGS.values():
        if setting.flag is None:
            continue
        if setting.kind is bool:
            parser.add_argument(setting.flag, action="store_true", default=setting.default)
        elif setting.kind is str:
            parser.add_argument(setting.flag, default=setting.default, choices=setting.choices)
        else:
            parser.add_argument(setting.flag, type=_bounded(setting), default=setting.default,
                                metavar=f"{setting.low:g}..{setting.high:g}")
    for name in OPTIMIZER_ARGUMENTS:
        if name == "nesterov":
            parser.add_argument("--nesterov", action="store_true", default=None)
        else:
            parser.add_argument(f"--{name}", *(["--learning-rate"] if name == "lr" else []),
                                type=float, dest=name)


def _bounded(setting):
    def parse(text):
        try:
            return setting.read(text)
        except ValueError:
            import argparse

            raise argparse.ArgumentTypeError(
                f"expected {setting.kind.__name__} in {setting.low:g}..{setting.high:g}, "
                f"received {text!r}") from None

    parse.__name__ = setting.kind.__name__
    return parse
