"""The base of every scenario model: strict, frozen, finite; names and instrument references."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NAME = r"^[A-Za-z][A-Za-z0-9_]*$"
REF = r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$"
InstrumentRef = Annotated[str, Field(pattern=REF, description="ACTOR.instrument")]


class Base(BaseModel):
    # every number must be finite unless a field says otherwise (resolve_bn: .inf = never concedes)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
