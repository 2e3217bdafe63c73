"""The glossary: the words a lesson uses, explained where they appear, in the page's language.

A term's name and meaning are `glossary.<term>.name` and `glossary.<term>` in
`lib/i18n/common.py`; a Keras argument's meaning is `argument.<name>` there, or
`argument.<owner>.<name>` where one name means two things (BatchNormalization's
`momentum` is not SGD's).
"""

import streamlit as st

from lib import i18n

TERMS = ("epoch", "batch", "validation_split", "overfitting", "learning_rate", "feature_map",
         "saliency")


def tooltip(term, t):
    """A term's meaning, for a widget's `help=`.

    Args:
        term: One of `TERMS`.
        t: The page's translator.

    Returns:
        The translated meaning.
    """
    return t(f"glossary.{term}")


def popover(terms, t, where=st):
    """A "Glossary" button that opens the terms' names and meanings.

    Args:
        terms: Some of `TERMS`, in the order to show them.
        t: The page's translator.
        where: Where to draw the button (`st`, a column or a container).
    """
    with where.popover(t("glossary.title"), icon=":material/menu_book:"):
        st.markdown("\n".join(f"- **{t(f'glossary.{term}.name')}**: {tooltip(term, t)}"
                              for term in terms))


def argument_tooltip(name, t, owner=None):
    """What a Keras argument means, for its widget's `help=`.

    Args:
        name: The argument's Keras name (`"kernel_size"`).
        t: The page's translator.
        owner: The layer, optimizer or activation it belongs to, for the names that mean
            something else there (`"BatchNormalization"`).

    Returns:
        The translated meaning.
    """
    key = f"argument.{owner}.{name}"
    return t(key if key in i18n.TEXTS else f"argument.{name}")
