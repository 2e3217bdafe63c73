"""Both languages hold the same texts, and every page renders in both.

Every key of `lib.i18n.TEXTS` has an English and a Chinese text, neither empty,
with the same `{placeholders}`; every key the code asks for with a literal
`t("...")` exists; every page file runs without an exception in English and in
Chinese (home through the entrypoint, whose navigation its page links need).
"""

import pathlib
import re
import string

import pytest

from lib import i18n
from tests import pages

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = sorted(path for path in (ROOT / "app_pages").glob("*.py") if path.name != "__init__.py")
SOURCES = [ROOT / "streamlit_app.py", *PAGES, *sorted((ROOT / "lib").glob("*.py"))]


def _placeholders(template):
    return sorted(
        (field.split(".")[0].split("[")[0], spec)
        for _, field, spec, _ in string.Formatter().parse(template)
        if field is not None
    )


def test_every_key_has_english_and_chinese():
    assert set(i18n.LANGUAGES) == {"en", "zh"}
    for key, pair in i18n.TEXTS.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        english, chinese = pair
        assert isinstance(english, str) and english.strip(), f"{key}: empty English"
        assert isinstance(chinese, str) and chinese.strip(), f"{key}: empty Chinese"


def test_both_languages_have_the_same_placeholders():
    mismatched = {
        key: (english, chinese)
        for key, (english, chinese) in i18n.TEXTS.items()
        # A translation may use a placeholder more often or in another order, never another one.
        if {name for name, _ in _placeholders(english)}
        != {name for name, _ in _placeholders(chinese)}
    }
    assert not mismatched


def test_unknown_keys_and_languages_are_refused():
    with pytest.raises(KeyError):
        i18n.text("no.such.key")
    with pytest.raises(ValueError, match=r"Unknown language: 'fr'. Expected one of \['en', 'zh'\]"):
        i18n.text("app.title", "fr")


_LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_literal_key_in_the_code_exists():
    missing = {}
    for path in SOURCES:
        for key in _LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
            if key not in i18n.TEXTS:
                missing.setdefault(path.name, []).append(key)
    assert not missing


def _page_id(path):
    return path.stem


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_page_renders_in_both_languages(page, language, canvas, tmp_path, monkeypatch):
    # An empty canvas, as a first visit shows it.
    monkeypatch.setenv("DIGITLAB_RUNS_DB", str(tmp_path / "runs.sqlite"))
    script = ROOT / "streamlit_app.py" if page.name == "home.py" else page
    app = pages.run_page(script, language, timeout=120)
    shown = [element.value for element in [*app.title, *app.header, *app.subheader]
             if isinstance(element.value, str)]
    assert shown, "the page shows no title"
    if language == "zh":
        assert any(re.search(r"[\u4e00-\u9fff]", text) for text in shown), shown
