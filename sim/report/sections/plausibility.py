"""Plausibility: how many runs left the payoff bound the model's loss terms imply.

The bound of each run (``plausibility_bound_bn`` in the summary, derived in
:mod:`sim.scenario.plausibility` and ``docs/limits.md``) is the largest payoff
the model's own accounting allows; a run beyond it is flagged ``plausible =
False``. When no run is flagged the section says so in one line and nothing more.
"""

from __future__ import annotations

import pandas as pd

from sim.report.page import Page
from sim.report.sections import Report, section


@section("plausibility", order=35)
def plausibility(page: Page, report: Report) -> None:
    summary = report.summary
    if "plausible" not in summary:
        return  # results written before the bound existed
    import pyarrow.compute as pc

    flags = summary["plausible"].astype(bool)
    n, bad = len(flags), int((~flags).sum())
    if bad == 0:
        page.text(f"All {n} runs kept their payoffs within the plausibility bound (docs/limits.md).")
        return
    page.heading(
        "Implausible runs",
        f"{bad} of {n} runs have a payoff beyond the bound the model's loss terms allow "
        "(docs/limits.md): their accounting is suspect; please report the scenario.",
    )
    cols = ["run"] + [c for c in summary.columns if c.startswith("payoff_")] + ["plausibility_bound_bn"]
    flagged = ~pc.coalesce(summary.field("plausible"), False)  # as astype(bool): a null is not plausible
    shown = summary.frame(cols, filter=flagged, head=20)
    page.table(pd.DataFrame(shown), "The first flagged runs")
