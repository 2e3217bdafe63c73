"""What a /train run is set to, defined once: every setting's default, bounds and names.

A run's settings appear four ways: the page's settings dict (its widgets), the link
(`st.query_params`), a `lib.training.TrainingConfig`, and the `python -m lib.cli train`
command that repeats it. `SETTINGS` holds each setting once (default, bounds or choices, its
name in the link and its command-line flag), and every conversion below reads it; the CLI's
`train` options are made from it too (`add_cli_arguments`). The optimizer's own arguments
(`lr`, `momentum`, ...) come from `lib.models.OPTIMIZERS`.

`train_size` 0 means every training digit, in all four.
"""

import argparse
import copy
import dataclasses
import math
import shlex

from lib import data, models, registry
from lib.training import TrainingConfig

DATA_CHOICES = ("embedded", "keras", "npz")
ALL_DIGITS = 0


@dataclasses.dataclass(frozen=True)
class Setting(registry.Argument):
    """One setting of a run: a `lib.registry.Argument` with its names in the link and the CLI.

    Attributes:
        query: Its name in the link.
        flag: Its `python -m lib.cli train` option, or `None` (the page's data choice, whose
            CLI option `--data` also takes a file).
    """

    query: str = ""
    flag: str | None = None

    def read(self, text):
        """The value a link's `text` gives, or `ValueError` if it is not an allowed one."""
        if self.kind == "bool":
            if text not in ("0", "1", "true", "false"):
                raise ValueError(text)
            return text in ("1", "true")
        if self.kind == "choice":
            return registry.get(self.choices, text, self.name)
        value = _TYPES[self.kind](text)
        if not (math.isfinite(value) and self.minimum <= value <= self.maximum):
            raise ValueError(text)
        return value

    def write(self, value):
        """`value` as the link writes it."""
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "float":
            return f"{value:g}"
        return str(value)


_TYPES = {"int": int, "float": float}


# Every optimizer argument any optimizer takes (`lr`, `momentum`, `nesterov`...), with the
# tutorial's names and `lib.models`'s bounds, as a setting of its own name in the link and the CLI.
OPTIMIZER_ARGUMENTS = {
    name: Setting(**dataclasses.asdict(argument), query=name, flag=f"--{name}")
    for name, argument in models.OPTIMIZER_ARGUMENTS.items()}


SETTINGS = {setting.name: setting for setting in (
    Setting("preset", "choice", "tutorial_cnn", choices=tuple(models.PRESETS), query="preset",
            flag="--preset"),
    Setting("optimizer", "choice", "adam", choices=tuple(models.OPTIMIZERS), query="optimizer",
            flag="--optimizer"),
    Setting("epochs", "int", 5, 1, 100, query="epochs", flag="--epochs"),
    Setting("batch_size", "int", 64, 1, 2048, query="batch", flag="--batch-size"),
    Setting("validation_split", "float", 0.1, 0.0, 0.5, step=0.05, query="val",
            flag="--validation-split"),
    Setting("data", "choice", "embedded", choices=DATA_CHOICES, query="data"),
    Setting("train_size", "int", ALL_DIGITS, 0, 1_000_000, query="size", flag="--train-size"),
    Setting("augment", "bool", False, query="aug", flag="--augment"),
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
    for name in list(settings["optimizer_arguments"]):
        if name not in query:
            continue
        try:
            settings["optimizer_arguments"][name] = OPTIMIZER_ARGUMENTS[name].read(
                str(query[name]))
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
                query[argument] = OPTIMIZER_ARGUMENTS[argument].write(value)
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
        if setting.kind == "bool":
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
        if setting.kind == "bool":
            parser.add_argument(setting.flag, action="store_true", default=setting.default)
        elif setting.kind == "choice":
            parser.add_argument(setting.flag, default=setting.default, choices=setting.choices)
        else:
            parser.add_argument(setting.flag, type=_bounded(setting), default=setting.default,
                                metavar=f"{setting.minimum:g}..{setting.maximum:g}")
    for name, argument in OPTIMIZER_ARGUMENTS.items():
        if argument.kind == "bool":
            parser.add_argument(argument.flag, action="store_true", default=None)
        else:
            parser.add_argument(argument.flag, *(["--learning-rate"] if name == "lr" else []),
                                type=_bounded(argument), dest=name,
                                metavar=f"{argument.minimum:g}..{argument.maximum:g}")


def _bounded(setting):
    def parse(text):
        try:
            return setting.read(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {setting.kind} in {setting.minimum:g}..{setting.maximum:g}, "
                f"received {text!r}") from None

    parse.__name__ = setting.kind
    return parse
