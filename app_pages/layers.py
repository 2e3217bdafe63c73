"""Layers: apply a real Keras layer to a digit, set a 3 x 3 kernel by hand, build a model 3 ways."""

import hashlib

import pandas as pd
import streamlit as st

from lib import explore
from lib.charts import explore as charts
from lib.ui import cache, glossary, session, url_state, widgets

session.init_state()
t = session.translator()
language = st.session_state["language"]

st.title(t("layers.title"), anchor=False)
st.markdown(t("layers.intro"))

drawn = st.session_state["recognize_last_digit"]
source_column, label_column, type_column = st.columns(3)
sources = ["test", "drawn"] if drawn is not None else ["test"]
source = url_state.choice(source_column.radio, t("layers.digit.source"), sources,
                          "layers_digit_source", horizontal=True,
                          format_func=lambda value: t(f"layers.digit.{value}"))
if source == "drawn":
    digit = drawn
    digit_key = hashlib.sha256(drawn.tobytes()).hexdigest()
else:
    label = label_column.selectbox(t("layers.digit"), range(10), index=7,
                                   key="layers_digit", bind="query-params")
    digit, digit_key = cache.explore_test_digit(label), f"test-{label}"
layer_type = type_column.selectbox(t("layers.type"), list(explore.layers.LAYERS), index=1,
                                   key="layers_type", bind="query-params")

st.subheader(t("layers.arguments"), anchor=False)
specification = explore.layers.LAYERS[layer_type]
columns = st.columns(4)
arguments = {argument.name: widgets.argument_input(
                 argument, columns[index % 4], f"layers_{layer_type}_{argument.name}", t,
                 help=glossary.argument_tooltip(argument.name, t, layer_type))
             for index, argument in enumerate(specification)}
seed = 0
if layer_type in ("Dense", "Conv2D"):
    seed = columns[len(specification) % 4].number_input(t("layers.seed"), 0, 9999, 0,
                                                        key="layers_seed", bind="query-params")
st.info(t(f"layers.what.{layer_type}"), icon=":material/school:")

try:
    result = cache.explore_layer(layer_type, arguments, digit_key, digit, seed=seed)
except ValueError as error:
    st.error(error.message(language) if hasattr(error, "message") else str(error),
             icon=":material/error:")
    result = None

if result is not None:
    st.code(result.code, language="python")
    shapes = st.columns(3)
    shapes[0].metric(t("layers.input_shape"), str(result.input_shape))
    shapes[1].metric(t("layers.output_shape"), str(result.output_shape))
    shapes[2].metric(t("layers.params"), f"{result.params:,}")
    st.markdown(t("layers.formula", formula=f"`{result.formula}`") if result.params
                else t("layers.no_params"))
    if result.regularization_loss:
        st.caption(t("layers.regularization", loss=result.regularization_loss))
    if result.output.ndim == 1:
        title = t("layers.dense_bars") if layer_type == "Dense" else t("layers.output")
        x_title = t("layers.unit") if layer_type == "Dense" else t("layers.position")
        st.plotly_chart(charts.bars_figure(result.output, title, x_title, t("layers.value")),
                        key="layers_output_chart")
    elif result.training_output is not None:
        panels = [(t("layers.input"), digit), (t("layers.inference"), result.output[0]),
                  (t("layers.training"), result.training_output[0])]
        if result.mask is not None:
            panels.append((t("layers.mask"), result.mask))
        st.plotly_chart(charts.images_figure(panels), key="layers_output_chart")
    else:
        input_column, output_column = st.columns([1, 3])
        input_column.plotly_chart(charts.images_figure([(t("layers.input"), digit)], height=260),
                                  key="layers_input_chart")
        output_column.plotly_chart(charts.maps_figure(result.output, t("layers.output"),
                                                      t("layers.map")),
                                   key="layers_output_chart")
    config_tab, weights_tab = st.tabs([t("layers.config"), t("layers.weights")])
    config_tab.json(result.config, expanded=True)
    if result.weights:
        weights_tab.markdown("\n".join(
            "- " + t("layers.weights.row", name=f"`{weight.name}`", shape=weight.shape,
                     kind=t("layers.trainable" if weight.trainable else "layers.non_trainable"))
            for weight in result.weights))
        weights_tab.plotly_chart(charts.histograms_figure(
            [(weight.name, weight.values) for weight in result.weights], t("layers.count")),
            key="layers_weights_chart")
    else:
        weights_tab.write(t("layers.weights.none"))

st.divider()
st.subheader(t("layers.kernel.title"), anchor=False)
st.markdown(t("layers.kernel.intro"))
controls, grid, picture = st.columns([1, 1, 2])
preset = controls.selectbox(t("layers.kernel.preset"), list(explore.layers.CONV_PRESETS),
                            key="layers_kernel_preset",
                            format_func=lambda name: t(f"layers.kernel.preset.{name}"))
bias = controls.number_input(t("layers.kernel.bias"), -5.0, 5.0, 0.0, step=0.1,
                             key="layers_kernel_bias")
activation = controls.selectbox(t("layers.kernel.activation"), [None, "relu"],
                                key="layers_kernel_activation",
                                format_func=lambda value: t("layers.none") if value is None
                                else value)
# A new preset gets a fresh editor (its key), so the grid shows the preset's numbers.
edited = grid.data_editor(pd.DataFrame(explore.layers.conv_preset(preset)).round(3),
                          key=f"layers_kernel_grid_{preset}", hide_index=True)
grid.caption(t("layers.kernel.weights"))
kernel = edited.to_numpy(dtype=float, na_value=float("nan"))
if pd.isna(kernel).any():
    picture.error(t("layers.kernel.invalid"), icon=":material/error:")
else:
    feature_map = cache.explore_kernel(tuple(map(tuple, kernel.tolist())), bias, activation,
                                       digit_key, digit)
    picture.plotly_chart(charts.images_figure(
        [(t("layers.input"), digit), (t("layers.kernel.map"), feature_map)], height=280),
        key="layers_kernel_chart")

st.divider()
st.subheader(t("layers.ways.title"), anchor=False)
st.markdown(t("layers.ways.intro"))
built = cache.explore_three_ways()
# A tab each, the page's whole width: three columns cut the summary's Param # at 1024 px.
for tab, way in zip(st.tabs([t(f"layers.ways.{way.way}") for way in built]), built, strict=True):
    tab.code(way.code, language="python")
    tab.dataframe(pd.DataFrame(way.rows, columns=[t("layers.ways.layer"), t("layers.ways.shape"),
                                                  t("layers.ways.params")]),
                  hide_index=True, height="content", column_config={
                      t("layers.ways.params"): st.column_config.NumberColumn(format="localized")})
    tab.caption(t("layers.ways.total", params=way.total_params))
if len({(way.rows, way.total_params) for way in built}) == 1:
    st.success(t("layers.ways.same", params=built[0].total_params), icon=":material/check:")
else:
    st.warning(t("layers.ways.differ"))
