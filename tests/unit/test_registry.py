"""lib.registry: one lookup for every registry, refusing in the Keras voice."""

import pytest

from lib import registry


def test_get_returns_the_entry_or_the_allowed_value():
    assert registry.get({"sgd": 1, "adam": 2}, "adam", "optimizer") == 2
    assert registry.get((None, "relu"), None, "activation") is None
    assert registry.get(("valid", "same"), "same", "padding") == "same"


def test_get_lists_the_known_names_in_the_registry_order():
    with pytest.raises(ValueError, match=r"^Unknown optimizer: 'lion'\. Expected one of "
                                         r"\['sgd', 'adam'\]\.$"):
        registry.get({"sgd": 1, "adam": 2}, "lion", "optimizer")
    with pytest.raises(ValueError, match=r"Unknown noise shape: \[1, 2\]\. Expected one of "
                                         r"\[None, \(1, 2\)\]"):
        registry.get({None: 0, (1, 2): 1}, [1, 2], "noise shape")  # Unhashable: in no dict.
