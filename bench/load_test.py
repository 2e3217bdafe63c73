"""A class on one server: students draw and upload while others train, against `streamlit run`.

    python bench/load_test.py [--students 30] [--seconds 120] [--trainers 3] [--uploaders 3]

Starts the app as a teacher would (`streamlit run`, `DIGITLAB_MAX_TRAININGS=1`,
a fresh run database). Every student is a Streamlit session of its own.

One Chromium page per student would measure Chromium, not the server: ten
pages already kept both cores busy here. So most drawers speak Streamlit's own
websocket protocol, sending exactly what a real browser sent: the teacher's
page draws a "1" first, and the message its canvas sent on mouse-up (a rerun
with the canvas's drawing and pixels) is recorded and replayed by each of
them. The rest of the class are real pages in one headless Chromium.

- Drawers (`students - trainers - uploaders`) loop on /recognize: draw a
  "1", wait for the "Prediction" metric to say 1, then look at it for a few
  seconds (`--think`). `--browser-drawers` of them are real pages (they also
  clear the canvas each time, with its button); the others send the recorded
  stroke and read the metric from the server's answer.
- Uploaders loop on a fresh /recognize page: upload a zip of `--zip-images`
  real MNIST digits and wait until the results say all were recognised.
- Trainers open /train and press Train (the tutorial CNN, `--epochs` on the
  embedded digits). The first runs; the next ones wait in the server's queue
  and must show their place. Each runs again when it is done, until time is up.

Before the students arrive, the teacher draws a digit (the model and data load
once, for everyone), and one run trains alone: its samples/s is the baseline
for the samples/s of the runs trained while the class works.

Reported: errors (a stroke that was not answered with the right digit within
10 s, an upload not recognised, an exception on a page, a traceback in the
server's log), p50/p95 from mouse-up to the new "Prediction" on screen, zip
throughput, how long each Train press waited and the queue places shown, the
server's RSS over time, and the CPU the server and Chromium used. Chromium
runs every student's page on the same 2 cores as the server, so the figures
are pessimistic: in a classroom each student's browser runs on their own device.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import io
import os
import pathlib
import random
import re
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
    INK_LAYER,
    INKED_WITHIN,
    _free_port,
    start_streamlit,
    stop,
)

STROKE_TIMEOUT_MS = 10_000
RATE = re.compile(r"([\d,]+) samples/s")
PLACE = re.compile(r"queue: place (\d+)")


@dataclasses.dataclass
class Report:
    """What the students saw, and what the server used."""

    stroke_seconds: list = dataclasses.field(default_factory=list)  # protocol drawers
    browser_stroke_seconds: list = dataclasses.field(default_factory=list)  # real pages
    # Strokes a real page's canvas never inked (drawn as Clear's new canvas was being made),
    # drawn again.
    unseen_strokes: int = 0
    uploads: list = dataclasses.field(default_factory=list)  # (images, seconds)
    queue_waits: list = dataclasses.field(default_factory=list)  # seconds from press to running
    places_shown: list = dataclasses.field(default_factory=list)
    rate_alone: float | None = None
    rates_loaded: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)
    rss: list = dataclasses.field(default_factory=list)  # (seconds since start, bytes)
    cpu_seconds: dict = dataclasses.field(default_factory=dict)

    def error(self, who, what):
        self.errors.append(f"{who}: {what}")


def zip_of_digits(count):
    """A zip of `count` real MNIST digits, black on white, named `num<digit>_<i>.png`."""
    from lib import data

    mnist = data.load_embedded()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(count):
            png = io.BytesIO()
            Image.fromarray(255 - mnist.x_test[index % len(mnist.x_test)]).save(png, format="PNG")
            archive.writestr(f"num{mnist.y_test[index % len(mnist.y_test)]}_{index}.png",
                             png.getvalue())
    return buffer.getvalue()


# Pages.


async def wait_for_app(page, timeout=60_000):
    """Waits until the script run has finished (as Streamlit's own e2e tests do)."""
    done = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    await page.wait_for_selector(done, timeout=timeout)
    await page.wait_for_timeout(200)
    await page.wait_for_selector(done, timeout=timeout)


def metric(page, label):
    return page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True)).locator('[data-testid="stMetricValue"]')


async def check_no_exception(page, who, report):
    if await page.locator('[data-testid="stException"]').count():
        report.error(who, "an exception is shown on the page")


# A hand's travel from the Clear button to the canvas.
HAND_SECONDS = 0.3


async def draw_a_one(page):
    """Draws a "1" on the canvas; returns `time.monotonic()` at mouse-up.

    The canvas's toolbar, which took strokes that started under it, is hidden, and its drawing
    surface is in place before the component's stylesheet arrives (lib.ui.widgets). Should a
    stroke still go unseen, `drawer` finds no ink, and draws again.
    """
    from playwright.async_api import expect

    canvas = page.locator("canvas.upper-canvas")
    await expect(canvas).to_have_count(1)
    box = await canvas.bounding_box()
    x = box["x"] + box["width"] / 2
    await page.mouse.move(x, box["y"] + 0.15 * box["height"])
    await page.mouse.down()
    await page.mouse.move(x, box["y"] + 0.85 * box["height"], steps=8)
    await page.mouse.up()
    return time.monotonic()


async def drawer(context, url, deadline, report, think, who):
    from playwright.async_api import expect

    page = await context.new_page()
    await page.goto(f"{url}/recognize")
    await wait_for_app(page)
    while time.monotonic() < deadline:
        try:
            await page.locator(".st-key-recognize_clear button").click()
            await expect(metric(page, "Prediction")).to_have_count(0, timeout=STROKE_TIMEOUT_MS)
            await wait_for_app(page)
            await asyncio.sleep(HAND_SECONDS)
            released = await draw_a_one(page)
            # As a student who sees no ink within a second draws again.
            if not await page.locator(INK_LAYER).evaluate(INKED_WITHIN, 1000):
                report.unseen_strokes += 1
                released = await draw_a_one(page)
            await expect(metric(page, "Prediction")).to_have_text("1", timeout=STROKE_TIMEOUT_MS)
            report.browser_stroke_seconds.append(time.monotonic() - released)
        except AssertionError as error:
            report.error(who, f"stroke not answered: {str(error).splitlines()[0]}")
        await check_no_exception(page, who, report)
        await asyncio.sleep(random.uniform(*think))


def recorded_stroke(frames):
    """The last rerun message a real page sent with the canvas's pixels in it (a `BackMsg`)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    for frame in reversed(frames):
        message = BackMsg()
        message.ParseFromString(frame if isinstance(frame, bytes) else frame.encode())
        if message.WhichOneof("type") == "rerun_script" and any(
                "data:image/png" in widget.json_value
                for widget in message.rerun_script.widget_states.widgets):
            return message
    raise AssertionError("the teacher's canvas sent no drawing")


async def read_until_finished(websocket, timeout):
    """Reads the server's messages until the script run ends; returns the Prediction shown."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    prediction, deadline = None, time.monotonic() + timeout
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(websocket.recv(),
                                                       deadline - time.monotonic()))
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.new_element.WhichOneof("type") == "metric":
            metric_element = message.delta.new_element.metric
            if metric_element.label == "Prediction":
                prediction = metric_element.body
        elif kind == "script_finished":
            return prediction


async def protocol_drawer(url, deadline, report, stroke, think, who):
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from websockets.asyncio.client import connect

    opening = BackMsg()
    opening.rerun_script.page_name = "recognize"
    opening.rerun_script.context_info.CopyFrom(stroke.rerun_script.context_info)
    host = url.split("://", 1)[1]
    async with connect(f"ws://{host}/_stcore/stream", origin=url, subprotocols=["streamlit"],
                       max_size=None) as websocket:
        await websocket.send(opening.SerializeToString())
        await read_until_finished(websocket, 60)
        while time.monotonic() < deadline:
            sent = time.monotonic()
            await websocket.send(stroke.SerializeToString())
            try:
                prediction = await read_until_finished(websocket, STROKE_TIMEOUT_MS / 1000)
            except TimeoutError:
                report.error(who, "stroke not answered within 10 s")
                break
            if prediction == "1":
                report.stroke_seconds.append(time.monotonic() - sent)
            else:
                report.error(who, f"stroke answered with Prediction {prediction!r}")
            await asyncio.sleep(random.uniform(*think))


async def uploader(context, url, deadline, report, zip_path, images, who):
    from playwright.async_api import expect

    while time.monotonic() < deadline:
        page = await context.new_page()  # A fresh page and session for each zip.
        try:
            await page.goto(f"{url}/recognize")
            await wait_for_app(page)
            await page.locator(".st-key-recognize_mode button").filter(has_text="Upload").click()
            await wait_for_app(page)
            started = time.monotonic()
            await page.locator(".st-key-recognize_files input[type=file]").set_input_files(
                zip_path)
            await expect(metric(page, "Recognised")).to_have_text(f"{images:,}", timeout=120_000)
            report.uploads.append((images, time.monotonic() - started))
        except AssertionError as error:
            report.error(who, f"upload not recognised: {str(error).splitlines()[0]}")
        await check_no_exception(page, who, report)
        await page.close()
        await asyncio.sleep(random.uniform(2, 4))


async def train_once(page, report, who, deadline=None):
    """Presses Train and follows the run until it ends (or `deadline`); returns its last
    samples/s shown, or None if it never ran."""
    await page.locator(".st-key-train_start button").click()
    pressed, running_at, rate = time.monotonic(), None, None
    progress = page.locator('[data-testid="stProgress"]')
    queued = page.locator('[data-testid="stAlert"]').filter(has_text="Waiting in the queue")
    train = page.locator(".st-key-train_start button")
    await page.wait_for_timeout(1_500)
    while deadline is None or time.monotonic() < deadline:
        for text in await queued.all_inner_texts():  # No wait: the alert may be gone by now.
            match = PLACE.search(text)
            if match and int(match.group(1)) not in report.places_shown:
                report.places_shown.append(int(match.group(1)))
        progress_texts = await progress.all_inner_texts()
        if progress_texts:
            if running_at is None:
                running_at = time.monotonic()
                report.queue_waits.append(running_at - pressed)
            match = RATE.search(progress_texts[0])
            if match:
                rate = float(match.group(1).replace(",", ""))
        elif running_at is not None and await train.is_enabled():
            break  # Finished: the progress bar is gone and Train can be pressed again.
        await page.wait_for_timeout(500)
    await check_no_exception(page, who, report)
    return rate


async def trainer(context, url, deadline, report, epochs, who, start_after):
    page = await context.new_page()
    await page.goto(f"{url}/train?epochs={epochs}")
    await wait_for_app(page)
    await asyncio.sleep(start_after)  # Press Train one after another, as a class would.
    while time.monotonic() < deadline:
        rate = await train_once(page, report, who, deadline)
        if rate is not None:
            report.rates_loaded.append(rate)


async def sample_rss(pid, report, started, stop):
    while not stop.is_set():
        report.rss.append((time.monotonic() - started, rss_bytes(pid)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def machine_busy_seconds():
    """CPU seconds all cores spent not idle, since boot (`/proc/stat`)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(name_part=None, pid=None):
    """CPU seconds used so far by one process, or by every process whose name has `name_part`."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid] if pid else [p for p in os.listdir("/proc") if p.isdigit()]
    total = 0.0
    for candidate in pids:
        try:
            with open(f"/proc/{candidate}/stat") as stat:
                fields = stat.read().rsplit(")", 1)
            name = fields[0].split("(", 1)[1]
            if name_part and name_part not in name:
                continue
            values = fields[1].split()
            total += (int(values[11]) + int(values[12])) / ticks
        except (FileNotFoundError, IndexError, ProcessLookupError):
            continue
    return total


# The run.


async def run(url, server_pid, arguments, zip_path, report):
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        async def new_context():
            return await browser.new_context(viewport={"width": 1200, "height": 900})

        # The teacher opens the app first (the model and data load once, for everyone) and
        # draws: the message the canvas sends is what the protocol drawers replay.
        context = await new_context()
        page = await context.new_page()
        frames = []
        page.on("websocket", lambda websocket: websocket.on(
            "framesent", lambda payload: frames.append(payload)))
        await page.goto(f"{url}/recognize")
        await wait_for_app(page)
        await draw_a_one(page)
        await expect(metric(page, "Prediction")).to_have_text("1", timeout=60_000)
        await context.close()
        stroke = recorded_stroke(frames)

        if arguments.baseline:  # One run alone, before the class arrives.
            context = await new_context()
            page = await context.new_page()
            await page.goto(f"{url}/train?epochs={arguments.epochs}")
            await wait_for_app(page)
            report.rate_alone = await train_once(page, report, "baseline trainer")
            report.queue_waits.clear()
            await context.close()

        started = time.monotonic()
        deadline = started + arguments.seconds
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_rss(server_pid, report, started, stop))
        cpu_before = (cpu_seconds(pid=server_pid), cpu_seconds("chrom"), machine_busy_seconds(),
                      cpu_seconds(pid=os.getpid()) + cpu_seconds("node"))
        pages = arguments.trainers + arguments.uploaders + arguments.browser_drawers
        contexts = [await new_context() for _ in range(min(pages, arguments.students))]
        tasks = []
        for index in range(arguments.students):
            who = f"student {index + 1}"
            if index < arguments.trainers:
                tasks.append(trainer(contexts[index], url, deadline, report, arguments.epochs,
                                     f"{who} (trainer)", start_after=2.0 * index))
            elif index < arguments.trainers + arguments.uploaders:
                tasks.append(uploader(contexts[index], url, deadline, report, zip_path,
                                      arguments.zip_images, f"{who} (uploader)"))
            elif index < pages:
                tasks.append(drawer(contexts[index], url, deadline, report,
                                    arguments.think, f"{who} (drawer, browser)"))
            else:
                tasks.append(protocol_drawer(url, deadline, report, stroke, arguments.think,
                                             f"{who} (drawer)"))
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, Exception):
                report.error(f"student {index + 1}", f"{type(outcome).__name__}: {outcome}")
        report.cpu_seconds = {"server": cpu_seconds(pid=server_pid) - cpu_before[0],
                              "chromium": cpu_seconds("chrom") - cpu_before[1],
                              "machine": machine_busy_seconds() - cpu_before[2],
                              "generator": cpu_seconds(pid=os.getpid()) + cpu_seconds("node")
                              - cpu_before[3],
                              "wall": time.monotonic() - started}
        for context in contexts:
            await context.close()
        stop.set()
        await sampler
        await browser.close()


def load_test(arguments):
    """Runs the whole load test; returns the `Report`."""
    report = Report()
    with tempfile.TemporaryDirectory() as folder:
        zip_path = pathlib.Path(folder) / "digits.zip"
        zip_path.write_bytes(zip_of_digits(arguments.zip_images))
        port = _free_port()
        server = start_streamlit(port, extra_env={
            "DIGITLAB_MAX_TRAININGS": "1", "DIGITLAB_RUNS_DB": str(pathlib.Path(folder) / "runs")})
        # The students' side (this process, Playwright's driver, Chromium, all started from
        # here from now on) yields the CPU to the server, as if it ran on the students' own
        # devices. The server keeps the priority it was started with.
        os.nice(arguments.generator_nice)
        try:
            report.rss.append((0.0, rss_bytes(server.pid)))
            asyncio.run(run(f"http://127.0.0.1:{port}", server.pid, arguments, zip_path, report))
        finally:
            stop(server, timeout=20)
        log = server.log_path.read_text(errors="replace")
        for traceback in app_tracebacks(log):
            report.error("server", f"a traceback in the server's log: {traceback}")
    return report


def app_tracebacks(log):
    """The last lines of the tracebacks in a server log that pass through this app's code.

    Streamlit 1.67 logs one of its own when a page closes its websocket (the
    uploaders close theirs after every zip); those do not count.
    """
    found = []
    for chunk in log.split("Traceback (most recent call last):")[1:]:
        block = chunk.split("\n\n", 1)[0]
        if str(ROOT / "lib") in block or str(ROOT / "app_pages") in block:
            found.append(block.strip().splitlines()[-1])
    return found


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def print_report(report, arguments):
    drawers = arguments.students - arguments.trainers - arguments.uploaders
    print(f"{arguments.students} students for {arguments.seconds} s: {drawers} drawing "
          f"({arguments.browser_drawers} of them in Chromium), "
          f"{arguments.uploaders} uploading {arguments.zip_images}-image zips, "
          f"{arguments.trainers} pressing Train (DIGITLAB_MAX_TRAININGS=1)")
    print(f"errors: {len(report.errors)}")
    for error in report.errors[:20]:
        print(f"  {error}")
    for name, strokes in (("protocol drawers: stroke sent -> Prediction received",
                           report.stroke_seconds),
                          ("browser drawers: mouse-up -> Prediction on screen",
                           report.browser_stroke_seconds)):
        if strokes:
            p50, p95 = statistics.median(strokes), percentile(strokes, 0.95)
            print(f"{name}: {len(strokes)} strokes, p50 {p50 * 1000:.0f} ms, "
                  f"p95 {p95 * 1000:.0f} ms, max {max(strokes) * 1000:.0f} ms  "
                  "(target p95 <= 1,000 ms)")
    if report.unseen_strokes:
        print(f"browser drawers: {report.unseen_strokes} strokes the canvas never inked "
              "(drawn as Clear's new canvas was being made), drawn again")
    if report.uploads:
        rates = [images / seconds for images, seconds in report.uploads]
        print(f"zips recognised: {len(rates)}; upload -> results on screen "
              f"{statistics.median(seconds for _, seconds in report.uploads):.2f} s median, "
              f"{statistics.median(rates):,.0f} images/s")
    print(f"Train presses that started: {len(report.queue_waits)}; waited in the queue "
          f"{', '.join(f'{wait:.0f}' for wait in report.queue_waits)} s; places shown "
          f"{sorted(report.places_shown)}")
    if report.rates_loaded:
        loaded = statistics.median(report.rates_loaded)
        alone = report.rate_alone
        ratio = f", {loaded / alone:.2f} x of training alone ({alone:,.0f})" if alone else ""
        print(f"training under load: {loaded:,.0f} samples/s{ratio}  (target > 0.5 x)")
    if report.rss:
        values = [rss for _, rss in report.rss]
        half = [rss for seconds, rss in report.rss if seconds >= arguments.seconds / 2]
        print(f"server RSS: {values[0] / 2**20:,.0f} MB idle, {max(values) / 2**20:,.0f} MB peak, "
              f"{(max(half) - min(half)) / 2**20 if half else 0:,.0f} MB spread over the second "
              f"half")
    if report.cpu_seconds:
        wall = report.cpu_seconds["wall"]
        print(f"CPU during the class: server {report.cpu_seconds['server'] / wall:.2f} cores, "
              f"protocol clients and Playwright's driver "
              f"{report.cpu_seconds['generator'] / wall:.2f} cores, Chromium (the real pages) "
              f"{report.cpu_seconds['chromium'] / wall:.2f} cores; the whole machine "
              f"{report.cpu_seconds['machine'] / wall:.2f} of {os.cpu_count()} cores busy")


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--trainers", type=int, default=3)
    parser.add_argument("--uploaders", type=int, default=3)
    parser.add_argument("--browser-drawers", type=int, default=2,
                        help="drawers that are real Chromium pages (the others speak the protocol)")
    parser.add_argument("--zip-images", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 4.0),
                        help="seconds a drawer looks at a prediction before the next (min max)")
    parser.add_argument("--generator-nice", type=int, default=10,
                        help="niceness of the students' side (this process and Chromium)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the run that trains alone first")
    arguments = parser.parse_args(argv)
    if arguments.trainers + arguments.uploaders + arguments.browser_drawers > arguments.students:
        parser.error("--trainers + --uploaders + --browser-drawers must not exceed --students")
    return arguments


def main():
    arguments = parse_arguments()
    random.seed(0)
    np.random.seed(0)
    report = load_test(arguments)
    print_report(report, arguments)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
