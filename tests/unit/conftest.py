"""Fixtures the unit tests share: the bundled model and the embedded MNIST, loaded once per module.

A test file that needs another `mnist` (a smaller split, say) defines its own, which pytest
prefers to these.
"""

import pytest

from lib import data, models


@pytest.fixture(scope="module")
def model():
    """The bundled CNN (`lib.models.load_bundled_model`)."""
    return models.load_bundled_model()


@pytest.fixture(scope="module")
def mnist():
    """The embedded 5,000 MNIST digits, split 4,000 / 1,000 (`lib.data.load_embedded`)."""
    return data.load_embedded()
