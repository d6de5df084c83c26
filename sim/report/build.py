"""The HTML report: interactive plotly figures of stored results, offline, from a file.

Built only from a results folder (never a live model) and only from
pre-aggregated tables (:mod:`sim.analysis.aggregate`), so the page stays small
however many runs it describes. The page is the registered sections of
:mod:`sim.report.sections`, drawn in their order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from sim.errors import UsageError
from sim.report.page import Page
from sim.report.sections import Report, ordered
from sim.report.stored import load_report
from sim.results.atomic import atomic_write_text


def steps() -> int:
    """The steps :func:`build_report` reports: reading the folder, each section, writing the page."""
    return len(ordered()) + 2


def report_name(run: int | None = None) -> str:
    """The page's file name: ``report.html``, or ``report-run-<ID>.html`` with run ID in the explorer."""
    return "report.html" if run is None else f"report-run-{run}.html"


def check_run(report: Report, run: int) -> None:
    """A usage error unless ``run`` is a finished run of the folder whose events are stored."""
    where = report.folder
    if report.events.empty or "run" not in report.events:
        raise UsageError(f"--run {run}: {where} stores no events to explore (a sweep stores summaries only)")
    summary = report.summary
    if len(summary.where(summary.field("run") == run)):
        return
    runs = summary["run"]
    valid = f"runs {int(runs.min())}–{int(runs.max())}" if len(runs) else "no finished runs"
    failed = " (that run failed)" if report.failed and 0 <= run < int(report.manifest.get("runs", 0)) else ""
    raise UsageError(f"--run {run}: no such finished run in {where}{failed}; it has {valid}")


def build_report(
    folder: str | Path, progress: Callable[[int, int], None] | None = None, run: int | None = None
) -> Path:
    """Write ``report.html`` into a results folder (a run or a sweep); return its path.

    ``progress(done, total)`` is called after each step (reading the folder, each section,
    writing the page), for a progress display. ``run``: write ``report-run-<run>.html`` instead,
    the same page with that run first in the run explorer (``report.html`` is left as it is);
    a run the folder does not hold is a :class:`~sim.errors.UsageError` and nothing is written.
    """
    sections = ordered()
    total = steps()
    tick = progress or (lambda _done, _total: None)
    report = load_report(folder)
    if run is not None:
        check_run(report, run)
        report = dataclasses.replace(report, run=run)
    tick(1, total)
    name = report.manifest.get("sweep_name") or report.manifest.get("scenario_name") or report.meta["name"]
    page = Page(f"tradesim report: {name}")
    for k, render in enumerate(sections, 2):
        render(page, report)
        tick(k, total)
    out = report.folder / report_name(run)
    atomic_write_text(out, page.html())
    tick(total, total)
    return out
