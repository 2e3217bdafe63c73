"""How fast /recognize answers through the real page in Chromium, beside the library alone.

Figures, not a test: run `python bench/bench_recognize_page.py [--runs 3] [--images 1000]`.

1. A zip of 1,000 small PNGs (real MNIST digits, black on white): the time from
   handing the zip to the page's uploader until the results are on screen
   (metrics, grid, table), in a fresh session each run; beside the time of
   `lib.uploads.gather` + `lib.uploads.recognize` on the same bytes in this
   process. The difference is the page's own cost: the upload, rendering the
   grid, the table and the CSV, and the browser drawing them.
2. One drawn digit: the time from the mouse button's release on the canvas
   until the "Prediction" metric shows the answer.
"""

import argparse
import io
import pathlib
import statistics
import sys
import tempfile
import time
import zipfile

import numpy as np
from PIL import Image

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


def make_zip(count):
    """A zip of `count` real MNIST digits as black-on-white 28 x 28 PNGs named `num<d>_<i>.png`."""
    from lib import data

    mnist = data.load_embedded()
    images = np.concatenate([mnist.x_train, mnist.x_test])
    labels = np.concatenate([mnist.y_train, mnist.y_test])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(count):
            png = io.BytesIO()
            Image.fromarray(255 - images[index % len(images)]).save(png, format="PNG")
            archive.writestr(f"num-draft/num{labels[index % len(labels)]}_{index}.png",
                             png.getvalue())
    return buffer.getvalue()


def library_seconds(zip_bytes, runs):
    from lib import models, uploads

    model = models.load_bundled_model()
    uploads.recognize(model, uploads.gather([("warm-up.zip", zip_bytes)]))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        results = uploads.recognize(model, uploads.gather([("num-draft.zip", zip_bytes)]))
        times.append(time.perf_counter() - start)
        assert all(result.prediction is not None for result in results)
    return times


def _metric(page, label):
    return page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True)).locator('[data-testid="stMetricValue"]')


def page_seconds(browser, url, zip_path, count, runs):
    from playwright.sync_api import expect

    times = []
    for _ in range(runs + 1):  # The first run warms the server up; it is not counted.
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/recognize")
        wait_for_app(page)
        page.locator(".st-key-recognize_mode button").filter(has_text="Upload").click()
        wait_for_app(page)
        start = time.perf_counter()
        page.locator(".st-key-recognize_files input[type=file]").set_input_files(zip_path)
        expect(_metric(page, "Recognised")).to_have_text(f"{count:,}", timeout=300_000)
        expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
        wait_for_app(page, timeout=300_000)
        times.append(time.perf_counter() - start)
        context.close()
    return times[1:]


def stroke_seconds(browser, url, runs):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/recognize")
    wait_for_app(page)
    times = []
    for _ in range(runs + 1):
        page.locator(".st-key-recognize_clear button").click()
        wait_for_app(page)
        # The new, empty canvas (its toolbar, which took strokes started under it, is hidden).
        expect(page.locator("canvas.upper-canvas")).to_have_count(1)
        page.wait_for_timeout(300)
        box = page.locator("canvas.upper-canvas").bounding_box()
        x = box["x"] + box["width"] / 2
        page.mouse.move(x, box["y"] + 0.15 * box["height"])
        page.mouse.down()
        page.mouse.move(x, box["y"] + 0.85 * box["height"], steps=12)
        start = time.perf_counter()
        page.mouse.up()
        expect(_metric(page, "Prediction")).to_have_text("1", timeout=10_000)
        times.append(time.perf_counter() - start)
    context.close()
    return times[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()

    zip_bytes = make_zip(arguments.images)
    library = library_seconds(zip_bytes, arguments.runs)

    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = start_streamlit(port)
    try:
        with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
            zip_path = pathlib.Path(folder) / "num-draft.zip"
            zip_path.write_bytes(zip_bytes)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            url = f"http://127.0.0.1:{port}"
            page = page_seconds(browser, url, zip_path, arguments.images, arguments.runs)
            stroke = stroke_seconds(browser, url, max(arguments.runs, 5))
            browser.close()
    finally:
        stop(server, timeout=20)

    count = arguments.images
    library_median, page_median = statistics.median(library), statistics.median(page)
    print(f"zip of {count:,} PNGs ({len(zip_bytes) / 2**20:.1f} MB), "
          f"median of {arguments.runs} runs:")
    print(f"  library (gather + recognize): {library_median:6.2f} s  "
          f"{count / library_median:8,.0f} images/s   runs {[round(s, 2) for s in library]}")
    print(f"  page in Chromium (upload -> results on screen): {page_median:6.2f} s  "
          f"{count / page_median:8,.0f} images/s   runs {[round(s, 2) for s in page]}")
    print(f"  page / library: {page_median / library_median:.2f} x")
    print(f"one drawn stroke, mouse up -> Prediction shown, median of {len(stroke)}: "
          f"{statistics.median(stroke) * 1000:.0f} ms   runs {[round(s * 1000) for s in stroke]}")


if __name__ == "__main__":
    main()
