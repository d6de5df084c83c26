"""Talks between the two parties of a scenario."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine
from sim.engine.negotiation import negotiate

from ..conftest import base_dict


def test_talks_need_exactly_two_parties():
    d = base_dict()
    d["deal_space"] = {"items": [{"actor": "US", "instrument": "tariff", "values": [0.0, 0.1]}]}
    e = Engine(scenario_from_dict(d), {}, list(np.random.SeedSequence(7).spawn(3)), record_series=False)
    with pytest.raises(ValueError, match="talks are between two parties, got 3: US, CN, US"):
        negotiate(e, ["US", "CN", "US"])
