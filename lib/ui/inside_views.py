"""The parts /inside draws: the input picker, the prediction, and its four tabs (each layer's
output, the filters, why the model answers what it does, and the test set's mistakes).

The input comes from /recognize's last drawing, the page's own canvas, an upload or a test
digit; its keys are `inside_*` in `lib.ui.session.DEFAULTS`.
"""

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from lib import evaluation, i18n, inspection, preprocess, uploads
from lib.charts import digits as charts
from lib.charts import explore as explore_charts
from lib.charts import inspect as figures
from lib.errors import InputError
from lib.ui import cache, classroom, glossary, session, url_state, widgets

SOURCES = ["drawn", "draw", "upload", "test"]
TEST_MODES = ["any", "class", "mistake"]
GALLERY_SIZE = 12
# Layers whose output at inference is their input: nothing to draw.
PASS_THROUGH = ("Dropout", "SpatialDropout2D", "GaussianDropout", "GaussianNoise", "AlphaDropout")
NO_CHART_BAR = widgets.NO_CHART_BAR


def follow_recognize():
    """A digit drawn on /recognize since this page last looked becomes the input; the first
    visit starts on it, or on the test digits when there is none."""
    state = st.session_state
    drawn = state["recognize_last_digit"]
    if state["inside_source"] is None:  # The first visit: from the link, if it says.
        url_state.take("inside_test_mode", TEST_MODES)
        if not url_state.take("inside_source", SOURCES):
            state["inside_source"] = "drawn" if drawn is not None else "test"
    drawing = None if drawn is None else hashlib.sha256(drawn.tobytes()).hexdigest()
    if drawing != state["inside_seen_drawing"]:
        state["inside_seen_drawing"] = drawing
        if drawing is not None:
            state["inside_source"] = "drawn"


def inspect_test_digit(index):
    """Makes test digit `index` the input (a button's callback)."""
    st.session_state.update(inside_source="test", inside_test_mode="any",
                            inside_test_index=int(index))


def test_statistics(active, digits, t):
    """`lib.inspection.test_statistics` of the active model: computed once per model (a few
    seconds on the full MNIST), then from the cache."""
    with st.spinner(t("inside.stats.computing")):
        return cache.inside_test_statistics(active.cache_key,
                                             f"{digits.source}-{len(digits.y_test)}",
                                             active.model)


def _clear_canvas():
    st.session_state["inside_canvas_version"] += 1


def pick_input(active, digits, t):
    """The source picker and the chosen source's widgets.

    Returns:
        `(image, label)`: float32 `(28, 28)` in [0, 1] (or `None` while there is none), and its
        true digit for a test digit (else `None`).
    """
    language = st.session_state["language"]
    # Labels are translated: the link keeps the option's name (lib.ui.url_state).
    if not classroom.hidden("inside.source"):
        url_state.choice(st.segmented_control, t("inside.source"), SOURCES, "inside_source",
                         required=True, format_func=lambda option: t(f"inside.source.{option}"))
    source = st.session_state["inside_source"]
    if source == "drawn":
        image = st.session_state["recognize_last_digit"]
        if image is None:
            st.info(t("inside.drawn.none"), icon=":material/draw:")
        return image, None
    if source == "draw":
        # Clear gives the canvas a new key: a new, empty canvas (there is no other way to clear it).
        version = st.session_state.setdefault("inside_canvas_version", 0)
        image, pixels = None, widgets.draw_canvas(f"inside_canvas_{version}")
        st.button(t("inside.draw.clear"), icon=":material/ink_eraser:", key="inside_clear",
                  on_click=_clear_canvas)
        try:
            image = preprocess.to_mnist(pixels) if pixels is not None else None
        except InputError as error:
            if error.reason != "blank":
                st.error(i18n.markdown_message(error, language), icon=":material/error:")
        if image is None:
            st.info(t("inside.draw.empty"), icon=":material/draw:")
        return image, None
    if source == "upload":
        image, upload = None, st.file_uploader(t("inside.upload"), type=uploads.IMAGE_TYPES,
                                               key="inside_upload")
        if upload is None:
            st.info(t("inside.upload.empty"), icon=":material/upload_file:")
            return None, None
        try:
            image = preprocess.to_mnist(upload.getvalue())
        except InputError as error:
            st.error(i18n.markdown_message(error, language), icon=":material/error:")
        return image, None
    index = _pick_test_digit(active, digits, t)
    if index is None:
        return None, None
    return digits.x_test[index].astype(np.float32) / 255.0, int(digits.y_test[index])


def _pick_test_digit(active, digits, t):
    """Any test digit by index, the n-th of a class, or one of the model's mistakes."""
    language = st.session_state["language"]
    mode_column, choice_column, extra_column = st.columns([2, 2, 1], vertical_alignment="bottom")
    mode = url_state.choice(mode_column.segmented_control, t("inside.test.mode"), TEST_MODES,
                            "inside_test_mode", required=True,
                            format_func=lambda option: t(f"inside.test.{option}"))
    count = len(digits.y_test)
    st.session_state["inside_test_index"] = min(int(st.session_state["inside_test_index"]),
                                                count - 1)
    if mode == "any":
        extra_column.button(t("inside.test.random"), icon=":material/casino:",
                            key="inside_random", on_click=lambda: inspect_test_digit(
                                np.random.default_rng().integers(count)))
        return choice_column.number_input(t("inside.test.index", last=count - 1), 0, count - 1,
                                          key="inside_test_index", bind="query-params")
    if mode == "class":
        digit = choice_column.selectbox(t("inside.test.digit"), range(10),
                                        key="inside_digit", bind="query-params")
        of_class = np.flatnonzero(digits.y_test == digit)
        nth = extra_column.number_input(t("inside.test.nth"), 1, len(of_class), 1,
                                        key=f"inside_nth_{digit}")  # Classes differ in size.
        return int(of_class[nth - 1])
    stats = test_statistics(active, digits, t)
    # One key per language: a selectbox keeps its choice by label, and the labels are translated.
    index = choice_column.selectbox(
        t("inside.test.mistake"), stats.mistakes.tolist(), key=f"inside_mistake_{language}",
        format_func=lambda i: t("inside.mistake.caption", index=i, label=stats.labels[i],
                                prediction=stats.predictions[i],
                                confidence=stats.confidences[i]))
    if index is None:
        st.info(t("inside.mistakes.none"), icon=":material/check:")
    return index


def prediction(outputs, image, label, t):
    """The input, the model's answer and its confidence, and the ten probabilities."""
    probabilities = outputs[-1].values
    predicted = int(np.argmax(probabilities))
    picture, numbers, bars = st.columns([1, 1, 2.4], vertical_alignment="center")
    picture.caption(t("inside.input"))
    picture.plotly_chart(charts.digit_image(image, height=200), key="inside_input",
                         config=NO_CHART_BAR)
    numbers.metric(t("inside.prediction"), predicted, border=True)
    numbers.metric(t("inside.confidence"), f"{probabilities[predicted]:.1%}", border=True)
    if label is not None:
        numbers.caption(t("inside.label", label=label))
    bars.plotly_chart(charts.probability_bars(probabilities, t("inside.digit"),
                                              t("inside.probability"), height=240),
                      key="inside_probabilities", config=NO_CHART_BAR)


def layers_tab(outputs, t):
    """What teaching changed (for a taught model), a table of the layers, and each layer's
    output for the input."""
    what_teaching_changed(session.active_model().card, t)
    st.markdown(t("inside.layers.explain"))
    glossary.popover(["feature_map"], t)
    if outputs is None:
        st.info(t("inside.needs_input"), icon=":material/arrow_upward:")
        return
    st.dataframe(pd.DataFrame(
        [(o.name, o.class_name, str(o.output_shape), o.params) for o in outputs],
        columns=[t("inside.col.layer"), t("inside.col.type"), t("inside.col.shape"),
                 t("inside.col.params")]), hide_index=True,
        column_config={t("inside.col.params"): st.column_config.NumberColumn(format="localized")})
    for number, output in enumerate(outputs):
        with st.container(border=True):
            # Layer names come from the model's config: an upload's are the student's.
            st.markdown(t("inside.layer.header", name=i18n.markdown_literal(output.name),
                          kind=i18n.markdown_literal(output.class_name),
                          shape=output.output_shape, params=output.params))
            _layer_output(output, f"inside_layer_{number}", t)


def what_teaching_changed(card, t):
    """For a model taught a student's handwriting on /recognize: how far each layer's weights
    moved from the model it was copied from (`card["weight_changes"]`, written by
    `lib.ui.teach_views.session_card`). Nothing for any other model."""
    changes = (card or {}).get("weight_changes")
    if not changes:
        return
    frozen = set(card.get("frozen_layers", ()))
    with st.container(border=True):
        st.markdown(f"**{t('teach.changed.title')}**")
        st.markdown(t("teach.changed.explain",
                      source=i18n.markdown_literal(card.get("taught_from", "?")),
                      count=card.get("examples", 0)))
        largest = max((change["relative_change"] for change in changes), default=0.0)
        st.dataframe(pd.DataFrame({
            "layer": [change["name"] for change in changes],
            "type": [change["class_name"] for change in changes],
            "frozen": [change["name"] in frozen for change in changes],
            "change": [change["relative_change"] for change in changes],
        }), hide_index=True, column_config={
            "layer": st.column_config.TextColumn(t("teach.changed.layer")),
            "type": st.column_config.TextColumn(t("teach.changed.type")),
            "frozen": st.column_config.CheckboxColumn(t("teach.changed.frozen")),
            "change": st.column_config.ProgressColumn(t("teach.changed.change"),
                                                      format="percent", min_value=0.0,
                                                      max_value=largest or 1.0),
        })


def _layer_output(output, key, t):
    if output.class_name in PASS_THROUGH:
        st.caption(t("inside.layer.dropout"))
    elif output.kind == "maps":
        signed = "signed" if output.values.min() < 0 else "positive"
        st.caption(t(f"inside.layer.maps.{signed}", count=len(output.values)))
        st.plotly_chart(figures.feature_maps_figure(output.values, t("inside.map")),
                        key=key, config=NO_CHART_BAR)
    elif output.kind == "probabilities":
        st.caption(t("inside.layer.probabilities"))
        st.plotly_chart(charts.probability_bars(output.values, t("inside.digit"),
                                                t("inside.probability")),
                        key=key, config=NO_CHART_BAR)
    elif output.kind == "vector":
        st.caption(t("inside.layer.vector", count=len(output.values),
                     active=int(np.count_nonzero(output.values))))
        st.plotly_chart(explore_charts.bars_figure(output.values, "", t("inside.unit"),
                                                   t("inside.value")),
                        key=key, config=NO_CHART_BAR)


def filters_tab(active, outputs, t):
    """The first convolution's kernels, and what a chosen filter responds to most."""
    kernels = inspection.first_conv_kernels(active.model)
    conv_names = inspection.conv_layer_names(active.model)
    if kernels is None or not conv_names:
        st.info(t("inside.filters.none"), icon=":material/info:")
        return
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
        pattern = cache.inside_filter_pattern(active.cache_key, layer_name, chosen, active.model)
    panels = [(t("inside.filters.pattern"), pattern)]
    if outputs is not None:
        response = next(o.values[chosen] for o in outputs if o.name == layer_name)
        panels.append((t("inside.filters.response"), response))
    st.plotly_chart(explore_charts.images_figure(panels, height=300), key="inside_pattern",
                    config=NO_CHART_BAR)


def why_tab(active, image, t):
    """Saliency, the signed gradient and Grad-CAM of a chosen class for the input."""
    st.markdown(t("inside.why.explain"))
    glossary.popover(["saliency"], t)
    if image is None:
        st.info(t("inside.needs_input"), icon=":material/arrow_upward:")
        return
    language = st.session_state["language"]
    class_column, layer_column, _ = st.columns([1, 1, 2])
    chosen = class_column.selectbox(
        t("inside.why.class"), [None, *range(10)], key=f"inside_class_{language}",
        format_func=lambda c: t("inside.why.predicted") if c is None else str(c))
    conv_names = inspection.conv_layer_names(active.model)
    cam_layer = None
    if conv_names:
        cam_layer = layer_column.selectbox(
            t("inside.why.layer"), conv_names, key="inside_cam_layer",
            index=conv_names.index(inspection.default_grad_cam_layer(active.model)))
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


def errors_tab(active, digits, t):
    """The test set: accuracy, confusion, the most confident mistakes and a map of the digits."""
    stats = test_statistics(active, digits, t)
    st.caption(t(f"data.source.{digits.source}", **digits.describe()))
    accuracy, wrong, _ = st.columns([1, 1, 2])
    accuracy.metric(t("inside.errors.accuracy"), f"{stats.accuracy:.1%}", border=True)
    wrong.metric(t("inside.errors.mistakes"), len(stats.mistakes), border=True)
    _, per_digit = widgets.evaluation_view(stats, t, "inside")
    confusions = evaluation.top_confusions(stats.confusion)
    if confusions:
        per_digit.markdown(t("inside.errors.top") + "\n" + "\n".join(
            "- " + t("inside.errors.top_row", label=a, prediction=b, times=n)
            for a, b, n in confusions))
    _gallery(stats, digits, t)
    _map(stats, digits, t)


def _gallery(stats, digits, t):
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


def _map(stats, digits, t):
    """The test digits on the two main axes of a layer's outputs; a click inspects one."""
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
    if not points or points[0].get("customdata") is None:
        selected.info(t("inside.map.pick"), icon=":material/ads_click:")
        return
    index = int(np.ravel(points[0]["customdata"])[0])
    selected.image(charts.thumbnail(digits.x_test[index] / 255.0, 5))
    selected.caption(t("inside.map.point", index=index, label=stats.labels[index],
                       prediction=stats.predictions[index]))
    selected.button(t("inside.inspect"), icon=":material/search:", key="inside_map_inspect",
                    on_click=inspect_test_digit, args=(index,))
