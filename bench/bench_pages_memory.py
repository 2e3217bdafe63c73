"""What visiting every page once costs the server, and how long /applications takes the first time.

    python bench/bench_pages_memory.py [--runs 3] [--baseline REV]

Each run starts a fresh `streamlit run` (offline: an empty Keras cache, so every
`keras.applications` model has random weights, and a fresh run database) and opens it in
Debian's Chromium, one new tab per page, as a student following links would:

1. `/` alone, then the server's RSS (the "home alone" figure);
2. `/applications`, timed from the navigation to its last element (the recipes) with the
   script run finished, then the RSS again (what /applications alone adds);
3. `/recognize`, `/train`, `/layers`, `/activations`, `/inside`, `/optimizers`, `/datasets`,
   each until its run finishes, then the RSS after every page once;
4. `/` again, timed: a page already served, the floor of any navigation here.

The baseline is the same app at `--baseline` (by default the commit before /applications
built its models with shapes only), checked out in a temporary git worktree; runs of the two
alternate, so the machine's load falls on both alike. Medians over `--runs` runs, and ratios.
The current code is this checkout's working tree, other pages' uncommitted changes included.
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    start_streamlit,
    stop,
    wait_for_app,
)

OTHER_PAGES = ("recognize", "train", "layers", "activations", "inside", "optimizers", "datasets")
# /applications is drawn when its script run has finished and its last element, the recipes'
# code, is on the page (the title comes first, before any model is counted).
APPLICATIONS_DONE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.dataset.testScriptState === "notRunning"
        && document.body.textContent.includes("include_top=False, pooling=");
}"""
# The commit that introduced this function: its parent is the default baseline.
MARKER = "shapes_only_stats"


def default_baseline():
    """The commit before /applications counted its models with shapes only (HEAD until then)."""
    introduced = subprocess.run(
        ["git", "log", "--reverse", "--format=%H", "-S", MARKER, "--", "lib/applications.py"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return f"{introduced[0]}^" if introduced else "HEAD"


def memory_mb(pid):
    """`(rss, peak)` of process `pid` in MB, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def settled_rss(pid, seconds=2.0):
    """The server's RSS once its post-run work (garbage collection, caches) is done."""
    time.sleep(seconds)
    return memory_mb(pid)[0]


def exceptions(page):
    return page.locator('[data-testid="stException"]').count()


def visit(context, url, done=None, timeout=120_000):
    """Opens `url` in a new tab of `context` and waits until it is drawn; returns
    `(seconds, tab)`."""
    tab = context.new_page()
    tab.set_default_timeout(timeout)
    started = time.perf_counter()
    tab.goto(url)
    if done is None:
        wait_for_app(tab, timeout=timeout)
    else:
        tab.wait_for_function(done, timeout=timeout)
    return time.perf_counter() - started, tab


def one_run(browser, root, label):
    """One fresh server from `root`, every page once: a dict of figures."""
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
        port = _free_port()
        server = start_streamlit(port, cwd=root, extra_env={
            "KERAS_HOME": str(pathlib.Path(scratch) / "keras"),
            "DIGITLAB_RUNS_DB": str(pathlib.Path(scratch) / "runs"),
        })
        url = f"http://127.0.0.1:{port}"
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            figures = {"errors": 0}
            seconds, tab = visit(context, url)
            figures["home_first_s"] = seconds
            figures["errors"] += exceptions(tab)
            figures["home_mb"] = settled_rss(server.pid)
            seconds, tab = visit(context, f"{url}/applications", done=APPLICATIONS_DONE)
            figures["applications_s"] = seconds
            figures["errors"] += exceptions(tab)
            figures["applications_mb"] = settled_rss(server.pid)
            for path in OTHER_PAGES:
                seconds, tab = visit(context, f"{url}/{path}")
                figures[f"{path}_s"] = seconds
                figures["errors"] += exceptions(tab)
                tab.close()
            figures["all_mb"] = settled_rss(server.pid, 3.0)
            figures["peak_mb"] = memory_mb(server.pid)[1]
            figures["home_again_s"], _ = visit(context, url)
        finally:
            context.close()
            stop(server)
    print(f"  {label:<8} home {figures['home_mb']:6,.0f} MB, + /applications "
          f"{figures['applications_mb']:6,.0f} MB, every page {figures['all_mb']:6,.0f} MB "
          f"(peak {figures['peak_mb']:,.0f}); /applications first visit "
          f"{figures['applications_s']:.2f} s; exceptions on pages: {figures['errors']}",
          flush=True)
    return figures


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def report(runs, baseline_name):
    before, after = runs["before"], runs["after"]
    print(f"\nMedians over {len(before)} runs each (before: {baseline_name}; "
          f"after: this working tree)")
    print(f"  {'':<44}{'before':>10}{'after':>10}{'after/before':>14}")

    def row(title, value, unit, fmt="{:,.0f}"):
        old, new = value(before), value(after)
        ratio = f"{new / old:.2f} x" if old else ""
        print(f"  {title:<44}{fmt.format(old) + unit:>10}{fmt.format(new) + unit:>10}{ratio:>14}")

    row("server RSS, home alone", lambda r: median(r, "home_mb"), " MB")
    row("server RSS, home + /applications", lambda r: median(r, "applications_mb"), " MB")
    row("server RSS, every page once", lambda r: median(r, "all_mb"), " MB")
    row("  /applications alone adds",
        lambda r: statistics.median(x["applications_mb"] - x["home_mb"] for x in r), " MB")
    row("  every page once adds (target <= ~300 MB)",
        lambda r: statistics.median(x["all_mb"] - x["home_mb"] for x in r), " MB")
    row("server peak RSS (VmHWM)", lambda r: median(r, "peak_mb"), " MB")
    row("/applications first visit (target < ~2 s)", lambda r: median(r, "applications_s"), " s",
        "{:.2f}")
    row("/ first visit (cold server)", lambda r: median(r, "home_first_s"), " s", "{:.2f}")
    row("/ again (floor of a navigation)", lambda r: median(r, "home_again_s"), " s", "{:.2f}")
    for path in OTHER_PAGES:
        row(f"/{path} first visit", lambda r, path=path: median(r, f"{path}_s"), " s", "{:.2f}")
    print(f"  exceptions on pages: before {sum(r['errors'] for r in before)}, "
          f"after {sum(r['errors'] for r in after)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--baseline", default=None,
                        help="git revision of the baseline (default: the commit before "
                             "/applications counted with shapes only)")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    baseline = arguments.baseline or default_baseline()
    commit = subprocess.run(["git", "rev-parse", "--short", baseline], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.strip()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; baseline {baseline} "
          f"({commit}) in a git worktree, offline (empty Keras cache)", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as folder:
        worktree = pathlib.Path(folder) / "app"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(worktree), commit],
                       cwd=ROOT, check=True)
        try:
            runs = {"before": [], "after": []}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for index in range(arguments.runs):
                        print(f"run {index + 1} of {arguments.runs}", flush=True)
                        runs["before"].append(one_run(browser, worktree, "before"))
                        runs["after"].append(one_run(browser, ROOT, "after"))
                finally:
                    browser.close()
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                           check=False)
    report(runs, f"{baseline} ({commit})")


if __name__ == "__main__":
    main()
