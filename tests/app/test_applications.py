"""AppTest of app_pages/applications.py in both languages, offline and with fake weights cached.

The registry's MobileNetV2 is replaced by MobileNetV2(alpha=0.35) at 96 x 96, whose random
weights stand in for ImageNet's. The page counts its models with shapes only, so the English
offline test compares the default four (VGG16 and ResNet50 among them) as a first visit does;
the others compare two small ones.
"""

import functools
import io

import numpy as np
import pytest
from PIL import Image

from lib import applications, i18n
from tests import fake_keras_cache as fake
from tests import pages
from tests.conftest import ROOT

PAGE = str(ROOT / "app_pages" / "applications.py")
SMALL = ["MobileNetV2", "MobileNetV3Small"]
pytestmark = pytest.mark.slow


@pytest.fixture
def keras_home(keras_home, monkeypatch):
    """The shared offline Keras cache (tests/app/conftest.py), with a tiny MobileNetV2."""
    fake.use_tiny_mobilenet(monkeypatch)
    return keras_home


run_page = functools.partial(pages.run_page, PAGE, timeout=120, applications_compare=SMALL)


def metric(app, label):
    return next(item.value for item in app.metric if item.label == label)


@pytest.mark.parametrize(("language", "title", "params", "offline", "compared"), [
    ("en", "Applications: pre-trained models", "Parameters", "cannot be reached from here",
     list(applications.DEFAULT_COMPARISON)),
    ("zh", "预训练模型（keras.applications）", "参数数量", "无法连接到它的服务器", SMALL),
])
def test_offline_page_in_both_languages(keras_home, language, title, params, offline, compared):
    app = run_page(language, applications_compare=compared)
    assert app.title[0].value == title
    assert not app.error
    stats = applications.model_stats("MobileNetV2")
    assert metric(app, params) == f"{stats.params / 1e6:,.1f} M"
    assert len(app.warning) == 1 and offline in app.warning[0].value
    assert any(f"{keras_home}/models/{fake.TINY.weights.fname}" in item.value
               for item in app.markdown)
    # Everything that needs no download still works: the comparison and both recipes.
    charts = app.get("plotly_chart")
    assert len(charts) == 1
    assert all(f'"{name}"' in charts[0].proto.spec for name in compared)
    assert not app.get("file_uploader")
    codes = [block.value for block in app.code]
    assert any("include_top=False, pooling=\"avg\"" in code for code in codes)
    assert any("base.trainable = True" in code for code in codes)


def test_another_model(keras_home):
    app = run_page()
    app.selectbox(key="applications_model").set_value("MobileNetV3Small").run()
    assert not app.exception and not app.error
    assert metric(app, "Input (pixels)") == "224 x 224"
    assert metric(app, "Layers") == "164"
    assert "keras.applications.MobileNetV3Small(" in app.code[-1].value


def test_classify_a_photo_with_cached_weights(keras_home, monkeypatch):
    fake.place_weights(fake.TINY, applications.build("MobileNetV2"))
    fake.place_class_index(monkeypatch)
    loads = []
    real_load = applications.load_pretrained
    monkeypatch.setattr(applications, "load_pretrained",
                        lambda name, **kwargs: loads.append(name) or real_load(name, **kwargs))
    app = run_page()
    assert not app.warning and not app.error
    # The weights are there, but the model is loaded only for a photo.
    assert loads == [] and not app.success
    assert "loaded only when a photo is uploaded" in app.caption[-1].value
    buffer = io.BytesIO()
    Image.fromarray(np.full((60, 90, 3), 120, dtype=np.uint8)).save(buffer, format="PNG")
    app.file_uploader(key="applications_photo").set_value(
        ("cat.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception and not app.error
    assert loads == ["MobileNetV2"]
    assert "ImageNet weights loaded from" in app.success[0].value
    charts = app.get("plotly_chart")
    assert len(charts) == 3  # comparison, top 5, embedding
    assert "thing_" in charts[1].proto.spec
    app.file_uploader(key="applications_photo").set_value(
        ("broken.png", b"not an image", "image/png")).run()
    assert not app.exception
    assert "not an image" in app.error[0].value
    assert loads == ["MobileNetV2"]  # Kept, one model at a time.


def test_a_wrong_weights_file_is_said_when_a_photo_comes(keras_home):
    (keras_home / "models").mkdir(exist_ok=True)
    (keras_home / "models" / fake.TINY.weights.fname).write_bytes(b"not hdf5")
    app = run_page()
    assert not app.error
    buffer = io.BytesIO()
    Image.fromarray(np.full((60, 90, 3), 120, dtype=np.uint8)).save(buffer, format="PNG")
    app.file_uploader(key="applications_photo").set_value(
        ("cat.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception
    assert "Could not load the ImageNet weights of MobileNetV2" in app.error[0].value


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_photo_refused_in_the_users_language(keras_home, monkeypatch, language):
    fake.place_weights(fake.TINY, applications.build("MobileNetV2"))
    app = run_page(language)
    app.file_uploader(key="applications_photo").set_value(("empty.png", b"", "image/png")).run()
    assert not app.exception
    assert app.error[0].value == i18n.text("error.empty_file", language)
