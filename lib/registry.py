"""Choices looked up by name, as Keras's `get()` functions do, and the arguments a widget offers.

Every registry in `lib` (layer types, activations, optimizers, presets, datasets, ...)
is a plain dict of names (or a tuple of allowed values); `get()` is the one place
that looks a name up and says, in the Keras voice, what else it could have been.
"""

import dataclasses


def get(registry, name, what):
    """The entry of `registry` called `name`.

    Args:
        registry: A mapping of names to entries, or a sequence of allowed values.
        name: The name asked for.
        what: What the names are, for the message (`"optimizer"`, `"layer"`, ...).

    Returns:
        `registry[name]` for a mapping; `name` itself for a sequence of values.

    Raises:
        ValueError: `Unknown {what}: {name!r}. Expected one of [...].`, listing the
            known names in the registry's own order.
    """
    try:
        if name in registry:
            return registry[name] if hasattr(registry, "keys") else name
    except TypeError:  # An unhashable name (a list) is in no dict.
        pass
    raise ValueError(f"Unknown {what}: {name!r}. Expected one of {list(registry)}.")


@dataclasses.dataclass(frozen=True)
class Argument:
    """One argument of a layer or an activation, as a widget should offer it.

    Attributes:
        name: The Keras argument name (`"kernel_size"`).
        kind: `"int"`, `"float"`, `"bool"`, `"choice"`, `"pair"` (two ints),
            or `"pair_or_none"` (two ints, or `None` for Keras's default).
        default: The value a widget starts from.
        minimum: Smallest value a widget offers (numbers and pairs).
        maximum: Largest value a widget offers.
        step: Widget step for floats.
        choices: The values of a `"choice"`.
    """

    name: str
    kind: str
    default: object
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple = ()
