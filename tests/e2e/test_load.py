"""The load test's short form: a small class on a real server, and nothing goes wrong.

The full test and its figures: `python bench/load_test.py` (see the README).
"""

import concurrent.futures

import pytest

from bench import load_test

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_small_class_draws_uploads_and_queues_for_training_without_errors():
    arguments = load_test.parse_arguments([
        "--students", "6", "--seconds", "30", "--trainers", "2", "--uploaders", "1",
        "--browser-drawers", "1", "--zip-images", "50", "--epochs", "1", "--no-baseline",
        "--generator-nice", "0",  # Leaves this pytest process's priority alone.
    ])
    # In a thread of its own: the other browser tests' sync Playwright keeps an event loop
    # running in this one, and the load test runs its own.
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        report = executor.submit(load_test.load_test, arguments).result()
    load_test.print_report(report, arguments)
    assert report.errors == []
    assert len(report.stroke_seconds) >= 4  # The protocol drawers, again and again...
    assert len(report.browser_stroke_seconds) >= 2  # ...and the one on a real page.
    assert report.uploads and report.uploads[0][0] == 50
    assert 1 in report.places_shown  # The second Train press waited, and said where.
    assert report.queue_waits  # ...and a run started.
    assert report.rss and all(rss > 0 for _, rss in report.rss)
