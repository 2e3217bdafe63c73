"""Unit tests of lib/evaluation.py: predictions against labels, the one result /train, /inside
and /recognize share."""

import numpy as np
import pytest

from lib import evaluation


def test_confusion_matrix_by_hand():
    labels = [0, 0, 1, 2, 2, 2, 1]
    predictions = [0, 1, 1, 2, 0, 2, 1]
    expected = np.zeros((3, 3), int)
    expected[0] = [1, 1, 0]
    expected[1] = [0, 2, 0]
    expected[2] = [1, 0, 2]
    np.testing.assert_array_equal(evaluation.confusion_matrix(labels, predictions, 3), expected)
    assert evaluation.top_confusions(expected) == [(0, 1, 1), (2, 0, 1)]
    with pytest.raises(ValueError, match="Received 2 labels and 1 predictions"):
        evaluation.confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="Expected classes from 0 to 2. Received values from 0 "
                                         "to 3"):
        evaluation.confusion_matrix([0, 3], [0, 1], 3)


def test_evaluate_counts_per_digit_and_orders_the_mistakes():
    labels = [0, 1, 2, 2, 7]
    predictions = [0, 2, 2, 1, 7]
    confidences = [0.9, 0.6, 0.8, 0.95, 0.5]
    scores = evaluation.evaluate(labels, predictions, confidences)
    assert scores.confusion.shape == (10, 10) and scores.confusion.sum() == 5
    assert scores.confusion[1, 2] == 1 and scores.confusion[2, 1] == 1
    assert scores.correct == 3 and scores.accuracy == pytest.approx(0.6)
    assert scores.per_digit == {0: (1, 1), 1: (0, 1), 2: (1, 2), 7: (1, 1)}
    assert list(scores.per_digit) == [0, 1, 2, 7]  # Digit order, whatever the data's.
    assert scores.mistakes.tolist() == [3, 1]  # Most confident first.
    assert scores.confidences.dtype == np.float32 and scores.labels.dtype == np.int64


def test_equally_confident_mistakes_keep_their_order():
    scores = evaluation.evaluate([1, 1, 1, 1], [2, 1, 3, 4], [0.5, 0.9, 0.5, 0.5])
    assert scores.mistakes.tolist() == [0, 2, 3]


def test_evaluate_without_labels():
    scores = evaluation.evaluate([], [], [])
    assert scores.per_digit == {} and scores.correct == 0 and len(scores.mistakes) == 0
    assert np.isnan(scores.accuracy)


def test_evaluate_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="Received 2 predictions and 1 confidences"):
        evaluation.evaluate([0, 1], [0, 1], [0.5])
    with pytest.raises(ValueError, match="Received 3 labels and 2 predictions"):
        evaluation.evaluate([0, 1, 2], [0, 1], [0.5, 0.5])
