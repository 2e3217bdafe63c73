"""Unit tests of lib/charts/ (digits, the evaluation charts, style, the feature-map grid) and
lib/recognition.py (the /recognize logic)."""

import csv
import io
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from lib import evaluation, recognition, uploads
from lib.charts import digits as charts
from lib.charts import evaluation as evaluation_charts
from lib.charts import explore as explore_charts
from lib.charts import style
from lib.errors import InputError


def _probabilities(best=3, runner_up=5, p_best=0.7, p_runner_up=0.2):
    values = np.full(10, (1.0 - p_best - p_runner_up) / 8, np.float32)
    values[best], values[runner_up] = p_best, p_runner_up
    return values


def test_probability_bars_highlight_the_prediction():
    figure = charts.probability_bars(_probabilities(best=3), "Digit", "Probability")
    assert isinstance(figure, go.Figure)
    (bar,) = figure.data
    assert list(bar.x) == [str(digit) for digit in range(10)]
    assert np.allclose(bar.y, _probabilities(best=3))
    assert bar.marker.color[3] == style.HIGHLIGHT
    assert {bar.marker.color[d] for d in range(10) if d != 3} == {style.MUTED}
    assert bar.text[3] == "70%"
    assert figure.layout.xaxis.title.text == "Digit"
    assert figure.layout.yaxis.title.text == "Probability"


def test_probability_bars_accept_a_batch_of_one_and_refuse_other_shapes():
    assert len(charts.probability_bars(_probabilities()[np.newaxis]).data[0].y) == 10
    with pytest.raises(ValueError, match=r"Expected 10 probabilities.*shape \(9,\)"):
        charts.probability_bars(np.ones(9) / 9)


def test_digit_image_keeps_square_pixels_and_the_image_upright():
    image = np.zeros((28, 28), np.float32)
    image[2, 5] = 1.0
    figure = charts.digit_image(image[..., np.newaxis])
    (heatmap,) = figure.data
    assert np.asarray(heatmap.z).shape == (28, 28)
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 1.0)
    assert figure.layout.yaxis.autorange == "reversed"
    assert figure.layout.yaxis.scaleanchor == "x"
    with pytest.raises(ValueError, match=r"Expected image of shape \(height, width\)"):
        charts.digit_image(np.zeros((2, 28, 28)))


def test_image_row_titles_each_image():
    images = [np.zeros((50, 40)), np.zeros((20, 12)), np.zeros((28, 28))]
    figure = charts.image_row(images, ["a", "b", "c"])
    assert len(figure.data) == 3
    assert [annotation.text for annotation in figure.layout.annotations] == ["a", "b", "c"]
    assert figure.layout.yaxis2.scaleanchor == "x2"
    with pytest.raises(ValueError, match="one title per image"):
        charts.image_row(images, ["a"])


def test_thumbnail_grid_tiles_rows_and_colours_titles():
    images = [np.full((28, 28), digit / 10, np.float32) for digit in range(7)]
    titles = [f"{digit} · 90%" for digit in range(7)]
    correct = [True, False, None, True, True, True, True]
    figure = charts.thumbnail_grid(images, titles, correct, columns=5)
    (heatmap,) = figure.data  # One tiled image, however many thumbnails.
    mosaic = np.asarray(heatmap.z, dtype=float)
    band, gap = 10, 7  # Title band above each 28 x 28 thumbnail, gap to its right.
    assert mosaic.shape == (2 * (28 + band), 5 * (28 + gap) - gap)
    # The seventh thumbnail sits in row 2, column 2; gaps and empty cells are transparent.
    assert np.allclose(mosaic[28 + band + band:, 28 + gap:2 * 28 + gap], 0.6)
    assert np.isnan(mosaic[0, 0]) and np.isnan(mosaic[-1, -1])
    annotations = figure.layout.annotations
    assert [a.text for a in annotations] == titles
    assert annotations[0].font.color == style.RIGHT
    assert annotations[1].font.color == style.WRONG
    assert annotations[2].font.color == style.NEUTRAL
    assert figure.layout.yaxis.autorange == "reversed" and figure.layout.height == 2 * 150 + 20


def test_thumbnail_grid_of_nothing_and_bad_arguments():
    assert len(charts.thumbnail_grid([], []).data) == 0
    with pytest.raises(ValueError, match="one title"):
        charts.thumbnail_grid([np.zeros((28, 28))], [])
    with pytest.raises(ValueError, match="at least 1 column"):
        charts.thumbnail_grid([np.zeros((28, 28))], ["x"], columns=0)
    with pytest.raises(ValueError, match="one shape"):
        charts.thumbnail_grid([np.zeros((28, 28)), np.zeros((20, 20))], ["x", "y"])


def test_the_feature_map_grid_names_each_cell_s_map_and_sends_binary_arrays():
    maps = np.arange(5 * 3 * 4, dtype=np.float32).reshape(5, 3, 4) - 30  # Signed.
    figure = explore_charts.maps_figure(maps, "", "map {index}", columns=2)
    heatmap = figure.data[0]
    z, numbers = np.asarray(heatmap.z), np.asarray(heatmap.customdata)
    assert z.shape == numbers.shape == (3 * 3 + 2, 2 * 4 + 1)  # 3 rows, 2 columns, 1-px gaps.
    for index in range(5):
        top, left = (index // 2) * 4, (index % 2) * 5
        np.testing.assert_array_equal(z[top:top + 3, left:left + 4], maps[index])
        assert (numbers[top:top + 3, left:left + 4] == index).all()
    assert np.isnan(z[3]).all() and np.isnan(z[:, 4]).all() and np.isnan(z[8:, 5:]).all()
    assert heatmap.hoverongaps is False  # The gaps and the empty sixth place say nothing.
    assert heatmap.hovertemplate == "map %{customdata}: %{z:.3f}<extra></extra>"
    assert (heatmap.zmin, heatmap.zmax) == (-30, 30)  # Signed: centred on zero.
    # As Streamlit sends it: both arrays in binary (a label string per cell tripled the chart).
    trace = json.loads(figure.to_json())["data"][0]
    assert trace["z"]["dtype"] == "f4" and "bdata" in trace["z"]
    assert trace["customdata"]["dtype"] == "i2" and "bdata" in trace["customdata"]


def test_per_digit_accuracy():
    figure = evaluation_charts.per_digit_accuracy({3: (2, 4), 1: (5, 5)}, "Digit", "Accuracy")
    (bar,) = figure.data
    assert list(bar.x) == ["1", "3"]
    assert list(bar.y) == [1.0, 0.5]
    assert list(bar.text) == ["5/5", "2/4"]
    assert bar.marker.color[0] == style.RIGHT
    assert bar.marker.color[1] == style.HIGHLIGHT


def test_the_confusion_matrix_colours_right_and_wrong_apart():
    scores = evaluation.evaluate([0, 0, 1, 2, 2], [0, 1, 1, 2, 2], [0.9] * 5)
    figure = evaluation_charts.confusion_matrix(scores.confusion, "Predicted", "True digit")
    right, wrong = figure.data
    assert right.colorscale[-1][1] == style.RIGHT and wrong.colorscale[-1][1] == style.WRONG
    assert right.text[2][2] == "2" and right.text[3][3] == "0"  # The diagonal always shows.
    assert wrong.text[0][1] == "1" and wrong.text[1][0] == ""  # Empty mistakes stay blank.
    assert figure.layout.xaxis.title.text == "Predicted"
    assert figure.layout.yaxis.title.text == "True digit"
    assert figure.layout.yaxis.autorange == "reversed"  # Digit 0 on top, as in the table.


class _FixedModel:
    """Stands in for a Keras model in `read_digit` (inference is patched)."""


@pytest.fixture
def fixed_answer(monkeypatch):
    answer = {"probabilities": _probabilities(best=3, runner_up=5, p_best=0.55, p_runner_up=0.4)}

    def predict_digit(model, image):
        assert image.shape == (28, 28)
        probabilities = answer["probabilities"]
        return int(np.argmax(probabilities)), probabilities

    monkeypatch.setattr("lib.inference.predict_digit", predict_digit)
    return answer


def _stroke():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[40:240, 130:150, 3] = 255  # A "1" drawn in the alpha channel.
    return canvas


def test_read_digit_names_the_runner_up(fixed_answer):
    reading = recognition.read_digit(_FixedModel(), _stroke())
    assert (reading.digit, reading.runner_up) == (3, 5)
    assert reading.confidence == pytest.approx(0.55)
    assert reading.runner_up_confidence == pytest.approx(0.4)
    assert reading.low_confidence
    assert reading.steps.mnist.shape == (28, 28)
    fixed_answer["probabilities"] = _probabilities(p_best=0.9, p_runner_up=0.05)
    assert not recognition.read_digit(_FixedModel(), _stroke()).low_confidence


def test_read_digit_on_an_empty_canvas_raises_blank(fixed_answer):
    with pytest.raises(InputError, match="blank") as caught:
        recognition.read_digit(_FixedModel(), np.zeros((280, 280, 4), np.uint8))
    assert caught.value.reason == "blank"


def _result(name, label=None, prediction=None, error=None):
    probabilities = None if prediction is None else np.eye(10, dtype=np.float32)[prediction]
    return uploads.Result(
        file=name, label=label, prediction=prediction,
        confidence=None if prediction is None else 1.0, probabilities=probabilities,
        image=None if prediction is None else np.zeros((28, 28), np.float32), error=error,
    )


def test_order_results_is_the_natural_order_of_the_names():
    results = [
        _result("num10.png", 1, 1), _result("b/num2.png", None, None, InputError("empty_file")),
        _result("Num3.png", 2, 7), _result("num2.png", None, 4), _result("a/num11.png", 5, 3),
        _result("a/num9.png", 5, 5),
    ]
    assert [r.file for r in recognition.order_results(results)] == [
        "a/num9.png", "a/num11.png", "b/num2.png", "num2.png", "Num3.png", "num10.png"]


def test_thumbnail_title_and_grid_pages():
    assert recognition.thumbnail_title(_result("x", None, 4)) == "4 · 100%"
    assert recognition.thumbnail_title(_result("x", 3, 5)) == "5 · 100% (3)"
    results = [_result(f"{i}", None, i % 10) for i in range(45)]
    results.insert(3, _result("bad", error=InputError("blank")))
    page, count = recognition.grid_page(results, 3, page_size=20)
    assert count == 3 and [r.file for r in page] == [str(i) for i in range(40, 45)]
    assert recognition.grid_page(results, 99, page_size=20)[0] == page  # Clipped.
    assert recognition.grid_page([], 1) == ([], 1)


def test_per_digit_rows():
    summary = uploads.summary([_result("a", 1, 1), _result("b", 1, 2), _result("c", 2, 2)])
    assert recognition.per_digit_rows(summary) == [
        {"digit": 1, "correct": 1, "total": 2, "accuracy": 0.5},
        {"digit": 2, "correct": 1, "total": 1, "accuracy": 1.0},
    ]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_csv_has_the_contract_columns_and_translated_reasons(language):
    results = [_result("num3.png", 3, 3), _result("bad.png", error=InputError("not_an_image"))]
    data = recognition.csv_bytes(results, language)
    assert data.startswith(b"\xef\xbb\xbf")  # A BOM, so spreadsheet apps read UTF-8.
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == [*uploads.CSV_COLUMNS, *(f"p{d}" for d in range(10))]
    assert rows[0]["prediction"] == "3" and rows[0]["correct"] == "True"
    assert rows[0]["p3"] == "1.0" and rows[0]["error"] == ""
    assert rows[1]["prediction"] == "" and rows[1]["p0"] == ""
    assert rows[1]["error"] == InputError("not_an_image").message(language)
