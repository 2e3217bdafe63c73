"""Home: what Keras is, its modules (the tutorial's table), and the active model's card."""

import streamlit as st

from lib import i18n, session

session.init_state()
t = session.translator()

st.title(t("home.title"), anchor=False)
st.markdown(t("home.intro"))

st.subheader(t("home.modules"), anchor=False)
# (module, page that explores it or None): the tutorial's table of Keras modules.
MODULES = [
    ("layers", "app_pages/layers.py"),
    ("models", "app_pages/train.py"),
    ("optimizers", "app_pages/optimizers.py"),
    ("activations", "app_pages/activations.py"),
    ("datasets", "app_pages/datasets.py"),
    ("applications", "app_pages/applications.py"),
]
for module, page in MODULES:
    name, what, link = st.columns([1, 4, 1.4], vertical_alignment="center")
    name.markdown(f"**`keras.{module}`**")
    what.write(t(f"home.module.{module}"))
    if page:
        link.page_link(page, label=t("home.explore"), icon=":material/arrow_forward:")
    else:
        link.caption(t("home.not_yet"))

st.subheader(t("home.active_model"), anchor=False)
active = session.active_model()
st.markdown(active.label)  # Markdown in which an uploaded file's or a run's name is a literal.
st.page_link("app_pages/inside.py", label=t("inside.home_link"), icon=":material/biotech:")
card = active.card
if card is None:
    st.info(t("home.card.none"), icon=":material/info:")
    st.metric(t("home.card.params"), f"{active.model.count_params():,}")
else:
    accuracy, params, epochs = st.columns(3)
    accuracy.metric(t("home.card.accuracy"), f"{card['test_accuracy']:.2%}")
    params.metric(t("home.card.params"), f"{card['parameters']:,}")
    epochs.metric(t("home.card.epochs"), card["epochs"])
    split = card["split"]
    # The data's origin is a file name, perhaps an uploaded one.
    st.markdown(
        f"- **{t('home.card.source')}**: {card['data_source']} "
        f"({i18n.markdown_literal(card['data_origin'])}), "
        f"{split['train']:,} / {split['test']:,}\n"
        f"- **{t('home.card.augmentation')}**: {card['augmentation']}\n"
        f"- **{t('home.card.versions')}**: {card['keras_version']} / {card['tensorflow_version']}\n"
        f"- **{t('home.card.date')}**: {card['date']}"
    )
    st.caption(t("home.card.reproduce"))
    st.code(card["command"], language="bash")
