"""Inside the model: each layer's output, filters, saliency and Grad-CAM, test-set mistakes."""

import streamlit as st

from lib import inspection
from lib.ui import cache, inside_views, session

session.init_state()
t = session.translator()
inside_views.follow_recognize()

st.title(t("inside.title"), anchor=False)
st.markdown(t("inside.intro"))
active = session.active_model()
digits = cache.mnist()
st.caption(t("inside.using", model=active.label))

image, label = inside_views.pick_input(active, digits, t)
outputs = None if image is None else inspection.layer_outputs(active.model, image)
if outputs is not None:
    inside_views.prediction(outputs, image, label, t)

layers, filters, why, errors = st.tabs(
    [t(f"inside.tab.{name}") for name in ("layers", "filters", "why", "errors")])
with layers:
    inside_views.layers_tab(outputs, t)
with filters:
    inside_views.filters_tab(active, outputs, t)
with why:
    inside_views.why_tab(active, image, t)
with errors:
    inside_views.errors_tab(active, digits, t)
