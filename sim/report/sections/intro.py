"""The page's opening lines: the scenario's description, the run count, start and horizon."""

from __future__ import annotations

from sim.report.page import Page
from sim.report.sections import Report, section


@section("intro", order=0)
def intro(page: Page, report: Report) -> None:
    page.text(report.meta.get("description", ""))
    failed = report.failed
    page.text(
        f"{len(report.summary) + failed} runs"
        + (f", {failed} failed (left out of every figure)" if failed else "")
        + f"; start {report.start}, "
        f"horizon {report.horizon:g} days."
    )
