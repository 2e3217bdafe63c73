import gc
import os
import pathlib
import subprocess
import sys
import threading
import time
import weakref

import pytest

from lib import jobs

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _blocking_work(release, log=None, name=None):
    def work(job):
        if log is not None:
            log.append(name)
        while not release.is_set() and not job.should_stop():
            time.sleep(0.005)
        return name

    return work


def _wait_for(condition, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def test_queue_runs_in_order_with_at_most_n_at_once():
    manager = jobs.JobManager(max_concurrent=2)
    release, log, peak = threading.Event(), [], []
    owners = [manager.new_owner() for _ in range(5)]

    def work_for(name):
        inner = _blocking_work(release, log, name)

        def work(job):
            peak.append(manager.counts()[0])
            return inner(job)

        return work

    submitted = [manager.submit(owner, work_for(n)) for n, owner in enumerate(owners)]
    assert _wait_for(lambda: len(log) == 2)
    assert [manager.snapshot(job.id).status for job in submitted] == (
        ["running"] * 2 + ["queued"] * 3
    )
    assert [manager.snapshot(job.id).position for job in submitted] == [0, 0, 1, 2, 3]
    release.set()
    for job in submitted:
        assert job.wait(5)
    # Jobs start in the order they were queued (the first two at once, in either order).
    started = [job.snapshot().started for job in submitted]
    assert started == sorted(started) and sorted(log) == [0, 1, 2, 3, 4]
    assert max(peak) <= 2
    assert [manager.snapshot(job.id).result for job in submitted] == [0, 1, 2, 3, 4]
    assert {manager.snapshot(job.id).status for job in submitted} == {"done"}


def test_one_active_job_per_session():
    manager = jobs.JobManager(max_concurrent=1)
    owner, release = manager.new_owner(), threading.Event()
    first = manager.submit(owner, _blocking_work(release))
    with pytest.raises(jobs.QueueLimitError, match="This tab already has a run queued or running"
                       ) as refused:
        manager.submit(owner, _blocking_work(release))
    assert refused.value.message("zh").startswith("这个标签页已有一个训练")
    assert manager.active_job(owner) is first
    release.set()
    assert first.wait(5)
    second = manager.submit(owner, _blocking_work(release))
    assert second.wait(5) and manager.snapshot(second.id).status == "done"


def test_session_end_cancels_running_and_queued_jobs():
    manager = jobs.JobManager(max_concurrent=1, grace_seconds=0)
    release = threading.Event()
    owner, other = manager.new_owner(), manager.new_owner()
    running = manager.submit(owner, _blocking_work(release))
    waiting = manager.submit(other, _blocking_work(release))
    assert _wait_for(lambda: running.snapshot().status == "running")
    del other  # The second session's state is dropped: its queued job goes.
    gc.collect()
    assert _wait_for(lambda: waiting.snapshot().status == "cancelled")
    manager.end_owner(owner)
    assert running.wait(5)
    assert running.snapshot().status == "cancelled"
    assert manager.counts() == (0, 0)


def test_finished_jobs_of_ended_sessions_are_forgotten_and_their_results_freed():
    manager = jobs.JobManager(max_concurrent=1, grace_seconds=0.2)

    class Model:  # Stands for a trained Keras model: what must not outlive its session.
        pass

    owner, watcher = manager.new_owner(), manager.new_owner()
    job = manager.submit(owner, lambda job: Model())
    assert job.wait(5)
    kept = manager.submit(watcher, lambda job: Model())
    assert kept.wait(5)
    result, job_id = weakref.ref(job.snapshot().result), job.id
    del owner  # The session's state is dropped; nothing else is needed to free the model.
    gc.collect()
    assert _wait_for(lambda: manager.job(job_id) is None)
    del job
    gc.collect()
    assert result() is None
    assert manager.snapshot(kept.id).result is not None  # A live session keeps its run.


def test_a_reload_of_the_same_tab_takes_the_job_over():
    manager = jobs.JobManager(max_concurrent=1, grace_seconds=0.3)
    release = threading.Event()
    old = manager.new_owner(binding="tab-1 in browser-a", browser="browser-a")
    job = manager.submit(old, _blocking_work(release))
    manager.end_owner(old)  # The page reloads: the old session ends first...
    time.sleep(0.1)
    new = manager.new_owner(binding="tab-1 in browser-a", browser="browser-a")
    assert manager.attach(new) is job  # ...and the new one takes the job within grace.
    time.sleep(0.4)
    assert job.snapshot().status == "running"
    release.set()
    assert job.wait(5) and job.snapshot().status == "done"


def test_another_tab_or_browser_never_gets_the_job():
    manager = jobs.JobManager(max_concurrent=1, grace_seconds=0.2)
    release = threading.Event()
    teacher = manager.new_owner(binding="tab-1 in teacher's", browser="teacher's")
    job = manager.submit(teacher, _blocking_work(release))
    # A second tab of the same browser (the next student at this computer) has another binding.
    second_tab = manager.new_owner(binding="tab-2 in teacher's", browser="teacher's")
    assert manager.attach(second_tab) is None
    assert manager.attach(manager.new_owner(binding="tab-1 in student's")) is None
    assert manager.attach(manager.new_owner()) is None  # No binding.
    manager.end_owner(teacher)
    assert _wait_for(lambda: job.snapshot().status == "cancelled")


def test_stop_keeps_what_work_returned_and_a_queued_stop_cancels():
    manager = jobs.JobManager(max_concurrent=1)
    first_owner, second_owner = manager.new_owner(), manager.new_owner()

    def partial_work(job):
        epochs = 0
        while not job.should_stop():
            epochs += 1
            job.report_epoch(epochs - 1, {"loss": 1.0}, [{"loss": 1.0}] * epochs)
            time.sleep(0.01)
        return {"epochs": epochs}

    running = manager.submit(first_owner, partial_work)
    waiting = manager.submit(second_owner, partial_work)
    assert _wait_for(lambda: len(running.snapshot().history) >= 2)
    manager.stop(waiting.id)
    assert manager.snapshot(waiting.id).status == "cancelled"
    running.stop()
    assert running.wait(5)
    snapshot = manager.snapshot(running.id)
    assert snapshot.status == "stopped" and snapshot.result["epochs"] >= 2
    assert len(snapshot.history) == snapshot.result["epochs"]


def test_a_failing_job_reports_its_error_and_frees_the_slot():
    manager = jobs.JobManager(max_concurrent=1)

    def broken(job):
        raise ValueError("no digits")

    owner = manager.new_owner()
    job = manager.submit(owner, broken)
    assert job.wait(5)
    snapshot = manager.snapshot(job.id)
    assert snapshot.status == "failed" and snapshot.error == "ValueError: no digits"
    other_owner = manager.new_owner()
    other = manager.submit(other_owner, lambda job: 1)
    assert other.wait(5) and other.snapshot().result == 1


def test_max_concurrent_from_env(monkeypatch):
    monkeypatch.delenv(jobs.MAX_CONCURRENT_ENV, raising=False)
    assert jobs.max_concurrent_from_env() == 1
    monkeypatch.setenv(jobs.MAX_CONCURRENT_ENV, "3")
    assert jobs.JobManager().max_concurrent == 3
    monkeypatch.setenv(jobs.MAX_CONCURRENT_ENV, "zero")
    with pytest.raises(ValueError, match="DIGITLAB_MAX_TRAININGS to be a positive integer"):
        jobs.max_concurrent_from_env()


def test_a_run_over_the_time_limit_stops_and_keeps_what_it_learned():
    manager = jobs.JobManager(max_concurrent=1, max_run_seconds=0.3)
    owner, waiting_owner = manager.new_owner(), manager.new_owner()

    def epochs_until_stopped(job):
        epochs = 0
        while not job.should_stop():
            epochs += 1
            time.sleep(0.01)
        return {"epochs": epochs}

    job = manager.submit(owner, epochs_until_stopped)
    # The limit counts from when a run starts, not while it waits.
    queued = manager.submit(waiting_owner, epochs_until_stopped)
    assert job.wait(5) and queued.wait(5)
    for snapshot in (job.snapshot(), queued.snapshot()):
        assert snapshot.status == "timed_out" and snapshot.time_limit == 0.3
        assert snapshot.result["epochs"] >= 5
        assert 0.3 <= snapshot.finished - snapshot.started < 2
    # Stop pressed before the limit is an ordinary stop.
    stopped = manager.submit(owner, epochs_until_stopped)
    stopped.stop()
    assert stopped.wait(5) and stopped.snapshot().status == "stopped"


def test_the_time_limit_comes_from_the_environment():
    def limit(value):
        environment = {**os.environ, jobs.MAX_TRAINING_MINUTES_ENV: value}
        return subprocess.run([sys.executable, "-c", "from lib import jobs; "
                               "print(jobs.MAX_RUN_SECONDS, jobs.JobManager().max_run_seconds)"],
                              cwd=ROOT, env=environment, capture_output=True, text=True)

    assert limit("45").stdout.split() == ["2700.0", "2700.0"]
    assert limit("").stdout.split() == ["1800.0", "1800.0"]  # The default: 30 minutes.
    refused = limit("forever")
    assert refused.returncode != 0
    assert ("Expected DIGITLAB_MAX_TRAINING_MINUTES to be a positive number. "
            "Received 'forever'.") in refused.stderr


def test_each_browser_may_have_one_run_queued_or_running():
    manager = jobs.JobManager(max_concurrent=1)
    release = threading.Event()
    first_tab = manager.new_owner(binding="tab-1", browser="student-a")
    second_tab = manager.new_owner(binding="tab-2", browser="student-a")
    classmate = manager.new_owner(binding="tab-3", browser="student-b")
    first = manager.submit(first_tab, _blocking_work(release))
    with pytest.raises(jobs.QueueLimitError) as refused:
        manager.submit(second_tab, _blocking_work(release))
    assert refused.value.reason == "browser_limit"
    assert str(refused.value) == (
        "Your browser already has 1 run(s) queued or running, perhaps in another tab: the limit "
        "is 1 per browser. Stop one there or wait for it to finish, then start this one.")
    assert "每个浏览器最多 1 个" in refused.value.message("zh")
    waiting = manager.submit(classmate, _blocking_work(release))  # Another browser queues.
    assert manager.snapshot(waiting.id).status == "queued"
    release.set()
    assert first.wait(5) and waiting.wait(5)
    again = manager.submit(second_tab, lambda job: "mine")  # Once the first has finished.
    assert again.wait(5) and again.snapshot().result == "mine"


def test_the_server_holds_at_most_max_queued_waiting_runs():
    manager = jobs.JobManager(max_concurrent=1, max_queued=2)
    release = threading.Event()
    owners = [manager.new_owner() for _ in range(4)]
    submitted = [manager.submit(owner, _blocking_work(release)) for owner in owners[:3]]
    assert manager.counts() == (1, 2)
    with pytest.raises(jobs.QueueLimitError, match="The training queue is full: 2 runs are "
                       "waiting, the limit of this server. Try again when some of them have "
                       "finished.") as refused:
        manager.submit(owners[3], _blocking_work(release))
    assert refused.value.message("zh").startswith("训练队列已满：已有 2 个训练在等待")
    release.set()
    assert all(job.wait(5) for job in submitted)
