"""Classroom links: a page of the lab, its settings, the language, and the controls a teacher
hides, as one URL that a class opens (TensorFlow Playground's "use it in classroom").

Every page keeps its own settings in the URL: its widgets are bound to query parameters
(`bind="query-params"`, the parameter named after the widget's key), and /train writes its
own (`lib.train_settings`). This module knows the names: which parameters each page has,
which controls can be hidden, and how a link is written, so that the app's "Share with the
class" panel and `python -m lib.cli link` give the same link for the same choices.

A hidden control is a simpler view, not a lock: a student can remove `hide=` from the link.
Nothing in a link is a path or code: it names pages, presets and values, which each page
checks like any other input.
"""

import urllib.parse

from lib import registry, train_settings

# The pages, by their `url_path` in streamlit_app.py ("" is home).
PAGES = ("", "recognize", "train", "layers", "activations", "inside", "optimizers",
         "datasets", "applications")

# Each page's parameters besides /train's (which lib.train_settings reads and checks): the keys
# of the widgets bound to the URL.
PAGE_PARAMS = {
    "recognize": ("recognize_mode", "recognize_brush", "recognize_show_steps"),
    "layers": ("layers_type", "layers_digit", "layers_digit_source", "layers_seed"),
    "activations": ("activations_picks", "activations_range", "activations_derivative",
                    "activations_temperature"),
    "inside": ("inside_source", "inside_test_mode", "inside_test_index", "inside_digit"),
    "optimizers": ("optimizers_surface", "optimizers_steps", "optimizers_picks",
                   "optimizers_mnist_steps"),
    "datasets": ("datasets_mnist_split", "datasets_per_class", "datasets_seed",
                 "datasets_choice"),
    "applications": ("applications_model",),
}

# What a teacher may hide: a page in the navigation, or a control of a page.
CONTROLS = (
    *(f"nav.{page}" for page in PAGES if page),
    "sidebar.model",        # the model picker and the model upload
    "recognize.upload",     # /recognize: uploading files, a folder or a zip (drawing stays)
    "train.layers",         # /train: editing the layer stack (the preset stays)
    "train.optimizer",      # /train: the optimizer and its arguments
    "train.data",           # /train: the data source and an uploaded mnist.npz
    "inside.source",        # /inside: the choice of input (the link's stays)
)
# The parameters every page shares: the language, the hidden controls, presentation mode.
LANGUAGE, HIDE, PRESENT = "lang", "hide", "present"
SHARED = (LANGUAGE, HIDE, PRESENT)


def parse_hidden(text):
    """The controls a link's `hide=` names.

    Args:
        text: `"train.optimizer,nav.applications"` (or `None`).

    Returns:
        `(hidden, ignored)`: the known names in `CONTROLS`' order, and the unknown ones.
    """
    names = [name.strip() for name in str(text or "").split(",") if name.strip()]
    return ([name for name in CONTROLS if name in names],
            [name for name in names if name not in CONTROLS])


def classroom_link(base_url, page, language, settings=None, hidden=(), present=False):
    """The link that opens `page` for a class: the same choices give the same link.

    Args:
        base_url: The app's address, e.g. `"http://10.0.0.5:8501"`.
        page: A name in `PAGES` (`""` for home).
        language: `"en"` or `"zh"`.
        settings: The page's parameters (`{name: value}`, values as the URL writes them).
        hidden: Names in `CONTROLS`.
        present: Presentation mode (a projector's layout).

    Returns:
        The URL, with its parameters sorted.

    Raises:
        ValueError: for an unknown page, language, control or parameter (listing the known
            ones), or a /train value that `lib.train_settings` refuses.
    """
    registry.get(PAGES, page, "page")
    registry.get(("en", "zh"), language, "language")
    settings = {str(name): str(value) for name, value in (settings or {}).items()}
    known = known_params(page)
    for name in settings:
        registry.get(known, name, f"parameter of /{page}")
    if page == "train":
        _, ignored = train_settings.from_query(settings)
        if ignored:
            raise ValueError(f"Expected /train settings it can read. Received {ignored} "
                             "with values outside their bounds. See `python -m lib.cli train "
                             "--help` for the bounds.")
    for name in hidden:
        registry.get(CONTROLS, name, "control")
    query = {**settings, LANGUAGE: language}
    if hidden:
        query[HIDE] = ",".join(name for name in CONTROLS if name in hidden)
    if present:
        query[PRESENT] = "1"
    return (f"{base_url.rstrip('/')}/{page}?"
            + urllib.parse.urlencode(sorted(query.items()), safe=",~"))


def known_params(page):
    """The parameters page `page` reads from its URL."""
    if page == "train":
        return (*(setting.query for setting in train_settings.SETTINGS.values()),
                *train_settings.OPTIMIZER_ARGUMENTS, "stack")
    return PAGE_PARAMS.get(page, ())
