"""Applications: keras.applications models without weights; photos classified when weights exist."""

import pandas as pd
import streamlit as st

from lib import applications, datasets
from lib.charts import datasets as charts
from lib.errors import InputError
from lib.ui import cache, session

session.init_state()
t = session.translator()

st.title(t("applications.title"), anchor=False)
st.markdown(t("applications.intro"))

names = list(applications.APPLICATIONS)
name = st.selectbox(t("applications.model"), names, index=names.index("MobileNetV2"),
                    key="applications_model", bind="query-params")
spec = applications.get_spec(name)
with st.spinner(t("applications.building", name=name)):
    stats = cache.application_stats(name)
st.code(f"model = keras.applications.{name}(weights=None)  # {t('applications.no_download')}",
        language="python")
metrics = st.columns(5)
metrics[0].metric(t("applications.input"), " x ".join(map(str, stats.input_shape[:2])))
metrics[1].metric(t("applications.layers"), f"{stats.layers:,}")
metrics[2].metric(t("applications.params"), f"{stats.params / 1e6:,.1f} M")
metrics[3].metric(t("applications.size"), f"{stats.size_mb:,.1f} MB")
metrics[4].metric(t("applications.flops"), f"{stats.gflops:,.2f} G")
st.caption(t("applications.flops.help", params=f"{stats.params:,}",
             trainable=f"{stats.trainable_params:,}"))

with st.expander(t("applications.layer_table", count=stats.layers), icon=":material/table:"):
    st.dataframe(pd.DataFrame(
        [(row.name, row.kind, str(row.output_shape), row.params, row.multiply_adds)
         for row in stats.rows],
        columns=[t("applications.table.name"), t("applications.table.kind"),
                 t("applications.table.shape"), t("applications.table.params"),
                 t("applications.table.multiply_adds")]), hide_index=True, height=360)

st.subheader(t("applications.compare"), anchor=False)
chosen = st.multiselect(t("applications.compare.models"), names,
                        default=list(dict.fromkeys([*applications.DEFAULT_COMPARISON, name])),
                        key="applications_compare")
st.caption(t("applications.compare.help"))
if chosen:
    with st.spinner(t("applications.compare.building")):
        compared = [cache.application_stats(model) for model in chosen]
    st.plotly_chart(charts.models_figure(
        [item.name for item in compared], [item.gflops for item in compared],
        [item.params / 1e6 for item in compared], [item.size_mb for item in compared],
        t("applications.compare.title"), t("applications.compare.x"),
        t("applications.compare.y"), highlight=name), key="applications_compare_chart")

st.subheader(t("applications.weights"), anchor=False)
status = applications.weights_availability(name, reachable=cache.reachable)
size_mb = f"{stats.size_mb:,.0f}"
if status.state == "offline":
    st.warning(t("applications.weights.offline", name=name), icon=":material/cloud_off:")
    st.markdown(t("datasets.offline.file", url=spec.weights.origin,
                  path=datasets.cache_path(spec.weights)))
    st.code(f"python -c \"import keras; keras.applications.{name}()\"", language="bash")
    photo = None
elif status.state == "downloadable" and not st.toggle(
        t("applications.weights.download", size=size_mb), key=f"applications_download_{name}"):
    st.caption(t("applications.weights.download_help"))
    photo = None
else:
    photo = st.file_uploader(t("applications.photo"), type=["png", "jpg", "jpeg", "webp", "bmp"],
                             key="applications_photo")
    if photo is None:
        st.caption(t("applications.weights.on_request", name=name, size=size_mb))

if photo is not None:
    data = photo.getvalue()
    try:
        # The model and its weights are loaded only now, for a photo to classify.
        with st.spinner(t("applications.weights.loading", name=name)):
            pixels, rows, note, embedding, origin = cache.application_classify(
                name, cache.digest(data), data)
    except InputError as error:  # Not an image Pillow can read, a truncated one, a bomb.
        st.error(error.message(st.session_state["language"]), icon=":material/error:")
    except ValueError as error:  # A weights file that does not fit the model.
        st.error(str(error), icon=":material/error:")
    else:
        st.success(t("applications.weights.ready", origin=origin), icon=":material/check:")
        picture, top = st.columns([1, 2])
        picture.image(pixels, caption=t("applications.photo.seen", size=spec.input_size))
        labels = [description or t("applications.class_id", id=class_id)
                  for class_id, description, _ in rows]
        top.plotly_chart(charts.top_classes_figure(labels, [row[2] for row in rows],
                                                   t("applications.top5"),
                                                   t("applications.probability")),
                         key="applications_top5")
        if note:
            top.warning(t("applications.no_class_index"), icon=":material/cloud_off:")
            top.markdown(t("datasets.offline.file", url=applications.CLASS_INDEX.origin,
                           path=datasets.cache_path(applications.CLASS_INDEX)))
        st.plotly_chart(charts.embedding_figure(embedding,
                                                t("applications.embedding", size=len(embedding)),
                                                t("applications.feature"),
                                                t("applications.value")),
                        key="applications_embedding")

st.subheader(t("applications.recipes"), anchor=False)
embed_tab, tune_tab = st.tabs([t("applications.recipes.embedding"),
                               t("applications.recipes.fine_tuning")])
embed_tab.code(applications.embedding_code(name), language="python")
tune_tab.markdown(t("applications.recipes.fine_tuning.help"))
tune_tab.code(applications.fine_tuning_code(name), language="python")
