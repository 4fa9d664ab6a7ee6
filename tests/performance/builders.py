"""Small hand-built event sets for the indicator tests."""

from datetime import date

import pyarrow as pa

from assure.performance.engine.events import SCHEMAS, new_result
from assure.performance.engine.indicators import compute


def _value(field: pa.Field, value):
    if value is not None and pa.types.is_date32(field.type) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def events(**rows_by_kind):
    """An ImportResult from rows given as dicts (dates as 'YYYY-MM-DD'); rows keep the order given."""
    tables = {}
    seq = 0
    for kind, rows in rows_by_kind.items():
        schema = SCHEMAS[kind]
        columns = {name: [] for name in schema.names}
        for row_number, row in enumerate(rows, start=1):
            seq += 1
            provenance = {"source_file": "hand-built", "source_sheet": kind, "source_row": row_number, "seq": seq}
            for field in schema:
                columns[field.name].append(_value(field, {**provenance, **row}.get(field.name)))
        tables[kind] = pa.table(columns, schema=schema)
    return new_result(tables)


def indicators(event_set, period_from="2019-04-01", period_to="2020-03-31", population=10000, reference_date=None):
    return compute(
        event_set,
        period_from=date.fromisoformat(period_from),
        period_to=date.fromisoformat(period_to),
        population=population,
        reference_date=date.fromisoformat(reference_date) if reference_date else None,
    )


def referral(child_id, referral_date, **fields):
    return {"child_id": child_id, "referral_date": referral_date, "source": "6", "nfa": False, **fields}


def plan(child_id, start_date, end_date=None, category="neglect", **fields):
    return {
        "child_id": child_id,
        "start_date": start_date,
        "end_date": end_date,
        "initial_category": category,
        "latest_category": category,
        **fields,
    }


def figures(result, indicator_id):
    found = result["indicators"][indicator_id]
    return found["numerator"], found["denominator"]
