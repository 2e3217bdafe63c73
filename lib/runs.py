"""A small database of training runs: configuration, per-epoch metrics, results, model file.

One SQLite file beside `models/` (`runs.sqlite`), created on first use. Many
sessions write at once (each worker records its epochs as they end), and
several replicas of the app may share the file (README, "A school"), so every
call opens its own connection, the journal is in WAL mode (readers never
block the writer), and a busy database is waited for and retried.

Two faults are recovered from rather than shown:

- A damaged file (found on open with `PRAGMA quick_check`, or by any
  statement failing with SQLite's "corrupt" or "not a database") is moved
  aside with its `-wal` and `-shm` files, to `runs.sqlite.corrupt-<time>`, and
  a new database is started that remembers the move (`recoveries()`, for a
  notice on /train). Every call takes a shared lock on `runs.sqlite.lock` and
  the move an exclusive one, so no process on the machine has the file open
  while it moves, and the process that moves it looks again first: of several
  replicas that found the same damage, one moves it and the others use the new
  file.
- A run whose process died mid-training would stay "running" forever. Each
  running row records its process (host, pid and the process's start time), and
  `mark_interrupted` marks the rows whose process is gone, never those of a
  replica that is still training.
"""

import contextlib
import json
import os
import pathlib
import socket
import sqlite3
import time
import unicodedata

from lib.errors import InputError

try:
    import fcntl
except ImportError:  # Not on Windows: there the move is not guarded against other processes.
    fcntl = None

DEFAULT_PATH = pathlib.Path(__file__).resolve().parent.parent / "runs.sqlite"
# Another file for this server (tests point it at a temporary one).
PATH_ENV = "DIGITLAB_RUNS_DB"
# Seconds SQLite itself waits for a lock, then how many times we retry on top.
BUSY_TIMEOUT = 10.0
RETRIES = 5

# A run's status: these are written here; lib.training writes "done", "stopped", "failed",
# "cancelled" and "timed_out" when a run ends.
RUNNING, INTERRUPTED = "running", "interrupted"

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
CREATE TABLE IF NOT EXISTS recoveries (
    moved_to TEXT NOT NULL,
    moved_at REAL NOT NULL,
    reason TEXT NOT NULL
);
"""
# Columns added since the first schema (a database made before gets them on first use): the
# process that owns a run, for `mark_interrupted`, and the student's browser (a hash,
# `lib.ui.session.student_id`), who alone may rename or delete the run.
_ADDED_COLUMNS = {
    "owner_host": "TEXT",
    "owner_pid": "INTEGER",
    "owner_process_start": "TEXT",
    "browser": "TEXT",
}
# A run's name is the student's own text, shown to the whole class (always as a literal).
MAX_NAME_LENGTH = 60
_OWNED = "owner_host IS ? AND owner_pid IS ? AND owner_process_start IS ?"


class _Damaged(sqlite3.DatabaseError):
    """`PRAGMA quick_check` found the file damaged."""


def is_damage(error):
    """Whether an `sqlite3` error says the file is damaged or not a database at all."""
    if isinstance(error, _Damaged):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    message = str(error).lower()
    return "malformed" in message or "not a database" in message


def _is_busy(error):
    message = str(error)
    return isinstance(error, sqlite3.OperationalError) and ("locked" in message or
                                                             "busy" in message)


def host_id():
    """This machine as this boot of it: the host name and the kernel's boot id."""
    try:
        boot = pathlib.Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    return f"{socket.gethostname()}/{boot}"


def _process_start(pid):
    """When process `pid` started (clock ticks since boot, from /proc), `None` if unknown, or
    `"gone"` for a process that has exited (a zombie)."""
    try:
        stat = pathlib.Path(f"/proc/{int(pid)}/stat").read_text()
    except (OSError, ValueError):
        return None
    fields = stat.rsplit(")", 1)[-1].split()  # After the command name, which may hold spaces.
    if len(fields) < 20:
        return None
    return "gone" if fields[0] in ("Z", "X") else fields[19]


def process_id(pid=None):
    """`(host, pid, process start)`: a process on this machine, told apart from a later process
    that got the same pid (after a restart of a container, say)."""
    pid = os.getpid() if pid is None else int(pid)
    return host_id(), pid, _process_start(pid)


def process_alive(pid, process_start):
    """Whether the process `pid` of this machine that started at `process_start` still runs."""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # It exists, under another user.
    except (OSError, ValueError, OverflowError):
        return False
    now = _process_start(pid)
    if now == "gone":
        return False
    return process_start is None or now is None or now == process_start


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
        self.owner = process_id()
        self._ready = False
        # The highest id this object has given a run: a database started after a recovery
        # continues above it, so a run still training from before never writes into a new one.
        self._last_id = 0

    # Connections.

    @contextlib.contextmanager
    def _lock(self, exclusive=False):
        """Shared for every call, exclusive while the file is moved aside (see the module)."""
        if fcntl is None:
            yield
            return
        try:
            handle = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:  # A read-only folder: nothing can be moved there either.
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(handle)  # Releases the lock.

    @contextlib.contextmanager
    def _connect(self, locked=True):
        with self._lock() if locked else contextlib.nullcontext():
            connection = sqlite3.connect(self.path, timeout=self.timeout)
            try:
                connection.row_factory = sqlite3.Row
                if not self._ready:
                    self._prepare(connection)
                connection.execute("PRAGMA foreign_keys = ON")
                yield connection
                connection.commit()
            finally:
                connection.close()

    def _prepare(self, connection):
        """On this object's first connection: checks the file, makes and migrates its tables."""
        check = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
        if check != ["ok"]:
            raise _Damaged("; ".join(map(str, check[:3])))
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(_SCHEMA)
        # Replicas may migrate at once: one of them adds the columns, in a write transaction.
        connection.execute("BEGIN IMMEDIATE")
        columns = {row["name"] for row in connection.execute("PRAGMA table_info(runs)")}
        for name, kind in _ADDED_COLUMNS.items():
            if name not in columns:
                connection.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
        connection.commit()
        self._ready = True

    def _retry(self, action):
        recovered = False
        for attempt in range(RETRIES):
            try:
                with self._connect() as connection:
                    return action(connection)
            except sqlite3.DatabaseError as error:
                if is_damage(error) and not recovered:
                    self._recover(error)
                    recovered = True
                    continue
                if isinstance(error, sqlite3.OperationalError) and "no such table" in str(error):
                    self._ready = False  # The file was deleted or replaced: make the tables again.
                    if attempt < RETRIES - 1:
                        continue
                if not _is_busy(error) or attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        return None

    # Recovery.

    def _recover(self, error):
        """Moves a damaged file aside and starts a new one, unless another process just did."""
        with self._lock(exclusive=True):
            self._ready = False
            if not self._damaged():
                return  # Another process moved it already; the file there now is sound.
            moved = self._move_aside()
            with self._connect(locked=False) as connection:
                connection.execute(
                    "INSERT INTO recoveries (moved_to, moved_at, reason) VALUES (?, ?, ?)",
                    (moved.name, time.time(), str(error)[:200]),
                )

    def _damaged(self):
        """Whether the file there now is damaged (a missing file is not)."""
        if not self.path.exists():
            return False
        try:
            connection = sqlite3.connect(self.path, timeout=self.timeout)
            try:
                check = [row[0] for row in connection.execute("PRAGMA quick_check")]
            finally:
                connection.close()
        except sqlite3.DatabaseError as error:
            return is_damage(error)
        return check != ["ok"]

    def _move_aside(self):
        """Renames the file and its `-wal` and `-shm` to `<name>.corrupt-<time>[-n]`."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        suffixes = ("-wal", "-shm", "")  # The journal first: a WAL left behind would be
        target, number = self.path.with_name(f"{self.path.name}.corrupt-{stamp}"), 1  # replayed.
        while any(pathlib.Path(f"{target}{suffix}").exists() for suffix in suffixes):
            number += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        for suffix in suffixes:
            source = pathlib.Path(f"{self.path}{suffix}")
            if source.exists():
                os.rename(source, f"{target}{suffix}")
        return target

    def recoveries(self):
        """The times this database was found damaged and moved aside, newest first, while the
        moved file is still there: dicts with `file` (its name, beside this one), `moved_at`
        (`time.time()`) and `reason`."""
        rows = self._retry(lambda connection: connection.execute(
            "SELECT moved_to, moved_at, reason FROM recoveries ORDER BY moved_at DESC"
        ).fetchall())
        return [{"file": row["moved_to"], "moved_at": row["moved_at"], "reason": row["reason"]}
                for row in rows if (self.path.parent / row["moved_to"]).exists()]

    # Runs.

    def start_run(self, name, config, parameters=None, data_source=None, browser=None):
        """Records a run that is starting, owned by this process.

        Args:
            name: A label (e.g. the preset and the time).
            config: A JSON-able dict of the run's configuration.
            parameters: The model's parameter count.
            data_source: `"keras"`, `"npz"` or `"embedded"`.
            browser: The student's id (a hash), or `None` for a run nobody may rename.

        Returns:
            The run's id (an int).
        """
        text = json.dumps(config, sort_keys=True)

        def insert(connection):
            # One statement, so two replicas starting at once cannot take the same id.
            return connection.execute(
                "INSERT INTO runs (id, name, config, status, started, parameters, data_source, "
                "browser, owner_host, owner_pid, owner_process_start) VALUES ("
                "max(?, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'runs'), 0), "
                "coalesce((SELECT max(id) FROM runs), 0)) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._last_id, clean_name(name), text, RUNNING, time.time(), parameters,
                 data_source, browser, *self.owner),
            ).lastrowid

        run_id = self._retry(insert)
        self._last_id = max(self._last_id, run_id)
        return run_id

    # A run's later records are written only while the row is this process's: after a recovery,
    # a run started before it is no longer in the database, and another process's run with
    # the same id is not this one.

    def add_epoch(self, run_id, epoch, metrics):
        """Records one epoch's logs (`loss, accuracy, val_loss, val_accuracy`); 0-based epoch."""
        text = json.dumps({key: float(value) for key, value in metrics.items()})
        self._retry(lambda connection: connection.execute(
            "INSERT OR REPLACE INTO epochs (run_id, epoch, metrics) SELECT ?, ?, ? "
            f"WHERE EXISTS (SELECT 1 FROM runs WHERE id = ? AND {_OWNED})",
            (run_id, int(epoch), text, run_id, *self.owner),
        ))

    def finish_run(self, run_id, status, seconds=None, test_loss=None, test_accuracy=None):
        """Records how a run ended (`"done"`, `"stopped"`, `"failed"`, `"cancelled"`)."""
        self._retry(lambda connection: connection.execute(
            "UPDATE runs SET status = ?, seconds = ?, test_loss = ?, test_accuracy = ? "
            f"WHERE id = ? AND {_OWNED}",
            (status, seconds, test_loss, test_accuracy, run_id, *self.owner),
        ))

    def set_model_path(self, run_id, path):
        """Records where the run's model was saved."""
        self._retry(lambda connection: connection.execute(
            f"UPDATE runs SET model_path = ? WHERE id = ? AND {_OWNED}",
            (str(path), run_id, *self.owner),
        ))

    def mark_interrupted(self, stale_after=None, now=None):
        """Marks the running rows whose process is gone as `"interrupted"` (for start-up).

        A row of this machine is interrupted when its process has exited (or its pid now
        belongs to a later process). A row of another machine cannot be checked: it is
        interrupted once it has run longer than `stale_after` seconds, which should exceed
        the longest a run may last. A row from before owners were recorded is interrupted.

        Args:
            stale_after: Seconds, or `None` to leave other machines' rows alone.
            now: `time.time()` (for tests).

        Returns:
            The ids of the rows marked.
        """
        now = time.time() if now is None else now
        host = self.owner[0]

        def mark(connection):
            rows = connection.execute(
                "SELECT id, started, owner_host, owner_pid, owner_process_start FROM runs "
                "WHERE status = ?", (RUNNING,)).fetchall()
            gone = [row["id"] for row in rows if (
                row["owner_host"] is None
                or (row["owner_host"] == host
                    and not process_alive(row["owner_pid"], row["owner_process_start"]))
                or (row["owner_host"] != host and stale_after is not None
                    and now - row["started"] > stale_after))]
            for run_id in gone:
                connection.execute("UPDATE runs SET status = ? WHERE id = ? AND status = ?",
                                   (INTERRUPTED, run_id, RUNNING))
            return gone

        return self._retry(mark)

    # A student's own runs.

    def rename_run(self, run_id, name, browser):
        """Renames run `run_id` if it is `browser`'s.

        Returns:
            Whether a run was renamed (not when it is someone else's, or gone).

        Raises:
            InputError: for a name that is empty once cleaned.
        """
        name = clean_name(name)
        return bool(browser) and self._retry(lambda connection: connection.execute(
            "UPDATE runs SET name = ? WHERE id = ? AND browser = ?",
            (name, int(run_id), browser)).rowcount) == 1

    def delete_run(self, run_id, browser):
        """Deletes run `run_id` and its epochs if it is `browser`'s (a saved model file stays).

        Returns:
            Whether a run was deleted.
        """
        def delete(connection):
            deleted = connection.execute("DELETE FROM runs WHERE id = ? AND browser = ?",
                                         (int(run_id), browser)).rowcount
            if deleted:
                connection.execute("DELETE FROM epochs WHERE run_id = ?", (int(run_id),))
            return deleted

        return bool(browser) and self._retry(delete) == 1

    # Reading.

    def list_runs(self, limit=50, browser=None):
        """The most recent runs first, as dicts (`config` decoded): every run, or `browser`'s."""
        where, values = ("WHERE browser = ? ", (browser,)) if browser is not None else ("", ())
        rows = self._retry(lambda connection: connection.execute(
            f"SELECT * FROM runs {where}ORDER BY id DESC LIMIT ?", (*values, int(limit))
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


def clean_name(name):
    """A run's name as the student typed it, without control characters, at most
    `MAX_NAME_LENGTH` characters.

    Raises:
        InputError: (`run_name_empty`) for a name with nothing left.
    """
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(name))
    text = " ".join(text.split())[:MAX_NAME_LENGTH].strip()
    if not text:
        raise InputError("run_name_empty")
    return text


# The settings a class compares, in the order a table shows them: the names are the
# tutorial's (`TrainingConfig`'s and the optimizers' own).
COMPARED_SETTINGS = ("stack", "optimizer", "lr", "momentum", "decay", "batch_size", "epochs",
                     "validation_split", "augment", "train_size")


def compared_settings(run):
    """The settings of a listed run that a class compares: `{name: value}`."""
    config = run["config"]
    values = {**config, **config.get("optimizer_arguments", {})}
    return {name: values[name] for name in COMPARED_SETTINGS if name in values}


def settings_that_differ(listed):
    """The names of the compared settings whose values are not the same in all `listed` runs
    (all of them for a single run would say nothing: none then)."""
    settings = [compared_settings(run) for run in listed]
    return [name for name in COMPARED_SETTINGS
            if len({json.dumps(values.get(name)) for values in settings}) > 1]
