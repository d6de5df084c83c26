"""``tradesim sweep --dry-run``: the design's size and a wall-time estimate from a short
pilot of real runs of the design's points; it writes nothing. How close the estimate is
to a real sweep is measured (docs/sweeps.md), not asserted: tests do not time anything."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sim.experiments.estimate import PARALLEL_EFFICIENCY, estimate
from sim.experiments.execute import cut, grid_tasks
from sim.experiments.sweepfile import pilot_order, scenario_builds

from ..conftest import ROOT
from .test_sweep import sweep_file


@pytest.mark.parametrize(
    ("points", "replications", "chunk_runs"), [(4, 3, 4), (64, 10, 40), (5, 1, 2), (1, 100, 7), (7, 3, 1), (3, 2, 100)]
)
def test_scenario_builds_count_one_per_point_in_each_chunk(points, replications, chunk_runs):
    chunks = cut(grid_tasks([{}] * points, replications), chunk_runs)
    expected = sum(len({task[1] for task in chunk}) for chunk in chunks)  # as run_chunk builds them
    assert scenario_builds(points * replications, replications, chunk_runs) == expected


def test_pilot_points_spread_over_the_design_in_every_prefix():
    order = pilot_order(64, 20)
    assert len(order) == len(set(order)) == 20 and set(order) <= set(range(64))
    assert order[:4] == [0, 33, 17, 50]  # 0, 1/2, 1/4, 3/4 of the 20 points spread over 64
    assert sorted(pilot_order(3, 20)) == [0, 1, 2]  # a design smaller than the pilot: every point
    assert pilot_order(1, 20) == [0]


def test_estimate_divides_the_work_among_workers_and_their_share_of_the_cores():
    # an idle 2-core machine, 2 workers: start-up twice (command, workers) + reading + work / (2 x efficiency)
    est, how = estimate(work=18.0, setup=0.5, start=1.0, workers=2, cores=2, load=0.0, pilot_share=1.0)
    assert est == pytest.approx(2.5 + 18.0 / (2 * PARALLEL_EFFICIENCY))
    assert f"{PARALLEL_EFFICIENCY:.0%} efficiency" in how and "100% of a core each" in how
    # others' two runnable processes: each of 2 workers gets half a core
    loaded, how = estimate(work=18.0, setup=0.5, start=1.0, workers=2, cores=2, load=2.0, pilot_share=1.0)
    assert loaded == pytest.approx(2.5 + 18.0 / (2 * PARALLEL_EFFICIENCY * 0.5)) and "50% of a core" in how
    # one worker runs in the command's own process (no pool, no efficiency lost), at the pilot's share of a core
    one, how = estimate(work=18.0, setup=0.5, start=1.0, workers=1, cores=2, load=5.0, pilot_share=0.75)
    assert one == pytest.approx(1.5 + 18.0 / 0.75) and "efficiency" not in how and "75% of a core" in how
    # workers forked from the command's process: its start-up once, none of their own
    forked, how = estimate(work=18.0, setup=0.5, start=1.0, workers=2, cores=2, load=0.0, pilot_share=1.0, forked=True)
    assert forked == pytest.approx(1.5 + 18.0 / (2 * PARALLEL_EFFICIENCY)) and "forked" in how


@pytest.mark.slow
def test_dry_run_pilots_real_runs_states_its_assumptions_and_writes_nothing(tmp_path):
    f = sweep_file(tmp_path, chunk_runs=5)  # 4 points x 3 replications
    before = sorted(p for p in (ROOT / "results").rglob("*")), sorted(tmp_path.rglob("*"))
    r = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", f, "--dry-run", "--workers", "1", "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "4 points x 3 replications = 12 runs in 3 chunks, 6 scenario builds" in out
    pilot = re.search(r"pilot: (\d+) runs of (\d+) design points in [\d.]+ s", out)
    assert pilot and 1 <= int(pilot[1]) <= 12 and 1 <= int(pilot[2]) <= 4, out
    assert re.search(r"estimate: about [\d,]+ s on 1 local worker = [\d.]+ s start-up", out), out
    assert "load average" in out
    assert (sorted(p for p in (ROOT / "results").rglob("*")), sorted(tmp_path.rglob("*"))) == before
