"""Tables do not depend on the number of workers or on which runs a chunk holds.

A capitulation on day 0 is stored by the engine as the integer 0, a capitulation
later (or none) as a float: before every chunk cast its tables to the scenario's
schemas (sim/experiments/schemas.py), a chunk of day-0 capitulations and a chunk of
stalemates had different parquet types and 2 workers broke where 1 did not.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from sim.engine.compile import build
from sim.experiments.chunk import ChunkJob, run_chunk
from sim.experiments.schemas import summary_schema
from sim.experiments.sweeps import run_sweep
from sim.scenario.yamlio import Located
from tests.conftest import base_dict

# (name, edit of base_dict): variations with a capitulating ``resolve`` actor
VARIATIONS = {
    "resolve_cn": lambda d: d["actors"]["CN"].update(policy={"name": "resolve"}),
    "resolve_both_with_move": lambda d: (
        d["actors"]["CN"].update(policy={"name": "resolve"}),
        d["actors"]["US"].update(policy={"name": "resolve"}, resolve_bn=3.0),
        d["calendar"].append(
            {"type": "set", "date": "2025-01-10", "actor": "US", "instrument": "tariff", "value": 1.0}
        ),
    ),
    "resolve_cn_short_horizon": lambda d: (
        d["actors"]["CN"].update(policy={"name": "resolve"}),
        d["meta"].update(horizon_days=30),
    ),
}


def _base(tmp_path: Path, name: str) -> Path:
    data = base_dict()
    VARIATIONS[name](data)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _sweep(tmp_path: Path, base: Path) -> str:
    spec = {
        "name": "w",
        "scenario": str(base),
        "design": "grid",
        "replications": 2,
        "seed": 3,
        "chunk_runs": 2,  # chunk 0: day-0 capitulations only; chunk 2: stalemates only
        "record_events": True,
        "record_series": True,
        "parameters": [{"path": "actors.CN.resolve_bn", "values": [0.0, 2.0, 1.0e4]}],
    }
    p = tmp_path / f"sweep_{base.stem}.yaml"
    p.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return str(p)


def test_chunks_of_different_runs_have_one_summary_schema(tmp_path):
    data = base_dict()
    VARIATIONS["resolve_cn"](data)
    sc = build(data, Located(data, "<t>", {}), {})
    schema = summary_schema(sc, {"actors.CN.resolve_bn": 0.0})
    job = ChunkJob(1, "point_replication", True, True, sweep=True, raw=data, source="<t>", summary_schema=schema)
    capitulate = run_chunk(job, [(0, 0, 0, {"actors.CN.resolve_bn": 0.0})])["summary"]
    hold = run_chunk(job, [(1, 1, 0, {"actors.CN.resolve_bn": 1.0e4})])["summary"]
    invalid = run_chunk(job, [(2, 2, 0, {"actors.CN.resolve_bn": "lots"})])["summary"]
    assert capitulate.column("outcome").to_pylist() == ["capitulation_CN"]
    assert hold.column("outcome").to_pylist() == ["stalemate"]
    assert invalid.column("error").to_pylist()[0].startswith("invalid point")
    assert capitulate.schema.field("capitulation_day").type == pa.float64()
    assert capitulate.schema.equals(hold.schema)
    # a failed point's value is a string: only its own sweep column may differ in type
    assert invalid.schema.names == capitulate.schema.names


@pytest.mark.slow
@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_one_and_two_workers_give_identical_tables(tmp_path, variation):
    sweep = _sweep(tmp_path, _base(tmp_path, variation))
    one = run_sweep(sweep, out=str(tmp_path / "one"), executor="processes", workers=1, quiet=True)
    two = run_sweep(sweep, out=str(tmp_path / "two"), executor="processes", workers=2, quiet=True)
    for table in ("summary", "events", "series"):
        a, b = pq.read_table(one.path / f"{table}.parquet"), pq.read_table(two.path / f"{table}.parquet")
        assert a.schema.equals(b.schema), table
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas(), check_exact=True)  # NaN equals NaN here
    s = pd.read_parquet(one.path / "summary.parquet")
    assert (s["outcome"] == "capitulation_CN").any()
    assert s["capitulation_day"].dtype == "float64"
