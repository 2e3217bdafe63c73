"""Trying a hostile input in a fresh interpreter: what it said, how much memory it took, what it
left on disk.

A refusal is only half the story: a check that runs after a 16 GB allocation, or a loader that
leaves a 3 GB file in `/tmp`, also "refuses". `attempt` runs a snippet in its own Python with
`TMPDIR` pointing at an empty folder and an address-space limit (so a regression fails the test
instead of the machine), and reports the growth of the child's peak RSS over its state just before
the hostile call, and every file left in that folder.

Usage:

    outcome = hostile.attempt(
        "from lib import model_files",
        f"model_files.load_model(open({str(path)!r}, 'rb').read())",
    )
    assert outcome.reason == "model_too_many_params"
    assert outcome.growth_mb < hostile.MEMORY_BUDGET_MB
    assert outcome.left_behind == []
"""

import dataclasses
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent
# "About 1 GB beyond the server's baseline" (issue 12), for any single hostile input.
MEMORY_BUDGET_MB = 1024
# The child may reserve this much address space: TensorFlow reserves several GB of virtual
# memory it never touches, so the limit is far above the budget but far below the machine.
ADDRESS_SPACE_LIMIT = 12 * 2**30

_RUNNER = textwrap.dedent("""
    import json, resource, sys, time, traceback
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))

    def _status_mb(field):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024

    def _peak_mb():
        return _status_mb("VmHWM")

    {setup}
    # Linux resets the peak RSS (VmHWM) to what is resident now when told so: the growth is
    # then the action's own peak, whatever setup (TensorFlow's import, a fixture) held before.
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    _base = _status_mb("VmRSS")
    _started = time.perf_counter()
    _outcome = {{"raised": None, "reason": None, "message": None, "value": None}}
    try:
        _outcome["value"] = repr({action})[:2000]
    except BaseException as _error:
        _outcome.update(raised=type(_error).__name__, reason=getattr(_error, "reason", None),
                        message=str(_error)[:2000], traceback=traceback.format_exc()[-4000:])
        if hasattr(_error, "message") and callable(_error.message):
            _outcome["message_zh"] = _error.message("zh")
    _outcome["action_seconds"] = time.perf_counter() - _started
    _outcome["growth_mb"] = _peak_mb() - _base
    _outcome["peak_mb"] = _peak_mb()
    print("OUTCOME " + json.dumps(_outcome))
""")


@dataclasses.dataclass
class Outcome:
    """What one hostile attempt did.

    Attributes:
        raised: The exception's class name, or `None` if the action returned.
        reason: Its `reason` (an `InputError`'s i18n key suffix), or `None`.
        message: `str(error)` (English), or `None`.
        message_zh: The Chinese message, when the error has one.
        value: `repr` of what the action returned, when it did not raise.
        growth_mb: The child's peak RSS during the action, less its RSS just before it.
        peak_mb: The child's peak RSS.
        action_seconds: Wall-clock time of the action alone.
        seconds: Wall-clock time of the whole child (Python and imports included).
        left_behind: Files and folders left in the child's temporary folder.
        traceback: The child's traceback, when it raised (for failure messages).
    """

    raised: str | None
    reason: str | None
    message: str | None
    value: str | None
    growth_mb: float
    peak_mb: float
    action_seconds: float
    seconds: float
    left_behind: list
    message_zh: str | None = None
    traceback: str | None = None


def attempt(setup, action, timeout=180, env=None):
    """Runs `setup` (statements), then evaluates `action` (an expression) in a fresh Python.

    Args:
        setup: Statements run first (imports, reading a fixture); not measured.
        action: The hostile call, an expression.
        timeout: Seconds before the child is killed (the test then fails).
        env: Extra environment variables for the child.

    Returns:
        An `Outcome`.
    """
    import time

    with tempfile.TemporaryDirectory(prefix="hostile-") as scratch:
        code = _RUNNER.format(limit=ADDRESS_SPACE_LIMIT, setup=textwrap.dedent(setup).strip(),
                              action=action)
        child_env = {**os.environ, "TMPDIR": scratch, "TF_CPP_MIN_LOG_LEVEL": "3",
                     "PYTHONPATH": str(ROOT), **(env or {})}
        started = time.perf_counter()
        completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=child_env,
                                   capture_output=True, text=True, timeout=timeout)
        seconds = time.perf_counter() - started
        left = sorted(str(path.relative_to(scratch)) for path in pathlib.Path(scratch).rglob("*"))
    lines = [line for line in completed.stdout.splitlines() if line.startswith("OUTCOME ")]
    if not lines:
        raise AssertionError(
            f"The child died (exit status {completed.returncode}) before reporting:\n"
            f"{completed.stderr[-4000:]}"
        )
    fields = json.loads(lines[-1][len("OUTCOME "):])
    return Outcome(seconds=seconds, left_behind=left, **fields)
