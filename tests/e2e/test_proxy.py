"""Two replicas of the app behind nginx with `deploy/nginx.conf`: sessions stick to one replica.

Streamlit keeps a browser tab's session, its uploads and its media in the one
process holding its websocket, so the proxy must send each client to the same
replica (`ip_hash`). The test runs Debian's nginx with the shipped file (only
its ports and access log path changed, everything nginx writes in a temporary
directory) in front of two `streamlit run` replicas, then:

- a real Chromium draws and uploads through the proxy (an upload's PUT is
  refused by any replica but the one holding the session), and the access log
  shows all its requests went to one replica;
- simulated students from different client addresses (Linux answers on all of
  127.0.0.0/8, and ip_hash keys on the first three octets) each load the page
  and open a Streamlit session over the websocket; each address always reaches
  the same replica and both replicas serve someone;
- a websocket opened as from a school's host name on a port other than 80
  connects (the proxy passes the port on in `Host`).
"""

import concurrent.futures
import http.client
import io
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import types
import urllib.request
import zipfile

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, ROOT
from tests.e2e.conftest import _free_port, screenshot, start_streamlit, stop, wait_for_app
from tests.e2e.test_recognize import STROKES, choose_upload, draw, metric, open_recognize

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SITE_CONF = ROOT / "deploy" / "nginx.conf"
REPLICAS = 2
# The browser's address, and simulated students in different /24s. 127.0.1.2 shares
# 127.0.1.1's /24, so ip_hash must send it to the same replica.
BROWSER_ADDRESS = "127.0.0.1"
STUDENTS = [f"127.0.{block}.1" for block in range(1, 9)] + ["127.0.1.2"]

# The `digitlab` log_format of deploy/nginx.conf.
LOG_LINE = re.compile(
    r'^(?P<client>\S+) - \S+ \[[^\]]*\] "(?P<request>[^"]*)" (?P<status>\d{3}) .*'
    r'upstream="(?P<upstream>[^"]*)"'
)

# What nginx needs beside the site: its pid, error log and temporary files in our directory,
# so the test runs as root or not without touching /var or /run.
MAIN_CONF = """\
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log notice;
events {{
    worker_connections 256;
}}
http {{
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/digitlab.conf;
}}
"""


def find_nginx():
    """Debian's nginx: on PATH, or in /usr/sbin (not on every user's PATH)."""
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if path is None:
        pytest.fail("nginx is not installed. Install it with `apt-get install -y nginx` "
                    "(the README's test command does).")
    return path


def _substitute(pattern, replacement, text, expected):
    text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert count == expected, (
        f"Expected {expected} line(s) of deploy/nginx.conf to match {pattern!r}. Found {count}: "
        "update this test's rendering to the file's new shape."
    )
    return text


def render_site(text, listen_port, upstream_ports, access_log):
    """deploy/nginx.conf with the test's ports and access log; nothing else changes."""
    ports = iter(upstream_ports)
    text = _substitute(r"^(\s*listen\s+)80;", rf"\g<1>127.0.0.1:{listen_port};", text, 1)
    text = _substitute(r"^(\s*server\s+)127\.0\.0\.1:\d+",
                       lambda match: f"{match.group(1)}127.0.0.1:{next(ports)}",
                       text, len(upstream_ports))
    return _substitute(r"^(\s*access_log\s+)\S+", rf"\g<1>{access_log}", text, 1)


def _wait_for_health(url, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    """Two `streamlit run` replicas started side by side; they share one run database."""
    runs_db = tmp_path_factory.mktemp("proxy-runs") / "runs.sqlite"
    ports = [_free_port() for _ in range(REPLICAS)]
    with concurrent.futures.ThreadPoolExecutor(REPLICAS) as pool:
        futures = [pool.submit(start_streamlit, port, {"DIGITLAB_RUNS_DB": str(runs_db)})
                   for port in ports]
    try:
        for future in futures:
            future.result()
        yield [f"127.0.0.1:{port}" for port in ports]
    finally:
        for future in futures:
            if future.exception() is None:
                stop(future.result())


@pytest.fixture(scope="module")
def proxy(replicas):
    """nginx in front of the replicas, with the shipped site config, on a free port."""
    nginx = find_nginx()
    # Not pytest's tmp_path: nginx's workers run as `nobody` when started as root and must
    # reach the temporary files, and pytest's base directory is private to its user.
    directory = tempfile.mkdtemp(prefix="digitlab-nginx-")
    os.chmod(directory, 0o755)
    port = _free_port()
    access_log = f"{directory}/access.log"
    process = None
    try:
        site = render_site(SITE_CONF.read_text(), port,
                           [int(address.rsplit(":", 1)[1]) for address in replicas], access_log)
        with open(f"{directory}/digitlab.conf", "w") as file:
            file.write(site)
        with open(f"{directory}/nginx.conf", "w") as file:
            file.write(MAIN_CONF.format(directory=directory))
        command = [nginx, "-p", directory, "-c", f"{directory}/nginx.conf"]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        with open(f"{directory}/stderr.log", "wb") as stderr:
            process = subprocess.Popen([*command, "-g", "daemon off;"],
                                       stdout=subprocess.DEVNULL, stderr=stderr)
        url = f"http://127.0.0.1:{port}"
        _wait_for_health(url)
        yield types.SimpleNamespace(url=url, port=port, replicas=replicas,
                                    access_log=access_log)
    finally:
        if process is not None:
            stop(process)
        # Kept for a reader: which client went where, and what nginx said.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name in ("access.log", "error.log"):
            if os.path.exists(f"{directory}/{name}"):
                shutil.copy(f"{directory}/{name}", ARTIFACTS / f"proxy-{name}")
        shutil.rmtree(directory, ignore_errors=True)


def log_entries(proxy, clients):
    """The access log's lines from `clients`, as dicts of client, request, status, upstream."""
    with open(proxy.access_log) as file:
        matches = [LOG_LINE.match(line) for line in file]
    return [match.groupdict() for match in matches if match and match["client"] in clients]


def wait_for_entries(proxy, clients, request_prefix, count, timeout=15):
    """Waits until `count` requests starting with `request_prefix` from `clients` are logged.

    Nginx logs a request after answering it, and a websocket when it closes, a little
    after the client let go.
    """
    deadline = time.monotonic() + timeout
    while True:
        entries = log_entries(proxy, clients)
        if sum(e["request"].startswith(request_prefix) for e in entries) >= count:
            return entries
        if time.monotonic() > deadline:
            raise AssertionError(f"Expected {count} x {request_prefix!r} from {clients} in the "
                                 f"access log. Found: {entries}")
        time.sleep(0.2)


def _digits_zip():
    """One real MNIST digit of each class, black on white, as `num<digit>.png` in a zip."""
    from lib import data

    mnist = data.load_embedded()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for digit in range(10):
            image = mnist.x_test[np.flatnonzero(mnist.y_test == digit)[0]].astype(np.uint8)
            png = io.BytesIO()
            Image.fromarray(255 - image).save(png, format="PNG")
            zipped.writestr(f"num-draft/num{digit}.png", png.getvalue())
    return buffer.getvalue()


def _xsrf_cookie(address):
    """A fresh `_streamlit_xsrf` cookie from the replica at `address` (its health check sets it)."""
    connection = http.client.HTTPConnection(address, timeout=10)
    try:
        connection.request("GET", "/_stcore/health")
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie", "")
    finally:
        connection.close()
    return re.search(r"_streamlit_xsrf=([^;]+)", cookie).group(1)


def test_browser_session_stays_on_one_replica(browser, proxy, tmp_path):
    archive = tmp_path / "num-draft.zip"
    archive.write_bytes(_digits_zip())
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        open_recognize(page, proxy.url)
        draw(page, STROKES[1])
        expect(metric(page, "Prediction")).to_have_text("1", timeout=30_000)
        wait_for_app(page)
        screenshot(page, "proxy-recognize-drawn-1")
        choose_upload(page)
        page.locator(".st-key-recognize_files input[type=file]").set_input_files(archive)
        wait_for_app(page)
        expect(metric(page, "Recognised")).to_have_text("10", timeout=60_000)
        screenshot(page, "proxy-recognize-upload")
    finally:
        context.close()

    entries = wait_for_entries(proxy, {BROWSER_ADDRESS}, "GET /_stcore/stream", 1)
    upstreams = {entry["upstream"] for entry in entries}
    assert len(upstreams) == 1 and upstreams <= set(proxy.replicas), entries
    (home,) = upstreams
    # Every request got the replica's own answer (the frontend's 404 probes of
    # /recognize/_stcore/... for a base path included), never nginx's 502 or 504.
    assert all(int(entry["status"]) < 500 for entry in entries), entries
    uploads = [entry for entry in entries
               if entry["request"].startswith("PUT /_stcore/upload_file/")]
    assert uploads and all(entry["status"] in {"200", "204"} for entry in uploads), entries

    # Why stickiness matters: the session's replica took the upload; the other one refuses it.
    session_id = uploads[0]["request"].split("/")[3]
    (other,) = set(proxy.replicas) - {home}
    token = _xsrf_cookie(other)
    connection = http.client.HTTPConnection(other, timeout=10)
    try:
        connection.request("PUT", f"/_stcore/upload_file/{session_id}/file", body=b"",
                           headers={"X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"})
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    assert response.status == 400 and "Invalid session_id" in body, (response.status, body)


def _http_get(proxy, address, path):
    """GET `path` through the proxy from the client address `address`."""
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30,
                                            source_address=(address, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body


def _start_session(proxy, address, host="127.0.0.1"):
    """Opens /_stcore/stream from `address` as a browser at http://`host`:port would.

    Sends a `rerun_script` BackMsg and returns the session id of the `new_session`
    ForwardMsg the replica answers with.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=30,
                                    source_address=(address, 0))
    # Streamlit selects the first subprotocol; its XSRF token (the second) only guards login
    # cookies.
    with connect(f"ws://{host}:{proxy.port}/_stcore/stream", sock=sock,
                 origin=f"http://{host}:{proxy.port}", subprotocols=["streamlit"],
                 max_size=None, open_timeout=30) as websocket:
        back_msg = BackMsg()
        back_msg.rerun_script.query_string = ""
        websocket.send(back_msg.SerializeToString())
        deadline = time.monotonic() + 60
        while True:
            forward_msg = ForwardMsg()
            forward_msg.ParseFromString(websocket.recv(timeout=deadline - time.monotonic()))
            if forward_msg.WhichOneof("type") == "new_session":
                return forward_msg.new_session.initialize.session_id


def test_students_on_different_addresses_spread_over_replicas(proxy):
    sessions = {}
    for address in STUDENTS:
        status, body = _http_get(proxy, address, "/")
        assert status == 200 and b"<html" in body.lower(), (address, status)
        sessions[address] = _start_session(proxy, address)
        assert _http_get(proxy, address, "/_stcore/health") == (200, b"ok")
    assert len(set(sessions.values())) == len(STUDENTS)  # A session of its own for each one.

    # Nginx logs a request once it has answered it, so the last lines can come a moment late.
    wait_for_entries(proxy, set(STUDENTS), "GET /_stcore/health", len(STUDENTS))
    entries = wait_for_entries(proxy, set(STUDENTS), "GET /_stcore/stream", len(STUDENTS))
    where = {}
    for entry in entries:
        where.setdefault(entry["client"], set()).add(entry["upstream"])
    assert set(where) == set(STUDENTS)
    for address in STUDENTS:
        requests = [entry["request"].split()[1] for entry in entries
                    if entry["client"] == address]
        assert sorted(requests) == ["/", "/_stcore/health", "/_stcore/stream"], requests
        assert len(where[address]) == 1, (address, where[address])
    assert where["127.0.1.2"] == where["127.0.1.1"]  # One /24, one replica.
    served = set().union(*where.values())
    assert served == set(proxy.replicas), where
    # Shown with -s: which address went to which `server` line of the upstream.
    print({address: proxy.replicas.index(upstream) + 1
           for address, (upstream,) in where.items()})


def test_websocket_for_a_school_host_name_on_another_port(proxy):
    # The browser's Origin carries the name and port; Streamlit accepts it only if the Host
    # header the proxy passes on carries the port too ($http_host, not $host).
    assert _start_session(proxy, "127.0.9.1", host="digitlab.school.test")
