"""Every page in real Chromium: first render on a cold server, first render on a warm one, and
the reaction to a widget change, beside a Streamlit app with nothing but a canvas and a slider.

Figures, not a test:

    python bench/bench_pages.py [--runs 3] [--baseline REF ...] [--candidate REF] [--pages home,...]

The app is the working tree, or the commit `--candidate` in a temporary git worktree (others'
uncommitted work stays out); each `--baseline REF` measures another commit beside it; the floor is
a tiny script written to a temporary folder. Each run starts one fresh `streamlit run` per page
and per tree, interleaved so that the machine's load falls on all of them alike. On each:

- `start`: from `streamlit run` to `/_stcore/health` answering.
- `cold`: a first browser opens the page at once: from `page.goto` until a script run has
  finished (Streamlit's `script_finished` message, seen on the page's websocket), the page
  says it is not running, every Plotly chart on it has drawn its SVG and the browser has
  painted twice more. Nothing ran on this server before: it includes importing TensorFlow,
  which `import keras` in a fresh interpreter (measured once per run) bounds from below.
- `idle after`: how long the server kept computing after that (what `lib.ui.server` warms in
  the background), until it used under 5% of a core for two seconds.
- `warm`: then a second browser (a new session) opens the same page, measured the same way.
- reactions: in that second browser, the page's widget is changed `--reactions` times, each
  time to something not asked for yet (a new number, the slider's next step, the next
  option; the language goes back and forth): from just before the input that starts a run
  (the Enter after typing, the key on a focused slider, the click on a list's choice, a
  stroke's mouse-up) until that run has finished and the browser has painted twice more.

Then, per run and tree, one more server: `/` first, then, once the server has been idle for
two seconds (what `lib.ui.server` warms in the background is done), each other page's
`first visit` in a session of its own: what students arriving after their teacher wait for.

Medians over runs (reactions: over all changes of all runs) are printed with the ratio to
the floor's figure. The machine is shared: the load average is printed at the start, after
each run and at the end.
"""

import argparse
import contextlib
import dataclasses
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import ARTIFACTS  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    start_streamlit,
    stop,
)

FLOOR_SCRIPT = '''"""The floor: a Streamlit app with a canvas and a slider, and no model."""
import streamlit as st
from streamlit_drawable_canvas import st_canvas

st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor", anchor=False)
value = st.slider("Value", 0, 100, 50, key="floor_slider")
canvas = st_canvas(stroke_width=20, stroke_color="#000000", height=280, width=280,
                   drawing_mode="freedraw", return_image_data=True, key="floor_canvas")
drawn = 0 if canvas.image_data is None else int((canvas.image_data[..., 3] > 0).sum())
st.write(f"Value {value}, {drawn} pixels drawn")
'''

# Notes, with the browser's clock, when each of Streamlit's messages arrives: a run starts
# with a `new_session` (ForwardMsg field 4) and ends with a `script_finished` (field 6, a
# status). Only the top-level fields are read. The page's own state attribute is no clock: a
# busy browser can take a whole short run's messages in one render and never show "running".
LISTEN = """
(() => {
  window.__messages = [];
  const varint = (bytes, at) => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; }
    while (byte & 0x80);
    return [value, at];
  };
  const note = (buffer, at) => {
    const bytes = new Uint8Array(buffer);
    let position = 0;
    while (position < bytes.length) {
      let key, value;
      [key, position] = varint(bytes, position);
      const field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) {
        [value, position] = varint(bytes, position);
      } else if (wire === 2) {
        let size;
        [size, position] = varint(bytes, position);
        position += size;
      } else if (wire === 1 || wire === 5) {
        position += wire === 1 ? 8 : 4;
      } else {
        return;
      }
      if (field === 4 || field === 6) { window.__messages.push([field, value, at]); return; }
    }
  };
  const Native = window.WebSocket;
  function Listening(...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', (event) => {
      const at = performance.now();
      if (event.data instanceof ArrayBuffer) note(event.data, at);
      else if (event.data instanceof Blob) event.data.arrayBuffer().then((data) => note(data, at));
    });
    return socket;
  }
  Listening.prototype = Native.prototype;
  Object.assign(Listening, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Listening;
})();
"""
# True once a run that started at or after `since` has finished, the page says it is not
# running, and every Plotly chart on it has drawn.
FINISHED_SINCE = """
(since) => {
  let started = false, finished = false;
  for (const [field, value, at] of window.__messages || []) {
    if (at < since) continue;
    if (field === 4) { started = true; finished = false; }
    if (field === 6 && started && (value === 0 || value === 3)) finished = true;
  }
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return finished && app.getAttribute('data-test-script-state') === 'notRunning'
      && charts.every((chart) => chart.querySelector('.main-svg'));
}
"""
TWO_FRAMES = """
() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
    () => done(performance.now()))))
"""


@dataclasses.dataclass(frozen=True)
class Reaction:
    """A widget change on a page: `kind` is "number", "slider" (one step up), "select",
    "stroke" (on the page's canvas) or "language" (the sidebar's first list); `key` the
    widget's Streamlit key; `values` what a number input takes in turn (a list: the indices of
    its options). Each change of a run asks for something new, as a student exploring does:
    a value not seen yet, the next step of a slider, the next option."""

    name: str
    kind: str
    key: str = ""
    values: tuple = ()


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    path: str
    reactions: tuple


PAGES = {
    "home": Page("home", "/", (Reaction("language", "language"),)),
    "recognize": Page("recognize", "/recognize", (Reaction("stroke", "stroke"),)),
    "train": Page("train", "/train", (Reaction("language", "language"),)),
    "layers": Page("layers", "/layers",
                   (Reaction("seed", "number", "layers_seed", (1, 2, 3)),)),
    "activations": Page("activations", "/activations",
                        (Reaction("temperature", "slider", "activations_temperature"),)),
    "inside": Page("inside", "/inside",
                   (Reaction("test index", "number", "inside_test_index", (1, 2, 3)),)),
    "optimizers": Page("optimizers", "/optimizers", (
        Reaction("sgd lr", "number", "optimizers_bowl_sgd_lr", (0.11, 0.12, 0.13)),
        Reaction("steps", "slider", "optimizers_steps"),
        Reaction("surface", "select", "optimizers_surface", (1, 2, 0)),
    )),
    "datasets": Page("datasets", "/datasets",
                     (Reaction("seed", "number", "datasets_seed", (1, 2, 3)),)),
    "applications": Page("applications", "/applications",
                         (Reaction("model", "select", "applications_model", (1, 2, 0)),)),
}
FLOOR = Page("floor", "/", (Reaction("slider", "slider", "floor_slider"),
                            Reaction("stroke", "stroke")))


def render_seconds(page, url):
    """Opens `url` in `page` and waits until it is rendered (see the module's docstring)."""
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(FINISHED_SINCE, arg=0, timeout=180_000, polling=20)
    page.evaluate(TWO_FRAMES)
    return time.perf_counter() - started


def _act(page, reaction, step):
    """Makes change number `step` of `reaction`; returns the browser's clock just before the
    input that starts the run: the Enter after typing, the key on a focused slider, the click
    on an open list's choice, the mouse-up of a stroke."""
    box = f".st-key-{reaction.key}"
    if reaction.kind == "language":  # The sidebar's first list, whatever its key.
        box = "[data-testid='stSidebar'] [data-testid='stSelectbox'] >> nth=0"
    if reaction.kind in ("select", "language"):
        index = (reaction.values[step % len(reaction.values)] if reaction.kind == "select"
                 else (step + 1) % 2)  # The language: English first, then zh, en, zh ...
        option = page.locator("[role='option']").nth(index)
        combobox = page.locator(box).locator("[role='combobox']")
        combobox.click()
        if not _shows(option):  # A list that just closed on this box can ignore a click.
            combobox.press("ArrowDown")
        option.wait_for()
        since = page.evaluate("performance.now()")
        option.click()
        return since
    if reaction.kind == "number":
        field = page.locator(f"{box} input")
        field.fill(str(reaction.values[step % len(reaction.values)]))
        since = page.evaluate("performance.now()")  # Enter commits the typed value.
        page.keyboard.press("Enter")
    elif reaction.kind == "slider":
        thumb = page.locator(f"{box} input[type='range']").first
        thumb.focus()
        since = page.evaluate("performance.now()")
        page.keyboard.press("ArrowRight")
    elif reaction.kind == "stroke":
        canvas = page.locator("canvas.upper-canvas").bounding_box()
        x = canvas["x"] + canvas["width"] * (0.3 + 0.1 * (step % 5))
        page.mouse.move(x, canvas["y"] + 0.2 * canvas["height"])
        page.mouse.down()
        page.mouse.move(x, canvas["y"] + 0.8 * canvas["height"], steps=8)
        since = page.evaluate("performance.now()")  # From mouse-up, as a student waits.
        page.mouse.up()
    else:
        raise ValueError(f"Unknown reaction kind: {reaction.kind!r}. Expected one of "
                         "'number', 'slider', 'select', 'language', 'stroke'.")
    return since


def _shows(locator, timeout=1000):
    try:
        locator.wait_for(timeout=timeout)
    except Exception:  # Playwright's TimeoutError
        return False
    return True


def reaction_seconds(page, reaction, step):
    """One widget change: seconds from the input to the end of its run, painted."""
    since = _act(page, reaction, step)
    try:
        page.wait_for_function(FINISHED_SINCE, arg=since, timeout=30_000, polling=10)
    except Exception:
        print(f"    no run finished after {reaction.name} ({step}): since {since}, messages "
              f"{page.evaluate('window.__messages')}", file=sys.stderr)
        raise
    return (page.evaluate(TWO_FRAMES) - since) / 1000


@dataclasses.dataclass
class Figures:
    start: list = dataclasses.field(default_factory=list)
    cold: list = dataclasses.field(default_factory=list)
    warm: list = dataclasses.field(default_factory=list)
    settle: list = dataclasses.field(default_factory=list)  # idle again after `cold`
    first: list = dataclasses.field(default_factory=list)  # on a server that served / first
    reactions: dict = dataclasses.field(default_factory=dict)  # name -> [seconds]
    failed: int = 0  # reactions that never finished (see stderr)


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(180_000)
    return context, page


def measure(browser, tree, page_spec, reactions, figures, label=None):
    """One fresh server of `tree` for `page_spec`: adds start, cold, warm and reactions.
    `label` names the tree in what a failure prints (its folder's name by default)."""
    label = label or tree.name
    port = _free_port()
    started = time.perf_counter()
    server = start_streamlit(port, cwd=tree)
    figures.start.append(time.perf_counter() - started)
    url = f"http://127.0.0.1:{port}{page_spec.path}"
    try:
        context, page = _new_page(browser)
        figures.cold.append(render_seconds(page, url))
        context.close()
        # What the server does after its first page (warming caches) is done before the
        # second student comes: the warm figures are the server's steady state.
        figures.settle.append(wait_until_idle(server.pid))
        context, page = _new_page(browser)
        figures.warm.append(render_seconds(page, url))
        page.set_default_timeout(30_000)  # A widget that is gone (a page's error) fails soon.
        for reaction in page_spec.reactions:
            page.wait_for_timeout(500)
            for step in range(reactions):
                try:
                    seconds = reaction_seconds(page, reaction, step)
                except Exception as error:  # Noted and left out; the other figures stand.
                    name = "-".join(f"{label} {page_spec.name} {reaction.name}".split())
                    shot = ARTIFACTS / f"bench-pages-{name}.png"
                    page.screenshot(path=str(shot))
                    print(f"    {label} {page_spec.path} {reaction.name} ({step}) failed: "
                          f"{str(error).splitlines()[0]} (screenshot {shot}, the server's log "
                          f"{server.log_path})", file=sys.stderr)
                    figures.failed += 1
                    break
                figures.reactions.setdefault(reaction.name, []).append(seconds)
                page.wait_for_timeout(300)
        context.close()
    finally:
        stop(server, timeout=20)


def _cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def wait_until_idle(pid, quiet=2.0, limit=120.0):
    """Waits until the process used under 5% of a core for `quiet` seconds; returns the wait."""
    started = time.perf_counter()
    history = [(started, _cpu_seconds(pid))]
    while time.perf_counter() - started < limit:
        time.sleep(0.25)
        now = (time.perf_counter(), _cpu_seconds(pid))
        history.append(now)
        window = [entry for entry in history if entry[0] >= now[0] - quiet]
        if now[0] - started >= quiet and now[1] - window[0][1] < 0.05 * quiet:
            break
    return time.perf_counter() - started


def measure_first_visits(browser, tree, pages, figures, idle):
    """One fresh server of `tree`: / first, then, once the server is idle, every other page of
    `pages` in a new session of its own (as students arriving after their teacher)."""
    port = _free_port()
    server = start_streamlit(port, cwd=tree)
    try:
        context, page = _new_page(browser)
        render_seconds(page, f"http://127.0.0.1:{port}/")
        context.close()
        idle.append(wait_until_idle(server.pid))
        for page_spec in pages:
            if page_spec.path == "/":
                continue
            context, page = _new_page(browser)
            figures[page_spec.name].first.append(
                render_seconds(page, f"http://127.0.0.1:{port}{page_spec.path}"))
            context.close()
    finally:
        stop(server, timeout=20)


def import_seconds(tree):
    """`import keras` (and TensorFlow) in a fresh interpreter: what a cold server's first page
    waits for at least, however little it computes."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import keras"], cwd=tree, check=True,
                   capture_output=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    return time.perf_counter() - started


def _median(values):
    return statistics.median(values) if values else float("nan")


def _cell(values, floor_values):
    if not values:
        return f"{'-':>6}          "
    median = _median(values)
    ratio = median / _median(floor_values) if floor_values else float("nan")
    return f"{median:6.2f} s ({ratio:4.1f}x)"


def report(name, figures, floor):
    print(f"  {name:<24} start {_median(figures.start):4.1f} s   "
          f"cold {_cell(figures.cold, floor.cold)}  idle after {_median(figures.settle):4.1f} s"
          f"   warm {_cell(figures.warm, floor.warm)}   "
          f"first visit {_cell(figures.first, floor.warm)}")
    if figures.failed:
        print(f"  {'':<24}   {figures.failed} reaction(s) never finished: see stderr")
    for reaction, values in figures.reactions.items():
        kind = "stroke" if reaction == "stroke" else "slider"
        spread = f"{min(values):.2f} - {max(values):.2f}"
        print(f"  {'':<24}   {reaction:<12} {_cell(values, floor.reactions.get(kind, []))}   "
              f"({len(values)} changes, {spread} s)")


def load():
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


@contextlib.contextmanager
def worktree(ref):
    """A temporary `git worktree` of `ref` (removed afterwards)."""
    folder = tempfile.mkdtemp(prefix="digitlab-bench-")
    subprocess.run(["git", "worktree", "add", "--detach", folder, ref], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        yield pathlib.Path(folder)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", folder], cwd=ROOT,
                       capture_output=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reactions", type=int, default=3,
                        help="changes of each widget per run")
    parser.add_argument("--baseline", action="append", default=[],
                        help="a git ref to measure beside (e.g. HEAD~3); may be repeated")
    parser.add_argument("--candidate", help="a git ref to measure instead of the working tree "
                                            "(others' uncommitted work stays out)")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated, of {', '.join(PAGES)}")
    arguments = parser.parse_args()
    pages = [PAGES[name] for name in arguments.pages.split(",")]

    from playwright.sync_api import sync_playwright

    print(f"{os.cpu_count()} cores; load {load()} at the start; medians of {arguments.runs} "
          "runs; in brackets the ratio to the floor's figure (a first visit: to its warm one)")
    with contextlib.ExitStack() as stack:
        floor_tree = pathlib.Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (floor_tree / "streamlit_app.py").write_text(FLOOR_SCRIPT)
        if arguments.candidate:
            trees = {arguments.candidate: stack.enter_context(worktree(arguments.candidate))}
        else:
            trees = {"working tree": ROOT}
        for ref in arguments.baseline:
            trees[f"baseline {ref}"] = stack.enter_context(worktree(ref))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        floor, imports = Figures(), []
        results = {tree: {page.name: Figures() for page in pages} for tree in trees}
        idle = {tree: [] for tree in trees}
        for run in range(arguments.runs):
            imports.append(import_seconds(ROOT))
            measure(browser, floor_tree, FLOOR, arguments.reactions, floor, label="floor")
            for page in pages:
                for tree, folder in trees.items():
                    measure(browser, folder, page, arguments.reactions, results[tree][page.name],
                            label=tree)
            for tree, folder in trees.items():
                measure_first_visits(browser, folder, pages, results[tree], idle[tree])
            print(f"  run {run + 1} of {arguments.runs} done, load {load()}", flush=True)

    print(f"\n`import keras` in a fresh interpreter: {_median(imports):.2f} s "
          f"({', '.join(f'{value:.1f}' for value in imports)})")
    for tree in trees:
        print(f"{tree}: after /, the server was idle again in {_median(idle[tree]):.1f} s")
    print()
    report("floor (canvas, slider)", floor, floor)
    for page in pages:
        print(page.path)
        for tree in trees:
            report(tree, results[tree][page.name], floor)
    print(f"load {load()} at the end")


if __name__ == "__main__":
    main()
