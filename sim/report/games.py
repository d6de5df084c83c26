"""``tradesim game`` and ``tradesim tournament``: run, store, report."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa

from sim.analysis.games import Analysis, MetaGame, PolicyChoice
from sim.report.build import PALETTE, Page, esc
from sim.results.store import atomic_write_table, atomic_write_text, git_commit, new_run_id, versions


def _folder(out: str, scenario: str, kind: str, seed: int) -> Path:
    from sim.engine.compile import load_scenario

    name = load_scenario(scenario).meta.name
    path = Path(out) / name / f"{kind}-{new_run_id(seed)}"
    path.mkdir(parents=True, exist_ok=False)
    return path


def _frac(x: float) -> str:
    from fractions import Fraction

    f = Fraction(x).limit_denominator(1000)
    return str(f) if abs(float(f) - x) < 1e-9 else f"{x:.4f}"


def write_game(game: MetaGame, an: Analysis, out: str) -> Path:
    """Tables and a report for a meta-game; returns the folder."""
    path = _folder(out, game.scenario, "game", game.seed)
    cells = []
    classes = sorted({o for arr in game.outcomes.values() for o in arr})
    for (i, j) in sorted(game.payoff_row):
        row = {"row_policy": game.rows[i].label, "col_policy": game.cols[j].label,
               f"payoff_{game.row_actor}": an.a[i, j], f"se_{game.row_actor}": an.se_a[i, j],
               f"payoff_{game.col_actor}": an.b[i, j], f"se_{game.col_actor}": an.se_b[i, j],
               f"regret_{game.row_actor}": an.regret_row[i, j], f"regret_{game.col_actor}": an.regret_col[i, j]}
        row.update({f"share_{c}": float(np.mean(game.outcomes[(i, j)] == c)) for c in classes})
        cells.append(row)
    atomic_write_table(path / "matrix.parquet", pa.Table.from_pandas(pd.DataFrame(cells), preserve_index=False))
    eq_rows = []
    for k, (p, q) in enumerate(an.equilibria):
        for actor, labels, probs in ((game.row_actor, game.rows, p), (game.col_actor, game.cols, q)):
            for lab, pr in zip(labels, probs):
                eq_rows.append({"equilibrium": k, "actor": actor, "policy": lab.label, "probability": pr,
                                "survival": an.survival[k], **{f"share_{c}": v for c, v in an.outcome_mix[k].items()}})
    atomic_write_table(path / "equilibria.parquet", pa.Table.from_pandas(pd.DataFrame(eq_rows), preserve_index=False))
    atomic_write_table(path / "qre.parquet", pa.Table.from_pandas(an.qre, preserve_index=False))
    manifest = {"kind": "game", "scenario_file": game.scenario, "row_actor": game.row_actor,
                "col_actor": game.col_actor, "row_policies": [p.label for p in game.rows],
                "col_policies": [p.label for p in game.cols], "runs_per_pair": game.runs, "seed": game.seed,
                "seeding": "every pair uses the same root seed (common random numbers)",
                "lcp_agrees": an.lcp_agrees, "versions": versions(), "git_commit": git_commit(),
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "status": "complete"}
    atomic_write_text(path / "manifest.json", json.dumps(manifest, indent=2, default=str))
    atomic_write_text(path / "report.html", game_page(game, an).html())
    return path


def game_page(game: MetaGame, an: Analysis) -> Page:
    page = Page(f"tradesim meta-game: {Path(game.scenario).stem}")
    page.text(f"{game.row_actor} (rows) against {game.col_actor} (columns); {game.runs} runs per pair, seed "
              f"{game.seed} for every pair. Payoffs are mean discounted payoffs in $bn.")
    rl = [p.label for p in game.rows]
    cl = [p.label for p in game.cols]
    for actor, m, se in ((game.row_actor, an.a, an.se_a), (game.col_actor, an.b, an.se_b)):
        text = [[f"{m[i, j]:.2f} ± {se[i, j]:.2f}" for j in range(len(cl))] for i in range(len(rl))]
        fig = go.Figure(go.Heatmap(z=m, x=cl, y=rl, colorscale="Cividis", text=text, texttemplate="%{text}",
                                   colorbar=dict(title="$bn"),
                                   hovertemplate=f"{esc(game.row_actor)} %{{y}} vs {esc(game.col_actor)} %{{x}}: "
                                                 f"{esc(actor)} payoff %{{z:.2f}} $bn<extra></extra>"))
        for k, (p, q) in enumerate(an.equilibria):
            for i, pi in enumerate(p):
                for j, qj in enumerate(q):
                    if pi * qj > 1e-9:
                        fig.add_trace(go.Scatter(x=[cl[j]], y=[rl[i]], mode="markers", showlegend=False,
                                                 marker=dict(symbol="star", size=10 + 14 * pi * qj,
                                                             color=PALETTE[3], line=dict(color="white", width=1)),
                                                 hovertemplate=f"equilibrium {k}: weight {pi * qj:.2f}<extra></extra>"))
        fig.update_xaxes(title=f"{game.col_actor} policy")
        fig.update_yaxes(title=f"{game.row_actor} policy")
        page.figure(fig, f"Payoff of {actor} (stars: equilibrium play)")
    rows = []
    for k, (p, q) in enumerate(an.equilibria):
        mix = ", ".join(f"{c} {v:.0%}" for c, v in an.outcome_mix[k].items() if v > 0)
        rows.append({"equilibrium": k,
                     game.row_actor: "; ".join(f"{l} {_frac(x)}" for l, x in zip(rl, p) if x > 1e-9),
                     game.col_actor: "; ".join(f"{l} {_frac(x)}" for l, x in zip(cl, q) if x > 1e-9),
                     "survives resampling": f"{an.survival[k]:.0%}", "outcomes": mix})
    page.heading("Nash equilibria", "All equilibria of the mean bimatrix (pygambit enummixed; lcp agrees: "
                 f"{an.lcp_agrees}). Survival: share of bootstrap resamples of the runs with an equilibrium "
                 "within 0.05 of it.")
    page.table(pd.DataFrame(rows))
    fig = go.Figure()
    for c in [c for c in an.qre.columns if c != "lambda"]:
        side, idx = c.split("_")
        label = (rl if side == "row" else cl)[int(idx)]
        actor = game.row_actor if side == "row" else game.col_actor
        fig.add_trace(go.Scatter(x=an.qre["lambda"], y=an.qre[c], mode="lines", name=f"{actor}: {label}",
                                 hovertemplate=f"{esc(actor)} {esc(label)}: λ %{{x:.3g}} → %{{y:.2f}}<extra></extra>"))
    fig.update_xaxes(title="λ (per $bn)", type="log")
    fig.update_yaxes(title="probability", range=[0, 1])
    page.figure(fig, "Logit quantal response equilibrium path")
    return page


# ------------------------------------------------------------- tournament
def tournament(scenario: str, actors: tuple[str, str], policies: list[PolicyChoice], runs: int, seed: int,
               noise: float = 0.0, workers: int | None = None, out: str = "results") -> tuple[pd.DataFrame, Path]:
    """Round robin (Axelrod 1980): every policy against every policy, on each side; rank by mean payoff."""
    from sim.experiments.api import run

    a1, a2 = actors
    matches = []
    for p in policies:
        for q in policies:
            over = [f"actors.{a1}.policy={p.yaml()}", f"actors.{a2}.policy={q.yaml()}"]
            if noise:
                over += [f"actors.{a1}.noise={noise}", f"actors.{a2}.noise={noise}"]
            res = run(scenario, runs=runs, seed=seed, workers=workers, out=None, record_series=False,
                      overrides=over)
            for side, pol, other in ((a1, p, q), (a2, q, p)):
                x = res.summary[f"payoff_{side}"].to_numpy(float)
                matches.append({"policy": pol.label, "as": side, "against": other.label, "mean": x.mean(),
                                "n": len(x), "sum": x.sum(), "sumsq": (x**2).sum()})
    m = pd.DataFrame(matches)
    g = m.groupby("policy").agg(n=("n", "sum"), s=("sum", "sum"), ss=("sumsq", "sum")).reset_index()
    g["mean_payoff"] = g["s"] / g["n"]
    sd = np.sqrt(np.maximum(g["ss"] / g["n"] - g["mean_payoff"] ** 2, 0.0))
    g["ci95_low"] = g["mean_payoff"] - 1.96 * sd / np.sqrt(g["n"])
    g["ci95_high"] = g["mean_payoff"] + 1.96 * sd / np.sqrt(g["n"])
    rank = g.sort_values("mean_payoff", ascending=False)[["policy", "mean_payoff", "ci95_low", "ci95_high", "n"]]
    rank.insert(0, "rank", range(1, len(rank) + 1))
    path = _folder(out, scenario, "tournament", seed)
    atomic_write_table(path / "ranking.parquet", pa.Table.from_pandas(rank, preserve_index=False))
    atomic_write_table(path / "matches.parquet",
                       pa.Table.from_pandas(m.drop(columns=["sum", "sumsq"]), preserve_index=False))
    atomic_write_text(path / "manifest.json", json.dumps({
        "kind": "tournament", "scenario_file": scenario, "actors": list(actors),
        "policies": [p.label for p in policies], "runs_per_match": runs, "seed": seed, "noise": noise,
        "versions": versions(), "git_commit": git_commit(), "status": "complete",
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}, indent=2))
    page = Page(f"tradesim tournament: {Path(scenario).stem}")
    page.text(f"Every policy plays every policy on each side ({a1} and {a2}), {runs} runs per match, seed {seed}, "
              f"noise {noise}. Ranked by mean payoff over all its matches, with 95% intervals.")
    fig = go.Figure(go.Bar(x=rank["mean_payoff"], y=rank["policy"], orientation="h", marker_color=PALETTE[0],
                           error_x=dict(type="data", symmetric=False, array=rank["ci95_high"] - rank["mean_payoff"],
                                        arrayminus=rank["mean_payoff"] - rank["ci95_low"]),
                           hovertemplate="%{y}: mean payoff %{x:.2f} $bn<extra></extra>"))
    fig.update_xaxes(title="mean payoff ($bn, discounted)")
    fig.update_yaxes(title="policy", autorange="reversed")
    page.figure(fig, "Ranking")
    page.table(rank, "Ranking")
    atomic_write_text(path / "report.html", page.html())
    return rank, path
