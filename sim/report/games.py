"""Pages of ``tradesim game`` and ``tradesim tournament``: the meta-game and the ranking.

The play and the tables come from :mod:`sim.analysis` (games, tournament,
game_results); this module only draws the pages (the CLI writes them next to the tables).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from sim.analysis.games import Analysis, MetaGame
from sim.analysis.tournament import Tournament
from sim.report.page import PALETTE, Page, esc


def _frac(x: float) -> str:
    from fractions import Fraction

    f = Fraction(x).limit_denominator(1000)
    return str(f) if abs(float(f) - x) < 1e-9 else f"{x:.4f}"


def game_page(game: MetaGame, an: Analysis) -> Page:
    page = Page(f"tradesim meta-game: {Path(game.scenario).stem}")
    page.text(
        f"{game.row_actor} (rows) against {game.col_actor} (columns); {game.runs} runs per pair, seed "
        f"{game.seed} for every pair. Payoffs are mean discounted payoffs in $bn."
    )
    rl = [p.label for p in game.rows]
    cl = [p.label for p in game.cols]
    for actor, m, se in ((game.row_actor, an.a, an.se_a), (game.col_actor, an.b, an.se_b)):
        text = [[f"{m[i, j]:.2f} ± {se[i, j]:.2f}" for j in range(len(cl))] for i in range(len(rl))]
        fig = go.Figure(
            go.Heatmap(
                z=m,
                x=cl,
                y=rl,
                colorscale="Cividis",
                text=text,
                texttemplate="%{text}",
                colorbar=dict(title="$bn"),
                hovertemplate=f"{esc(game.row_actor)} %{{y}} vs {esc(game.col_actor)} %{{x}}: "
                f"{esc(actor)} payoff %{{z:.2f}} $bn<extra></extra>",
            )
        )
        # equilibrium play as a star in the top-left corner of its cell (in the axes' domain
        # coordinates: category j spans [j/n, (j+1)/n]), clear of the cell's payoff text
        for k, (p, q) in enumerate(an.equilibria):
            for i, pi in enumerate(p):
                for j, qj in enumerate(q):
                    if pi * qj > 1e-9:
                        fig.add_annotation(
                            x=(j + 0.08) / len(cl),
                            y=(i + 0.85) / len(rl),
                            xref="x domain",
                            yref="y domain",
                            text="★",
                            showarrow=False,
                            font=dict(size=14 + 14 * pi * qj, color=PALETTE[3]),
                            hovertext=f"equilibrium {k}: weight {pi * qj:.2f}",
                        )
        fig.update_xaxes(title=f"{game.col_actor} policy", type="category", automargin=True)
        # full labels: automargin widens Page's fixed margins to the longest label as drawn, and
        # plotly slants column labels that would run into each other
        fig.update_yaxes(title=f"{game.row_actor} policy", type="category", automargin=True)
        page.figure(
            fig,
            f"Payoff of {actor} (★: equilibrium play)",
            checks={"xaxis": {"kind": "category"}, "yaxis": {"kind": "category"}},
        )
    rows = []
    for k, (p, q) in enumerate(an.equilibria):
        mix = ", ".join(f"{c} {v:.0%}" for c, v in an.outcome_mix[k].items() if v > 0)
        rows.append(
            {
                "equilibrium": k,
                game.row_actor: "; ".join(f"{l} {_frac(x)}" for l, x in zip(rl, p) if x > 1e-9),
                game.col_actor: "; ".join(f"{l} {_frac(x)}" for l, x in zip(cl, q) if x > 1e-9),
                "survives resampling": f"{an.survival[k]:.0%}",
                "outcomes": mix,
            }
        )
    page.heading(
        "Nash equilibria",
        "All equilibria of the mean bimatrix (pygambit enummixed; lcp agrees: "
        f"{an.lcp_agrees}). Survival: share of bootstrap resamples of the runs with an equilibrium "
        "within 0.05 of it.",
    )
    page.table(pd.DataFrame(rows))
    fig = go.Figure()
    for c in [c for c in an.qre.columns if c != "lambda"]:
        side, idx = c.split("_")
        label = (rl if side == "row" else cl)[int(idx)]
        actor = game.row_actor if side == "row" else game.col_actor
        fig.add_trace(
            go.Scatter(
                x=an.qre["lambda"],
                y=an.qre[c],
                mode="lines",
                name=f"{actor}: {label}",
                hovertemplate=f"{esc(actor)} {esc(label)}: λ %{{x:.3g}} → %{{y:.2f}}<extra></extra>",
            )
        )
    fig.update_xaxes(title="λ (per $bn)", type="log")
    fig.update_yaxes(title="probability", range=[0, 1], tickformat=".0%")
    page.figure(
        fig,
        "Logit quantal response equilibrium path",
        checks={"xaxis": {"kind": "log"}, "yaxis": {"kind": "share", "min": 0, "max": 1}},
    )
    return page


# ------------------------------------------------------------- tournament
def tournament_page(t: Tournament, rank: pd.DataFrame) -> Page:
    a1, a2 = t.actors
    page = Page(f"tradesim tournament: {Path(t.scenario).stem}")
    page.text(
        f"Every policy plays every policy on each side ({a1} and {a2}), {t.runs} runs per match, seed "
        f"{t.seed}, noise {t.noise}. Ranked by mean payoff over all its matches, with 95% intervals."
    )
    fig = go.Figure(
        go.Bar(
            x=rank["mean_payoff"],
            y=rank["policy"],
            orientation="h",
            marker_color=PALETTE[0],
            error_x=dict(
                type="data",
                symmetric=False,
                array=rank["ci95_high"] - rank["mean_payoff"],
                arrayminus=rank["mean_payoff"] - rank["ci95_low"],
            ),
            hovertemplate="%{y}: mean payoff %{x:.2f} $bn<extra></extra>",
        )
    )
    fig.update_xaxes(title="mean payoff ($bn, discounted)")
    fig.update_yaxes(title="policy", autorange="reversed", type="category", automargin=True)
    page.figure(fig, "Ranking", checks={"xaxis": {"kind": "number"}, "yaxis": {"kind": "category"}})
    page.table(rank, "Ranking")
    return page
