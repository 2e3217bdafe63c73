"""A second wall around uploaded models: load and warm one up in a short-lived, limited process.

`lib.model_files` refuses what a model file declares beyond its budget before anything is
built. Whatever that check could still miss (a Keras or TensorFlow bug, a cost it does not
foresee) would hit the server that every student shares. So an upload is first loaded
and run once (`lib.inference.warm_up`) by `python -m lib.sandbox` in a process of its
own, which limits itself before it reads a byte of the file:

- address space `ADDRESS_SPACE_BYTES` (TensorFlow reserves about 2 GB it never touches);
- CPU time, and a wall-clock `TIMEOUT_SECONDS` enforced by the server;
- no file larger than `MAX_FILE_BYTES`, no core dump;
- a private, empty working and temporary folder, removed when it ends.

Only a model that passed there is loaded into the server. The process starts a fresh
Python with TensorFlow, which is most of what it costs a legitimate upload (see README).

`remove_orphans()` runs once when the server starts: it removes the folders of such
processes that died with their server, and the temporary files earlier versions of the
app left behind.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

from lib.errors import InputError

ADDRESS_SPACE_BYTES = 8 * 2**30
TIMEOUT_SECONDS = 60
CPU_SECONDS = 120
MAX_FILE_BYTES = 2**20
SCRATCH_PREFIX = "digitlab-sandbox-"
_ROOT = pathlib.Path(__file__).resolve().parent.parent
# What earlier versions of the app wrote to the temporary folder and never removed: uploaded
# models (`upload-*.keras`, `upload-*.h5`) and /train's data sets (`digitlab-<sha256>.npz`).
_OLD_TEMPORARY_FILES = re.compile(r"^(upload-.+\.(keras|h5)|digitlab-[0-9a-f]{64}\.npz)$")


def check_model(data):
    """Loads and warms up an uploaded model in a limited process of its own.

    Args:
        data: The model file's bytes.

    Returns:
        Seconds the check took.

    Raises:
        InputError: the refusal `lib.model_files.load_model` gave there, or
            `model_check_timeout` / `model_check_failed` when the process ran out
            of time or memory or died.
    """
    started = time.perf_counter()
    scratch = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")
    try:
        environment = {**os.environ, "TMPDIR": scratch, "PYTHONPATH": str(_ROOT),
                       "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
        limits = [str(ADDRESS_SPACE_BYTES), str(CPU_SECONDS), str(MAX_FILE_BYTES)]
        completed = subprocess.run(
            [sys.executable, "-m", "lib.sandbox", *limits], input=data, capture_output=True,
            cwd=scratch, env=environment, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise InputError("model_check_timeout", seconds=TIMEOUT_SECONDS) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    answer = _answer(completed.stdout)
    if answer is None:
        raise InputError("model_check_failed", limit_gb=ADDRESS_SPACE_BYTES / 2**30,
                         status=completed.returncode)
    if answer["reason"] is not None:
        raise InputError(answer["reason"], **answer["details"])
    return time.perf_counter() - started


def _answer(stdout):
    lines = [line for line in stdout.decode("utf-8", "replace").splitlines()
             if line.startswith("SANDBOX ")]
    return json.loads(lines[-1][len("SANDBOX "):]) if lines else None


def _limit_this_process(address_space, cpu_seconds, file_bytes):
    import resource

    for limit, value in ((resource.RLIMIT_AS, address_space), (resource.RLIMIT_CPU, cpu_seconds),
                         (resource.RLIMIT_FSIZE, file_bytes), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def _main(address_space, cpu_seconds, file_bytes):
    """`python -m lib.sandbox ADDRESS_SPACE CPU_SECONDS FILE_BYTES < model-file`: prints
    `SANDBOX {"reason": ..., "details": ...}` (`reason` is `None` when the model passed)."""
    _limit_this_process(address_space, cpu_seconds, file_bytes)
    address_space_gb = address_space / 2**30
    data = sys.stdin.buffer.read()
    from lib import inference, model_files

    try:
        inference.warm_up(model_files.load_model(data))
    except InputError as error:
        answer = {"reason": error.reason, "details": error.details}
    except MemoryError:
        answer = {"reason": "model_check_failed", "details": {
            "limit_gb": address_space_gb, "status": "MemoryError"}}
    else:
        answer = {"reason": None, "details": {}}
    print("SANDBOX " + json.dumps(answer, default=str), flush=True)


def remove_orphans(folder=None):
    """Removes what sandboxes of dead processes, and earlier versions of the app, left behind.

    A sandbox folder is named after the server process that made it: folders of a process
    still running (another replica) are kept.

    Args:
        folder: The temporary folder (default: `tempfile.gettempdir()`).

    Returns:
        The names removed.
    """
    folder = pathlib.Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.iterdir():
        match = re.match(rf"^{SCRATCH_PREFIX}(\d+)-", path.name)
        if match and path.is_dir() and not path.is_symlink():
            if _alive(int(match.group(1))):
                continue
            shutil.rmtree(path, ignore_errors=True)
        elif _OLD_TEMPORARY_FILES.match(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
        else:
            continue
        removed.append(path.name)
    return removed


def _alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if __name__ == "__main__":
    _main(*(int(argument) for argument in sys.argv[1:4]))
