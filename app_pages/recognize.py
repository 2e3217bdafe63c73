"""Recognize: draw a digit, or upload images, a folder or a zip, and see what the model sees.
Say when it is wrong, and teach a copy of the model your handwriting (lib.ui.teach_views)."""

import pandas as pd
import streamlit as st

from lib import preprocess, recognition, uploads
from lib.charts import digits as charts
from lib.errors import InputError
from lib.ui import classroom, session, teach_views, url_state, widgets

# "What the model saw": its width and height, in pixels.
SEEN_SIZE = 170

session.init_state()
t = session.translator()
language = st.session_state["language"]


def clear_canvas():
    st.session_state["recognize_canvas_version"] += 1


def draw(active):
    """The canvas, what the model says of the drawing, the student's correction, and the
    preprocessing steps."""
    st.caption(t("recognize.draw.help"))
    # A row that wraps: the canvas's column keeps its full width, what the model says takes the
    # rest (its parts stack when the row is narrow: the sidebar open at 1024 px). The tools sit
    # above the canvas, so that all of it fits a 1024 x 768 projector.
    row = st.container(horizontal=True, gap="medium")
    left = row.container(width=widgets.CANVAS_SIZE)
    right = row.container()
    with left:
        tools = st.container(horizontal=True, vertical_alignment="bottom")
        brush = tools.slider(t("recognize.brush"), 8, 40, 20, key="recognize_brush")
        tools.button(t("recognize.clear"), icon=":material/ink_eraser:", on_click=clear_canvas,
                     key="recognize_clear")
        pixels = widgets.draw_canvas(
            f"recognize_canvas_{st.session_state['recognize_canvas_version']}", brush)
    reading = None
    with right:
        if pixels is not None:
            try:
                reading = recognition.read_digit(active.model, pixels)
            except InputError as error:
                if error.reason != "blank":
                    st.error(error.message(language), icon=":material/error:")
        if reading is None:
            st.info(t("recognize.draw.empty"), icon=":material/draw:")
            return
        st.session_state["recognize_last_digit"] = reading.steps.mnist
        numbers = st.container(horizontal=True)
        numbers.metric(t("recognize.prediction"), reading.digit, border=True)
        numbers.metric(t("recognize.confidence"), f"{reading.confidence:.1%}", border=True)
        if reading.low_confidence:  # "4 or 9?": both digits, and how likely each is.
            st.warning(t("recognize.close_call", digit=reading.digit,
                         confidence=reading.confidence, runner_up=reading.runner_up,
                         probability=reading.runner_up_confidence), icon=":material/help:")
        teach_views.correct_drawing(reading, t)  # "Right", or the digit it is: an example.
        charts_row = st.container(horizontal=True, vertical_alignment="bottom")
        charts_row.plotly_chart(
            charts.probability_bars(reading.probabilities, t("recognize.digit"),
                                    t("recognize.probability")),
            key="recognize_probabilities", config={"displayModeBar": False})
        seen = charts_row.container(width=SEEN_SIZE)
        seen.caption(t("recognize.model_input"))
        seen.plotly_chart(charts.digit_image(reading.steps.mnist, height=SEEN_SIZE),
                          key="recognize_model_input", config={"displayModeBar": False})
    if st.toggle(t("recognize.steps.show"), key="recognize_show_steps", bind="query-params"):
        steps = reading.steps
        st.plotly_chart(
            charts.image_row([steps.gray, steps.ink, steps.crop, steps.fitted, steps.mnist],
                             [t(f"recognize.steps.{name}", box=preprocess.DIGIT_BOX) for name in
                              ("gray", "ink", "crop", "fitted", "mnist")]),
            key="recognize_steps", config={"displayModeBar": False},
        )
        st.caption(t("recognize.steps.explain", box=preprocess.DIGIT_BOX))


def upload(active):
    """Images, a folder or zips: each file's answer, the batch's score where names give
    labels, the CSV; and the batch's digits to keep as examples."""
    st.caption(t("recognize.upload.batch_limits", upload_mb=st.get_option("server.maxUploadSize"),
                 file_mb=uploads.FILE_MAX_BYTES // 2**20, files=uploads.LIMITS.max_files,
                 batch_mb=uploads.LIMITS.max_bytes // 2**20,
                 batch_mp=uploads.LIMITS.max_pixels // 10**6, members=uploads.ZIP_MAX_MEMBERS,
                 zip_mb=uploads.ZIP_MAX_TOTAL_BYTES // 2**20, ratio=uploads.ZIP_MAX_RATIO,
                 jpeg_mp=preprocess.MAX_JPEG_PIXELS / 1e6,
                 image_mp=preprocess.MAX_IMAGE_PIXELS / 1e6))
    files_column, folder_column = st.columns(2)
    files = files_column.file_uploader(t("recognize.upload.files"),
                                       type=[*uploads.IMAGE_TYPES, "zip"],
                                       accept_multiple_files=True, key="recognize_files")
    folder = folder_column.file_uploader(t("recognize.upload.folder"),
                                         accept_multiple_files="directory",
                                         key="recognize_folder")
    uploaded = [*(files or []), *(folder or [])]
    if not uploaded:
        st.info(t("recognize.upload.empty"), icon=":material/upload_file:")
        return

    signature = (active.key, id(active.model), tuple(file.file_id for file in uploaded))
    stored = st.session_state["recognize_batch"]
    if stored is None or stored[0] != signature:
        batch = uploads.gather((file.name, file.getvalue()) for file in uploaded)
        bar = st.progress(0.0, text=t("recognize.upload.progress", done=0,
                                      total=len(batch.files)))
        results = uploads.recognize(active.model, batch, progress=lambda done, total: (
            bar.progress(done / total, text=t("recognize.upload.progress", done=done,
                                              total=total))))
        bar.empty()
        stored = (signature, results, dict(batch.skipped))
        st.session_state["recognize_batch"] = stored
    _, results, skipped = stored
    results = recognition.order_results(results)
    summary = uploads.summary(results)

    recognised = sum(result.prediction is not None for result in results)
    columns = st.columns(4)
    columns[0].metric(t("recognize.upload.recognised"), f"{recognised:,}", border=True)
    columns[1].metric(t("recognize.upload.unusable"), f"{len(results) - recognised:,}",
                      border=True)
    columns[2].metric(t("recognize.upload.skipped"), f"{sum(skipped.values()):,}", border=True,
                      help=t("recognize.upload.skipped_help", macos=skipped.get("macos", 0),
                             hidden=skipped.get("hidden", 0),
                             not_image=skipped.get("not_image", 0)))
    if summary["accuracy"] is not None:
        columns[3].metric(t("recognize.upload.accuracy"), f"{summary['accuracy']:.1%}",
                          border=True, help=t("recognize.upload.accuracy_help",
                                              correct=summary["correct"],
                                              labelled=summary["labelled"]))
        # The confusion matrix and per-digit chart /train and /inside show, for labelled files.
        widgets.evaluation_view(summary["evaluation"], t, "recognize")

    if recognised:
        st.subheader(t("recognize.upload.grid"), anchor=False)
        page_count = recognition.grid_page(results, 1)[1]
        page = 1
        if page_count > 1:
            page = st.number_input(t("recognize.upload.page", count=page_count), 1, page_count,
                                   1, key="recognize_grid_page", width=200)
        shown, _ = recognition.grid_page(results, page)
        st.plotly_chart(
            charts.thumbnail_grid([r.image for r in shown],
                                  [recognition.thumbnail_title(r) for r in shown],
                                  [r.correct for r in shown], recognition.GRID_COLUMNS),
            key="recognize_grid", config={"displayModeBar": False},
        )

    st.subheader(t("recognize.upload.table"), anchor=False)
    table = pd.DataFrame(uploads.to_rows(results, language))
    table[["prediction", "label"]] = table[["prediction", "label"]].astype("Int64")
    # On screen the contract columns; the ten probabilities are in the CSV.
    st.dataframe(table, hide_index=True, column_order=uploads.CSV_COLUMNS, column_config={
        "file": st.column_config.TextColumn(t("recognize.col.file")),
        "prediction": st.column_config.NumberColumn(t("recognize.col.prediction")),
        "confidence": st.column_config.ProgressColumn(t("recognize.col.confidence"),
                                                      format="percent", min_value=0.0,
                                                      max_value=1.0),
        "label": st.column_config.NumberColumn(t("recognize.col.label")),
        "correct": st.column_config.CheckboxColumn(t("recognize.col.correct")),
        "error": st.column_config.TextColumn(t("recognize.col.error"), width="large"),
    })
    st.download_button(t("recognize.upload.download"), recognition.csv_bytes(results, language),
                       file_name="predictions.csv", mime="text/csv", icon=":material/download:",
                       on_click="ignore", key="recognize_download")
    teach_views.correct_batch(results, t)  # Labelled by name, or by the student: examples.


st.title(t("recognize.title"), anchor=False)
active = session.active_model()
# The label is markdown already, with the name a user chose as a literal (lib.session).
st.caption(t("recognize.using", model=active.label))
mode = "draw" if classroom.hidden("recognize.upload") else url_state.choice(
    st.segmented_control, t("recognize.mode"), ["draw", "upload"], "recognize_mode",
    default="draw", required=True, label_visibility="collapsed",
    format_func=lambda option: t(f"recognize.mode.{option}"),
)
if mode == "draw":
    draw(active)
else:
    upload(active)
# The examples kept from either mode, and a copy of the model taught with them.
teach_views.gallery(t)
teach_views.teach_panel(active, t)
