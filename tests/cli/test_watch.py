"""``tradesim run --watch``: reruns on save, the live page, errors on the page, ``--once``."""

from __future__ import annotations

import html
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import build_parser, main
from sim.cli.watch import KEEP, WATCH_RUNS, Saves, prune, watch_runs
from sim.engine.compile import load_scenario
from sim.errors import ScenarioError
from sim.experiments.defaults import DEFAULT_RUNS
from sim.report.live import LiveServer, LiveState

from ..browser import ARTIFACTS, browser_page
from ..conftest import ROOT

TEMPLATE = (ROOT / "scenarios" / "student_template.yaml").read_text(encoding="utf-8")
STOCK = "initial_stock_days: 35 "
assert STOCK in TEMPLATE, "the template's magnets stock moved: update these tests"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
WAIT = 180.0  # seconds before a wait gives up (a failure, not a measurement)


def with_stock(text: str) -> str:
    """The template with another magnets stock (``text`` replaces the number and what follows it)."""
    return TEMPLATE.replace(STOCK, f"initial_stock_days: {text} ")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Watching:
    """``tradesim run FILE --watch --runs 30 --workers 1 --port 0`` in a subprocess on a copy of the template."""

    def __init__(self, tmp_path: Path) -> None:
        self.file = tmp_path / "student.yaml"
        self.file.write_text(TEMPLATE, encoding="utf-8")
        self.out = tmp_path / "results"
        argv = [
            "run",
            str(self.file),
            "--watch",
            "--runs",
            "30",
            "--workers",
            "1",
            "--port",
            "0",
            "--out",
            str(self.out),
        ]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sim", *argv],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # Ctrl-C as in a terminal
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=lambda: [self.stdout.put(x) for x in self.proc.stdout], daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()
        self.url = self._url()

    def _url(self) -> str:
        t0 = time.monotonic()
        while time.monotonic() - t0 < WAIT:
            try:
                line = self.stdout.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, "".join(self.stderr)
                continue
            if line.startswith("page: "):
                return line.split()[1]
        raise AssertionError("no page address printed")

    def get(self, path: str) -> tuple[int, bytes]:
        return fetch(self.url.rstrip("/") + path)

    def status(self) -> dict:
        code, body = self.get("/status.json")
        assert code == 200
        return json.loads(body)

    def until(self, ok, what: str) -> dict:
        t0 = time.monotonic()
        while time.monotonic() - t0 < WAIT:
            assert self.proc.poll() is None, f"the watch exited: {''.join(self.stderr)}"
            s = self.status()
            if not s["running"] and ok(s):
                return s
            time.sleep(0.1)
        raise AssertionError(f"never {what}: {self.status()}")

    def save(self, text: str) -> None:
        self.file.write_text(text, encoding="utf-8")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C; the exit code and everything on stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=60)
        time.sleep(0.2)  # the reader threads drain the pipes
        return code, "".join(self.stderr)


@pytest.fixture
def watching(tmp_path):
    w = Watching(tmp_path)
    yield w
    if w.proc.poll() is None:
        w.proc.kill()
        w.proc.wait()


def summary(status: dict) -> pd.DataFrame:
    return pd.read_parquet(Path(status["results"]) / "summary.parquet")


def expected_error(path: Path) -> str:
    """What ``tradesim run`` prints for a bad scenario file."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(path))
    return str(info.value)


# ------------------------------------------------------------------- a real session


@pytest.mark.slow
def test_a_watch_session_reruns_on_save_shows_errors_and_keeps_the_last_good_report(watching):
    w = watching
    first = w.until(lambda s: s["version"] == 1, "published a first result")
    assert first["error"] is None and first["runs"] == 30
    code, page = w.get("/")
    assert code == 200 and b'<span id="version">1</span>' in page and b'src="/report.html?v=1"' in page
    assert b"/status.json" in page  # the wrapper polls; the report file does not
    report_1 = Path(first["report"]).read_bytes()
    assert w.get("/report.html") == (200, report_1) and b"/status.json" not in report_1

    # less stock: the new results differ where the stock acts
    w.save(with_stock("5"))
    second = w.until(lambda s: s["version"] == 2, "rerun after a save")
    s1, s2 = summary(first), summary(second)
    assert len(s2) == 30 and second["results"] != first["results"]
    assert (s2["shortage_days_magnets"] > 0).mean() > (s1["shortage_days_magnets"] > 0).mean()
    assert not s1["stockout_day_magnets"].equals(s2["stockout_day_magnets"])
    report_2 = Path(second["report"]).read_bytes()

    # invalid YAML: the error (file:line:column) on the page, the last good report still served
    w.save(with_stock("[5"))
    error = expected_error(w.file)
    assert re.match(rf"{re.escape(str(w.file))}:\d+:\d+: not valid YAML", error), error
    bad = w.until(lambda s: s["error"] is not None, "showed the error")
    assert bad["error"] == error and bad["version"] == 2 and bad["report"] == second["report"]
    code, page = w.get("/")
    assert html.escape(error).encode() in page and b'<pre id="error">' in page
    assert b'src="/report.html?v=2"' in page
    assert w.get("/report.html") == (200, report_2)

    # fixed: the error clears; the same text and seed give the same results as the first time
    w.save(TEMPLATE)
    third = w.until(lambda s: s["version"] == 3, "rerun after the fix")
    assert third["error"] is None
    code, page = w.get("/")
    assert b'<pre id="error" hidden></pre>' in page
    pd.testing.assert_frame_equal(summary(third), s1)

    # one more save: only the latest KEEP results folders stay, the first one is gone
    w.save(with_stock("10"))
    fourth = w.until(lambda s: s["version"] == 4, "rerun after another save")
    kept = sorted(p for p in Path(fourth["results"]).parent.iterdir())
    assert len(kept) == KEEP and not Path(first["results"]).exists()
    assert {Path(s["results"]) for s in (second, third, fourth)} == set(kept)

    code, err = w.stop()
    assert code == 0, err
    assert error in err and "Traceback" not in err and "watch stopped" in err
    assert fetch_fails(w.url)


def fetch_fails(url: str) -> bool:
    try:
        fetch(url + "status.json")
    except OSError:
        return True
    return False


@pytest.mark.slow
def test_the_page_reloads_itself_on_a_new_result_and_shows_errors_without_reloading(watching):
    w = watching
    w.until(lambda s: s["version"] == 1, "published a first result")
    plot = "document.getElementById('report').contentDocument.querySelectorAll('.js-plotly-plot .main-svg').length > 0"
    with browser_page() as page:
        errors, elsewhere = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(w.url) else elsewhere.append(r.url))
        page.goto(w.url)
        page.wait_for_function(plot, timeout=60_000)
        assert page.locator("#version").text_content() == "1"
        page.evaluate("document.getElementById('report').contentWindow.scrollTo(0, 1200)")
        page.evaluate("window.__before = 1")

        w.save(with_stock("5"))
        page.wait_for_function("document.getElementById('version')?.textContent === '2'", timeout=WAIT * 1000)
        page.wait_for_function(plot, timeout=60_000)
        assert page.evaluate("window.__before") is None  # a fresh page: it reloaded itself
        assert page.locator("#error").is_hidden()
        # the place in the report is kept (restored once the frame has loaded)
        page.wait_for_function("document.getElementById('report').contentWindow.scrollY === 1200", timeout=30_000)

        page.evaluate("window.__before = 2")
        w.save(with_stock("[5"))
        page.wait_for_function("!document.getElementById('error').hidden", timeout=WAIT * 1000)
        shown = page.locator("#error").text_content()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "watch_error.png"))
        assert shown == expected_error(w.file)
        assert page.evaluate("window.__before") == 2  # no reload: the last good report stays below
        assert page.locator("#version").text_content() == "2" and page.evaluate(plot)

        w.save(TEMPLATE)
        page.wait_for_function("document.getElementById('version')?.textContent === '3'", timeout=WAIT * 1000)
        assert page.locator("#error").is_hidden()
    assert errors == [] and elsewhere == []
    assert w.stop()[0] == 0


# ------------------------------------------------------------------- --once


@pytest.mark.slow
def test_once_writes_the_report_a_run_writes_and_exits_0(tmp_path, capsys):
    f = tmp_path / "student.yaml"
    f.write_text(TEMPLATE, encoding="utf-8")
    common = [str(f), "--runs", "30", "--workers", "1", "--seed", "4"]
    assert main(["run", *common, "--watch", "--once", "--out", str(tmp_path / "w")]) == 0
    assert main(["run", *common, "--quiet", "--out", str(tmp_path / "n")]) == 0
    (watched,) = (tmp_path / "w" / "watch" / "student_template").glob("*/report.html")
    (ran,) = (tmp_path / "n" / "student_template").glob("*/report.html")
    out = capsys.readouterr().out
    assert f"report: {watched}" in out

    def own(page: Path) -> str:  # the page with its folder's run id and creation time left out
        manifest = json.loads((page.parent / "manifest.json").read_text())
        text = page.read_text(encoding="utf-8")
        return text.replace(manifest["run_id"], "RUN_ID").replace(manifest["created"], "CREATED")

    assert own(watched) == own(ran)
    assert "status.json" not in watched.read_text(encoding="utf-8")


def test_once_on_a_bad_file_prints_what_run_prints_and_exits_2(tmp_path, capsys):
    f = tmp_path / "student.yaml"
    f.write_text(with_stock("-3"), encoding="utf-8")
    assert main(["run", str(f), "--watch", "--once", "--out", str(tmp_path / "w")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == expected_error(f)
    assert re.fullmatch(rf"{re.escape(str(f))}:\d+:\d+: chokepoints\.magnets\.initial_stock_days: .*found -3", err)
    assert not (tmp_path / "w").exists()


# ------------------------------------------------------------------- the parts


def test_runs_default_to_the_watch_default_unless_given():
    parse = build_parser().parse_args
    assert watch_runs(parse(["run", "x.yaml", "--watch"])) == WATCH_RUNS
    assert watch_runs(parse(["run", "x.yaml", "--watch", "--runs", str(DEFAULT_RUNS)])) == DEFAULT_RUNS
    plain = parse(["run", "x.yaml"]).runs
    assert plain == DEFAULT_RUNS and int(plain) == DEFAULT_RUNS and f"{plain}" == str(DEFAULT_RUNS)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--once"], "tradesim: --once and --port go with --watch"),
        (["--port", "0"], "tradesim: --once and --port go with --watch"),
        (["--watch", "--no-report"], "tradesim: --watch shows the report: drop --no-report"),
    ],
)
def test_watch_options_that_do_not_fit_are_refused(tmp_path, capsys, extra, message):
    assert main(["run", "scenarios/student_template.yaml", "--out", str(tmp_path), *extra]) == 2
    assert capsys.readouterr().err.strip() == message
    assert list(tmp_path.iterdir()) == []


def test_a_port_in_use_is_refused_before_any_run(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["run", "scenarios/student_template.yaml", "--watch", "--port", str(port), "--out", str(tmp_path)]
        assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"tradesim: --port {port}: cannot serve on 127.0.0.1:{port}") and "\n" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_change_runs_once_it_has_held_for_one_look(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("a: 1\n")
    saves = Saves(f)
    assert saves.due()  # the file as it is, at once
    saves.take()
    assert not saves.due()
    f.write_text("a: 2\n")
    assert not saves.due()  # changed since the last look: not settled yet
    assert saves.due()
    saves.take()
    for text in ("a: 3\n", "a: 4\n", "a: 5\n"):  # a burst of saves, one per look
        f.write_text(text)
        assert not saves.due()
    assert saves.due()  # runs once, after the last
    saves.take()
    assert not saves.due()
    mtime = f.stat().st_mtime_ns
    f.write_text("a: 6\n")  # same size, same mtime: the hash tells
    os.utime(f, ns=(mtime, mtime))
    assert not saves.due() and saves.due()
    saves.take()
    os.utime(f, ns=(mtime, mtime + 10**9))  # the same text saved again is a save
    assert not saves.due() and saves.due()
    saves.take()
    f.unlink()  # gone (a save by rename, or deleted): due once settled, and the run says what is wrong
    assert not saves.due() and saves.due()


def test_prune_keeps_the_newest_results_folders_and_nothing_else_is_touched(tmp_path):
    folders = []
    for i in range(5):
        d = tmp_path / f"run{i}"
        d.mkdir()
        (d / "manifest.json").write_text("{}")
        os.utime(d / "manifest.json", ns=(10**18 + i * 10**9,) * 2)
        folders.append(d)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes.txt").write_text("mine")
    gone = prune(folders[-1], keep=3)
    assert sorted(gone) == folders[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "notes.txt", "run2", "run3", "run4"]
    assert prune(folders[2], keep=1) == [folders[3]]  # the folder given is never removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "notes.txt", "run2", "run4"]


def test_the_live_server_serves_the_wrapper_the_status_and_the_report_as_written(tmp_path):
    state = LiveState("my file.yaml", 30)
    server = LiveServer(state, 0).start()
    try:
        base = server.url
        assert base.startswith("http://127.0.0.1:")
        assert fetch(base + "report.html")[0] == 404  # nothing yet
        code, page = fetch(base)
        assert code == 200 and b'<span id="version">0</span>' in page and b'id="waiting"' in page
        report = tmp_path / "report.html"
        report.write_bytes(b"<!DOCTYPE html><p>the report \xe2\x80\x94 as written</p>\n")
        assert state.publish(report, tmp_path) == 1
        assert fetch(base + "report.html?v=1") == (200, report.read_bytes())
        state.fail("my file.yaml:3:5: a.b: expected <a number>")
        status = json.loads(fetch(base + "status.json")[1])
        assert status["error"] == "my file.yaml:3:5: a.b: expected <a number>" and status["version"] == 1
        page = fetch(base)[1].decode()
        assert '<pre id="error">my file.yaml:3:5: a.b: expected &lt;a number&gt;</pre>' in page
        assert 'src="/report.html?v=1"' in page and "<a number>" not in page
        assert fetch(base + "report.html")[1] == report.read_bytes()  # the last good report
        assert state.publish(report, tmp_path) == 2
        status = json.loads(fetch(base + "status.json")[1])
        assert status["error"] is None and status["version"] == 2
        assert '<pre id="error" hidden></pre>' in fetch(base)[1].decode()
        assert fetch(base + "elsewhere")[0] == 404
    finally:
        server.close()
    assert fetch_fails(base)
