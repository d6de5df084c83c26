"""The small deterministic scenario the scenario, experiment and bargaining tests start from.

It is :func:`tests.conftest.base_dict` with its trade link written out in full in the
current schema, so these tests do not depend on how that shared helper spells the link.
"""

from __future__ import annotations

import copy

from tests import conftest

#: China -> US under the US tariff: $1bn a day at no tariff in force when it was observed,
#: import demand elasticity 2, flat export supply (full pass-through, φ = 1), exporters'
#: short-run margin 0.5 decaying with a half-life of 180 days, no purchase commitment.
CN_US = {
    "exporter": "CN",
    "importer": "US",
    "value_bn_per_year": 365.0,
    "tariff": "US.tariff",
    "base_tariff": 0.0,
    "elasticity": 2.0,
    "supply_omega": 0.0,
    "margin": 0.5,
    "margin_half_life_days": 180.0,
}


def base_dict() -> dict:
    """One trade link (``cn_us``), one chokepoint (``magnets``), scripted actors, no calendar."""
    d = conftest.base_dict()
    d["trade_links"] = {"cn_us": copy.deepcopy(CN_US)}
    return d


def motives_dict() -> dict:
    """:func:`base_dict` with a motive of every kind, each in the role it needs, and a reference state.

    The US protects import-competing producers on ``cn_us`` (it imports on it) and puts a weight
    on its tariff revenue; China values its exporters' income on ``cn_us`` (it exports on it) and
    the security of denying magnets (it supplies them). The reference state lies before the start.
    """
    d = base_dict()
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 0.3
    d["actors"]["US"]["motives"] = {
        "revenue": 1.5,
        "protection": [{"link": "cn_us", "weight": 0.2, "domestic_ratio": 2.0, "supply_elasticity": 1.0}],
    }
    d["actors"]["CN"]["motives"] = {
        "farm": [{"link": "cn_us", "weight": 0.5}],
        "security": [{"chokepoint": "magnets", "weight": 0.1, "exponent": 0.5}],
    }
    d["calibration"] = {
        "reference_date": "2024-12-31",
        "reference": {"US.tariff": 0.0, "CN.controls": 0, "CN.approval": 1.0},
    }
    return d
