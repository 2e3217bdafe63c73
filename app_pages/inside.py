"""Inside the model: each layer's output, filters, saliency and Grad-CAM, test-set mistakes."""

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from lib import evaluation, i18n, inspection, preprocess, uploads
from lib.charts import digits as charts
from lib.charts import evaluation as evaluation_charts
from lib.charts import explore as explore_charts
from lib.charts import inspect as figures
from lib.errors import InputError
from lib.ui import cache, session, widgets

SOURCES = ["drawn", "draw", "upload", "test"]
TEST_MODES = ["any", "class", "mistake"]
GALLERY_SIZE = 12
NO_CHART_BAR = {"displayModeBar": False}

session.init_state()
t = session.translator()
language = st.session_state["language"]
drawn = st.session_state["recognize_last_digit"]
if st.session_state["inside_source"] is None:
    st.session_state["inside_source"] = "drawn" if drawn is not None else "test"
# A digit drawn on /recognize since this page last looked becomes the input.
drawing = None if drawn is None else hashlib.sha256(drawn.tobytes()).hexdigest()
if drawing != st.session_state["inside_seen_drawing"]:
    st.session_state["inside_seen_drawing"] = drawing
    if drawing is not None:
        st.session_state["inside_source"] = "drawn"


def inspect_test_digit(index):
    """Makes test digit `index` the input (a button's callback)."""
    st.session_state.update(inside_source="test", inside_test_mode="any",
                            inside_test_index=int(index))



st.title(t("inside.title"), anchor=False)
st.markdown(t("inside.intro"))
active = session.active_model()
key = active.cache_key
digits = cache.mnist()


def test_statistics():
    """Computed once per model (a few seconds on the full MNIST), then from the cache."""
    with st.spinner(t("inside.stats.computing")):
        return cache.inside_test_statistics(key, f"{digits.source}-{len(digits.y_test)}",
                                             active.model)


st.caption(t("inside.using", model=active.label))

# Pick an input. A selectbox keeps its choice by label: those with translated labels have one
# key per language, so a language switch does not leave a label of the other language behind.
st.segmented_control(t("inside.source"), SOURCES, required=True, key="inside_source",
                     format_func=lambda option: t(f"inside.source.{option}"))
image, label = None, None
source = st.session_state["inside_source"]
if source == "drawn":
    image = drawn
    if drawn is None:
        st.info(t("inside.drawn.none"), icon=":material/draw:")
elif source == "draw":
    pixels = widgets.draw_canvas("inside_canvas")
    try:
        image = preprocess.to_mnist(pixels) if pixels is not None else None
    except InputError as error:
        if error.reason != "blank":
            st.error(i18n.markdown_message(error, language), icon=":material/error:")
    if image is None:
        st.info(t("inside.draw.empty"), icon=":material/draw:")
elif source == "upload":
    upload = st.file_uploader(t("inside.upload"), type=uploads.IMAGE_TYPES,
                              key="inside_upload")
    try:
        image = preprocess.to_mnist(upload.getvalue()) if upload is not None else None
    except InputError as error:
        st.error(i18n.markdown_message(error, language), icon=":material/error:")
    if upload is None:
        st.info(t("inside.upload.empty"), icon=":material/upload_file:")
else:
    mode_column, choice_column, extra_column = st.columns([2, 2, 1], vertical_alignment="bottom")
    mode = mode_column.segmented_control(t("inside.test.mode"), TEST_MODES, required=True,
                                         key="inside_test_mode",
                                         format_func=lambda option: t(f"inside.test.{option}"))
    count = len(digits.y_test)
    st.session_state["inside_test_index"] = min(int(st.session_state["inside_test_index"]),
                                                 count - 1)
    if mode == "any":
        index = choice_column.number_input(t("inside.test.index", last=count - 1), 0, count - 1,
                                           key="inside_test_index")
        extra_column.button(t("inside.test.random"), icon=":material/casino:",
                            key="inside_random", on_click=lambda: inspect_test_digit(
                                np.random.default_rng().integers(count)))
    elif mode == "class":
        digit = choice_column.selectbox(t("inside.test.digit"), range(10), key="inside_digit")
        of_class = np.flatnonzero(digits.y_test == digit)
        nth = extra_column.number_input(t("inside.test.nth"), 1, len(of_class), 1,
                                        key=f"inside_nth_{digit}")  # Classes differ in size.
        index = int(of_class[nth - 1])
    else:
        stats = test_statistics()
        index = choice_column.selectbox(
            t("inside.test.mistake"), stats.mistakes.tolist(), key=f"inside_mistake_{language}",
            format_func=lambda i: t("inside.mistake.caption", index=i, label=stats.labels[i],
                                    prediction=stats.predictions[i],
                                    confidence=stats.confidences[i]))
        if index is None:
            st.info(t("inside.mistakes.none"), icon=":material/check:")
    if index is not None:
        image = digits.x_test[index].astype(np.float32) / 255.0
        label = int(digits.y_test[index])

if image is not None:
    outputs = inspection.layer_outputs(active.model, image)
    probabilities = outputs[-1].values
    predicted = int(np.argmax(probabilities))
    picture, numbers, bars = st.columns([1, 1, 2.4], vertical_alignment="center")
    picture.plotly_chart(charts.digit_image(image, t("inside.input"), height=220),
                         key="inside_input", config=NO_CHART_BAR)
    numbers.metric(t("inside.prediction"), predicted, border=True)
    numbers.metric(t("inside.confidence"), f"{probabilities[predicted]:.1%}", border=True)
    if label is not None:
        numbers.caption(t("inside.label", label=label))
    bars.plotly_chart(charts.probability_bars(probabilities, t("inside.digit"),
                                              t("inside.probability"), height=240),
                      key="inside_probabilities", config=NO_CHART_BAR)

tab_names = ["layers", "filters", "why", "errors"]
tabs = dict(zip(tab_names, st.tabs([t(f"inside.tab.{name}") for name in tab_names]),
                strict=True))

with tabs["layers"]:
    st.markdown(t("inside.layers.explain"))
    if image is None:
        st.info(t("inside.needs_input"), icon=":material/arrow_upward:")
    else:
        st.dataframe(pd.DataFrame(
            [(o.name, o.class_name, str(o.output_shape), o.params) for o in outputs],
            columns=[t("inside.col.layer"), t("inside.col.type"), t("inside.col.shape"),
                     t("inside.col.params")]), hide_index=True)
        for number, output in enumerate(outputs):
            with st.container(border=True):
                # Layer names come from the model's config: an upload's are the student's.
                st.markdown(t("inside.layer.header", name=i18n.markdown_literal(output.name),
                              kind=i18n.markdown_literal(output.class_name),
                              shape=output.output_shape, params=output.params))
                chart_key = f"inside_layer_{number}"
                if output.class_name in ("Dropout", "SpatialDropout2D", "GaussianDropout",
                                         "GaussianNoise", "AlphaDropout"):
                    st.caption(t("inside.layer.dropout"))
                elif output.kind == "maps":
                    signed = "signed" if output.values.min() < 0 else "positive"
                    st.caption(t(f"inside.layer.maps.{signed}", count=len(output.values)))
                    st.plotly_chart(figures.feature_maps_figure(output.values, t("inside.map")),
                                    key=chart_key, config=NO_CHART_BAR)
                elif output.kind == "probabilities":
                    st.caption(t("inside.layer.probabilities"))
                    st.plotly_chart(charts.probability_bars(output.values, t("inside.digit"),
                                                            t("inside.probability")),
                                    key=chart_key, config=NO_CHART_BAR)
                elif output.kind == "vector":
                    st.caption(t("inside.layer.vector", count=len(output.values),
                                 active=int(np.count_nonzero(output.values))))
                    st.plotly_chart(explore_charts.bars_figure(
                        output.values, "", t("inside.unit"), t("inside.value")),
                        key=chart_key, config=NO_CHART_BAR)

with tabs["filters"]:
    kernels = inspection.first_conv_kernels(active.model)
    conv_names = inspection.conv_layer_names(active.model)
    if kernels is None or not conv_names:
        st.info(t("inside.filters.none"), icon=":material/info:")
    else:
        st.markdown(t("inside.filters.kernels", layer=i18n.markdown_literal(kernels[0])))
        st.plotly_chart(figures.feature_maps_figure(kernels[1], t("inside.filter.hover")),
                        key="inside_kernels", config=NO_CHART_BAR)
        st.markdown(t("inside.filters.ascent"))
        layer_column, filter_column, _ = st.columns([1, 1, 2])
        layer_name = layer_column.selectbox(t("inside.filters.layer"), conv_names,
                                            index=min(1, len(conv_names) - 1),
                                            key="inside_filter_layer")
        filters = inspection.output_shapes(active.model)[layer_name][-1]
        chosen = filter_column.number_input(t("inside.filter"), 0, filters - 1, 0,
                                            key=f"inside_filter_{layer_name}")
        with st.spinner(t("inside.filters.computing")):
            pattern = cache.inside_filter_pattern(key, layer_name, chosen, active.model)
        panels = [(t("inside.filters.pattern"), pattern)]
        if image is not None:
            response = next(o.values[chosen] for o in outputs if o.name == layer_name)
            panels.append((t("inside.filters.response"), response))
        st.plotly_chart(explore_charts.images_figure(panels, height=300), key="inside_pattern",
                        config=NO_CHART_BAR)

with tabs["why"]:
    st.markdown(t("inside.why.explain"))
    if image is None:
        st.info(t("inside.needs_input"), icon=":material/arrow_upward:")
    else:
        class_column, layer_column, _ = st.columns([1, 1, 2])
        chosen = class_column.selectbox(
            t("inside.why.class"), [None, *range(10)], key=f"inside_class_{language}",
            format_func=lambda c: t("inside.why.predicted") if c is None else str(c))
        cam_layer = None
        if conv_names:
            cam_layer = layer_column.selectbox(t("inside.why.layer"), conv_names,
                                               key="inside_cam_layer", index=conv_names.index(
                                                   inspection.default_grad_cam_layer(
                                                       active.model)))
        explanation = inspection.explain(active.model, image, chosen, cam_layer)
        panels = [(t("inside.why.saliency"), explanation.saliency, "overlay"),
                  (t("inside.why.gradient"), explanation.gradient, "signed")]
        if explanation.grad_cam is not None:
            panels.append((t("inside.why.grad_cam"), explanation.grad_cam, "overlay"))
        st.plotly_chart(figures.explanation_figure(image, panels), key="inside_explanation",
                        config=NO_CHART_BAR)
        st.markdown(t("inside.why.read", digit=explanation.class_index,
                      probability=explanation.probabilities[explanation.class_index]))
        if explanation.grad_cam is None:
            st.info(t("inside.why.no_conv"), icon=":material/info:")

with tabs["errors"]:
    stats = test_statistics()
    st.caption(t(f"data.source.{digits.source}", **digits.describe()))
    accuracy, wrong, _ = st.columns([1, 1, 2])
    accuracy.metric(t("inside.errors.accuracy"), f"{stats.accuracy:.1%}", border=True)
    wrong.metric(t("inside.errors.mistakes"), len(stats.mistakes), border=True)
    matrix, per_digit = st.columns([1.2, 1])
    matrix.markdown(t("inside.errors.confusion"))
    matrix.plotly_chart(evaluation_charts.confusion_matrix(stats.confusion, t("inside.predicted"),
                                                           t("inside.true")),
                        key="inside_confusion", config=NO_CHART_BAR)
    per_digit.markdown(t("inside.errors.per_digit"))
    per_digit.plotly_chart(evaluation_charts.per_digit_accuracy(stats.per_digit, t("inside.digit"),
                                                                t("inside.errors.accuracy")),
                           key="inside_per_digit", config=NO_CHART_BAR)
    confusions = evaluation.top_confusions(stats.confusion)
    if confusions:
        per_digit.markdown(t("inside.errors.top") + "\n" + "\n".join(
            "- " + t("inside.errors.top_row", label=a, prediction=b, times=n)
            for a, b, n in confusions))

    st.subheader(t("inside.gallery"), anchor=False)
    st.markdown(t("inside.gallery.explain"))
    shown = stats.mistakes[:GALLERY_SIZE]
    if not len(shown):
        st.info(t("inside.mistakes.none"), icon=":material/check:")
    for row in range(0, len(shown), 6):
        for column, index in zip(st.columns(6), shown[row:row + 6], strict=False):
            column.image(charts.thumbnail(digits.x_test[index] / 255.0, 3))
            column.caption(t("inside.mistake.caption", index=index, label=stats.labels[index],
                             prediction=stats.predictions[index],
                             confidence=stats.confidences[index]))
            column.button(t("inside.inspect"), icon=":material/search:",
                          key=f"inside_inspect_{index}", on_click=inspect_test_digit,
                          args=(index,))

    st.subheader(t("inside.map.title"), anchor=False)
    st.markdown(t("inside.map.explain", layer=i18n.markdown_literal(stats.map_layer),
                  shown=len(stats.map_indices),
                  first=stats.explained_variance[0], second=stats.explained_variance[1]))
    scatter, selected = st.columns([3, 1])
    event = scatter.plotly_chart(
        figures.map_figure(stats.map_points, stats.labels[stats.map_indices], stats.map_indices,
                           stats.predictions[stats.map_indices],
                           {"x": t("inside.map.x"), "y": t("inside.map.y"),
                            "hover": t("inside.map.hover")}),
        key="inside_map", on_select="rerun", selection_mode="points")
    points = (event.get("selection") or {}).get("points") or []
    if points and points[0].get("customdata") is not None:
        index = int(np.ravel(points[0]["customdata"])[0])
        selected.image(charts.thumbnail(digits.x_test[index] / 255.0, 5))
        selected.caption(t("inside.map.point", index=index, label=stats.labels[index],
                           prediction=stats.predictions[index]))
        selected.button(t("inside.inspect"), icon=":material/search:", key="inside_map_inspect",
                        on_click=inspect_test_digit, args=(index,))
    else:
        selected.info(t("inside.map.pick"), icon=":material/ads_click:")
