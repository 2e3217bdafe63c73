"""Home: what Keras is, its modules (the tutorial's table), and the active model's card."""

import streamlit as st

from lib import i18n, training
from lib.ui import session

session.init_state()
t = session.translator()

st.title(t("home.title"), anchor=False)
st.markdown(t("home.intro"))

st.subheader(t("home.path"), anchor=False)
# (step, page, icon): the lesson's order through the lab. Step 5 is "teach it": /recognize's
# corrections fine-tune a copy of the model on the student's handwriting (issue 17).
PATH = [
    ("draw", "app_pages/recognize.py", ":material/draw:"),
    ("saw", "app_pages/recognize.py", ":material/visibility:"),
    ("inside", "app_pages/inside.py", ":material/biotech:"),
    ("train", "app_pages/train.py", ":material/model_training:"),
    ("handwriting", "app_pages/recognize.py", ":material/school:"),
]
for step, page, icon in PATH:
    link, what = st.columns([1.6, 4], vertical_alignment="center")
    link.page_link(page, label=t(f"home.path.{step}.title"), icon=icon)
    what.write(t(f"home.path.{step}"))

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
    # Wide enough for `keras.applications` whole, at 1024 px and on the projector's type.
    name, what, link = st.columns([2.2, 4, 1.4], vertical_alignment="center")
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
    # (label, value, help). Beside the MNIST figure, the bundled model's card has figures on
    # digits it never trained on (bench/bench_generalization.py); other cards do not.
    figures = card.get("generalization")
    metrics = [(t("home.card.accuracy"), f"{card['test_accuracy']:.2%}", None)]
    if figures:
        optdigits = figures["optdigits"]
        styles = {name: figures[f"styles_{name}"]["accuracy"]
                  for name in ("canvas", "black_on_white", "phone_photo")}
        metrics = [
            (*metrics[0][:2],
             t("home.generalization.mnist_help", digits=figures["mnist_test"]["digits"])),
            (t("home.generalization.optdigits"), f"{optdigits['accuracy']:.1%}",
             t("home.generalization.optdigits_help", digits=optdigits["digits"],
               confident_wrong=optdigits["confident_wrong"])),
            (t("home.generalization.styles"), f"{min(styles.values()):.1%}",
             t("home.generalization.styles_help", digits=figures["styles_canvas"]["digits"],
               **styles)),
        ]
    metrics += [(t("home.card.params"), f"{card['parameters']:,}", None),
                (t("home.card.epochs"), card["epochs"], None)]
    for column, (label, value, help_text) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(label, value, help=help_text)
    if figures:
        st.caption(t("home.generalization.caption"))
    split, source = card["split"], card["data_source"]
    # The card names its data and augmentation; the texts are the page's language. The data's
    # origin is a file name, perhaps an uploaded one; a card's own text is shown literally.
    data = dict(origin=i18n.markdown_literal(card["data_origin"]), n_train=split["train"],
                n_test=split["test"])
    if f"home.card.data.{source}" in i18n.TEXTS:
        trained_on = t(f"home.card.data.{source}", **data)
    else:
        trained_on = t("home.card.data.other", source=i18n.markdown_literal(source), **data)
    augmentation = training.card_augmentation(card)
    lines = [f"- **{t('home.card.source')}**: {trained_on}"]
    if synthetic := card.get("synthetic"):
        lines.append(f"- **{t('home.generalization.synthetic')}**: " + t(
            "home.generalization.synthetic_value", fonts=synthetic["fonts"]["count"],
            font_count=len(synthetic["fonts"]["fonts"]), strokes=synthetic["strokes"]["count"],
            styles=len(synthetic["strokes"]["styles"])))
    lines += [f"- **{t('home.card.augmentation')}**: "
              + (t(f"home.card.augmentation.{augmentation}") if augmentation
                 else i18n.markdown_literal(card["augmentation"])),
              f"- **{t('home.card.versions')}**: {card['keras_version']} / "
              f"{card['tensorflow_version']}",
              f"- **{t('home.card.date')}**: {card['date']}"]
    st.markdown("\n".join(lines))
    st.caption(t("home.card.reproduce"))
    st.code(card["command"], language="bash")
