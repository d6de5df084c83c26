"""The watchdog: a chunk that never finishes stops the job (exit 1, status ``interrupted``,
"stalled: ...; rerun to resume") instead of waiting forever.

The slow chunk comes from a test-only policy that sleeps in its decision. Pool
workers are fresh processes, so the policy is registered in every process of the
command by a ``sitecustomize`` module put on its ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import yaml

from sim.policies.base import REGISTRY, Policy
from sim.results.manifest import read_manifest
from tests.conftest import base_dict

from ..conftest import ROOT

SLEEPY = "test_sleepy"


class Sleepy(Policy):
    """Test-only: at its first wake-up it sleeps (wall clock) far longer than the watchdog waits."""

    name = SLEEPY
    summary = "test only: sleeps in its decision"
    rearm_on_change = False

    def wake_at(self, view):
        return view.t + 1.0

    def on_wake(self, view):
        time.sleep(120)
        return False


def register() -> None:
    REGISTRY.register(Sleepy)


@pytest.mark.slow
def test_a_stalled_chunk_stops_the_job_as_interrupted(tmp_path):
    data = base_dict()
    data["actors"]["CN"]["policy"] = {"name": SLEEPY}
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    spec = {"name": "stall", "scenario": "base.yaml", "replications": 4, "chunk_runs": 1, "parameters": []}
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("from tests.experiments.test_watchdog import register\nregister()\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "sim", "sweep", str(tmp_path / "sweep.yaml"), "--out", str(out)]
    t0 = time.monotonic()
    r = subprocess.run(
        [*cmd, "--workers", "2", "--stall-timeout", "2", "--quiet", "--no-report"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert time.monotonic() - t0 < 60  # the sleeping chunks (120 s) were not waited for
    assert r.returncode == 1, r.stderr
    assert "stalled: no chunk finished in 2 s; rerun to resume" in r.stderr and "Traceback" not in r.stderr
    (folder,) = (out / "stall").iterdir()
    manifest = read_manifest(folder)
    assert manifest["status"] == "interrupted" and "stalled" in manifest["stopped"]
