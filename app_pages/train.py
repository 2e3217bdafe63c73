"""Train: build a model layer by layer, train it live in a worker, stop it, compare runs, use it.

Training runs in a `lib.jobs` worker thread, never in this script: a click reruns the
script (and would kill anything inside it). The live view is a fragment that reads the
job's snapshot every second. The settings live in the link (`st.query_params`).
"""

import streamlit as st

from lib import jobs, layer_stack, links, train_settings
from lib.ui import cache, session, train_state, train_views

session.init_state()
t = session.translator()
state = st.session_state
manager = cache.job_manager()
database = cache.run_database()

train_state.owner(manager)
ignored = train_state.restore_from_link(manager, st.query_params.to_dict())
if ignored:
    st.toast(t("train.link.ignored", names=", ".join(ignored)), icon=":material/link_off:")

st.title(t("train.title"), anchor=False)
st.markdown(t("train.intro"))
build, fit_settings = st.tabs([t("train.tab.model"), t("train.tab.training")])
with build:
    problem, cost = train_views.layer_editor(state["train_stack"], t)
with fit_settings:
    mnist = train_views.training_settings(state["train_settings"], t)

# The link reproduces this setup. It also keeps this tab's id, so that a reload takes its run
# back (not in a model's card). Only /train's own parameters are written: the language and a
# classroom's stay as they are.
query = train_settings.to_query(state["train_settings"])
if problem is None:
    query["stack"] = layer_stack.to_query(state["train_stack"])
session.write_link(query | session.link_query(),
                   owned=(*links.known_params("train"), session.TAB_PARAM))

run_problem = None
if problem is None and mnist is not None:
    run_problem = train_views.run_budget(cost, state["train_settings"], mnist, t)

can_start = (problem is None and mnist is not None and run_problem is None
             and manager.active_job(train_state.owner(manager)) is None)
if st.button(t("train.start"), icon=":material/play_arrow:", type="primary", key="train_start",
             disabled=not can_start) and can_start:
    try:
        train_state.start_run(manager, database, mnist)
    except jobs.QueueLimitError as error:  # This tab's, this browser's or the server's limit.
        st.warning(error.message(state["language"]), icon=":material/hourglass_top:")
    else:
        st.rerun()  # Draw the page again with Train disabled and the live view ticking.

# A finished run's model joins the sidebar's picker once. The picker is already drawn in
# this run (so it cannot be selected from here): rerun once so it lists the new model.
if train_state.take_in(manager.snapshot(state["train_job"]) if state["train_job"] else None):
    st.rerun()

train_views.live_view(manager, t)
snapshot = manager.snapshot(state["train_job"]) if state["train_job"] else None
if snapshot is not None and not snapshot.active:
    train_views.finished_run(snapshot, database, t)

train_views.runs(database, t)
