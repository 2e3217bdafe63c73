"""Datasets: MNIST from whichever source `lib.data` has; other `keras.datasets` when reachable."""

import pandas as pd
import streamlit as st

from lib import datasets, i18n
from lib.charts import datasets as charts
from lib.ui import cache, session, url_state

session.init_state()
t = session.translator()
language = st.session_state["language"]
SPLITS = {"train": t("datasets.split.train"), "test": t("datasets.split.test")}
DIGITS = [str(digit) for digit in range(10)]

st.title(t("datasets.title"), anchor=False)
st.markdown(t("datasets.intro"))

st.header(t("datasets.mnist"), anchor=False)
digits = cache.mnist()
st.info(t(f"data.source.{digits.source}", **digits.describe()), icon=":material/database:")
for note in digits.notes:
    st.caption(t("datasets.mnist.why_embedded", reason=note.message(language)))

controls = st.columns(3)
split = url_state.choice(controls[0].radio, t("datasets.split"), list(SPLITS),
                         "datasets_mnist_split", format_func=SPLITS.get, horizontal=True)
per_class = controls[1].slider(t("datasets.per_class"), 5, 20, 12,
                               key="datasets_per_class", bind="query-params")
seed = controls[2].number_input(t("datasets.seed"), 0, 9999, 0,
                                key="datasets_seed", bind="query-params")
views = cache.mnist_views(per_class=per_class, seed=seed)
st.plotly_chart(charts.image_grid(views["examples"][split], DIGITS,
                                  title=t("datasets.mnist.grid", split=SPLITS[split])),
                key="datasets_mnist_grid")

balance, means = st.columns(2)
shares = {SPLITS[name]: counts / counts.sum() for name, counts in views["balance"].items()}
balance.plotly_chart(charts.split_bars(DIGITS, shares, t("datasets.balance"), t("datasets.digit"),
                                       t("datasets.share"), percent=True),
                     key="datasets_mnist_balance")
means.plotly_chart(charts.mean_images_figure(views["means"], DIGITS, t("datasets.means")),
                   key="datasets_mnist_means")
means.caption(t("datasets.means.help"))

histogram, comparison = st.columns(2)
edges = views["histogram"]["train"][1]
histogram.plotly_chart(charts.histogram_figure(
    edges, {SPLITS[name]: shares for name, (shares, _) in views["histogram"].items()},
    t("datasets.histogram"), t("datasets.intensity"), t("datasets.pixel_share")),
    key="datasets_mnist_histogram")
histogram.caption(t("datasets.histogram.help"))
comparison.markdown(f"**{t('datasets.compare')}**")
rows = {t(f"datasets.compare.{statistic}"): {
    SPLITS[split]: f"{value:,}" if statistic == "examples" else f"{value:.3g}"
    for split, value in values.items()}
    for statistic, values in views["summary"].items() if statistic != "mean_image_gap"}
comparison.dataframe(pd.DataFrame(rows).T)
comparison.caption(t("datasets.compare.gap", gap=views["summary"]["mean_image_gap"]["train"]))

st.header(t("datasets.others"), anchor=False)
st.markdown(t("datasets.others.intro"))
states = {name: datasets.availability(spec.files, reachable=cache.reachable)
          for name, spec in datasets.DATASETS.items()}
st.dataframe(pd.DataFrame({
    t("datasets.table.dataset"): [f"keras.datasets.{name}" for name in states],
    t("datasets.table.kind"): [t(f"datasets.kind.{datasets.DATASETS[name].kind}")
                               for name in states],
    t("datasets.table.state"): [t(f"datasets.state.{state.state}") for state in states.values()],
}), hide_index=True)

others = [name for name in datasets.DATASETS if name != "mnist"]
name = url_state.choice(st.selectbox, t("datasets.choose"), others, "datasets_choice",
                        format_func=lambda key: t(f"datasets.name.{key}"))
status = states[name]
if status.state == "offline":
    st.warning(t("datasets.offline", name=name), icon=":material/cloud_off:")
    for file in status.missing:
        st.markdown(t("datasets.offline.file", url=file.origin, path=datasets.cache_path(file)))
    st.code(f"python -c \"import keras; keras.datasets.{name}.load_data()\"", language="bash")
    st.stop()
if status.state == "downloadable" and not st.toggle(t("datasets.download"),
                                                    key=f"datasets_download_{name}"):
    st.caption(t("datasets.download.help"))
    st.stop()

try:
    with st.spinner(t("datasets.loading", name=name)):
        dataset = cache.keras_dataset(name)
except datasets.Unavailable:  # Out of reach since the table above was made.
    st.warning(t("datasets.offline", name=name), icon=":material/cloud_off:")
    st.stop()
except ValueError as error:
    st.error(i18n.markdown_message(error, language), icon=":material/error:")
    st.stop()
st.success(t("datasets.loaded", name=name, n_train=len(dataset.y_train),
             n_test=len(dataset.y_test)), icon=":material/check:")
spec = dataset.spec
# The classes' names in the page's language, where they are words (Reuters's are its codes).
names_key = f"datasets.classes.{name}"
class_names = t(names_key).split("|") if names_key in i18n.TEXTS else spec.class_names
if spec.word_index is not None and dataset.word_index is None:
    st.warning(t("datasets.no_word_index", name=name), icon=":material/cloud_off:")
    st.markdown(t("datasets.offline.file", url=spec.word_index.origin,
                  path=datasets.cache_path(spec.word_index)))

if spec.kind == "images":
    examples = datasets.examples(dataset.x_train, dataset.y_train, 10, seed=seed)
    st.plotly_chart(charts.image_grid(examples, class_names,
                                      title=t("datasets.grid", name=name)),
                    key="datasets_other_grid")
    counts = {SPLITS["train"]: datasets.class_balance(dataset.y_train, len(class_names)),
              SPLITS["test"]: datasets.class_balance(dataset.y_test, len(class_names))}
    st.plotly_chart(charts.split_bars(class_names, counts, t("datasets.counts"),
                                      t("datasets.class"), t("datasets.count")),
                    key="datasets_other_balance")
elif spec.kind == "text":
    counts = datasets.class_balance(dataset.y_train, len(class_names))
    left, right = st.columns(2)
    left.plotly_chart(charts.count_bars(class_names, counts, t(f"datasets.labels.{name}"),
                                        t("datasets.count"), "", horizontal=name == "reuters",
                                        height=900 if name == "reuters" else 300),
                      key="datasets_text_labels")
    right.plotly_chart(charts.values_histogram(datasets.sequence_lengths(dataset.x_train),
                                               t("datasets.lengths"), t("datasets.words"),
                                               t("datasets.count")),
                       key="datasets_text_lengths")
    index = right.number_input(t("datasets.example"), 0, len(dataset.y_train) - 1, 0,
                               key=f"datasets_example_{name}")
    label = class_names[int(dataset.y_train[index])]
    right.markdown(t("datasets.example.label", label=label))
    right.text_area(t("datasets.example.text"), datasets.decode(dataset.x_train[index],
                                                                 dataset.word_index),
                    height=220, disabled=True, key=f"datasets_text_{name}_{index}")
else:
    features = datasets.table_features(dataset)
    table = pd.DataFrame(dataset.x_train, columns=features)
    table[t("datasets.target")] = dataset.y_train
    st.dataframe(table.head(200), height=260)
    feature = st.selectbox(t("datasets.feature"), features, key=f"datasets_feature_{name}")
    left, right = st.columns(2)
    column = list(features).index(feature)
    left.plotly_chart(charts.scatter_figure(dataset.x_train[:, column], dataset.y_train,
                                            t("datasets.scatter", feature=feature), feature,
                                            t("datasets.target")),
                      key="datasets_table_scatter")
    right.plotly_chart(charts.values_histogram(dataset.y_train, t("datasets.target_histogram"),
                                               t("datasets.target"), t("datasets.count")),
                       key="datasets_table_histogram")
