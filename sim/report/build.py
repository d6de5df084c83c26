"""The HTML report: interactive plotly figures of stored results, offline, from a file.

Built only from a results folder (never a live model) and only from
pre-aggregated tables (:mod:`sim.analysis.aggregate`), so the page stays small
however many runs it describes. The page is the registered sections of
:mod:`sim.report.sections`, drawn in their order.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.report.page import Page
from sim.report.sections import ordered
from sim.report.stored import load_report
from sim.results.atomic import atomic_write_text


def steps() -> int:
    """The steps :func:`build_report` reports: reading the folder, each section, writing the page."""
    return len(ordered()) + 2


def build_report(folder: str | Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write ``report.html`` into a results folder (a run or a sweep); return its path.

    ``progress(done, total)`` is called after each step (reading the folder, each section,
    writing the page), for a progress display.
    """
    sections = ordered()
    total = steps()
    tick = progress or (lambda _done, _total: None)
    report = load_report(folder)
    tick(1, total)
    name = report.manifest.get("sweep_name") or report.manifest.get("scenario_name") or report.meta["name"]
    page = Page(f"tradesim report: {name}")
    for k, render in enumerate(sections, 2):
        render(page, report)
        tick(k, total)
    out = report.folder / "report.html"
    atomic_write_text(out, page.html())
    tick(total, total)
    return out
