"""lib.ui.glossary: every term and every Keras argument a widget offers is explained, in English
and in Chinese."""

import re

import pytest

from lib import i18n, layer_stack, models
from lib.explore import activations, layers
from lib.ui import glossary

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Every argument a page draws with `widgets.argument_input`, and what owns it.
ARGUMENTS = sorted({
    *((owner, argument.name) for owner, arguments in layer_stack.ARGUMENTS.items()
      for argument in arguments),
    *((owner, argument.name) for owner, arguments in layers.LAYERS.items()
      for argument in arguments),
    *((name, argument.name) for name, spec in activations.ACTIVATIONS.items()
      for argument in spec.arguments),
    *((name, argument) for name in models.OPTIMIZERS
      for argument in models.optimizer_arguments(name)),
})


@pytest.mark.parametrize("term", glossary.TERMS)
def test_every_term_has_a_name_and_a_meaning_in_both_languages(term):
    english, chinese = i18n.translator("en"), i18n.translator("zh")
    assert glossary.tooltip(term, english) == i18n.text(f"glossary.{term}")
    assert CHINESE.search(glossary.tooltip(term, chinese))
    assert CHINESE.search(chinese(f"glossary.{term}.name"))
    assert english(f"glossary.{term}.name") != chinese(f"glossary.{term}.name")


@pytest.mark.parametrize(("owner", "name"), ARGUMENTS)
def test_every_argument_a_widget_offers_has_a_chinese_tooltip(owner, name):
    english = glossary.argument_tooltip(name, i18n.translator("en"), owner)
    chinese = glossary.argument_tooltip(name, i18n.translator("zh"), owner)
    assert english and not CHINESE.search(english)
    assert CHINESE.search(chinese), (owner, name)


def test_a_name_that_means_two_things_has_its_owners_text():
    t = i18n.translator("en")
    assert "running mean" in glossary.argument_tooltip("momentum", t, "BatchNormalization")
    assert glossary.argument_tooltip("momentum", t, "sgd").startswith("SGD:")
    assert glossary.argument_tooltip("momentum", t) == t("argument.momentum")
    assert glossary.argument_tooltip("epsilon", t, "BatchNormalization") != glossary.\
        argument_tooltip("epsilon", t, "adam")


def test_no_argument_text_is_left_unused():
    # An `argument.*` key that no widget shows would be a translation nobody reads.
    used = {f"argument.{name}" for _, name in ARGUMENTS} | {
        f"argument.{owner}.{name}" for owner, name in ARGUMENTS}
    unused = sorted(key for key in i18n.TEXTS if key.startswith("argument.") and key not in used)
    assert not unused
