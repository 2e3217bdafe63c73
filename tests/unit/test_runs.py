import os
import pathlib
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from lib import runs

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_created_on_first_use_in_wal_mode(tmp_path):
    path = tmp_path / "runs.sqlite"
    database = runs.RunDatabase(path)
    assert not path.exists()
    run_id = database.start_run("small_cnn 1", {"epochs": 2, "stack": "flatten"}, parameters=7,
                                data_source="embedded")
    assert path.exists()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    database.add_epoch(run_id, 0, {"loss": 1.5, "accuracy": 0.5})
    database.add_epoch(run_id, 1, {"loss": 0.5, "accuracy": 0.8})
    database.finish_run(run_id, "done", seconds=3.0, test_loss=0.4, test_accuracy=0.9)
    database.set_model_path(run_id, tmp_path / "model.keras")
    [run] = database.list_runs()
    assert run["config"] == {"epochs": 2, "stack": "flatten"}
    assert run["status"] == "done" and run["test_accuracy"] == 0.9 and run["seconds"] == 3.0
    assert run["model_path"].endswith("model.keras") and run["parameters"] == 7
    assert database.epochs([run_id]) == {run_id: [{"loss": 1.5, "accuracy": 0.5},
                                                  {"loss": 0.5, "accuracy": 0.8}]}
    assert database.run(run_id)["name"] == "small_cnn 1"
    assert database.run(999) is None and database.epochs([]) == {}


def test_concurrent_writers_from_threads(tmp_path):
    path = tmp_path / "runs.sqlite"
    errors = []

    def session(number):
        try:
            # Each thread has its own RunDatabase, as each worker would.
            database = runs.RunDatabase(path)
            run_id = database.start_run(f"run {number}", {"number": number})
            for epoch in range(20):
                database.add_epoch(run_id, epoch, {"loss": 1.0 / (epoch + 1)})
            database.finish_run(run_id, "done", seconds=1.0, test_accuracy=0.5)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=session, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    database = runs.RunDatabase(path)
    listed = database.list_runs()
    assert len(listed) == 8 and {run["status"] for run in listed} == {"done"}
    curves = database.epochs([run["id"] for run in listed])
    assert all(len(curve) == 20 for curve in curves.values())


# Faults: a damaged file, runs whose process died, and replicas sharing the file.


def _moved_files(path, journals=False):
    """The names of the files moved aside (without their `-wal` and `-shm` unless `journals`)."""
    return sorted(p.name for p in path.parent.iterdir() if ".corrupt-" in p.name and (
        journals or not p.name.endswith(("-wal", "-shm"))))


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"not a database, just a student's bytes " * 200)
    database = runs.RunDatabase(path)
    run_id = database.start_run("after", {"epochs": 1})  # Training works at once.
    moved = _moved_files(path)
    assert len(moved) == 1 and moved[0].startswith("runs.sqlite.corrupt-")
    main = moved[0]
    assert (tmp_path / main).read_bytes().startswith(b"not a database")
    assert [run["id"] for run in database.list_runs()] == [run_id]
    [recovery] = database.recoveries()
    assert recovery["file"] == main and "not a database" in recovery["reason"]
    # The notice lasts while the moved file is there.
    for name in moved:
        (tmp_path / name).unlink()
    assert database.recoveries() == []


def test_damage_found_while_in_use_is_recovered_and_no_run_of_before_writes_into_the_new(
        tmp_path):
    path = tmp_path / "runs.sqlite"
    database = runs.RunDatabase(path)
    ids = [database.start_run(f"run {n}", {"n": n}) for n in range(40)]
    running = ids[-1]  # Still training when the file is damaged.
    held = sqlite3.connect(path)  # Another program has it open (so it has a -wal and -shm).
    held.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # A page of the table's tree.
    path.write_bytes(bytes(data))
    # Another replica finds the damage, moves it, and starts its own runs in the new file.
    replica = runs.RunDatabase(path)
    replica.owner = ("other-machine/boot", 4242, "777")
    assert replica.list_runs() == []
    [moved] = _moved_files(path)
    assert _moved_files(path, journals=True) == [moved, f"{moved}-shm", f"{moved}-wal"]
    held.close()
    theirs = replica.start_run("theirs", {"epochs": 3})
    assert theirs == 1
    # The run from before goes on here: it never writes into the other replica's run ...
    for epoch in range(2):
        database.add_epoch(running, epoch, {"loss": 9.0})
    database.finish_run(running, "done", seconds=5.0, test_accuracy=0.1)
    database.set_model_path(running, "models/old.keras")
    assert replica.epochs([theirs]) == {theirs: []}
    assert replica.run(theirs)["status"] == "running" and replica.run(theirs)["model_path"] is None
    # ... and its next run gets an id above every one it has used.
    assert database.start_run("next", {}) > running


def test_replicas_that_find_the_same_damage_move_it_once(tmp_path):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"\x00garbage" * 4096)
    start = time.time() + 1.5
    script = (
        "import sys, time; from lib import runs; "
        f"time.sleep(max(0, {start} - time.time())); "
        f"print(runs.RunDatabase({str(path)!r}).start_run('replica ' + sys.argv[1], {{}}))"
    )
    replicas = [subprocess.Popen([sys.executable, "-c", script, str(n)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for n in range(4)]
    outcomes = [replica.communicate(timeout=60) for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0] * 4, outcomes
    assert len(_moved_files(path)) == 1  # One move; the others used the new file.
    listed = runs.RunDatabase(path).list_runs()
    assert sorted(run["name"] for run in listed) == [f"replica {n}" for n in range(4)]
    assert sorted(int(out) for out, _ in outcomes) == [1, 2, 3, 4]


def _dead_process():
    """`(pid, process start)` of a process of this machine that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    start = None
    while start is None:  # Read while it lives (it may already be a zombie: then retry).
        start = runs._process_start(child.pid)
        if start in (None, "gone"):
            start = "1"
    child.wait()
    return child.pid, start


def test_runs_whose_process_is_gone_are_marked_interrupted_and_live_ones_kept(tmp_path):
    path = tmp_path / "runs.sqlite"
    host = runs.host_id()
    dead_pid, dead_start = _dead_process()
    me = runs.process_id()
    owners = {
        "dead": (host, dead_pid, dead_start),
        # This process's pid, but another process's start time: the pid was reused.
        "reused": (host, me[1], "1"),
        "alive": me,  # Another replica on this machine that is still training.
        "elsewhere, recent": ("other-machine/boot", 1, "5"),
        "elsewhere, old": ("other-machine/boot", 2, "5"),
    }
    ids = {}
    for name, owner in owners.items():
        database = runs.RunDatabase(path)
        database.owner = owner
        ids[name] = database.start_run(name, {})
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE runs SET started = started - 10000 WHERE name = ?",
                           ("elsewhere, old",))
        connection.execute("UPDATE runs SET owner_host = NULL WHERE name = ?", ("dead",))
        connection.execute("INSERT INTO runs (name, config, status, started) "
                           "VALUES ('from before owners', '{}', 'running', 0)")
    finished = runs.RunDatabase(path)
    finished.finish_run(finished.start_run("finished", {}), "done")
    marked = runs.RunDatabase(path).mark_interrupted(stale_after=3600)
    statuses = {run["name"]: run["status"] for run in runs.RunDatabase(path).list_runs()}
    assert statuses == {
        "dead": "interrupted", "reused": "interrupted", "alive": "running",
        "elsewhere, recent": "running", "elsewhere, old": "interrupted",
        "from before owners": "interrupted", "finished": "done",
    }
    assert len(marked) == 4
    # A process whose pid is gone is told apart from one that runs.
    assert not runs.process_alive(dead_pid, dead_start)
    assert runs.process_alive(*me[1:])


def test_an_existing_database_is_migrated_in_place(tmp_path):
    path = tmp_path / "runs.sqlite"
    with sqlite3.connect(path) as connection:  # The first schema, as a server wrote it before.
        connection.executescript(runs._SCHEMA.split("CREATE TABLE IF NOT EXISTS recoveries")[0])
        connection.execute("INSERT INTO runs (name, config, status, started, test_accuracy) "
                           "VALUES ('old run', '{\"epochs\": 5}', 'done', 1.0, 0.98)")
    database = runs.RunDatabase(path)
    [old] = database.list_runs()
    assert old["name"] == "old run" and old["config"] == {"epochs": 5}
    assert old["owner_host"] is None and database.recoveries() == []
    new = database.start_run("new run", {})
    assert database.run(new)["owner_pid"] == os.getpid()


def test_the_app_marks_interrupted_runs_once_at_start_up(tmp_path, monkeypatch):
    from lib.ui import cache

    path = tmp_path / "runs.sqlite"
    monkeypatch.setenv(runs.PATH_ENV, str(path))
    killed = runs.RunDatabase(path)
    killed.owner = (runs.host_id(), *_dead_process())
    run_id = killed.start_run("killed mid-training", {})
    cache.run_database.clear()
    try:
        database = cache.run_database()
        assert database.run(run_id)["status"] == "interrupted"
        assert cache.run_database() is database  # Once per process.
    finally:
        cache.run_database.clear()


def test_only_a_runs_own_student_renames_or_deletes_it(tmp_path):
    database = runs.RunDatabase(tmp_path / "runs.sqlite")
    anna = database.start_run("adam-1", {"epochs": 1}, browser="anna")
    ben = database.start_run("sgd-1", {"epochs": 1}, browser="ben")
    database.add_epoch(anna, 0, {"loss": 1.0})
    assert [run["id"] for run in database.list_runs(browser="anna")] == [anna]
    assert {run["id"] for run in database.list_runs()} == {anna, ben}
    assert not database.rename_run(ben, "mine now", "anna")
    assert not database.delete_run(ben, "anna")
    assert not database.rename_run(anna, "x", None) and not database.delete_run(anna, None)
    assert database.run(ben)["name"] == "sgd-1"
    assert database.rename_run(anna, "Anna, lr 0.1", "anna")
    assert database.run(anna)["name"] == "Anna, lr 0.1"
    assert database.delete_run(anna, "anna")
    assert database.run(anna) is None and database.epochs([anna]) == {anna: []}
    assert not database.delete_run(anna, "anna")  # Gone: nothing to delete twice.


def test_a_run_name_is_the_students_text_without_control_characters(tmp_path):
    database = runs.RunDatabase(tmp_path / "runs.sqlite")
    run_id = database.start_run("a", {}, browser="anna")
    assert database.rename_run(run_id, "  Anna\u202e\n\x1b[31m  lr *0.1*  ", "anna")
    assert database.run(run_id)["name"] == "Anna [31m lr *0.1*"  # Markdown is escaped on show.
    assert runs.clean_name("x" * 500) == "x" * runs.MAX_NAME_LENGTH
    with pytest.raises(runs.InputError, match="Expected a run name") as refused:
        database.rename_run(run_id, " \t\u200b ", "anna")
    assert refused.value.reason == "run_name_empty"
    assert refused.value.message("zh") != str(refused.value)


def test_the_settings_that_tell_runs_apart():
    listed = [
        {"config": {"optimizer": "sgd", "optimizer_arguments": {"lr": 0.1}, "batch_size": 64,
                    "epochs": 5, "stack": "flatten~dense_10_softmax"}},
        {"config": {"optimizer": "sgd", "optimizer_arguments": {"lr": 0.01}, "batch_size": 64,
                    "epochs": 5, "stack": "flatten~dense_10_softmax"}},
        {"config": {"optimizer": "adam", "optimizer_arguments": {"lr": 0.01}, "batch_size": 64,
                    "epochs": 5, "stack": "flatten~dense_10_softmax"}},
    ]
    assert runs.settings_that_differ(listed) == ["optimizer", "lr"]
    assert runs.settings_that_differ(listed[:1]) == []
    assert runs.compared_settings(listed[0])["lr"] == 0.1
