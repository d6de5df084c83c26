"""One explicit Arrow schema per table, derived from the scenario before the first run.

A chunk's tables used to take their column types from the values of the runs the
chunk happened to hold: a capitulation on day 0 (an ``int``) in one chunk and on
day 12.5 in another gave ``int64`` and ``double`` parts, and the consolidation of a
sweep with 2 workers broke where 1 worker did not. Every chunk now casts its tables
to the schemas below, so the types depend on the scenario (and the sweep design)
only, never on which runs a chunk holds or how many workers ran them.

Types by column (the summary row is :meth:`sim.engine.core.Engine.summarise`):

- ``int64``: ``run``, ``seed``, ``point``, ``replication``, ``n_events``, ``threats_issued_<actor>``;
- ``bool``: ``threat_<id>_carried_out``, ``plausible``, ``deal_in_force_at_horizon``;
- ``string``: ``outcome``, ``error``;
- ``sweep.<path>``: the type of the design's values (one type per design column);
- every other column: ``float64`` (days, $bn, levels, sampled parameters).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from sim.engine.columns import series_columns, summary_columns
from sim.engine.events import EVENT_COLUMNS
from sim.scenario.schema import Scenario

_INT = {"run", "seed", "point", "replication", "n_events"}
_STRING = {"outcome", "error"}
_BOOL = {"plausible", "deal_in_force_at_horizon"}

EVENTS_SCHEMA = pa.schema(
    [
        ("run", pa.int64()),
        ("t", pa.float64()),
        ("actor", pa.string()),
        ("kind", pa.string()),
        ("instrument", pa.string()),
        ("old", pa.float64()),
        ("new", pa.float64()),
        ("note", pa.string()),
    ]
)
assert EVENTS_SCHEMA.names[1:] == list(EVENT_COLUMNS)


def column_type(name: str, example: Any = None) -> pa.DataType:
    """The Arrow type of a summary column, from its name (``example``: a ``sweep.`` value)."""
    if name in _INT or name.startswith("threats_issued_"):
        return pa.int64()
    if name in _STRING:
        return pa.string()
    if name in _BOOL or (name.startswith("threat_") and name.endswith("_carried_out")):
        return pa.bool_()
    if name.startswith("sweep.") or example is not None:  # a sweep value, or a column added later
        if isinstance(example, bool):
            return pa.bool_()
        if isinstance(example, int) and name.startswith("sweep."):
            return pa.int64()
        if isinstance(example, str):
            return pa.string()
    return pa.float64()


def summary_schema(sc: Scenario, sweep_values: dict[str, Any] | None = None) -> pa.Schema:
    """The summary table of runs of ``sc`` (a sweep: with the design's ``values`` of one point)."""
    names = summary_columns(sc)
    fields = [pa.field(n, column_type(n)) for n in dict.fromkeys(names)]
    if sweep_values is not None:
        fields += [pa.field(n, column_type(n)) for n in ("point", "replication", "error")]
        fields += [pa.field(f"sweep.{p}", column_type(f"sweep.{p}", v)) for p, v in sweep_values.items()]
    return pa.schema(fields)


def series_schema(sc: Scenario, dated: bool) -> pa.Schema:
    """The series table: ``run``, ``t`` (and ``date``), then float64 state columns."""
    cols = series_columns(sc)
    fields = [pa.field("run", pa.int64()), pa.field("t", pa.float64())]
    if dated:
        fields.append(pa.field("date", pa.date32()))
    fields += [pa.field(c, pa.float64()) for c in cols[1:]]
    return pa.schema(fields)


def conform_rows(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """A table of ``rows`` with exactly the types of ``schema``.

    Columns of ``schema`` missing from the rows are null; columns the rows carry that
    ``schema`` does not know (a column added to the summary later) are appended,
    typed by :func:`column_type`, so their type does not depend on the rows either.
    """
    extra: dict[str, Any] = {}
    for row in rows:
        for k, v in row.items():
            v = v.item() if hasattr(v, "item") else v
            if k not in schema.names and (k not in extra or extra[k] is None):
                extra[k] = v
    fields = list(schema) + [pa.field(k, column_type(k, v)) for k, v in extra.items()]
    columns = {f.name: pa.array([_value(r.get(f.name), f.type) for r in rows], f.type) for f in fields}
    return pa.table(columns, schema=pa.schema(fields))


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with its columns cast to ``schema`` (and the schema's column order)."""
    if table.schema.equals(schema):
        return table
    return table.select(schema.names).cast(schema)


def _value(v: Any, typ: pa.DataType) -> Any:
    if v is None:
        return None
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if typ == pa.float64():
        # a value of another type (a design mixing numbers and text): null here; the
        # row's ``error`` names it
        return float(v) if isinstance(v, (int, float)) else None
    if typ == pa.int64():
        return int(v) if isinstance(v, int) or (isinstance(v, float) and v.is_integer()) else None
    if typ == pa.string():
        return v if isinstance(v, str) else str(v)
    if typ == pa.bool_():
        return v if isinstance(v, bool) else None
    return v
