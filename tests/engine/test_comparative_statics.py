"""Comparative statics (MODEL §9): the sign of each principal parameter's effect on P(deal by day 60),
the first deal's day and the US share of the first deal's gains, pinned on paired seeds.

The scenario is a trimmed student template (:func:`statics_scenario`): scripted actors, the US tariff
threat against China's tier-2 rare-earth controls, one summit (``probability_held`` 0.8, protocol
``screening``) and background talks, a deal space with a tariff item and a control-tier item, private
audience types on both sides, a US revenue motive (weight 3) and a Chinese security motive on the
magnets (weight 0.5), so that the frontier trades the US tariff against China's tier.

Each test runs the same :data:`SEEDS` at a low and a high value of one parameter and asserts the sign
of the mean paired difference with a margin: it must exceed :data:`Z` standard errors of the paired
differences. Measures per run: ``by_day`` (1 if the first deal came by :data:`BY_DAY`, else 0), ``day``
(the first deal's day, :data:`HORIZON` without one: censored) and ``share_us`` (``deal_gain_US /
(deal_gain_US + deal_gain_CN)``, the seeds with a deal at both values). China's share is ``1 − share_us``,
so its sign is the opposite one. The table in docs/model.md ("Comparative statics") lists these signs.

The gains are over each side's disagreement value ``d_i``: a parameter that raises ``d_i`` (more cover,
less at risk) lowers side i's gain from the same terms, so ``share_us`` moves with what the deal is worth
to each side as well as with the terms.
"""

from __future__ import annotations

import copy
import math
from functools import cache

import numpy as np
import yaml

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication

from ..conftest import SCENARIOS

SEEDS = range(150)
ROOT_SEED = 7
HORIZON = 120
BY_DAY = 60
Z = 2.0  # the paired mean difference must exceed Z standard errors


@cache
def _template() -> dict:
    return yaml.safe_load((SCENARIOS / "student_template.yaml").read_text())


def statics_scenario(security: float = 0.5, revenue: float = 3.0) -> dict:
    """The student template trimmed to a fast, strategic test scenario (see the module docstring)."""
    d = copy.deepcopy(_template())
    d["meta"] = {"name": "statics", "start": "2025-10-09", "horizon_days": HORIZON, "discount_rate_per_year": 0.05}
    for actor in d["actors"].values():
        actor["policy"] = {"name": "scripted"}
        actor.pop("resolve_bn", None)
    d["actors"]["US"]["motives"] = {"revenue": revenue}
    d["actors"]["CN"]["motives"] = {"security": [{"chokepoint": "magnets", "weight": security}]}
    d["calibration"] = {"reference_date": "2024-12-31", "reference": d["calibration"]["reference"]}
    d["chokepoints"]["magnets"]["alternative"] = {"ramp_per_year": 0.5}
    summit = next(m for m in d["calendar"] if m["type"] == "summit")
    summit["breakdown"] = 0.001
    d["deal_space"].update(
        items=[
            {"actor": "US", "instrument": "tariff_on_cn", "values": [0.0, 0.3]},
            {"actor": "CN", "instrument": "re_controls", "values": [0, 1]},
        ],
        talks_per_year=6,
        weights="patience",
    )
    return d


def with_value(d: dict, path: str, value) -> dict:
    """``d`` with the entry at the dotted ``path`` set (``calendar.summit`` / ``calendar.threat``: that entry)."""
    keys = path.split(".")
    x = d
    for k in keys[:-1]:
        if isinstance(x, list):
            x = next(m for m in x if m["type"] == k)
        else:
            x = x[k]
    x[keys[-1]] = value
    return d


def measures(d: dict) -> dict[str, np.ndarray]:
    sc = scenario_from_dict(d)
    rows = [run_replication(sc, ROOT_SEED, r, record_series=False).summary for r in SEEDS]
    day = np.array([r["deal_day"] for r in rows], dtype=float)
    g_us = np.array([r["deal_gain_US"] for r in rows], dtype=float)
    g_cn = np.array([r["deal_gain_CN"] for r in rows], dtype=float)
    dealt = ~np.isnan(day)
    return {
        "by_day": np.where(dealt, day <= BY_DAY, False).astype(float),
        "day": np.where(dealt, day, HORIZON),
        "share_us": g_us / (g_us + g_cn),
    }


def assert_signs(low: dict, high: dict, **signs: int) -> None:
    """For each measure, ``sign`` ∈ {+1, −1}: mean(high − low) over paired seeds is beyond Z standard errors."""
    a, b = measures(low), measures(high)
    for name, sign in signs.items():
        diff = b[name] - a[name]
        diff = diff[~np.isnan(diff)]  # share: the seeds with a deal at both values
        assert len(diff) >= 5, f"{name}: only {len(diff)} paired runs"
        se = float(np.std(diff, ddof=1)) / math.sqrt(len(diff))
        mean = float(np.mean(diff))
        assert sign * mean > Z * se, f"{name}: paired mean difference {mean:+.4g}, se {se:.3g}, expected sign {sign:+d}"


def pair(path: str, low, high) -> tuple[dict, dict]:
    return with_value(statics_scenario(), path, low), with_value(statics_scenario(), path, high)


def test_consumer_stock_lowers_the_consumers_share_of_the_gains():
    """More US magnet cover (15 → 90 days) raises the US disagreement value, so restored supply is worth
    less to it: its share of the gains falls. Theory's "larger consumer share" is about the consumer's
    payoff including d; on the gain share the model gives −. P(deal by day 60) and the day: no effect
    beyond 2 se at these seeds (China's signing cost decides agreement), not pinned."""
    assert_signs(*pair("chokepoints.magnets.initial_stock_days", 15, 90), share_us=-1)


def test_supplier_share_raises_the_consumers_gain_share():
    """China's share of US magnet supply 0.5 → 0.95: a cut-off hurts the US more, the deal restoring it is
    worth more to the US, its gain share rises (open in theory, which speaks of the supplier's payoff
    including d: the model gives + for the US gain share)."""
    assert_signs(*pair("chokepoints.magnets.supplier_share", 0.5, 0.95), share_us=+1)


def test_value_at_risk():
    """US value at risk 0.5 → 3 $bn/day: the US gains more from a deal (share +); China's security motive
    values the US shortfall more, so its gain from lifting controls shrinks and fewer offers clear its
    signing cost (P(deal by day 60) −, later deals)."""
    assert_signs(*pair("chokepoints.magnets.value_at_risk_bn_per_day", 0.5, 3.0), by_day=-1, day=+1, share_us=+1)


def test_first_summit_held_brings_deals_forward():
    """The first summit held (probability 0 → 1): one more talk before day 60, so more and earlier deals."""
    assert_signs(*pair("calendar.summit.probability_held", 0.0, 1.0), by_day=+1, day=-1)


def test_threat_size():
    """The US threat +30% → +100%: China's disagreement value falls (the threat is in d), so the surplus
    grows, more offers clear China's signing cost (more, earlier deals) and the threatener's share rises."""
    assert_signs(*pair("calendar.threat.add", 0.3, 1.0), by_day=+1, day=-1, share_us=+1)


def test_us_signing_cost():
    """US signing multiple 0.5 → 2: a costlier signature for the US — fewer offers accepted, later deals,
    and the US gain net of its signing cost a smaller share."""
    assert_signs(*pair("actors.US.audience.signing_multiple", 0.5, 2.0), by_day=-1, day=+1, share_us=-1)


def test_cn_signing_cost():
    """China's signing multiple 0.5 → 2: the mirror image — fewer, later deals, a larger US share."""
    assert_signs(*pair("actors.CN.audience.signing_multiple", 0.5, 2.0), by_day=-1, day=+1, share_us=+1)


def test_background_talks_rate():
    """Background talks 0 → 24 a year: more chances to agree, so more and earlier deals."""
    assert_signs(*pair("deal_space.talks_per_year", 0, 24), by_day=+1, day=-1)


def test_alternative_supply_ramp():
    """The US alternative-supply ramp 0 → 2 per year: the US needs China's magnets less (its gain share
    falls) and China's security motive gains less from withholding them, so its gain from a deal rises
    and more offers clear its signing cost (more, earlier deals)."""
    assert_signs(
        *pair("chokepoints.magnets.alternative", {"ramp_per_year": 0.0}, {"ramp_per_year": 2.0}),
        by_day=+1,
        day=-1,
        share_us=-1,
    )


def test_issuer_audience_cost():
    """The US audience type U[1, 20] → U[200, 400] $bn, with no signing cost (signing multiple 0, so only
    the cost of backing down moves): its escalations persist in China's disagreement point, the surplus of
    a deal grows for China and more offers clear China's signing cost (more, earlier deals). The share is
    not pinned: the gains move little at these seeds."""

    def aud(cost) -> dict:
        d = statics_scenario()
        d["actors"]["US"]["audience"] = {"cost_bn": cost, "signing_multiple": 0}
        return d

    low = aud({"dist": "uniform", "low": 1, "high": 20})
    high = aud({"dist": "uniform", "low": 200, "high": 400})
    assert_signs(low, high, by_day=+1, day=-1)


def test_supplier_security_weight():
    """China's security weight on the US magnet shortfall 0.2 → 1: lifting controls costs China more, so
    its gain from a deal shrinks (the US share rises) and fewer offers clear its signing cost."""
    assert_signs(statics_scenario(security=0.2), statics_scenario(security=1.0), by_day=-1, day=+1, share_us=+1)


def test_exporter_margin():
    """China's value added lost per $ of lost US sales 0.2 → 1: the dispute costs China more, the deal is
    worth more to it (the US share falls) and more offers clear its signing cost (more, earlier deals)."""
    assert_signs(*pair("trade_links.cn_to_us.margin", 0.2, 1.0), by_day=+1, day=-1, share_us=-1)
