"""Training jobs that outlive a page's script run: one per session, a server-wide queue.

A Streamlit click stops the running script (even inside a Keras callback), so
training cannot live in the script run. A `JobManager` runs each job's `work`
in its own thread, at most `max_concurrent` at once; the others wait in a FIFO
queue and know their place. A page reads a job's `snapshot()` from any thread;
the worker writes progress under the job's lock.

Sessions are represented by `Owner` handles, kept in the session's state and
held here only weakly: when a session ends and its state is dropped, the jobs
it alone was watching are cancelled after a grace period, unless a new
session of the same tab (a reload) has taken them over; its finished jobs
are forgotten then too, so their models and data are freed. A reaper thread
checks every few seconds, whether or not any page is open. Nothing here
imports Streamlit or TensorFlow.

The queue is bounded: each run stops at a wall-clock limit (`MAX_RUN_SECONDS`,
keeping what it learned), each browser may have `MAX_ACTIVE_PER_BROWSER` runs
queued or running and the server `MAX_QUEUED` runs waiting; a refused
submission raises `QueueLimitError`, which says why in the user's language.
"""

import collections
import copy
import dataclasses
import hmac
import os
import queue
import threading
import time
import traceback
import uuid
import weakref

from lib import i18n

MAX_CONCURRENT_ENV = "DIGITLAB_MAX_TRAININGS"
DEFAULT_MAX_CONCURRENT = 1
# How long a job nobody watches keeps running: long enough for a reload to take it over.
DEFAULT_GRACE_SECONDS = 30.0

# A job's status: waiting, working, or one of the final ones.
QUEUED, RUNNING, DONE, STOPPED, FAILED, CANCELLED, TIMED_OUT = (
    "queued", "running", "done", "stopped", "failed", "cancelled", "timed_out"
)
ACTIVE = (QUEUED, RUNNING)


def _positive_from_env(name, default, kind=int):
    """The environment variable `name` as a positive number, or `default` when unset.

    Raises:
        ValueError: if the variable is set but not a positive number.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        number = 0
    if not number > 0:  # Also refuses NaN.
        kind_name = "integer" if kind is int else "number"
        raise ValueError(f"Expected {name} to be a positive {kind_name}. Received {value!r}.")
    return number


def max_concurrent_from_env(default=DEFAULT_MAX_CONCURRENT):
    """The `DIGITLAB_MAX_TRAININGS` environment variable, or `default`.

    Raises:
        ValueError: if the variable is set but not a positive integer.
    """
    return _positive_from_env(MAX_CONCURRENT_ENV, default)


# The longest a run may train, from when it leaves the queue: it stops at the end of the batch
# that passes it, keeping what it learned. The default leaves room for the tutorial's CNN at
# its defaults (5 epochs, batch 64) on the full MNIST (54,000 training digits): about 3 minutes
# alone on this 2-core machine, 5 to 6 with a class drawing, twice that with two runs at once.
# Another replica may set a different limit: runs.mark_interrupted allows for the longest.
MAX_TRAINING_MINUTES_ENV = "DIGITLAB_MAX_TRAINING_MINUTES"
DEFAULT_MAX_TRAINING_MINUTES = 30
MAX_RUN_SECONDS = 60.0 * _positive_from_env(MAX_TRAINING_MINUTES_ENV,
                                            DEFAULT_MAX_TRAINING_MINUTES, float)
# Runs one browser may have queued or running at once (across its tabs): with one each, the
# last student in line waits for one run of each classmate, not several.
MAX_ACTIVE_PER_BROWSER_ENV = "DIGITLAB_MAX_RUNS_PER_BROWSER"
MAX_ACTIVE_PER_BROWSER = _positive_from_env(MAX_ACTIVE_PER_BROWSER_ENV, 1)
# Runs waiting on the whole server: a browser's id is only a cookie a client chooses, so this
# bounds what any number of them can hold in memory (a class, one run each, with room).
MAX_QUEUED_ENV = "DIGITLAB_MAX_QUEUED_TRAININGS"
MAX_QUEUED = _positive_from_env(MAX_QUEUED_ENV, 50)


class QueueLimitError(RuntimeError):
    """A run was refused by one of the queue's limits.

    `str(error)` is the English message; `error.message(language)` gives it in the user's
    language. `reason` is `"owner_busy"`, `"browser_limit"` or `"queue_full"` (a key suffix in
    `lib.i18n`: `"jobs." + reason`) and `details` fill its placeholders.
    """

    def __init__(self, reason, **details):
        self.reason = reason
        self.details = details
        super().__init__(self.message("en"))

    def message(self, language):
        """Returns the message in `language` (`"en"` or `"zh"`)."""
        return i18n.text("jobs." + self.reason, language, **self.details)


class Owner:
    """A session's handle: keep it in the session's state; jobs hold it weakly.

    Args:
        binding: What a later session must present to take this session's jobs over
            (`lib.ui.session.run_binding()`: this tab's own random id, with its browser), or
            `None` when there is none: then nobody can.
        browser: An id of the browser the session runs in, for the limit of runs per
            browser, or `None` when unknown.
    """

    def __init__(self, binding=None, browser=None):
        self.id = uuid.uuid4().hex
        self.binding = binding
        self.browser = browser


@dataclasses.dataclass
class Snapshot:
    """A copy of a job's state, safe to read in any thread.

    Attributes:
        id: The job's id (URL-safe).
        status: `"queued"`, `"running"`, `"done"`, `"stopped"`, `"failed"`,
            `"cancelled"` or `"timed_out"` (stopped at the time limit, keeping what
            it learned, like `"stopped"`).
        position: Place in the queue (1 = next), 0 when not queued.
        progress: The last `on_progress` dict of `lib.training.LiveMetrics`.
        history: Epoch logs so far.
        watch_probabilities: `(n, 10)` predictions of the watched digits after
            the last epoch, or `None`.
        result: What `work` returned (when finished).
        error: Why it failed (a message), or `None`.
        stop_requested: Whether Stop was asked for (or the time limit passed).
        time_limit: Seconds the job may run (see `MAX_RUN_SECONDS`), or `None`.
        meta: Whatever was passed to `submit` (e.g. the configuration).
        created: `time.time()` of submission; `started` and `finished` likewise.
    """

    id: str
    status: str
    position: int
    progress: dict | None
    history: list
    watch_probabilities: object
    result: object
    error: str | None
    stop_requested: bool
    time_limit: float | None
    meta: dict
    created: float
    started: float | None
    finished: float | None

    @property
    def active(self):
        return self.status in ACTIVE


class Job:
    """One training run's shared state; the worker reports into it, pages read snapshots.

    `report_progress`, `report_epoch` and `should_stop` have the signatures of
    `lib.training.LiveMetrics`'s sinks, so a job can be passed as its reporter.
    """

    def __init__(self, work, meta=None, time_limit=None):
        self.id = uuid.uuid4().hex[:16]
        self.work = work
        self.meta = dict(meta or {})
        self.lock = threading.Lock()
        self.status = QUEUED
        self.progress = None
        self.history = []
        self.watch_probabilities = None
        self.result = None
        self.error = None
        self.stop_requested = False
        self.cancelled = False
        self.time_limit = time_limit
        self.deadline = None  # time.monotonic() at which it stops, set when it starts.
        self.timed_out = False
        self.owners = set()
        self.binding = None
        self.browser = None
        self.unwatched_since = None
        self.created = time.time()
        self.started = None
        self.finished = None
        self.done_event = threading.Event()
        self._manager = None

    def report_progress(self, progress):
        with self.lock:
            self.progress = dict(progress)

    def report_epoch(self, epoch, logs, history, watch_probabilities=None):
        with self.lock:
            self.history = [dict(entry) for entry in history]
            if watch_probabilities is not None:
                self.watch_probabilities = watch_probabilities

    def should_stop(self):
        # Called after every batch: no lock, one clock read.
        if (not self.stop_requested and self.deadline is not None
                and time.monotonic() >= self.deadline):
            self.timed_out = True
            self.stop_requested = True
        return self.stop_requested

    def stop(self):
        """Asks the job to end at the end of the current batch (keeping what it learned)."""
        manager = self._manager
        if manager is not None:
            manager.stop(self.id)
        else:
            self.stop_requested = True

    def snapshot(self, position=0):
        with self.lock:
            return Snapshot(
                id=self.id, status=self.status, position=position,
                progress=copy.copy(self.progress), history=list(self.history),
                watch_probabilities=self.watch_probabilities, result=self.result,
                error=self.error, stop_requested=self.stop_requested,
                time_limit=self.time_limit, meta=dict(self.meta),
                created=self.created, started=self.started, finished=self.finished,
            )

    def wait(self, timeout=None):
        """Blocks until the job has finished; returns whether it has."""
        return self.done_event.wait(timeout)


class JobManager:
    """Runs jobs in threads, at most `max_concurrent` at once, one active job per owner.

    Args:
        max_concurrent: How many jobs may run at once (default: the
            `DIGITLAB_MAX_TRAININGS` environment variable, else 1).
        keep_finished: How many finished jobs to remember (so a reloaded
            page can still show its result).
        grace_seconds: How long a job whose sessions all ended keeps going,
            waiting for a reload of the same tab to take it over.
        max_run_seconds: How long a job may run before it is stopped
            (`MAX_RUN_SECONDS`; `None` for no limit).
        max_active_per_browser: Jobs one browser may have queued or running.
        max_queued: Jobs that may wait at once on the server.
    """

    def __init__(self, max_concurrent=None, keep_finished=64, grace_seconds=DEFAULT_GRACE_SECONDS,
                 max_run_seconds=MAX_RUN_SECONDS, max_active_per_browser=MAX_ACTIVE_PER_BROWSER,
                 max_queued=MAX_QUEUED):
        if max_concurrent is None:
            max_concurrent = max_concurrent_from_env()
        if max_concurrent < 1:
            raise ValueError(f"Expected max_concurrent >= 1. Received {max_concurrent}.")
        self.max_concurrent = max_concurrent
        self.keep_finished = keep_finished
        self.grace_seconds = grace_seconds
        self.max_run_seconds = max_run_seconds
        self.max_active_per_browser = max_active_per_browser
        self.max_queued = max_queued
        self._lock = threading.RLock()
        self._jobs = collections.OrderedDict()
        self._queue = collections.deque()
        self._running = set()
        # Owners whose sessions ended: filled by weakref finalizers (at any moment, on any
        # thread, perhaps inside our own lock), drained under the lock by `_reap`.
        self._gone = queue.SimpleQueue()
        self._closed = threading.Event()
        threading.Thread(target=_reap_every, args=(weakref.ref(self), self._closed),
                         daemon=True, name="training-job-reaper").start()

    # Owners.

    def new_owner(self, binding=None, browser=None):
        """A fresh `Owner` for a session; its jobs end when it is garbage-collected.

        Args:
            binding: What a reload of the session's tab presents again (see
                `attach`), or `None`.
            browser: An id of the session's browser, or `None`.
        """
        owner = Owner(binding, browser)
        weakref.finalize(owner, self._gone.put, owner.id)
        return owner

    def end_owner(self, owner):
        """Says explicitly that a session ended (as if its `Owner` had been collected)."""
        self._gone.put(owner.id)
        self._reap()

    def attach(self, owner):
        """Lets a new session of the same tab (a reload) watch and keep its latest job.

        Only a session with the same binding can take a job over (see
        `lib.ui.session.run_binding`): a second tab, another browser, or anyone
        given the link or the browser's cookies alone does not.

        Returns:
            The binding's most recent `Job`, or `None`.
        """
        if owner.binding is None:
            return None
        with self._lock:
            mine = [job for job in self._jobs.values() if job.binding is not None
                    and hmac.compare_digest(job.binding, owner.binding)]
            if not mine:
                return None
            job = mine[-1]
            job.owners.add(owner.id)
            job.unwatched_since = None
            return job

    def _reap(self):
        """Ends the jobs nobody has watched for `grace_seconds`, and forgets finished ones."""
        with self._lock:
            now = time.monotonic()
            while not self._gone.empty():
                owner_id = self._gone.get()
                for job in self._jobs.values():
                    if owner_id in job.owners:
                        job.owners.discard(owner_id)
                        if not job.owners:
                            job.unwatched_since = now
            for job in list(self._jobs.values()):
                if (job.owners or job.unwatched_since is None
                        or now - job.unwatched_since < self.grace_seconds):
                    continue
                if job.status in ACTIVE:
                    self._cancel(job)  # A running job ends at its next batch; reaped after.
                else:
                    del self._jobs[job.id]  # Its model and data go with it.

    # Jobs.

    def submit(self, owner, work, meta=None):
        """Queues `work(job)` for `owner`; it starts as soon as a slot is free.

        Args:
            owner: The session's `Owner`.
            work: A callable taking the `Job`; it reports through the job and
                returns the result (kept in `snapshot().result`).
            meta: A dict kept with the job (e.g. the configuration).

        Returns:
            The new `Job`.

        Raises:
            QueueLimitError: if the owner already has a queued or running job,
                its browser has `max_active_per_browser`, or `max_queued` jobs
                are waiting.
        """
        self._reap()
        with self._lock:
            if self.active_job(owner) is not None:
                raise QueueLimitError("owner_busy")
            if owner.browser is not None:
                active = sum(job.browser == owner.browser and job.status in ACTIVE
                             for job in self._jobs.values())
                if active >= self.max_active_per_browser:
                    raise QueueLimitError("browser_limit", active=active,
                                          limit=self.max_active_per_browser)
            if len(self._queue) >= self.max_queued:
                raise QueueLimitError("queue_full", waiting=len(self._queue))
            job = Job(work, meta, time_limit=self.max_run_seconds)
            job._manager = self
            job.owners.add(owner.id)
            job.binding = owner.binding
            job.browser = owner.browser
            self._jobs[job.id] = job
            self._queue.append(job)
            self._forget_old()
            self._dispatch()
            return job

    def job(self, job_id):
        """The `Job` with this id, or `None`."""
        with self._lock:
            return self._jobs.get(job_id)

    def active_job(self, owner):
        """The owner's queued or running `Job`, or `None`."""
        with self._lock:
            for job in self._jobs.values():
                if owner.id in job.owners and job.status in ACTIVE:
                    return job
            return None

    def position(self, job):
        """1-based place of a queued job in the queue; 0 if it is not waiting."""
        with self._lock:
            for place, waiting in enumerate(self._queue, start=1):
                if waiting is job:
                    return place
            return 0

    def snapshot(self, job_id):
        """A `Snapshot` of the job with this id, or `None`."""
        self._reap()
        job = self.job(job_id)
        return None if job is None else job.snapshot(self.position(job))

    def stop(self, job_id):
        """Stops a running job at the end of its current batch; a queued one never starts."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            if job.status == QUEUED:
                self._cancel(job)
            else:
                job.stop_requested = True

    def counts(self):
        """`(running, queued)` across the server."""
        with self._lock:
            return len(self._running), len(self._queue)

    def _cancel(self, job):
        job.cancelled = True
        job.stop_requested = True
        if job.status == QUEUED:
            self._queue.remove(job)
            self._finish(job, CANCELLED)

    def _finish(self, job, status, result=None, error=None):
        with job.lock:
            job.status = status
            job.result = result
            job.error = error
            job.finished = time.time()
            job.work = None  # Let the closure (and its data) go.
        job.done_event.set()

    def _forget_old(self):
        finished = [job for job in self._jobs.values() if job.status not in ACTIVE]
        for job in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[job.id]

    def _dispatch(self):
        while self._queue and len(self._running) < self.max_concurrent:
            job = self._queue.popleft()
            self._running.add(job)
            with job.lock:
                job.status = RUNNING
                job.started = time.time()
                if job.time_limit is not None:
                    job.deadline = time.monotonic() + job.time_limit
            thread = threading.Thread(target=self._run, args=(job,), daemon=True,
                                      name=f"training-job-{job.id}")
            thread.start()

    def _run(self, job):
        result, error = None, None
        try:
            result = job.work(job)
        except Exception as exception:  # A failed run is reported, never raised into the app.
            error = f"{type(exception).__name__}: {exception}"
            traceback.print_exc()
        if error is not None:
            status = FAILED
        elif job.cancelled:
            status = CANCELLED
        elif job.timed_out:
            status = TIMED_OUT
        elif job.stop_requested:
            status = STOPPED
        else:
            status = DONE
        with self._lock:
            self._running.discard(job)
            self._finish(job, status, result, error)
            self._dispatch()

    def shutdown(self, timeout=30):
        """Cancels everything and waits for running jobs (for tests and process exit)."""
        self._closed.set()
        with self._lock:
            jobs = list(self._jobs.values())
            for job in jobs:
                if job.status in ACTIVE:
                    self._cancel(job)
        for job in jobs:
            job.wait(timeout)


def _reap_every(manager_ref, closed):
    """The reaper thread: `_reap` a few times per grace period until the manager is gone."""
    while True:
        manager = manager_ref()
        if manager is None:
            return
        interval = min(max(manager.grace_seconds / 3, 0.1), 5.0)
        manager._reap()
        del manager  # Hold the manager only while reaping, so it can be collected.
        if closed.wait(interval):
            return
