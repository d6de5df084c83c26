"""Mangled scenarios get a clean error or a clean run, never a crash (hypothesis)."""

from __future__ import annotations

import copy
import math

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.compile import load_scenario
from sim.engine.core import run_replication
from sim.errors import ScenarioError

from ..conftest import ROOT

TEMPLATE = yaml.safe_load((ROOT / "scenarios" / "student_template.yaml").read_text())

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.sampled_from(
        [
            "US",
            "CN",
            "UX",
            "tariff_on_cn",
            "2025-10-20",
            "2030-01-01",
            "resolve",
            {"dist": "uniform", "low": 0, "high": 1},
            {"dist": "normal", "mean": 0},
        ]
    ),
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, prefix + (i,))


ALL_PATHS = [p for p in paths(TEMPLATE) if p]


@st.composite
def mangled(draw):
    doc = copy.deepcopy(TEMPLATE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = doc
        try:
            for k in path[:-1]:
                parent = parent[k]
            action = draw(st.sampled_from(["replace", "delete", "rename"]))
            key = path[-1]
            if action == "replace":
                parent[key] = draw(junk)
            elif action == "delete":
                del parent[key]
            elif isinstance(parent, dict):
                parent[key + draw(st.sampled_from(["x", "_", "s"]))] = parent.pop(key)
        except (KeyError, IndexError, TypeError):
            continue
    return doc


@settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(doc=mangled())
def test_mangled_scenario_errors_cleanly_or_runs(tmp_path, doc):
    p = tmp_path / "m.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    try:
        sc = load_scenario(p)
    except ScenarioError as exc:
        assert exc.problems
        for prob in exc.problems:
            assert str(prob).startswith(str(p)) and len(str(prob)) < 600
        return
    res = run_replication(sc, 1, 0)
    assert res.summary["outcome"]
    assert all(math.isfinite(res.summary[f"payoff_{a}"]) for a in sc.actors)
