import sqlite3
import threading

from lib import runs


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
