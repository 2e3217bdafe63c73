"""A small database of training runs: configuration, per-epoch metrics, results, model file.

One SQLite file beside `models/` (`runs.sqlite`), created on first use. Many
sessions write at once (each worker records its epochs as they end), so every
call opens its own connection, the journal is in WAL mode (readers never
block the writer), and a busy database is waited for and retried.
"""

import contextlib
import json
import os
import pathlib
import sqlite3
import time

DEFAULT_PATH = pathlib.Path(__file__).resolve().parent.parent / "runs.sqlite"
# Another file for this server (tests point it at a temporary one).
PATH_ENV = "DIGITLAB_RUNS_DB"
# Seconds SQLite itself waits for a lock, then how many times we retry on top.
BUSY_TIMEOUT = 10.0
RETRIES = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    config TEXT NOT NULL,
    status TEXT NOT NULL,
    started REAL NOT NULL,
    seconds REAL,
    test_loss REAL,
    test_accuracy REAL,
    parameters INTEGER,
    data_source TEXT,
    model_path TEXT
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
);
"""


class RunDatabase:
    """The runs recorded on this server.

    Args:
        path: The SQLite file (created with its tables on first use); default
            the `DIGITLAB_RUNS_DB` environment variable, else `runs.sqlite`
            beside `models/`.
        timeout: Seconds to wait for another writer's lock before retrying.
    """

    def __init__(self, path=None, timeout=BUSY_TIMEOUT):
        self.path = pathlib.Path(path or os.environ.get(PATH_ENV) or DEFAULT_PATH)
        self.timeout = timeout
        self._ready = False

    @contextlib.contextmanager
    def _connect(self):
        connection = sqlite3.connect(self.path, timeout=self.timeout)
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys = ON")
            if not self._ready:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.executescript(_SCHEMA)
                self._ready = True
            yield connection
            connection.commit()
        finally:
            connection.close()

    def _retry(self, action):
        for attempt in range(RETRIES):
            try:
                with self._connect() as connection:
                    return action(connection)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        return None

    def start_run(self, name, config, parameters=None, data_source=None):
        """Records a run that is starting.

        Args:
            name: A label (e.g. the preset and the time).
            config: A JSON-able dict of the run's configuration.
            parameters: The model's parameter count.
            data_source: `"keras"`, `"npz"` or `"embedded"`.

        Returns:
            The run's id (an int).
        """
        text = json.dumps(config, sort_keys=True)
        return self._retry(lambda connection: connection.execute(
            "INSERT INTO runs (name, config, status, started, parameters, data_source) "
            "VALUES (?, ?, 'running', ?, ?, ?)",
            (name, text, time.time(), parameters, data_source),
        ).lastrowid)

    def add_epoch(self, run_id, epoch, metrics):
        """Records one epoch's logs (`loss, accuracy, val_loss, val_accuracy`); 0-based epoch."""
        text = json.dumps({key: float(value) for key, value in metrics.items()})
        self._retry(lambda connection: connection.execute(
            "INSERT OR REPLACE INTO epochs (run_id, epoch, metrics) VALUES (?, ?, ?)",
            (run_id, int(epoch), text),
        ))

    def finish_run(self, run_id, status, seconds=None, test_loss=None, test_accuracy=None):
        """Records how a run ended (`"done"`, `"stopped"`, `"failed"`, `"cancelled"`)."""
        self._retry(lambda connection: connection.execute(
            "UPDATE runs SET status = ?, seconds = ?, test_loss = ?, test_accuracy = ? "
            "WHERE id = ?",
            (status, seconds, test_loss, test_accuracy, run_id),
        ))

    def set_model_path(self, run_id, path):
        """Records where the run's model was saved."""
        self._retry(lambda connection: connection.execute(
            "UPDATE runs SET model_path = ? WHERE id = ?", (str(path), run_id)
        ))

    def list_runs(self, limit=50):
        """The most recent runs first, as dicts (`config` decoded)."""
        rows = self._retry(lambda connection: connection.execute(
            "SELECT * FROM runs ORDER BY id DESC LIMIT ?", (int(limit),)
        ).fetchall())
        return [{**dict(row), "config": json.loads(row["config"])} for row in rows]

    def run(self, run_id):
        """One run as a dict, or `None`."""
        row = self._retry(lambda connection: connection.execute(
            "SELECT * FROM runs WHERE id = ?", (run_id,)
        ).fetchone())
        return None if row is None else {**dict(row), "config": json.loads(row["config"])}

    def epochs(self, run_ids):
        """`{run_id: [metrics of epoch 0, epoch 1, ...]}` for the given runs."""
        run_ids = [int(run_id) for run_id in run_ids]
        if not run_ids:
            return {}
        marks = ", ".join("?" * len(run_ids))
        rows = self._retry(lambda connection: connection.execute(
            f"SELECT run_id, epoch, metrics FROM epochs WHERE run_id IN ({marks}) "
            "ORDER BY run_id, epoch", run_ids,
        ).fetchall())
        curves = {run_id: [] for run_id in run_ids}
        for row in rows:
            curves[row["run_id"]].append(json.loads(row["metrics"]))
        return curves
