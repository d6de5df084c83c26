"""Golden summaries: one small seed-locked summary per shipped scenario.

They catch unexplained changes in behaviour. Regenerate them only on purpose,
and say why in the commit:

    make golden        # = python -m tests.golden --regenerate
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import sim

HERE = Path(__file__).resolve().parent / "golden"
RUNS, SEED = 16, 7


def compute(scenario: Path) -> pd.DataFrame:
    res = sim.run(scenario, runs=RUNS, seed=SEED, workers=1, out=None, record_series=False)
    return res.summary


def path_for(scenario: Path) -> Path:
    return HERE / f"{scenario.stem}.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--regenerate", action="store_true")
    args = ap.parse_args()
    if not args.regenerate:
        ap.error("pass --regenerate to overwrite the golden files")
    root = Path(__file__).resolve().parent.parent / "scenarios"
    HERE.mkdir(exist_ok=True)
    for sc in sorted(root.glob("*.yaml")):
        compute(sc).to_csv(path_for(sc), index=False, float_format="%.12g")
        print(f"wrote {path_for(sc)}")


if __name__ == "__main__":
    main()
