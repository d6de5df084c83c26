"""The JSON Schema of scenario files (for editors: yaml-language-server)."""
from __future__ import annotations

import json

from .scenario import Scenario

SCHEMA_FILE = "scenarios/scenario.schema.json"


def schema() -> dict:
    s = Scenario.model_json_schema()
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["description"] = ("A tradesim scenario: actors and their instruments, trade links, "
                        "chokepoints, the calendar of moves, and the deal space.")
    return s


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=False) + "\n"
