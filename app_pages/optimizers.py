"""Optimizers: real keras.optimizers on a 2-D surface, then on a tiny MNIST model."""

import numpy as np
import streamlit as st

from lib import explore, models
from lib.charts import explore as charts
from lib.ui import cache, session, url_state, widgets

DEFAULT_PICKS = ["sgd", "adam"]
# Fractions of the last step's direction or size that an optimizer keeps: a slider shows them.
SLIDERS = ("momentum", "rho", "beta_1", "beta_2")

session.init_state()
t = session.translator()


st.title(t("optimizers.title"), anchor=False)
st.markdown(t("optimizers.intro"))

surface_column, steps_column = st.columns([2, 1])
surface = url_state.choice(surface_column.selectbox, t("optimizers.surface"),
                           list(explore.optimizers.SURFACES), "optimizers_surface",
                           format_func=lambda name: t(f"optimizers.surface.{name}"))
steps = steps_column.slider(t("optimizers.steps"), 10, 300, 150, step=10,
                            key="optimizers_steps", bind="query-params")
st.caption(t(f"optimizers.surface.help.{surface}"))
picks = st.multiselect(t("optimizers.pick"), list(models.OPTIMIZERS), default=DEFAULT_PICKS,
                       key="optimizers_picks", bind="query-params")

settings = {}
for name in picks:
    with st.expander(t("optimizers.settings", name=name), expanded=len(picks) <= 2):
        arguments = models.optimizer_arguments(
            name, **explore.optimizers.optimizer_defaults(surface, name))
        # The surface is in the key: each surface starts from learning rates that suit it.
        settings[name] = {
            argument.name: widgets.argument_input(
                argument, column, f"optimizers_{surface}_{name}_{argument.name}", t,
                slider=argument.name in SLIDERS, help=t(f"argument.{argument.name}"))
            for argument, column in zip(arguments.values(), st.columns(len(arguments)),
                                        strict=True)
        }

if not picks:
    st.info(t("optimizers.pick_one"), icon=":material/info:")
    st.stop()

# Each path is computed once for every number of steps (the steps slider only cuts it); the
# spinner shows only if that takes longer than half a second.
with st.spinner(t("optimizers.computing")):
    paths = {name: cache.explore_path(surface, name, steps, arguments)
             for name, arguments in settings.items()}
specification = explore.optimizers.SURFACES[surface]
xs, ys, values = cache.explore_surface(surface)
st.plotly_chart(charts.contour_figure(
    xs, ys, values, specification.log_scale, {name: path.points for name, path in paths.items()},
    specification.start, specification.minimum, t("optimizers.start"), t("optimizers.minimum")),
    key="optimizers_contour")
for name, path in paths.items():
    if path.diverged:
        st.warning(t("optimizers.diverged", name=name, steps=len(path.points) - 1),
                   icon=":material/warning:")

values_column, rates_column = st.columns(2)
values_column.plotly_chart(charts.lines_figure(
    {name: path.values for name, path in paths.items()}, t("optimizers.value_chart"),
    t("optimizers.step"), t("optimizers.value"), log_y=surface != "saddle"),
    key="optimizers_values")
rates_column.plotly_chart(charts.lines_figure(
    {name: path.learning_rates for name, path in paths.items()}, t("optimizers.lr_chart"),
    t("optimizers.step"), t("optimizers.lr")), key="optimizers_rates")
st.markdown(t("optimizers.decay"))
with st.expander(t("optimizers.code")):
    for path in paths.values():
        st.code(path.code, language="python")

st.divider()
st.subheader(t("optimizers.mnist.title"), anchor=False)
st.markdown(t("optimizers.mnist.intro"))
batches = st.slider(t("optimizers.mnist.steps"), 100, 500, 300, step=50,
                    key="optimizers_mnist_steps", bind="query-params")
# The surface's learning rates suit a 2-D function, not a network: MNIST has its own.
st.markdown(t("optimizers.mnist.lr_intro"))
rate = models.OPTIMIZER_ARGUMENTS["lr"]
mnist_settings = {
    name: {**arguments, "lr": column.number_input(
        t("optimizers.mnist.lr", name=name), rate.minimum, rate.maximum,
        explore.optimizers.MNIST_LEARNING_RATES[name], step=rate.step, format="%.4g",
        key=f"optimizers_mnist_{name}_lr")}
    for (name, arguments), column in zip(settings.items(), st.columns(len(settings)),
                                         strict=True)
}
request = (batches, tuple((name, tuple(arguments.items()))
                          for name, arguments in mnist_settings.items()))
if st.button(t("optimizers.mnist.run"), icon=":material/play_arrow:", key="optimizers_mnist_run"):
    st.session_state["optimizers_mnist_request"] = request
if st.session_state.get("optimizers_mnist_request") != request:
    st.caption(t("optimizers.mnist.hint"))
else:
    with st.spinner(t("optimizers.mnist.training")):
        curves = {name: cache.explore_mnist_curve(name, batches, arguments)
                  for name, arguments in mnist_settings.items()}
    st.plotly_chart(charts.lines_figure(curves, None, t("optimizers.mnist.batch"),
                                        t("optimizers.mnist.loss"), smooth=0.9),
                    key="optimizers_mnist_chart")
    for name, losses in curves.items():
        if np.isfinite(losses).all():
            st.caption(t("optimizers.mnist.final", name=name, lr=mnist_settings[name]["lr"],
                         loss=float(np.mean(losses[-50:]))))
        else:
            st.warning(t("optimizers.mnist.diverged", name=name), icon=":material/warning:")
