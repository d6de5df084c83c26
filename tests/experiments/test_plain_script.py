"""The Python API from a plain script, a module and a notebook-like session, without a ``__main__`` guard.

Spawned workers must not run the driver's code again (``sim.experiments.executors.processes.main_not_rerun``):
the script below prints "start" once and finishes with two workers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = f"""
import sim
print("start")
res = sim.run({str(ROOT / "scenarios" / "student_template.yaml")!r}, runs=4, seed=1, workers=2, out=None)
print("runs", len(res.summary))
"""


def _run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["script", "module", "stdin"])
def test_unguarded_script_runs_once_with_a_process_pool(tmp_path, how):
    (tmp_path / "study.py").write_text(SCRIPT)
    if how == "script":
        proc = _run([sys.executable, "study.py"], tmp_path)
    elif how == "module":
        proc = _run([sys.executable, "-m", "study"], tmp_path)
    else:  # a notebook's kernel has a __main__ without a file, like code read from stdin
        proc = _run([sys.executable, "-"], tmp_path, stdin=SCRIPT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["start", "runs", "4"], proc.stdout


def test_main_is_restored_after_workers_start():
    from sim.experiments.executors.processes import main_not_rerun

    main = sys.modules["__main__"]
    before = (getattr(main, "__spec__", None), getattr(main, "__file__", None))
    with main_not_rerun():
        assert main.__spec__ is None
        assert not hasattr(main, "__file__")
    assert (getattr(main, "__spec__", None), getattr(main, "__file__", None)) == before
