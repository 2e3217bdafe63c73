"""A real `streamlit run` on a free localhost port, and Debian's Chromium driven by Playwright.

Screenshots go to `test-artifacts/e2e/`. Use `wait_for_app(page)` after every
action: it waits like Streamlit's own e2e tests, for the script run to finish.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ARTIFACTS, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = ARTIFACTS / "e2e"

pytestmark = pytest.mark.e2e


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_streamlit(port, extra_env=None, cwd=ROOT):
    """Starts `streamlit run streamlit_app.py` on `port`; returns the process once healthy.

    The server's output goes to `test-artifacts/streamlit-<port>.log`, the process's
    `log_path` (a pipe nobody reads would fill up and stall a long-running server).
    """
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(extra_env or {})}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    process.log_path = log_path
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace")) from None
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


@pytest.fixture(scope="session")
def app_url():
    port = _free_port()
    process = start_streamlit(port)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def stop(process, timeout=10):
    """Ends a server (or any process we started): terminate, then kill if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


# The drawing canvas's drawing layer (its background is another lower canvas), and scripts
# for `locator.evaluate` that say whether it holds ink (some pixel of it is not transparent):
# now, or within the milliseconds passed (a finished stroke is painted at the next animation
# frame). A canvas without ink can be drawn on again without inking anything twice.
INK_LAYER = "canvas.dc-canvas.lower-canvas"
_INKED = """const inked = canvas => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha]) return true;
  return false;
};"""
HAS_INK = f"canvas => {{ {_INKED} return inked(canvas); }}"
INKED_WITHIN = f"""async (canvas, milliseconds) => {{
  {_INKED}
  const end = performance.now() + milliseconds;
  while (!inked(canvas)) {{
    if (performance.now() > end) return false;
    await new Promise(resolve => setTimeout(resolve, 50));
  }}
  return true;
}}"""


def wait_for_app(page, timeout=60_000):
    """Waits until the app's script run has finished (as Streamlit's own e2e tests do)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout)
    page.wait_for_timeout(200)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout)


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
