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
