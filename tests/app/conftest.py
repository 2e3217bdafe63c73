import pytest
import streamlit as st

from lib import data
from tests import fake_keras_cache as fake


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache, no network, and fresh Streamlit caches (probes and datasets)."""
    home = fake.use_keras_home(monkeypatch, tmp_path / "keras")
    monkeypatch.setattr(data, "can_connect", lambda url, timeout=None: False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield home
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def temporary_runs(tmp_path, monkeypatch):
    """A run database and a models folder of the test's own (the job manager stays shared)."""
    monkeypatch.setenv("DIGITLAB_RUNS_DB", str(tmp_path / "runs.sqlite"))
    monkeypatch.setattr("lib.models.MODELS_DIR", tmp_path / "models")
    from lib.ui import cache

    cache.run_database.clear()
    yield
    cache.run_database.clear()
