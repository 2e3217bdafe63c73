"""Every user-visible string, in English and 简体中文.

Each key maps to an `(english, chinese)` pair, so the two languages cannot drift
apart. Keys carry the prefix of the page or module that shows them, and live in
the module of that page (`lib/i18n/train.py` holds `train.*`); texts several pages
or `lib` modules share live in `lib/i18n/common.py`. Pages get a translator for the
session's language from `lib.ui.session.translator()`.
"""

import numbers
import re

from lib.i18n import (
    activations,
    applications,
    common,
    datasets,
    home,
    inside,
    layers,
    optimizers,
    recognize,
    teach,
    train,
)

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"

# Each module's `TEXTS`; a key lives in exactly one of them.
MODULES = (common, home, recognize, teach, train, layers, activations, optimizers, inside,
           datasets, applications)


def _merge(modules):
    merged, owners = {}, {}
    for module in modules:
        for key in module.TEXTS:
            if key in owners:
                raise ValueError(
                    f"Expected each translation key in one module. Received {key!r} in both "
                    f"{owners[key]} and {module.__name__}. Keep it in one: the page's module, "
                    "or lib.i18n.common if several pages show it."
                )
            owners[key] = module.__name__
        merged.update(module.TEXTS)
    return merged


TEXTS = _merge(MODULES)


def text(key, language=DEFAULT_LANGUAGE, **kwargs):
    """Returns the text for `key` in `language`, formatted with `kwargs`.

    Args:
        key: A key of `TEXTS`, such as `"home.title"`.
        language: `"en"` or `"zh"`.
        **kwargs: Values for the `{placeholders}` in the text.

    Returns:
        The translated, formatted string.

    Raises:
        KeyError: if `key` is unknown (a typo in the code, caught by the tests).
        ValueError: if `language` is not one of `LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"Unknown language: {language!r}. Expected one of {sorted(LANGUAGES)}."
        )
    english, chinese = TEXTS[key]
    template = chinese if language == "zh" else english
    return template.format(**kwargs) if kwargs else template


def translator(language):
    """Returns `t(key, **kwargs)` bound to `language`."""

    def t(key, **kwargs):
        return text(key, language, **kwargs)

    return t


# Names a user chose (a model's file name, the layer names in an uploaded model's config, a
# run's or a saved model's name) reach st.markdown, st.caption, st.error ... and widget labels,
# which all render Markdown with Streamlit's additions (:red[...], :material/icon:, emoji
# shortcodes, $LaTeX$). Backslash escapes do not stop everything there: GitHub-style autolinks
# (http://..., www...., a@b.c) and shortcodes are found in the text after escapes are undone
# (checked in Chromium with Streamlit 1.67). An inline code span is the one construct whose
# content Markdown shows exactly as written, so a name is shown as one.
MAX_LITERAL_CHARACTERS = 120
# Control characters and the bidirectional overrides that can make a name read backwards.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def markdown_literal(value):
    """`value` as Markdown that shows it literally: an inline code span on one line.

    Use it for every user-supplied value that goes into Markdown (a text's placeholder, a
    label, a caption), never for plain-text places (dataframe cells, select options, file
    names of downloads), where its backticks would show. It is safe inside a text's own
    backticks too: those only lengthen the fence.

    Args:
        value: Anything; it is shown as `str(value)` with whitespace runs (newlines too) as
            one space, control and bidirectional-override characters as U+FFFD, and at most
            `MAX_LITERAL_CHARACTERS` characters.

    Returns:
        A string such as ``"`` my_model.keras ``"``, or `""` for an empty value.
    """
    shown = _UNPRINTABLE.sub("\ufffd", " ".join(str(value).split()))
    if len(shown) > MAX_LITERAL_CHARACTERS:
        shown = shown[: MAX_LITERAL_CHARACTERS - 1] + "\u2026"
    if not shown:
        return ""
    # A fence longer than any run of backticks inside; the spaces let the name start or end
    # with one (Markdown strips one space on each side).
    fence = "`" * (max(map(len, re.findall("`+", shown)), default=0) + 1)
    return f"{fence} {shown} {fence}"


def markdown_message(error, language):
    """An error's message in `language`, with every value it names shown literally in Markdown.

    For errors that translate themselves from a `details` dict (`lib.errors.InputError` and
    its kind, `lib.layer_stack.StackError`): their text is ours, their details may be a user's
    (a file name, a layer name), so each detail that is not a number goes through
    `markdown_literal`. Any other error is shown whole as a literal.

    Args:
        error: An exception.
        language: `"en"` or `"zh"`.

    Returns:
        Markdown for `st.error`.
    """
    details = getattr(error, "details", None)
    if not isinstance(details, dict) or not callable(getattr(error, "message", None)):
        return markdown_literal(error)
    # A copy of the error with its details made literal; the error itself is left as it is
    # (it may be shared: cached, or kept in a session's state).
    literal = BaseException.__new__(type(error))
    literal.__dict__.update(vars(error))
    literal.details = {name: value if isinstance(value, numbers.Number) or value is None
                       else markdown_literal(value) for name, value in details.items()}
    return literal.message(language)
