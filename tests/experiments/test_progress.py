"""Progress rates count only the runs executed by this process: a resumed sweep's runs on
disk are done, but took no time here (they once printed millions of runs/s)."""

from __future__ import annotations

import math

import pytest

from sim.experiments.progress import Progress, eta, rate


class Clock:
    """A clock the test moves by hand (no test times anything)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_leaves_resumed_runs_out():
    assert rate(done=700, resumed=600, seconds=4.0) == 25.0
    assert rate(done=100, resumed=0, seconds=4.0) == 25.0
    assert rate(done=600, resumed=600, seconds=4.0) == 0.0  # nothing executed here yet: no rate
    assert rate(done=10, resumed=0, seconds=0.0) == 0.0


def test_eta_uses_the_rate_of_runs_executed_here():
    assert eta(total=1000, done=700, runs_per_s=25.0) == 12.0
    assert math.isnan(eta(total=1000, done=600, runs_per_s=0.0))


def test_a_resumed_progress_reports_the_rate_of_this_process(capsys):
    clock = Clock()
    p = Progress(1000, "sweep", quiet=False, resumed=600, clock=clock)
    assert p.done == 600 and p.rate() == 0.0
    clock.now += 2.0
    p.advance(40)
    assert p.rate() == pytest.approx(20.0)  # 40 runs in 2 s, not 640
    clock.now += 6.0  # past the 5 s between plain lines
    p.advance(40)
    p.close()
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "sweep: 600/1000 runs resumed from disk"
    assert err[-1] == "sweep: 680/1000 runs, 10 runs/s, ETA 32 s"  # 80 runs in 8 s; 320 left


def test_a_fresh_progress_counts_every_run(capsys):
    clock = Clock()
    p = Progress(50, "mc", quiet=False, clock=clock)
    clock.now += 5.0
    p.advance(50)
    assert capsys.readouterr().err.strip() == "mc: 50/50 runs, 10 runs/s, ETA 0 s"


def test_a_resumed_sweep_rates_only_the_chunks_it_runs(tmp_path, monkeypatch):
    """End to end: a sweep with one chunk missing from disk reruns that chunk, and its
    progress starts at the runs on disk and rates only the four runs executed."""
    import sim.experiments.execute as execute
    from sim.experiments.sweeps import run_sweep

    from .test_sweep import sweep_file

    f = sweep_file(tmp_path)  # 4 points x 3 replications, 4 runs a chunk: 3 chunks
    first = run_sweep(f, out=str(tmp_path / "out"), executor="serial", quiet=True)
    for part in (first.path / "parts").glob("*-000002.parquet"):
        part.unlink()
    made: list[Progress] = []

    class Ticking(Progress):
        def __init__(self, *args, **kw):
            clock = Clock()

            def tick() -> float:
                clock.now += 1.0
                return clock.now

            super().__init__(*args, **kw, clock=tick)
            made.append(self)

    monkeypatch.setattr(execute, "Progress", Ticking)
    again = run_sweep(f, out=str(tmp_path / "out"), executor="serial", quiet=True)
    assert again.resumed_runs == 8
    (p,) = made
    assert (p.resumed, p.done, p.total) == (8, 12, 12)
    assert p.rate() == pytest.approx(4 / 2.0)  # 4 runs; the clock moved 1 s at the advance and 1 s here
