"""Presentation mode (`?present=1`): every page laid out for a 1024 x 768 projector, and the fonts
every page uses, in both modes.

`apply(classroom.presenting())` runs once per script run, in the entrypoint. Presentation
mode collapses the sidebar (a teacher can still open it), sets larger type and gives the page
the projector's whole width. Both modes get a font stack that falls back well for Chinese,
and metrics that shrink to fit their box rather than end in "…".
"""

import streamlit as st

# `?present=1` turns presentation mode on: lib.ui.classroom takes it from a link (and the
# teacher's panel toggles it) and says whether it is on (`classroom.presenting()`).

# Chinese fonts a student's computer is likely to have, by platform, in the order they look best:
# macOS, Windows, then Linux and Android (Noto CJK / Source Han are one design).
CJK_FONTS = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
             "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei")
# The names `local()` knows them by (a face's full name and PostScript name; the two differ).
_CJK_LOCAL_NAMES = ("PingFang SC Regular", "PingFangSC-Regular", "Hiragino Sans GB W3",
                    "HiraginoSansGB-W3", "Microsoft YaHei", "MicrosoftYaHei",
                    "Noto Sans CJK SC", "Noto Sans CJK SC Regular", "NotoSansCJKsc-Regular",
                    "Noto Sans SC", "Noto Sans SC Regular", "NotoSansSC-Regular",
                    "Source Han Sans SC", "Source Han Sans SC Regular",
                    "SourceHanSansSC-Regular", "WenQuanYi Micro Hei", "WenQuanYiMicroHei")
# Streamlit's own font first (its Latin), then the system's, then Chinese ones.
FONT_STACK = ", ".join(['"Source Sans"', "system-ui", *(f'"{name}"' for name in CJK_FONTS),
                       "sans-serif"])
# CJK radicals, punctuation, kana and bopomofo, ideographs (with extension A), compatibility
# ideographs and forms, full-width forms.
_CJK_RANGES = ("U+2E80-2FFF, U+3000-30FF, U+3100-31FF, U+3200-4DBF, U+4E00-9FFF, U+F900-FAFF, "
               "U+FE30-FE4F, U+FF00-FFEF")

# Streamlit names "Source Sans" on each element it draws, not only on the page, so a stack set on
# the page reaches few of them. A second face of that same family, for CJK characters only and
# with Streamlit's own descriptors (weights 100 to 900, upright), gives every one of them a local
# Chinese font; where none is installed the browser falls back as before. Latin text keeps
# Streamlit's font.
_FONTS_CSS = f"""
@font-face {{
  font-family: "Source Sans";
  font-style: normal;
  font-weight: 100 900;
  src: {", ".join(f'local("{name}")' for name in _CJK_LOCAL_NAMES)};
  unicode-range: {_CJK_RANGES};
}}
.stApp {{ font-family: {FONT_STACK}; }}
"""

# A metric's value shrinks with its box (a container query on the metric) instead of being cut to
# "100.…": from Streamlit's 2.25rem down to 1.25rem, and it may wrap at a space ("(1, 28, 28, 1)");
# its label wraps rather than ending in "…". Not for a metric as wide as its content
# (`width="content"`): a container's width must not depend on what it contains.
_METRICS_CSS = """
[data-testid="stElementContainer"]:not([width="fit-content"]) > [data-testid="stMetric"] {
  container-type: inline-size;
}
.stApp [data-testid="stMetricValue"] { font-size: clamp(1.25rem, 26cqi, 2.25rem); }
.stApp [data-testid="stMetric"] [data-testid="stMarkdownContainer"],
.stApp [data-testid="stMetric"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip;
}
"""

# A page link's label wraps rather than being cut at its column's edge (the lesson path's steps in
# Chinese, at 1024 px).
_PAGE_LINKS_CSS = """
.stApp [data-testid="stPageLink-NavLink"] :is(span, div, p):not([data-testid="stIconMaterial"]) {
  white-space: normal; overflow: visible; text-overflow: clip;
}
"""

# A segmented control's options wrap onto a second line rather than scroll out of a narrow column
# (/inside's "Which test digit" at 1024 px).
_SEGMENTED_CSS = """
.stApp [data-testid="stButtonGroup"] > [role="radiogroup"] { flex-wrap: wrap; }
"""

# Below 1200 px (a projector's 1024 with the sidebar open) Streamlit's 5rem either side of the
# page leaves its columns too narrow for their widgets: 2rem is enough.
_NARROW_CSS = """
@media (max-width: 1200px) {
  [data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem; }
}
"""

# Base size of the type in presentation mode (Streamlit's is 16 px): rem-sized text, widgets
# and spacing grow with it; charts and the canvas keep their pixel sizes.
PRESENTATION_FONT_PX = 19

# The sidebar is collapsed (see `apply`); the page takes the projector's width and starts just
# below Streamlit's header instead of 6rem down. Code wraps: nobody scrolls a projected line.
_PRESENTATION_CSS = f"""
html {{ font-size: {PRESENTATION_FONT_PX}px; }}
[data-testid="stMainBlockContainer"] {{
  padding: 3.5rem 1.5rem 4rem;
  max-width: none;
}}
.stApp [data-testid="stCode"] code {{ white-space: pre-wrap !important; overflow-wrap: anywhere; }}
"""


def apply(enabled):
    """Styles this run's page: the fonts and metrics always, the projector's layout if `enabled`.

    Call it on every run (Streamlit forgets the styles of a run that did not send them).

    Args:
        enabled: Presentation mode (`enabled()`).
    """
    css = (_FONTS_CSS + _METRICS_CSS + _PAGE_LINKS_CSS + _SEGMENTED_CSS + _NARROW_CSS
           + (_PRESENTATION_CSS if enabled else ""))
    # Only a style: Streamlit puts it out of the page's flow, so it takes no room.
    st.html(f"<style>{css}</style>")
    # Collapsed when presentation mode starts, and open again when it ends. The browser applies
    # a change of this setting only: a sidebar the teacher opens stays open on later runs.
    st.set_page_config(initial_sidebar_state="collapsed" if enabled else "auto")
