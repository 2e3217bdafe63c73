"""Every shared cache that takes arguments is bounded (a class on one server must not fill it)."""

import ast

from tests.conftest import ROOT

CACHES = ("cache_data", "cache_resource")


def _cached_functions():
    tree = ast.parse((ROOT / "lib" / "ui" / "cache.py").read_text())
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef):
            continue
        for decorator in function.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") in CACHES:
                yield function, {keyword.arg for keyword in decorator.keywords}


def test_caches_with_arguments_have_max_entries_or_ttl():
    functions = list(_cached_functions())
    assert len(functions) > 10
    unbounded = [function.name for function, keywords in functions
                 if function.args.args and not keywords & {"max_entries", "ttl"}]
    assert unbounded == []


def test_streamlit_caches_live_only_in_lib_ui_cache():
    # Pages and other modules go through lib/ui/cache.py, so the test above sees every cache
    # (lib/ui/server.py's once-per-process resource takes no arguments).
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("lib/**/*.py"),
                 ROOT / "streamlit_app.py"]:
        if path.relative_to(ROOT).as_posix() not in ("lib/ui/cache.py", "lib/ui/server.py"):
            assert "st.cache_" not in path.read_text(), path
