"""A page's choices in its URL, for widgets that show translated labels.

Streamlit binds a widget to the URL itself (`bind="query-params"`), and most of the lab's
widgets use that. A widget that shows its options through a translated `format_func` would
write the translated label into the URL (`?recognize_mode=上传`), so the same page would have
one link per language. These widgets keep their option's name in the URL instead:
`choice(...)` takes the link's value when the session has none, and writes the value back
after every run, as /train does with its settings.
"""

import streamlit as st


def take(key, options):
    """Sets `st.session_state[key]` to the option the link names, if it names one.

    Returns:
        Whether the link named one of `options`.
    """
    given = st.query_params.get(key)
    by_name = {str(option): option for option in options}
    if given not in by_name:
        return False
    st.session_state[key] = by_name[given]
    return True


def choice(widget, label, options, key, **kwargs):
    """Draws `widget(label, options, key=key, **kwargs)` with its value kept in the URL by name.

    Args:
        widget: `st.selectbox`, `st.radio`, `st.segmented_control` (or a column's).
        label: The widget's label.
        options: The options (their `str` is what the URL holds).
        key: The widget's key, and the URL parameter's name.
        **kwargs: The widget's other arguments (`format_func`, `default`, ...).

    Returns:
        The widget's value.
    """
    if key not in st.session_state and take(key, options):
        kwargs.pop("default", None)  # The session's value wins; a default would only warn.
        kwargs.pop("index", None)
    value = widget(label, options, key=key, **kwargs)
    if value is not None and st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)
    return value
