"""Readable names of dotted parameter paths: list items by what they are, not by position.

A path such as ``calendar.2.add`` is what the scenario and the tables key on; a reader
wants ``calendar[threat tariff_100_nov1].add``. A list item is named by its ``id`` or
``name``; else by the fields that identify it (type, date, actor, instrument, link,
chokepoint); its position is the last resort.

>>> scenario = {"calendar": [{"type": "set", "date": "2025-10-14", "actor": "US"},
...                          {"type": "threat", "id": "tariff_100_nov1"}]}
>>> parameter_name(scenario, "calendar.1.add")
'calendar[threat tariff_100_nov1].add'
>>> parameter_name(scenario, "sweep.calendar.0.value")
'calendar[set 2025-10-14 US].value'
>>> parameter_name(scenario, "actors.US.resolve_bn")
'actors.US.resolve_bn'
"""

from __future__ import annotations

from typing import Any

#: Fields that identify a list item, in the order its name shows them.
IDENTIFYING = ("type", "date", "announced", "actor", "instrument", "link", "chokepoint", "target")


def item_name(item: Any, index: int) -> str:
    """What a list item is: its id or name, else its identifying fields, else its position."""
    if isinstance(item, dict):
        for key in ("id", "name"):
            if item.get(key) is not None:
                prefix = f"{item['type']} " if isinstance(item.get("type"), str) else ""
                return f"{prefix}{item[key]}"
        fields = [str(item[k]) for k in IDENTIFYING if k in item and not isinstance(item[k], (dict, list))]
        if fields:
            return " ".join(fields)
    return str(index)


def parameter_name(scenario: dict, path: str) -> str:
    """``path`` (dotted; a ``sweep.`` prefix is dropped) with list indices replaced by item names."""
    parts = path.split(".")
    if parts[0] == "sweep":
        parts = parts[1:]
    out: list[str] = []
    node: Any = scenario
    for part in parts:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            item = node[int(part)]
            name = item_name(item, int(part))
            out[-1] = f"{out[-1]}[{name}]" if out else f"[{name}]"
            node = item
            continue
        out.append(part)
        node = node.get(part) if isinstance(node, dict) else None
    return ".".join(out)
