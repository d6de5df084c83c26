"""Which keys the schema allows where: the model a raw block is validated as, and its fields."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from sim.scenario.schema import Scenario

__all__ = ["fields_at", "is_entries", "model_at"]


def _unwrap(tp: Any, node: Any) -> Any:
    """Resolve Annotated/Optional/Union to the model class ``node`` was validated as."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            models = [a for a in _flatten(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
            if isinstance(node, dict):
                for m in models:
                    for tag in ("type", "dist"):
                        f = m.model_fields.get(tag)
                        if f is not None and node.get(tag) in typing.get_args(f.annotation):
                            return m
                if len(models) == 1:
                    return models[0]
            return None
        return tp


def _flatten(tp: Any) -> list[Any]:
    out: list[Any] = []
    for a in typing.get_args(tp):
        if typing.get_origin(a) is typing.Annotated:
            a = typing.get_args(a)[0]
        if typing.get_origin(a) in (typing.Union, types.UnionType):
            out.extend(_flatten(a))
        else:
            out.append(a)
    return out


def model_at(path: tuple[Any, ...], data: Any, root: type[BaseModel] = Scenario) -> Any:
    """The type the block at ``path`` of the raw document ``data`` is validated as (a model
    class, ``dict[...]``, ``list[...]``, ...); ``None`` where the schema has no such key."""
    tp: Any = root
    node = data
    for seg in path:
        tp = _unwrap(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            f = tp.model_fields.get(seg)
            if f is None:
                return None
            tp = f.annotation
        elif typing.get_origin(tp) in (dict, list):
            tp = typing.get_args(tp)[-1]
        else:
            return None
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            node = None
    return _unwrap(tp, node)


def fields_at(path: tuple[Any, ...], data: Any, root: type[BaseModel] = Scenario) -> list[str]:
    """Names of the keys allowed at ``path`` (for "did you mean"); none where the block is not a model."""
    tp = model_at(path, data, root)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def is_entries(path: tuple[Any, ...], data: Any, root: type[BaseModel] = Scenario) -> bool:
    """Whether the block at ``path`` is a mapping of named entries (``dict[str, ...]``), not a model."""
    return typing.get_origin(model_at(path, data, root)) is dict
