"""Find the distributions of a validated scenario: the parameters sampled per run."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sim.scenario.distributions import is_dist


def collect_uncertain(model: BaseModel, prefix: str = "") -> list[tuple[str, Any]]:
    """Find every distribution in ``model``, tag it with its dotted path."""
    found: list[tuple[str, Any]] = []

    def visit(obj: Any, path: str) -> None:
        if is_dist(obj):
            object.__setattr__(obj, "_path", path)
            if obj.__pydantic_private__ is not None:
                obj.__pydantic_private__["_path"] = path
            found.append((path, obj))
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                visit(getattr(obj, name), f"{path}.{name}" if path else name)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                visit(v, f"{path}.{k}" if path else str(k))
        elif isinstance(obj, (list, tuple)):
            for i, v in enumerate(obj):
                visit(v, f"{path}.{i}" if path else str(i))

    visit(model, prefix)
    return found
