#!/usr/bin/python3
"""monitor: the stack's container monitor, in the spirit of cAdvisor.

hostd (PID 1 of the appliance) runs the containers itself and publishes
their state and resource usage on a read-only unix stream socket: connect,
send nothing, read until EOF, and the whole Prometheus text exposition
(format 0.0.4) comes back. This daemon, PID 1 of its container, serves:

  GET /metrics  hostd's exposition as is, then the monitor's own metrics;
                503 and a one-line reason when hostd's socket is unreachable
  GET /         a self-contained live dashboard (conf/index.html) that polls
                "metrics" (a relative URL: nginx serves it under /monitor/)
  GET /healthz  200 "ok" while hostd's socket answers, 503 otherwise

Everything else is 404, and methods other than GET and HEAD are 405. The
exposition is passed through without being parsed: the browser parses it.

Environment: MONITOR_PORT (8080), METRICS_SOCKET
(/run/hostd-metrics/metrics.sock), MONITOR_PAGE (the dashboard's file),
MONITOR_ACCESS_LOG=1 to log every request (by default only failures and
changes of hostd's reachability are logged, to stderr).

"monitor.py --check" is the health check: it asks the running daemon's
/healthz and exits 0 when it answers 200, 1 otherwise.

Python 3.11 standard library only.
"""

import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOCKET_PATH = os.environ.get("METRICS_SOCKET") or "/run/hostd-metrics/metrics.sock"
FETCH_TIMEOUT = 2.0            # seconds, for the whole exchange with hostd
FETCH_MAX = 8 << 20            # bytes: a larger exposition is an error
PAGE_CANDIDATES = (
    os.environ.get("MONITOR_PAGE"),
    "/usr/local/share/monitor/index.html",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conf", "index.html"),
)
ACCESS_LOG = os.environ.get("MONITOR_ACCESS_LOG", "") not in ("", "0")

CT_METRICS = "text/plain; version=0.0.4; charset=utf-8"
CT_TEXT = "text/plain; charset=utf-8"
CT_HTML = "text/html; charset=utf-8"
# The dashboard loads nothing from anywhere: its own inline style and script,
# and fetches of "metrics" on this origin.
PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
            "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


def log(msg):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    try:
        sys.stderr.write(f"{stamp} monitor: {msg}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def port_from_env():
    raw = os.environ.get("MONITOR_PORT") or "8080"
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        sys.exit(f"monitor: MONITOR_PORT={raw!r} is not a TCP port (1-65535)")
    return port


class FetchError(Exception):
    pass


def fetch_exposition():
    """hostd's whole exposition as bytes; FetchError with a reason otherwise."""
    deadline = time.monotonic() + FETCH_TIMEOUT
    chunks, size = [], 0
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(FETCH_TIMEOUT)
            s.connect(SOCKET_PATH)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout("timed out")
                s.settimeout(left)
                chunk = s.recv(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > FETCH_MAX:
                    raise FetchError(f"more than {FETCH_MAX} bytes, not read further")
                chunks.append(chunk)
    except socket.timeout:
        raise FetchError(f"no complete answer within {FETCH_TIMEOUT:g} s") from None
    except OSError as e:
        raise FetchError(e.strerror or str(e)) from None
    return b"".join(chunks)


class Stats:
    """The monitor's own metrics and hostd's reachability, shared by threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.scrapes = 0
        self.errors = 0
        self.last_duration = 0.0
        self.reachable = None   # unknown until the first fetch

    def record(self, ok, reason=""):
        with self.lock:
            changed = self.reachable is not ok
            self.reachable = ok
        if changed:
            if ok:
                log(f"hostd's metrics socket {SOCKET_PATH} answers")
            else:
                log(f"hostd's metrics socket {SOCKET_PATH} is unreachable: {reason}")

    def scraped(self, ok, duration):
        with self.lock:
            self.scrapes += 1
            if not ok:
                self.errors += 1
            self.last_duration = duration

    def exposition(self):
        with self.lock:
            scrapes, errors, duration = self.scrapes, self.errors, self.last_duration
        return (
            "# HELP monitor_scrapes_total Scrapes of hostd's metrics socket by /metrics.\n"
            "# TYPE monitor_scrapes_total counter\n"
            f"monitor_scrapes_total {scrapes}\n"
            "# HELP monitor_scrape_errors_total Scrapes of hostd's metrics socket that failed.\n"
            "# TYPE monitor_scrape_errors_total counter\n"
            f"monitor_scrape_errors_total {errors}\n"
            "# HELP monitor_scrape_duration_seconds Duration of the last scrape of hostd's metrics socket.\n"
            "# TYPE monitor_scrape_duration_seconds gauge\n"
            f"monitor_scrape_duration_seconds {duration:.6f}\n"
        ).encode()


STATS = Stats()
PAGE = b""


class Handler(BaseHTTPRequestHandler):
    server_version = "monitor"
    protocol_version = "HTTP/1.0"
    timeout = 30    # seconds for a client to send its request

    # -- routes ---------------------------------------------------------------

    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        route = {
            "/": self.page,
            "/index.html": self.page,
            "/metrics": self.metrics,
            "/healthz": self.healthz,
        }.get(path)
        if route is None:
            self.reply(404, CT_TEXT, b"not found\n")
        else:
            route()

    def do_HEAD(self):
        self.do_GET()

    def method_not_allowed(self):
        self.reply(405, CT_TEXT, b"method not allowed: only GET and HEAD\n",
                   {"Allow": "GET, HEAD"})

    def __getattr__(self, name):
        # Any other method (POST, PUT, DELETE, PATCH, OPTIONS, ...): 405 rather
        # than http.server's 501.
        if name.startswith("do_"):
            return self.method_not_allowed
        raise AttributeError(name)

    def page(self):
        self.reply(200, CT_HTML, PAGE, {"Content-Security-Policy": PAGE_CSP})

    def metrics(self):
        t0 = time.monotonic()
        try:
            body = fetch_exposition()
        except FetchError as e:
            STATS.scraped(False, time.monotonic() - t0)
            STATS.record(False, str(e))
            self.reply(503, CT_TEXT, self.unreachable(e))
            return
        STATS.scraped(True, time.monotonic() - t0)
        STATS.record(True)
        if body and not body.endswith(b"\n"):
            body += b"\n"
        self.reply(200, CT_METRICS, body + STATS.exposition())

    def healthz(self):
        try:
            fetch_exposition()
        except FetchError as e:
            STATS.record(False, str(e))
            self.reply(503, CT_TEXT, self.unreachable(e))
            return
        STATS.record(True)
        self.reply(200, CT_TEXT, b"ok\n")

    @staticmethod
    def unreachable(err):
        return f"hostd metrics socket {SOCKET_PATH} unreachable: {err}\n".encode()

    # -- plumbing -------------------------------------------------------------

    def version_string(self):
        return self.server_version    # no Python version in the Server header

    def reply(self, code, ctype, body, headers=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def log_request(self, code="-", size="-"):
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = 0
        if ACCESS_LOG or code >= 400 and code != 503:
            # 503 is logged once, as hostd's socket becomes unreachable.
            log(f'{self.client_address[0]} "{self.requestline}" {code}')

    def log_error(self, fmt, *args):
        # http.server's own complaints (timeouts, malformed requests); those
        # of send_error() are logged by log_request() anyway.
        if not fmt.startswith("code %d"):
            log(f"{self.client_address[0]}: " + (fmt % args))

    def log_message(self, fmt, *args):
        log(fmt % args)


def check(port):
    """The health check: 0 when the running daemon's /healthz answers 200."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return 0 if r.status == 200 else 1
    except Exception as e:  # HTTPError (503), URLError, timeouts
        print(f"monitor: unhealthy: {e}", file=sys.stderr)
        return 1


def load_page():
    for path in PAGE_CANDIDATES:
        if path and os.path.isfile(path):
            with open(path, "rb") as f:
                return f.read()
    sys.exit("monitor: the dashboard page (index.html) is missing; set MONITOR_PAGE")


def main():
    global PAGE
    port = port_from_env()
    if sys.argv[1:] == ["--check"]:
        return check(port)
    if sys.argv[1:]:
        sys.exit("usage: monitor.py [--check]")
    PAGE = load_page()

    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    # PID 1 gets no default signal actions: without these handlers, SIGTERM
    # (hostctl stop) would be ignored and the container killed after a grace.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ThreadingHTTPServer.daemon_threads = True
    try:
        server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    except OSError as e:
        sys.exit(f"monitor: cannot listen on 0.0.0.0:{port}: {e.strerror or e}")
    server.timeout = None
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                               name="http", daemon=True)
    serving.start()
    log(f"listening on 0.0.0.0:{port}, reading hostd's metrics from {SOCKET_PATH}")

    while not stop.wait(3600):
        pass
    log("stopping")
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
