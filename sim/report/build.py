"""The HTML report: interactive plotly figures of stored results, offline, from a file.

Built only from a results folder (never a live model) and only from
pre-aggregated tables (:mod:`sim.analysis.aggregate`), so the page stays small
however many runs it describes. The page is the registered sections of
:mod:`sim.report.sections`, drawn in their order.
"""

from __future__ import annotations

from pathlib import Path

from sim.report.page import Page
from sim.report.sections import ordered
from sim.report.stored import load_report
from sim.results.atomic import atomic_write_text


def build_report(folder: str | Path) -> Path:
    """Write ``report.html`` into a results folder (a run or a sweep); return its path."""
    report = load_report(folder)
    name = report.manifest.get("sweep_name") or report.manifest.get("scenario_name") or report.meta["name"]
    page = Page(f"tradesim report: {name}")
    for render in ordered():
        render(page, report)
    out = report.folder / "report.html"
    atomic_write_text(out, page.html())
    return out
