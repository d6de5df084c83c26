"""The JSON Schema of scenario files (for editors: yaml-language-server)."""

from __future__ import annotations

import json
from typing import Any

from sim.scenario.schema import Scenario

SCHEMA_FILE = "scenarios/scenario.schema.json"


def schema() -> dict[str, Any]:
    s = Scenario.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["description"] = (
        "A tradesim scenario: actors and their instruments, trade links, "
        "chokepoints, the calendar of moves, and the deal space."
    )
    return s


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=False) + "\n"


REFERENCE_FILE = "docs/scenario-reference.md"


def _type_name(annotation: object) -> str:
    import typing

    text = str(annotation)
    text = (
        text.replace("typing.", "")
        .replace("sim.scenario.schema.", "")
        .replace("sim.scenario.economy.", "")
        .replace("sim.scenario.motives.", "")
        .replace("sim.scenario.distributions.", "")
        .replace("datetime.date", "date")
        .replace("NoneType", "None")
        .replace("<class '", "")
        .replace("'>", "")
    )
    if text.startswith("dict[Annotated[str") and "pattern" in text:
        return "dict[ACTOR.instrument, float]"
    if "FieldInfo(annotation=NoneType, required=True, discriminator='dist')" in text or "Fixed" in text:
        text = "number, distribution or 'calibrate'" if "Literal['calibrate']" in text else "number or distribution"
    if "discriminator='type'" in text:
        text = "list of moves (set | licensing | threat | summit)"
    if "Annotated[str" in text and "pattern" in text:
        text = "ACTOR.instrument" if "\\\\." in text or "\\." in text else "name"
    del typing
    return text


def reference_markdown() -> str:
    """A Markdown reference of every scenario key, generated from the models."""
    from pydantic import BaseModel
    from pydantic_core import PydanticUndefined

    import sim.scenario.economy as e
    import sim.scenario.motives as mo
    import sim.scenario.schema as m

    models: list[type[BaseModel]] = [
        m.Scenario,
        m.Meta,
        m.Actor,
        m.Instrument,
        m.PolicySpec,
        mo.Motives,
        mo.Protection,
        mo.Farm,
        mo.Security,
        e.TradeLink,
        e.TariffEquivalent,
        e.Chokepoint,
        e.Alternative,
        m.SetMove,
        m.LicensingMove,
        m.ThreatMove,
        m.Condition,
        m.Summit,
        m.DealSpace,
        m.DealItem,
        mo.Calibration,
    ]
    out = [
        "# Scenario reference",
        "",
        "Generated from the scenario models by `tradesim schema --markdown`; a test keeps it current.",
        "Numbers marked *number or distribution* take either a plain number or a mapping such as",
        "`{dist: uniform, low: 1, high: 2}` (see [scenarios.md](scenarios.md#distributions)).",
        "",
    ]
    for model in models:
        out += [
            f"## `{model.__name__}`",
            "",
            ((model.__doc__ or "").strip().splitlines() or [""])[0],
            "",
            "| key | type | default | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for name, f in model.model_fields.items():
            if f.is_required():
                default = "**required**"
            elif f.default is PydanticUndefined:
                default = "(empty)"
            else:
                default = f"`{f.default!r}`" if not isinstance(f.default, BaseModel) else "(defaults)"
            desc = (f.description or "").replace("|", "\\|")
            out.append(f"| `{name}` | {_type_name(f.annotation).replace('|', '&#124;')} | {default} | {desc} |")
        out.append("")
    return "\n".join(out)
