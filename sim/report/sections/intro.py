"""The page's opening lines: the scenario's description, the run count, start and horizon."""
from __future__ import annotations

from sim.report.page import Page
from sim.report.sections import Report, section


@section("intro", order=0)
def intro(page: Page, report: Report) -> None:
    summary = report.summary
    page.text(report.meta.get("description", ""))
    failed = int(summary["error"].notna().sum()) if "error" in summary else 0
    page.text(f"{len(summary)} runs" + (f", {failed} failed" if failed else "") + f"; start {report.start}, "
              f"horizon {report.horizon:g} days.")
