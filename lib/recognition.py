"""What the recognition page computes, without Streamlit: one drawn digit, and batch views.

The page reads widgets and renders; everything it decides (the prediction and
its runner-up, whether to warn about low confidence, the order of a batch's
results, the per-digit table) is a plain function here.
"""

import csv
import dataclasses
import io
import re

import numpy as np

from lib import inference, preprocess, uploads

# Below this probability the answer is shown with a warning naming the runner-up.
LOW_CONFIDENCE = 0.6
# Thumbnails per page of the results grid (rows of five, like the tutorial's 2 x 5 figure).
GRID_COLUMNS = 5
GRID_PAGE_SIZE = 20


@dataclasses.dataclass(frozen=True)
class Reading:
    """The model's answer for one drawn or uploaded digit.

    Attributes:
        digit: The predicted digit.
        confidence: Its probability.
        runner_up: The second most likely digit.
        runner_up_confidence: Its probability.
        probabilities: float32 `(10,)`.
        steps: The `lib.preprocess.PreprocessSteps` that made the model's
            input (`steps.mnist`, `(28, 28)`).
    """

    digit: int
    confidence: float
    runner_up: int
    runner_up_confidence: float
    probabilities: np.ndarray
    steps: preprocess.PreprocessSteps

    @property
    def low_confidence(self):
        """Whether the answer is too unsure to be shown without a warning."""
        return self.confidence < LOW_CONFIDENCE


def read_digit(model, image):
    """Preprocesses one picture of a digit and predicts it.

    Args:
        model: A Keras digit model.
        image: Anything `lib.preprocess.to_mnist` takes, e.g. the canvas's
            RGBA pixels `(height, width, 4)` uint8.

    Returns:
        A `Reading`.

    Raises:
        InputError: `"blank"` for an empty canvas, or why the image is unusable.
    """
    steps = preprocess.preprocess_steps(image)
    digit, probabilities = inference.predict_digit(model, steps.mnist)
    runner_up = int(np.argsort(probabilities)[-2])
    return Reading(
        digit=digit,
        confidence=float(probabilities[digit]),
        runner_up=runner_up,
        runner_up_confidence=float(probabilities[runner_up]),
        probabilities=probabilities,
        steps=steps,
    )


def natural_key(name):
    """Sorts names as people count: `num2` before `num10`, case aside (`"Num3"` by `"num3"`)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", name.casefold()) if part]


def order_results(results):
    """The results in natural order of their file names (folders first by theirs): the
    tutorial's `num0` ... `num9` read left to right, `num2` before `num10`.

    Args:
        results: list of `lib.uploads.Result`.

    Returns:
        A new list with the same results.
    """
    return sorted(results, key=lambda result: natural_key(result.file))


def thumbnail_title(result):
    """`"3 · 98%"`; a wrong answer adds the label from the name: `"5 · 61% (3)"`."""
    title = f"{result.prediction} · {result.confidence:.0%}"
    if result.correct is False:
        title += f" ({result.label})"
    return title


def grid_page(results, page, page_size=GRID_PAGE_SIZE):
    """The usable results on one page of the thumbnail grid.

    Args:
        results: list of `lib.uploads.Result`, in display order.
        page: 1-based page number (clipped to the pages there are).
        page_size: Thumbnails per page.

    Returns:
        `(results_on_page, page_count)`; results without an image are left out.
    """
    usable = [result for result in results if result.image is not None]
    page_count = max(1, -(-len(usable) // page_size))
    page = min(max(int(page), 1), page_count)
    start = (page - 1) * page_size
    return usable[start : start + page_size], page_count


def per_digit_rows(summary):
    """`[{"digit", "correct", "total", "accuracy"}]` from `lib.uploads.summary(...)`."""
    return [
        {"digit": digit, "correct": correct, "total": total, "accuracy": correct / total}
        for digit, (correct, total) in sorted(summary["per_digit"].items())
    ]


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# injection"); a leading apostrophe makes it text again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """`value` as a CSV cell a spreadsheet cannot run: text that starts like a formula gets a
    leading `'`; numbers, booleans and `None` (an empty cell) stay as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(results, language="en"):
    """The batch as CSV (UTF-8 with a BOM, so spreadsheet apps read Chinese reasons right).

    Columns: `lib.uploads.CSV_COLUMNS`, then `p0` ... `p9`. File names and
    reasons come from uploads: any that would start a formula is neutralised
    (`csv_cell`).
    """
    rows = uploads.to_rows(results, language)
    columns = [*uploads.CSV_COLUMNS, *(f"p{digit}" for digit in range(10))]
    buffer = io.StringIO()
    # RFC 4180's line ends: the writer then quotes a name holding either "\r" or "\n".
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8-sig")

