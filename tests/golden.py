"""Golden summaries: one small seed-locked summary per shipped scenario.

They catch unexplained changes in behaviour. Regenerate them only on purpose,
with the reason; the columns that moved are listed with it in
``tests/golden/CHANGES.md``, and the same words go into the commit message:

    make golden WHY="..."   # = python -m tests.golden --regenerate --why "..."
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

import sim

HERE = Path(__file__).resolve().parent / "golden"
RUNS, SEED = 16, 7


def compute(scenario: Path) -> pd.DataFrame:
    # series on: the reference path (a run without series gives the same summary bit for bit)
    res = sim.run(scenario, runs=RUNS, seed=SEED, workers=1, out=None, record_series=True)
    return res.summary


def path_for(scenario: Path) -> Path:
    return HERE / f"{scenario.stem}.csv"


def moved_columns(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Columns added, removed, or whose values differ beyond the golden test's tolerance."""
    out = [f"+{c}" for c in new.columns if c not in old.columns]
    out += [f"-{c}" for c in old.columns if c not in new.columns]
    for c in (c for c in new.columns if c in old.columns):
        a, b = old[c], new[c]
        if len(a) != len(b):
            out.append(c)
        elif a.dtype.kind in "fi" and b.dtype.kind in "fi":
            if not np.allclose(a.astype(float), b.astype(float), rtol=1e-9, atol=1e-9, equal_nan=True):
                out.append(c)
        elif list(a.astype(str)) != list(b.astype(str)):
            out.append(c)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--why", default="", help="why the numbers moved (recorded in tests/golden/CHANGES.md)")
    args = ap.parse_args()
    if not args.regenerate:
        ap.error("pass --regenerate to overwrite the golden files")
    if not args.why.strip():
        ap.error('say why the goldens change: --why "..." (it is recorded in tests/golden/CHANGES.md)')
    root = Path(__file__).resolve().parent.parent / "scenarios"
    HERE.mkdir(exist_ok=True)
    notes = []
    for sc in sorted(p for p in root.glob("*.yaml") if not p.name.endswith(".calibration.yaml")):
        new = compute(sc)
        old = pd.read_csv(path_for(sc)) if path_for(sc).exists() else new.iloc[0:0]
        moved = moved_columns(old, new)
        new.to_csv(path_for(sc), index=False, float_format="%.12g")
        notes.append(f"- `{sc.stem}`: " + (", ".join(f"`{c}`" for c in moved) if moved else "no change"))
        print(f"wrote {path_for(sc)} ({len(moved)} columns moved)")
    log = HERE / "CHANGES.md"
    head = log.read_text(encoding="utf-8") if log.exists() else "# Why the golden summaries changed\n"
    entry = f"\n## {dt.date.today().isoformat()}: {args.why.strip()}\n\n" + "\n".join(notes) + "\n"
    log.write_text(head + entry, encoding="utf-8")
    print(f"noted in {log}")


if __name__ == "__main__":
    main()
