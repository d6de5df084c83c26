"""Decision rules, registered by name. Importing this package registers them all."""
from __future__ import annotations

from .base import REGISTRY, Decision, Policy, register
from . import basic  # noqa: F401  (registers scripted, tit_for_tat, resolve, attrition)
from . import strategic  # noqa: F401  (registers best_response, bayesian)

__all__ = ["REGISTRY", "Decision", "Policy", "register", "make_policy"]


def make_policy(name: str, actor: str, params: dict, rng) -> Policy:
    """Build a registered policy with validated parameters."""
    cls = REGISTRY[name]
    return cls(actor, cls.Params(**params), rng)
