"""lib.i18n is a package: one module of texts per page (or feature), one for the texts they share.

Each key is written once, in the module its prefix names (`train.*` in `lib/i18n/train.py`),
or in `lib/i18n/common.py` when no single page owns it; `TEXTS` merges the modules and refuses
a key that two of them define.
"""

import ast
import pathlib
import types

import pytest

from lib import i18n

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = sorted(path.stem for path in (ROOT / "app_pages").glob("*.py") if path.stem != "__init__")
# Parts of the lab shown on more than one page, with a module of their own: teaching the model
# one's handwriting (/recognize, and what it changed on /inside).
FEATURES = ["teach"]


def _written_keys(module):
    """The keys of `module`'s `TEXTS = {...}` as written in its source, repeats included."""
    tree = ast.parse(pathlib.Path(module.__file__).read_text(encoding="utf-8"))
    (texts,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                and [target.id for target in node.targets] == ["TEXTS"]]
    return [key.value for key in texts.keys]


def test_every_page_has_a_module_and_texts_merges_them_all():
    names = [module.__name__.rpartition(".")[2] for module in i18n.MODULES]
    assert sorted(names) == sorted([*PAGES, *FEATURES, "common"])
    assert len(i18n.TEXTS) == sum(len(module.TEXTS) for module in i18n.MODULES)


def test_no_key_is_written_twice():
    # A repeat inside one dict literal silently keeps the last value, so read the sources.
    written = [key for module in i18n.MODULES for key in _written_keys(module)]
    repeated = sorted({key for key in written if written.count(key) > 1})
    assert not repeated
    assert sorted(written) == sorted(i18n.TEXTS)


def test_a_page_module_holds_only_its_own_prefix():
    for module in i18n.MODULES:
        page = module.__name__.rpartition(".")[2]
        if page != "common":
            strays = [key for key in module.TEXTS if not key.startswith(page + ".")]
            assert not strays, f"{module.__name__}: {strays}"


def test_merge_refuses_a_key_in_two_modules():
    first = types.SimpleNamespace(__name__="lib.i18n.first", TEXTS={"home.title": ("a", "甲")})
    second = types.SimpleNamespace(__name__="lib.i18n.second", TEXTS={"home.title": ("b", "乙")})
    expected = r"Received 'home\.title' in both lib\.i18n\.first and lib\.i18n\.second"
    with pytest.raises(ValueError, match=expected):
        i18n._merge([first, second])
