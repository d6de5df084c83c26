"""Sampling matches each distribution's law (scipy.stats as the reference)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from sim.scenario.distributions import Dist

SPECS = [
    {"dist": "fixed", "value": 3.0},
    {"dist": "normal", "mean": 1.0, "sd": 2.0},
    {"dist": "normal", "mean": 0.0, "sd": 1.0, "low": -0.5, "high": 2.0},
    {"dist": "lognormal", "median": 100.0, "sigma": 0.5},
    {"dist": "uniform", "low": 2.5, "high": 5.0},
    {"dist": "triangular", "low": 0.0, "mode": 1.0, "high": 4.0},
    {"dist": "beta", "a": 2.0, "b": 5.0, "low": 10.0, "high": 20.0},
    {"dist": "choice", "values": [1.0, 2.0, 5.0], "weights": [0.2, 0.3, 0.5]},
]
ADAPTER = TypeAdapter(Dist)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s["dist"] + str(len(s)))
@pytest.mark.slow
def test_sample_mean_within_confidence_interval(spec):
    d = ADAPTER.validate_python(spec)
    rng = np.random.default_rng(12345)
    x = np.array([d.sample(rng) for _ in range(20_000)])
    lo, hi = d.bounds()
    assert x.min() >= lo - 1e-12 and x.max() <= hi + 1e-12
    if spec["dist"] == "fixed":
        assert (x == 3.0).all()
        return
    if spec["dist"] == "choice":
        mean = float(np.dot(spec["values"], spec["weights"]))
        sd = float(np.sqrt(np.dot(np.square(np.array(spec["values"]) - mean), spec["weights"])))
    else:
        f = d.frozen()
        mean, sd = float(f.mean()), float(f.std())
    assert abs(x.mean() - mean) < 4.0 * sd / np.sqrt(len(x))


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s["dist"] not in ("fixed", "choice")], ids=lambda s: s["dist"] + str(len(s))
)
@pytest.mark.slow
def test_sample_distribution_passes_ks_test(spec):
    d = ADAPTER.validate_python(spec)
    rng = np.random.default_rng(99)
    x = np.array([d.sample(rng) for _ in range(5_000)])
    assert stats.kstest(x, d.frozen().cdf).pvalue > 0.001


@pytest.mark.parametrize(
    "bad",
    [
        {"dist": "uniform", "low": 1, "high": 1},
        {"dist": "normal", "mean": 0, "sd": 0},
        {"dist": "triangular", "low": 0, "mode": 5, "high": 4},
        {"dist": "beta", "a": -1, "b": 1},
        {"dist": "choice", "values": [1, 2], "weights": [1]},
        {"dist": "lognormal", "median": 1, "sigma": 1, "mean": 3},
    ],
)
def test_invalid_parameters_rejected(bad):
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(bad)
