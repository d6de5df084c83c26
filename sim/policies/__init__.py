"""Decision rules, registered by name.

Each module here registers its policies with ``@register``; the registry imports
them on the first lookup, so a new policy is one new file and no edit elsewhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.policies.base import REGISTRY, Decision, Policy, register

__all__ = ["REGISTRY", "Decision", "Policy", "make_policy", "register"]


def make_policy(name: str, actor: str, params: dict[str, Any], rng: np.random.Generator) -> Policy:
    """Build a registered policy with validated parameters."""
    cls = REGISTRY[name]
    return cls(actor, cls.Params(**params), rng)
