"""``tradesim run SCENARIO --watch``: rerun a scenario on every save, show the latest report live.

How it behaves (docs/scenarios.md, "Watch mode"):

- **Runs.** :data:`WATCH_RUNS` per save unless ``--runs`` is given; seed, workers, ``--set``
  and ``--no-series`` as for ``tradesim run``. Each cycle is :func:`sim.run` then
  :func:`sim.report.build.build_report`, so its folder and ``report.html`` are those of a run.
- **Where.** Results go to ``OUT/watch/<scenario name>/<run-id>/``, apart from ordinary runs;
  after each good result only the newest :data:`KEEP` folders there are kept (the one on the
  page always among them), so a long session does not fill the disk.
- **Saves.** The file is polled every :data:`POLL_SECONDS` for its mtime, size and sha256; a
  change runs once it has held for one poll, so a burst of saves runs once, after the last.
- **A save during a run.** The run finishes and its result is shown; the saves made meanwhile
  are one new run, started at once from the newest text (a run is not abandoned halfway).
- **Errors.** Bad YAML or a value out of range is printed as ``tradesim run`` prints it and
  shown above the last good report on the page; the next good save clears it.
- **Page.** ``http://127.0.0.1:PORT/`` (:mod:`sim.report.live`); the URL is printed, no browser
  is opened. ``--once``: one cycle, no server, exit 0 (2 on bad input, 1 if a run failed).
- **Stopping.** Ctrl-C stops (exit 0, the server closed); SIGTERM exits 143 as every command.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.failure import Terminated, internal_error
from sim.errors import ScenarioError, UsageError

if TYPE_CHECKING:
    from sim.report.live import LiveServer, LiveState

#: Runs per save unless ``--runs`` is given: a share's 95% interval within about ±7 points
#: (1.96·√(0.25/200)), in a few seconds on a laptop — enough to see a distribution move.
WATCH_RUNS = 200
#: Results folders kept in ``OUT/watch/<scenario>/`` (the newest, the one shown among them).
KEEP = 3
#: Seconds between two looks at the scenario file.
POLL_SECONDS = 0.5
#: The page's port unless ``--port`` is given.
DEFAULT_PORT = 8765


class DefaultRuns(int):
    """The default of ``--runs``: a plain number that also says it was not given (``--watch`` has its own)."""


def watch_runs(args: argparse.Namespace) -> int:
    """Runs per cycle: ``--runs`` when given, else :data:`WATCH_RUNS`."""
    return WATCH_RUNS if isinstance(args.runs, DefaultRuns) else int(args.runs)


def signature(path: Path) -> tuple[int, int, str] | None:
    """The file's mtime, size and sha256 (``None`` while it cannot be read: a save in progress)."""
    try:
        st = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, digest)


class Saves:
    """The settled saves of one file: a change is due once it has held for one poll."""

    _NEVER = ("never run",)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: Any = signature(path)
        self.ran: Any = self._NEVER  # the first look runs the file as it is

    def due(self) -> bool:
        """Look at the file once: is there a change, unchanged since the last look, not yet run?"""
        now = signature(self.path)
        settled, self.seen = now == self.seen, now
        return settled and now != self.ran

    def take(self) -> None:
        """The change is being run (a save after this moment is a new change)."""
        self.ran = self.seen


def prune(folder: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the newest ``keep`` results folders beside ``folder`` (never ``folder`` itself).

    Only folders holding a ``manifest.json`` are touched; newest by that file's mtime (a
    finished run rewrites it last). Returns the folders removed.
    """

    def stamp(p: Path) -> int:
        try:
            return (p / "manifest.json").stat().st_mtime_ns
        except OSError:
            return -1

    found = [p for p in folder.parent.iterdir() if p.is_dir() and not p.is_symlink() and stamp(p) >= 0]
    found.sort(key=stamp, reverse=True)
    gone = [p for p in found[keep:] if p != folder]
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
    return gone


@dataclass
class Session:
    """The settings of one watch and its cycles (one run and its report each)."""

    scenario: Path
    runs: int
    seed: int
    workers: int | None
    root: Path  # OUT/watch
    overrides: list[str] = field(default_factory=list)
    record_series: bool = True
    quiet: bool = False
    state: LiveState | None = None  # what the page shows, when serving

    def cycle(self) -> int:
        """Run, build the report, publish it: 0, or the exit code ``tradesim run`` would give."""
        from sim.experiments.api import run
        from sim.experiments.chunk import RunFailed
        from sim.experiments.execute import JobStopped, SweepInterrupted
        from sim.report.build import build_report

        if self.state is not None:
            self.state.start_run()
        t0 = time.monotonic()
        code, text = 0, ""
        try:
            res = run(
                self.scenario,
                runs=self.runs,
                seed=self.seed,
                workers=self.workers,
                out=self.root,
                overrides=self.overrides,
                record_series=self.record_series,
                quiet=True,
            )
            report = build_report(res.path)
        except SweepInterrupted:  # Ctrl-C during the run: the watch stops
            raise
        except ScenarioError as exc:  # every problem, one a line, as tradesim run prints them
            code, text = 2, str(exc)
        except UsageError as exc:
            code, text = 2, f"tradesim: {exc}"
        except (RunFailed, JobStopped) as exc:
            code, text = 1, f"tradesim: {exc}"
        except Exception as exc:  # one line here and on the page, the traceback in a log
            with contextlib.redirect_stderr(io.StringIO()) as said:
                code = internal_error("run --watch", exc, getattr(exc, "results_path", None))
            text = said.getvalue().strip()
        stamp = time.strftime("%H:%M:%S")
        if code:
            again = "" if self.state is None else ", fix it and save"  # --once: no next save
            kept = "; the page keeps the last good report" if self.state is not None and self.state.version else ""
            print(f"[{stamp}] {self.scenario}: not run{again}{kept}", flush=True)
            print(text, file=sys.stderr, flush=True)
            if self.state is not None:
                self.state.fail(text)
            return code
        version = self.state.publish(report, res.path) if self.state is not None else None
        prune(res.path)
        if not self.quiet:
            print(f"[{stamp}] {self.runs} runs in {time.monotonic() - t0:.1f} s: {headline(res.summary)}", flush=True)
        shown = f" (page version {version})" if version is not None else ""
        print(f"results: {res.path}\nreport: {report}{shown}", flush=True)
        return 0

    def loop(self) -> None:
        """Run the file now, then again after every settled save, until interrupted."""
        saves = Saves(self.scenario)
        while True:
            if saves.due():
                saves.take()
                self.cycle()
            time.sleep(POLL_SECONDS)


def headline(summary: Any) -> str:
    """Outcome shares and each chokepoint's share of runs with a shortage, in one line."""
    from sim.engine.outcome import label_order

    shares = summary["outcome"].value_counts(normalize=True)
    parts = [f"{k} {shares[k]:.0%}" for k in label_order(shares.index)]
    for col in (c for c in summary.columns if c.startswith("shortage_days_")):
        parts.append(f"shortage ({col[len('shortage_days_') :]}) {float((summary[col] > 0).mean()):.0%}")
    return " · ".join(parts)


def watch(args: argparse.Namespace) -> int:
    """``tradesim run SCENARIO --watch [--once] [--port N]``."""
    if not args.watch:
        raise UsageError("--once and --port go with --watch")
    if args.no_report:
        raise UsageError("--watch shows the report: drop --no-report")
    session = Session(
        Path(args.scenario),
        runs=watch_runs(args),
        seed=args.seed,
        workers=args.workers,
        root=Path(args.out) / "watch",
        overrides=list(args.overrides),
        record_series=not args.no_series,
        quiet=args.quiet,
    )
    server = None
    try:
        if args.once:
            return session.cycle()
        server = serve(session, DEFAULT_PORT if args.port is None else args.port)
        print(
            f"watching {session.scenario}: {session.runs} runs per save, seed {session.seed}; "
            f"results in {session.root}/<scenario>/ (the latest {KEEP} kept)\n"
            f"page: {server.url} (Ctrl-C stops)",
            flush=True,
        )
        session.loop()
    except KeyboardInterrupt as exc:
        if isinstance(exc, Terminated):
            raise
    except Exception as exc:  # a run stopped by Ctrl-C: SweepInterrupted, caused by it
        from sim.experiments.execute import SweepInterrupted

        if not isinstance(exc, SweepInterrupted) or isinstance(exc.__context__, Terminated):
            raise
    finally:
        if server is not None:
            server.close()
    print("tradesim: watch stopped", file=sys.stderr, flush=True)
    return 0


def serve(session: Session, port: int) -> LiveServer:
    """Start the page's server for ``session`` (refused in one line when the port is taken)."""
    from sim.report.live import LiveServer, LiveState

    session.state = LiveState(str(session.scenario), session.runs)
    try:
        return LiveServer(session.state, port).start()
    except OSError as exc:
        raise UsageError(
            f"--port {port}: cannot serve on 127.0.0.1:{port} ({exc.strerror or exc}); "
            "pass another port, or --port 0 for any free one"
        ) from None
