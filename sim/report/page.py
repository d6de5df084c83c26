"""The page the report and its sibling pages are written on: sections of figures and tables in one
offline HTML file, the colour palette and the small formatting helpers they share.

plotly.js is embedded once, so a page opens by double-click and needs no network.
Text that comes from scenarios is escaped (:func:`esc`).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LAYOUT = dict(
    template="plotly_white",
    colorway=PALETTE,
    height=380,
    margin=dict(l=60, r=40, t=60, b=50),  # r: room for half a date label at the right end
    font=dict(size=13),
    hoverlabel=dict(font_size=13),
    legend=dict(orientation="h", y=-0.2),
)


#: What an axis of a figure shows (``Page.figure``'s ``checks``): dates; whole numbers (tiers,
#: counts; integer ticks only); shares and probabilities (0 to 1); any other number; categories.
AXIS_KINDS = ("date", "integer", "share", "number", "category", "log")


def esc(text: Any) -> str:
    """``text`` as HTML text (quotes too), so scenario strings never become markup."""
    return html.escape(str(text), quote=True)


class Page:
    """Collects sections of figures and tables, then writes one HTML file."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = []
        self.n_figs = 0

    def heading(self, text: str, note: str = "") -> None:
        self.parts.append(f"<h2>{esc(text)}</h2>" + (f"<p class='note'>{esc(note)}</p>" if note else ""))

    def figure(self, fig: go.Figure, title: str, checks: dict[str, dict[str, Any]] | None = None) -> None:
        """Add ``fig`` under ``title``.

        ``checks`` is the figure's contract with its reader, per axis
        (``{"xaxis": {"kind": "date"}, "yaxis": {"kind": "share", "min": 0, "max": 1}}``):
        ``kind`` is one of :data:`AXIS_KINDS`; ``min``/``max`` bound the drawn range. It is
        stored in ``layout.meta["checks"]``, where the browser tests read it and check the
        rendered figure against it (tests/report/checklist.py).
        """
        own = {k: v for k, v in fig.layout.to_plotly_json().items() if k in ("height", "legend")}
        fig.update_layout(**LAYOUT)
        fig.update_layout(**own)  # a figure's own height and legend place win over the defaults
        fig.update_layout(title=dict(text=esc(title)))
        if checks is not None:
            unknown = {k for spec in checks.values() for k in [spec.get("kind")]} - set(AXIS_KINDS)
            if unknown:
                raise ValueError(f"figure '{title}': unknown axis kinds {sorted(map(str, unknown))}")
            fig.update_layout(meta={"checks": checks})
        self.n_figs += 1
        self.parts.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=f"fig{self.n_figs}",
                config={"responsive": True, "displaylogo": False},
            )
        )

    def table(self, df: pd.DataFrame, caption: str = "") -> None:
        cap = f"<caption>{esc(caption)}</caption>" if caption else ""
        head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(fmt(v))}</td>" for v in r) + "</tr>" for r in df.itertuples(index=False)
        )
        self.parts.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")

    def text(self, text: str) -> None:
        self.parts.append(f"<p>{esc(text)}</p>")

    def html(self) -> str:
        js = plotly.offline.get_plotlyjs()
        body = "\n".join(self.parts)
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(self.title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px;
       padding: 0 16px 40px; color: #222; }}
h1 {{ font-size: 1.6em; margin-top: 24px; }} h2 {{ margin-top: 36px; border-bottom: 1px solid #ddd; }}
.note {{ color: #555; font-size: 0.95em; }}
table {{ border-collapse: collapse; margin: 12px 0; font-size: 0.92em; }}
td, th {{ border: 1px solid #ddd; padding: 3px 8px; text-align: left; }}
caption {{ text-align: left; font-weight: bold; }}
.plotly-graph-div {{ width: 100%; }}
</style>
<script type="text/javascript">{js}</script>
</head><body>
<h1>{esc(self.title)}</h1>
{body}
</body></html>
"""


def fmt(v: Any) -> str:
    """A table cell: floats to 3 significant digits (thousands separated), NaN as a dash."""
    if isinstance(v, (float, np.floating)):
        return "–" if np.isnan(v) else (f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}")
    return str(v)


def dates(start: dt.date, days: Any) -> list[str]:
    """ISO dates of day offsets from ``start`` (None where not finite)."""
    return [str(start + dt.timedelta(days=float(d))) if np.isfinite(d) else None for d in np.asarray(days, float)]


def rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
