"""The house rules a linter can check, checked in the suite: `ruff check .` is clean, and with it
the rule that `lib/` imports Streamlit only in its seam (TID251, set in pyproject.toml)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    completed = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_lib_outside_the_seam_cannot_import_streamlit():
    # Checked as if it were a file of lib/, read from standard input: nothing is written.
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--stdin-filename",
         "lib/probe.py", "-"], cwd=ROOT, input="import streamlit\n\nstreamlit.write('x')\n",
        capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1 and "lib/ stays free of Streamlit" in completed.stdout
