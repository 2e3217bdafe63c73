"""Activations: keras.activations and their derivatives (by autodiff), and softmax."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import explore
from lib.charts import explore as charts
from lib.ui import cache, glossary, session, widgets

DEFAULT_PICKS = ["relu", "sigmoid", "tanh"]
DEFAULT_LOGITS = [[2.0, 1.0, 0.1, 0.0, -1.0, 0.5, 0.0, 3.0, 0.0, -0.5],
                  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]]

session.init_state()
t = session.translator()

st.title(t("activations.title"), anchor=False)
st.markdown(t("activations.intro"))

picks = st.multiselect(t("activations.pick"), list(explore.activations.ACTIVATIONS),
                       default=DEFAULT_PICKS, key="activations_picks", bind="query-params")
range_column, derivative_column = st.columns([3, 1], vertical_alignment="bottom")
x_min, x_max = range_column.slider(t("activations.range"), -10.0, 10.0, (-5.0, 5.0), step=0.5,
                                   key="activations_range", bind="query-params")
show_derivative = derivative_column.toggle(t("activations.derivative"), True,
                                           key="activations_derivative", bind="query-params")

arguments = {}
for name in picks:
    specification = explore.activations.ACTIVATIONS[name]
    if specification.arguments:
        with st.expander(t("activations.arguments", name=name), expanded=True):
            columns = st.columns(len(specification.arguments))
            arguments[name] = {
                argument.name: widgets.argument_input(
                    argument, column, f"activations_{name}_{argument.name}", t, slider=True,
                    help=glossary.argument_tooltip(argument.name, t, name))
                for argument, column in zip(specification.arguments, columns, strict=True)}
            if name == "relu":
                st.caption(t("activations.alpha_note"))

if not picks or x_min >= x_max:
    st.info(t("activations.pick_one"), icon=":material/info:")
else:
    curves = {name: cache.explore_activation(name, arguments.get(name, {}), x_min, x_max)
              for name in picks}
    st.plotly_chart(charts.activations_figure(curves, show_derivative, t("activations.value"),
                                              t("activations.slope")),
                    key="activations_chart")
    st.subheader(t("activations.facts"), anchor=False)
    rows = []
    for name, (x, _, dy) in curves.items():
        facts = explore.activations.gradient_facts(x, dy)
        rows.append({t("activations.fact.name"): name,
                     t("activations.fact.slope_at_zero"): f"{facts['slope_at_zero']:.3g}",
                     t("activations.fact.max_slope"): f"{facts['max_slope']:.3g}",
                     t("activations.fact.flat_share"): f"{facts['flat_share']:.0%}",
                     t("activations.fact.chain"): f"{facts['chain']:.2g}"})
    st.dataframe(pd.DataFrame(rows), hide_index=True)
for topic in ("saturation", "vanishing", "dead"):
    st.markdown(t(f"activations.explain.{topic}"))

st.divider()
st.subheader(t("activations.softmax.title"), anchor=False)
st.markdown(t("activations.softmax.intro"))
edited = st.data_editor(pd.DataFrame(DEFAULT_LOGITS), key="activations_logits")
st.caption(t("activations.softmax.logits"))
temperature_column, axis_column = st.columns(2)
temperature = temperature_column.select_slider(
    t("activations.softmax.temperature"), [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0], value=1.0,
    key="activations_temperature", bind="query-params")
axis = axis_column.radio(t("activations.softmax.axis"), [-1, 0], horizontal=True,
                         key="activations_axis",
                         format_func=lambda value: t(f"activations.softmax.axis.{value}"))
logits = edited.to_numpy(dtype=float, na_value=np.nan)
if np.isnan(logits).any():
    st.error(t("activations.softmax.invalid"), icon=":material/error:")
else:
    probabilities = cache.explore_softmax(tuple(map(tuple, logits.tolist())), temperature, axis)
    st.code(t("activations.softmax.code", temperature=temperature, axis=axis), language="python")
    st.plotly_chart(charts.softmax_figure(probabilities, t("activations.softmax.row"),
                                          t("activations.softmax.class")),
                    key="activations_softmax_chart")
    sums = ", ".join(f"{value:.2f}" for value in probabilities.sum(axis=axis))
    st.caption(t("activations.softmax.sums", axis=axis, sums=sums))
