"""Every example in CONTRIBUTING.md runs as written and does what the text says.

Each ``python`` block is executed as a new module; what it registers is used for real
(a run with the new policy, a deal by the new protocol, a design matrix, chunks on the new
executor, a report with the new section) and removed from its registry afterwards.
"""

from __future__ import annotations

import re
import types

import numpy as np
import pytest
import yaml

from sim.bargaining.base import REGISTRY as PROTOCOLS
from sim.bargaining.base import Settings
from sim.experiments.designs.base import REGISTRY as DESIGNS
from sim.experiments.designs.base import design_matrix
from sim.experiments.executors.base import REGISTRY as EXECUTORS
from sim.experiments.executors.base import make_executor
from sim.policies.base import REGISTRY as POLICIES
from sim.report.sections import REGISTRY as SECTIONS

from .conftest import ROOT, base_dict

TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(python|yaml)\n(.*?)```", TEXT, re.S)


def block(marker: str) -> str:
    (code,) = [c for lang, c in BLOCKS if lang == "python" and marker in c]
    return code


@pytest.fixture
def registries():
    """Registries as they were before the test (examples register into them)."""
    regs = (POLICIES, PROTOCOLS, DESIGNS, EXECUTORS, SECTIONS)
    saved = [dict(r._entries) for r in regs if r.names() is not None]
    yield
    for r, entries in zip(regs, saved):
        r._entries.clear()
        r._entries.update(entries)


def load(code: str, name: str) -> types.ModuleType:
    module = types.ModuleType(f"contributing_example_{name}")
    exec(compile(code, f"CONTRIBUTING.md:{name}", "exec"), module.__dict__)
    return module


def test_every_block_is_covered():
    assert [lang for lang, _ in BLOCKS].count("python") == 5 and [lang for lang, _ in BLOCKS].count("yaml") == 1


def test_policy_example_runs_in_a_scenario(registries):
    from sim.engine import run_replication
    from sim.engine.compile import scenario_from_dict

    load(block("class StepUpOnce"), "policy")
    assert "step_up_once" in POLICIES
    d = base_dict()
    d["actors"]["US"]["policy"] = {"name": "step_up_once", "params": {"instrument": "tariff"}}
    d["actors"]["US"]["review_days"] = 10
    res = run_replication(scenario_from_dict(d), 1, 0)
    moves = [e for e in res.events if e.actor == "US" and e.kind == "move"]
    assert [(m.t, m.new) for m in moves] == [(10.0, pytest.approx(0.1))]  # one step, at the first review


def test_protocol_example_agrees_on_the_largest_joint_gain(registries):
    load(block('@register("utilitarian")'), "protocol")
    g1, g2 = np.array([1.0, 3.0, 5.0, -1.0]), np.array([4.0, 3.0, 0.5, 9.0])
    # totals 5, 6, 5.5 and 8, but side 1 loses in the last: the second package
    assert PROTOCOLS["utilitarian"](g1, g2, Settings(parties=("US", "CN"))) == 1
    assert PROTOCOLS["utilitarian"](-g1, -g2, Settings(parties=("US", "CN"))) is None


def test_design_example_fills_the_parameters(registries):
    from sim.experiments.sweepfile import SweepSpec

    load(block('@design("uniform_random"'), "design")
    spec = SweepSpec(
        name="t",
        scenario="x.yaml",
        design="uniform_random",
        points=50,
        parameters=[{"path": "a.b", "low": 2.0, "high": 3.0}, {"path": "c", "values": [1, 2, 3]}],
    )
    m = design_matrix(spec)
    assert len(m) == 50 and m["a.b"].between(2.0, 3.0).all() and set(m["c"]) <= {1, 2, 3}


def test_executor_example_runs_chunks(registries):
    load(block("class ThreadsExecutor"), "executor")
    ex = make_executor("threads", 2)
    try:
        futures = {ex.submit(pow, 2, k) for k in range(5)}
        done: set = set()
        while futures - done:
            done |= ex.wait_any(futures - done)
        assert sorted(f.result() for f in done) == [1, 2, 4, 8, 16]
    finally:
        ex.shutdown()


def test_section_example_appears_in_the_report(registries, tmp_path):
    import sim
    from sim.report.build import build_report

    load(block('@section("events_per_run"'), "section")
    res = sim.run("scenarios/student_template.yaml", runs=8, seed=1, workers=1, out=tmp_path, record_series=False)
    html = build_report(res.path).read_text(encoding="utf-8")
    assert "Events per run" in html


def test_instrument_example_is_a_valid_instrument():
    from sim.scenario.schema import Instrument

    (text,) = [c for lang, c in BLOCKS if lang == "yaml"]
    doc = yaml.safe_load(text)
    ins = Instrument.model_validate(doc["actors"]["US"]["instruments"]["port_fees"])
    assert ins.min <= ins.initial <= ins.max and ins.hostile == "up"
    assert doc["trade_links"]["cn_goods_to_us"]["tariff_equivalents"][0]["instrument"] == "US.port_fees"
