"""Parameters drawn per run and where the results came from (manifest fields)."""

from __future__ import annotations

import pandas as pd

from sim.report.names import parameter_name
from sim.report.page import Page
from sim.report.sections import Report, section

#: Top-level scenario keys whose dotted paths name sampled parameters in summary.parquet.
SCENARIO_KEYS = ("meta", "actors", "trade_links", "chokepoints", "calendar", "deal_space")
MANIFEST_KEYS = [
    "scenario_name",
    "sweep_name",
    "scenario_file",
    "scenario_hash",
    "seed",
    "runs",
    "workers",
    "status",
    "created",
    "git_commit",
    "run_id",
]


@section("provenance", order=90)
def provenance(page: Page, report: Report) -> None:
    manifest, summary = report.manifest, report.summary
    page.heading("Parameters and provenance")
    sampled = [c for c in summary.columns if c.split(".")[0] in SCENARIO_KEYS]
    if sampled:
        rows = []
        for c in sampled:  # one column read at a time
            x = summary[c]
            rows.append(
                {
                    "parameter": parameter_name(report.scenario, c),
                    "mean": float(x.mean()),
                    "5%": float(x.quantile(0.05)),
                    "95%": float(x.quantile(0.95)),
                }
            )
        page.table(pd.DataFrame(rows), "Parameters drawn per run")
    rows = [{"field": k, "value": manifest[k]} for k in MANIFEST_KEYS if k in manifest]
    rows.append({"field": "tradesim version", "value": manifest.get("versions", {}).get("tradesim", "")})
    page.table(pd.DataFrame(rows), "Provenance")
