"""Every registered policy declares its parameters as a pydantic model and its metadata on the class."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from sim.policies import REGISTRY
from sim.policies.base import Params, Policy


@pytest.mark.parametrize("name", REGISTRY.names())
def test_policy_declares_params_and_metadata(name):
    cls = REGISTRY[name]
    assert issubclass(cls, Policy)
    own = {k for c in cls.__mro__ if c is not Policy for k in vars(c)}
    assert "Params" in own, f"{name} has no Params model of its own"
    assert "stochastic" in own, f"{name} does not say whether it is stochastic"
    assert isinstance(cls.stochastic, bool) and cls.summary
    assert issubclass(cls.Params, BaseModel) and issubclass(cls.Params, Params)
    assert cls.Params.model_config.get("extra") == "forbid"
    cls.Params(**cls.example_params)  # the example validates
    with pytest.raises(ValidationError, match=r"no_such_parameter|Extra inputs"):
        cls.Params(**cls.example_params, no_such_parameter=1)
