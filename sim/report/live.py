"""The live page of ``tradesim run --watch``: a small HTTP server on 127.0.0.1.

``/`` is a wrapper page: a bar (the file, the version of the result shown, whether a run
is going), the scenario's error when it has one, and the latest report in a frame. It
polls ``/status.json`` every second and reloads itself when a new result is ready (the
report's scroll position kept); an error only updates the bar, so the last good report
stays visible below it. ``/report.html`` is the latest ``report.html`` byte for byte as
:func:`sim.report.build.build_report` wrote it: the live reload lives in the wrapper,
never in the report file. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: How often the wrapper page asks for ``/status.json`` (milliseconds).
POLL_MS = 1000


class LiveState:
    """What the page shows, shared between the watch loop and the server's threads."""

    def __init__(self, scenario: str, runs: int) -> None:
        self._lock = threading.Lock()
        self.session = secrets.token_hex(6)  # a restarted watch on the same port reloads open pages
        self.scenario = scenario
        self.runs = runs
        self.version = 0  # results published; the page reloads when it changes
        self.error: str | None = None
        self.running = False
        self.report: bytes | None = None
        self.report_path: str | None = None
        self.results_path: str | None = None
        self.updated: str | None = None

    def start_run(self) -> None:
        with self._lock:
            self.running = True

    def publish(self, report: Path, results: Path) -> int:
        """A new good result: serve ``report``, clear the error; return the new version."""
        data = Path(report).read_bytes()
        with self._lock:
            self.version += 1
            self.report, self.report_path, self.results_path = data, str(report), str(results)
            self.error, self.running = None, False
            self.updated = _now()
            return self.version

    def fail(self, text: str) -> None:
        """The scenario (or its run) failed: show ``text``; the last good report stays."""
        with self._lock:
            self.error, self.running = text, False
            self.updated = _now()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "session": self.session,
                "version": self.version,
                "running": self.running,
                "error": self.error,
                "scenario": self.scenario,
                "runs": self.runs,
                "results": self.results_path,
                "report": self.report_path,
                "updated": self.updated,
            }

    def latest_report(self) -> bytes | None:
        with self._lock:
            return self.report


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def state_text(status: dict[str, Any]) -> str:
    """The bar's one-word state (the page's script says the same)."""
    if status["running"]:
        return "running…"
    if status["error"]:
        return "error: the report below is the last good one" if status["version"] else "error"
    return "up to date" if status["version"] else "waiting for the first result…"


def wrapper_page(status: dict[str, Any]) -> str:
    """The page at ``/`` for the current status."""
    version = int(status["version"])
    error = status["error"] or ""
    shown = json.dumps({"session": status["session"], "version": version})
    frame = (
        f'<iframe id="report" title="report" src="/report.html?v={version}"></iframe>'
        if version
        else '<p id="waiting">The first run is going; its report appears here.</p>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>tradesim watch: {html.escape(Path(status["scenario"]).name)}</title>
<style>
html, body {{ height: 100%; margin: 0; }}
body {{ display: flex; flex-direction: column; font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
       color: #222; }}
#bar {{ display: flex; flex-wrap: wrap; gap: 0 1.2em; align-items: baseline; padding: 6px 12px;
        background: #f3f4f6; border-bottom: 1px solid #ddd; font-size: 0.9em; }}
#error {{ margin: 0; padding: 8px 12px; background: #fdecec; color: #8a1c1c; border-bottom: 1px solid #e3a3a3;
          white-space: pre-wrap; font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; }}
#report {{ flex: 1; width: 100%; border: 0; }}
#waiting {{ padding: 24px; color: #555; }}
</style></head><body>
<div id="bar"><strong>tradesim watch</strong><span id="file">{html.escape(status["scenario"])}</span>
<span>{int(status["runs"])} runs</span><span>version <span id="version">{version}</span></span>
<span id="state">{html.escape(state_text(status))}</span></div>
<pre id="error"{"" if error else " hidden"}>{html.escape(error)}</pre>
{frame}
<script>
(function () {{
  const shown = {shown};
  const $ = (id) => document.getElementById(id);
  const frame = $("report");
  const KEY = "tradesim-watch-scroll";
  if (frame) {{
    frame.addEventListener("load", () => {{
      const y = Number(sessionStorage.getItem(KEY) || 0);
      if (y && frame.contentWindow) frame.contentWindow.scrollTo(0, y);
    }});
  }}
  function show(s) {{
    $("state").textContent = s.running ? "running…"
      : s.error ? (s.version ? "error: the report below is the last good one" : "error")
      : (s.version ? "up to date" : "waiting for the first result…");
    $("error").textContent = s.error || "";
    $("error").hidden = !s.error;
  }}
  async function poll() {{
    try {{
      const s = await (await fetch("/status.json", {{cache: "no-store"}})).json();
      if (s.session !== shown.session || s.version !== shown.version) {{
        if (frame && frame.contentWindow) sessionStorage.setItem(KEY, String(frame.contentWindow.scrollY || 0));
        location.reload();
        return;
      }}
      show(s);
    }} catch (e) {{
      $("state").textContent = "not watching: the watch has stopped";
    }}
    setTimeout(poll, {POLL_MS});
  }}
  setTimeout(poll, {POLL_MS});
}})();
</script>
</body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    server: LiveServer

    def do_GET(self) -> None:  # the stdlib calls it by this name
        path = urlsplit(self.path).path
        state = self.server.state
        if path == "/":
            self._send(200, "text/html; charset=utf-8", wrapper_page(state.status()).encode("utf-8"))
        elif path == "/status.json":
            self._send(200, "application/json", json.dumps(state.status()).encode("utf-8"))
        elif path == "/report.html" and (report := state.latest_report()) is not None:
            self._send(200, "text/html; charset=utf-8", report)
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # the terminal is for the runs
        pass


class LiveServer(ThreadingHTTPServer):
    """Serves a :class:`LiveState` on ``host:port`` from a daemon thread (``port=0``: any free port)."""

    daemon_threads = True

    def __init__(self, state: LiveState, port: int, host: str = "127.0.0.1") -> None:
        super().__init__((host, port), _Handler)
        self.state = state
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="tradesim-watch-http", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self.shutdown()
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves mid-answer (a reload) is not an error; anything else is one line."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            print(f"tradesim: the page server: {type(exc).__name__}: {exc}", file=sys.stderr)
