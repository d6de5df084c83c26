"""A scenario with every kind of motive, for the scenario tests."""

from __future__ import annotations

from tests.conftest import base_dict


def motives_dict() -> dict:
    """:func:`tests.conftest.base_dict` with a motive of every kind, each in its role, and a reference state.

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
