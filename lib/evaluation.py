"""Predictions against labels: the confusion matrix, accuracy per digit, and the mistakes.

One result for every page that scores a model on labelled digits: /train (the test split after
a run), /inside (the active model on the test split) and /recognize (a batch whose file names
give the labels). Plain NumPy: nothing here predicts, and nothing knows about Streamlit.
"""

import dataclasses

import numpy as np

NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """How a model's answers compare to the labels.

    Attributes:
        labels: int64 `(n,)`, the true digits.
        predictions: int64 `(n,)`, the predicted digits.
        confidences: float32 `(n,)`, the probability of each prediction.
        confusion: int64 `(10, 10)`, `confusion[true, predicted]` counts.
        per_digit: `{digit: (correct, total)}` for each digit among the labels, in digit
            order (what `lib.charts.evaluation.per_digit_accuracy` draws).
        accuracy: Fraction of right answers (NaN without labels).
        mistakes: int64 `(k,)`, the indices of the wrong answers, most confident first.
    """

    labels: np.ndarray
    predictions: np.ndarray
    confidences: np.ndarray
    confusion: np.ndarray
    per_digit: dict
    accuracy: float
    mistakes: np.ndarray

    @property
    def correct(self):
        """How many answers are right."""
        return int(np.trace(self.confusion))


def evaluate(labels, predictions, confidences, num_classes=NUM_CLASSES):
    """Scores predictions against labels.

    Args:
        labels: int `(n,)`, the true digits.
        predictions: int `(n,)`, the predicted digits.
        confidences: float `(n,)`, the probability of each prediction (it orders the mistakes).
        num_classes: Number of classes.

    Returns:
        An `Evaluation`.

    Raises:
        ValueError: if the arrays differ in length or hold a class outside the range.
    """
    labels, predictions = _classes(labels), _classes(predictions)
    confidences = np.asarray(confidences, dtype=np.float32).reshape(-1)
    _check_one_per(predictions, "prediction", confidences, "confidence")
    confusion = confusion_matrix(labels, predictions, num_classes)
    totals = confusion.sum(axis=1)
    wrong = np.flatnonzero(predictions != labels)
    return Evaluation(
        labels=labels,
        predictions=predictions,
        confidences=confidences,
        confusion=confusion,
        per_digit={digit: (int(confusion[digit, digit]), int(totals[digit]))
                   for digit in range(num_classes) if totals[digit]},
        accuracy=float(np.mean(predictions == labels)) if labels.size else float("nan"),
        # A stable sort: equally confident mistakes stay in their order in the data.
        mistakes=wrong[np.argsort(-confidences[wrong], kind="stable")],
    )


def confusion_matrix(labels, predictions, num_classes=NUM_CLASSES):
    """Counts of each (true, predicted) pair.

    Args:
        labels: int array `(n,)` of true classes.
        predictions: int array `(n,)` of predicted classes.
        num_classes: Number of classes.

    Returns:
        int64 `(num_classes, num_classes)`: row = true class, column = prediction.

    Raises:
        ValueError: if the arrays differ in length or hold a class outside the range.
    """
    labels, predictions = _classes(labels), _classes(predictions)
    _check_one_per(labels, "label", predictions, "prediction")
    both = np.concatenate([labels, predictions])
    if both.size and (both.min() < 0 or both.max() >= num_classes):
        raise ValueError(
            f"Expected classes from 0 to {num_classes - 1}. "
            f"Received values from {both.min()} to {both.max()}."
        )
    counts = np.bincount(labels * num_classes + predictions, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)


def top_confusions(confusion, count=5):
    """The most frequent wrong `(true, predicted, times)` triples, most frequent first."""
    confusion = np.asarray(confusion)
    wrong = [(int(true), int(predicted), int(confusion[true, predicted]))
             for true, predicted in zip(*np.nonzero(confusion), strict=True) if true != predicted]
    return sorted(wrong, key=lambda item: (-item[2], item[0], item[1]))[:count]


def _classes(values):
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _check_one_per(items, item_name, values, value_name):
    if values.shape != items.shape:
        raise ValueError(
            f"Expected one {value_name} per {item_name}. "
            f"Received {items.size} {item_name}s and {values.size} {value_name}s."
        )
