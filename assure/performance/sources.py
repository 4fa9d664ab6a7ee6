"""Sources of the data in use (decisions.md, "A source"): what each is called, where it stands in the merging
order, what it holds, how a new one compares with the one in use, and how a set of them merges into one.

An upload replaces the sources it holds and nothing else: each Annex A list, each CIN collection year, each
SSDA903 header or episodes file's collection year is its own source, kept as its own Parquet files.
"""

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from assure.core import periods

from .engine.events import EVENT_KINDS, ImportResult, merge
from .engine.sources import CHILDREN_IN_NEED

# Each kind of event in people's words, as import messages and the check page name them.
KIND_LABELS = {
    "child": "Children",
    "contact": "Contacts",
    "early_help": "Early help episodes",
    "referral": "Referrals",
    "assessment": "Assessments",
    "s47": "Section 47 enquiries",
    "cpp": "Child protection plans",
    "care_period": "Periods looked after",
}

# The date that places each kind of event in time: its start.
_EVENT_DATE = {
    "contact": "contact_date",
    "early_help": "start_date",
    "referral": "referral_date",
    "assessment": "start_date",
    "s47": "strategy_date",
    "cpp": "start_date",
    "care_period": "start_date",
}

ANNEX_A_LISTS = {
    1: "contacts",
    2: "early help",
    3: "referrals",
    4: "assessments",
    5: "section 47 enquiries",
    6: "children in need",
    7: "child protection plans",
    8: "children looked after",
}
# What the records of each kind of source are, in a sentence ("four years of referrals would no longer be used").
_RECORDS_OF = {"cin": "CIN census records", "ssda903_header": "children's details", "ssda903_episodes": "episodes"}

# A fall of more than this share in the records of the dates both cover is a real risk (decisions.md, "The check").
FALL_WARNING = 0.20


@dataclass(frozen=True)
class SourceKey:
    """Which source: ``group`` is annex_a, cin, ssda903_header or ssda903_episodes; ``number`` the list number or
    the collection year's start."""

    group: str
    number: int

    @classmethod
    def parse(cls, key: str) -> "SourceKey":
        group, number = key.split(":")
        return cls(group, int(number))

    def __str__(self) -> str:
        return f"{self.group}:{self.number}"

    @property
    def position(self) -> str:
        """Its place in the fixed merging order: Annex A lists 1 to 8, CIN by collection year, SSDA903 header then
        episodes (decisions.md, "Merging")."""
        order = ("annex_a", "cin", "ssda903_header", "ssda903_episodes").index(self.group)
        return f"{order}:{self.number:04d}"

    @property
    def label(self) -> str:
        if self.group == "annex_a":
            return f"List {self.number} {ANNEX_A_LISTS[self.number]}"
        year = periods.reporting_year_label(self.number)
        return {"cin": "CIN census", "ssda903_header": "SSDA903 header", "ssda903_episodes": "SSDA903 episodes"}[
            self.group
        ] + f" {year}"

    @property
    def records_are(self) -> str:
        """What its records are, in a sentence."""
        if self.group == "annex_a":
            return ANNEX_A_LISTS[self.number]
        return _RECORDS_OF[self.group]

    @property
    def only_completes(self) -> bool:
        """List 6 adds need and closure to referrals of other sources, and no events of its own."""
        return self.group == "annex_a" and self.number == CHILDREN_IN_NEED


@dataclass(frozen=True)
class Summary:
    """What a source holds: records, distinct children, the dates its records start on, and records per
    reporting year (by its start year)."""

    records: int
    children: int
    first_date: date | None
    last_date: date | None
    records_by_year: dict[str, int]
    records_by_kind: dict[str, int]


def _event_kinds(result: ImportResult, key: SourceKey) -> list[str]:
    if key.group == "ssda903_header":
        return []
    return [kind for kind in EVENT_KINDS if kind != "child" and result.tables[kind].num_rows]


def event_dates(result: ImportResult, key: SourceKey) -> pa.Array:
    """The date of each of the source's records (a section 47 enquiry without a strategy date by its conference)."""
    columns = []
    for kind in _event_kinds(result, key):
        table = result.tables[kind]
        dates = table.column(_EVENT_DATE[kind])
        if kind == "s47":
            dates = pc.coalesce(dates, table.column("icpc_date"))
        columns.append(dates)
    if not columns:
        return pa.array([], pa.date32())
    return pa.concat_arrays([chunk for column in columns for chunk in column.chunks]).drop_null()


def summarise(result: ImportResult, key: SourceKey) -> Summary:
    if key.group == "ssda903_header":
        records = result.tables["child"].num_rows
    else:
        records = sum(result.tables[kind].num_rows for kind in _event_kinds(result, key))
    ids = pa.chunked_array(
        [chunk for kind in EVENT_KINDS for chunk in result.tables[kind].column("child_id").chunks], pa.string()
    )
    dates = event_dates(result, key)
    by_year: dict[str, int] = {}
    if len(dates):
        starts = pc.subtract(pc.year(dates), pc.cast(pc.less(pc.month(dates), 4), pa.int64()))
        counts = pc.value_counts(starts)
        by_year = {str(item["values"].as_py()): item["counts"].as_py() for item in counts}
    return Summary(
        records=records,
        children=len(pc.unique(ids).drop_null()),
        first_date=pc.min(dates).as_py() if len(dates) else None,
        last_date=pc.max(dates).as_py() if len(dates) else None,
        records_by_year=dict(sorted(by_year.items())),
        records_by_kind={"child": records}
        if key.group == "ssda903_header"
        else {kind: result.tables[kind].num_rows for kind in _event_kinds(result, key)},
    )


def _in_words(count: int) -> str:
    return (
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")[count - 1]
        if 0 < count < 10
        else f"{count:,}"
    )


def span_in_words(start: date, end: date) -> str:
    """The time from ``start`` to ``end`` as people say it: "four years", "three years and two months", "one day"."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    if months <= 0:
        days = (end - start).days
        return f"{_in_words(days)} day{'s' if days != 1 else ''}"
    years, months = divmod(months, 12)
    parts = [f"{_in_words(years)} year{'s' if years != 1 else ''}"] if years else []
    if months:
        parts.append(f"{_in_words(months)} month{'s' if months != 1 else ''}")
    return " and ".join(parts)


def _month(day: date) -> str:
    return f"{day:%B %Y}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Comparison:
    """A source in a new upload beside the same source in the data in use, over the dates both cover."""

    shared_from: date | None
    shared_to: date | None
    records_in_use: int
    records_new: int
    falls: bool  # records in the shared dates fall by more than FALL_WARNING
    ends_earlier: bool
    leaving: list[str]  # what would no longer be used, in words

    @property
    def change(self) -> float | None:
        """The change in records over the shared dates, as a fraction of those in use."""
        return (self.records_new - self.records_in_use) / self.records_in_use if self.records_in_use else None

    def as_dict(self) -> dict:
        return {
            "shared_from": self.shared_from.isoformat() if self.shared_from else None,
            "shared_to": self.shared_to.isoformat() if self.shared_to else None,
            "records_in_use": self.records_in_use,
            "records_new": self.records_new,
            "falls": self.falls,
            "ends_earlier": self.ends_earlier,
            "leaving": self.leaving,
        }


def compare(key: SourceKey, new: pa.Array, in_use: pa.Array) -> Comparison:
    """``new`` and ``in_use`` are the two sources' record dates (``event_dates``)."""
    if not len(new) or not len(in_use):
        return Comparison(None, None, len(in_use), len(new), False, False, [])
    new_first, new_last = pc.min(new).as_py(), pc.max(new).as_py()
    old_first, old_last = pc.min(in_use).as_py(), pc.max(in_use).as_py()
    shared_from, shared_to = max(new_first, old_first), min(new_last, old_last)

    def within(dates: pa.Array) -> int:
        if shared_from > shared_to:
            return 0
        inside = pc.and_(pc.greater_equal(dates, pa.scalar(shared_from)), pc.less_equal(dates, pa.scalar(shared_to)))
        return pc.sum(pc.cast(inside, pa.int64())).as_py() or 0

    records_in_use, records_new = within(in_use), within(new)
    leaving = []
    if new_first > old_first:
        leaving.append(
            f"{key.label} in use starts {_month(old_first)}; this file starts {_month(new_first)}: "
            f"{span_in_words(old_first, new_first)} of {key.records_are} would no longer be used"
        )
    if new_last < old_last:
        leaving.append(
            f"{key.label} in use runs to {_day(old_last)}; this file ends {_day(new_last)}: "
            f"{key.records_are.capitalize()} after {_day(new_last)} would no longer be used"
        )
    return Comparison(
        shared_from=shared_from if shared_from <= shared_to else None,
        shared_to=shared_to if shared_from <= shared_to else None,
        records_in_use=records_in_use,
        records_new=records_new,
        falls=records_in_use > 0 and records_new < (1 - FALL_WARNING) * records_in_use,
        ends_earlier=new_last < old_last,
        leaving=leaving,
    )


def merged(sources: list[tuple[SourceKey, ImportResult]]) -> ImportResult:
    """The events of a set of sources as one, merged in the fixed source order (``events.merge``: the first source
    met keeps an event and later ones fill its empty fields).

    List 6's rows complete the referrals of other sources with the same child and date; those matching none are
    left out, as List 6 never adds referrals."""
    ordered = sorted(sources, key=lambda item: item[0].position)
    completing = [result for key, result in ordered if key.only_completes]
    if completing:
        referrals = pa.concat_tables(
            [
                result.tables["referral"].select(["child_id", "referral_date"])
                for key, result in ordered
                if not key.only_completes
            ]
            # With List 6 alone there is no referral for it to complete.
            or [completing[0].tables["referral"].select(["child_id", "referral_date"]).slice(0, 0)]
        )
        for result in completing:
            result.tables["referral"] = _matching(result.tables["referral"], referrals)
    return merge([result for _, result in ordered])


def _matching(rows: pa.Table, referrals: pa.Table) -> pa.Table:
    """The rows of ``rows`` with the child and date of a row of ``referrals``, in their order."""
    connection = duckdb.connect()
    try:
        connection.register("completing", rows)
        connection.register("referrals", referrals)
        found = connection.sql(
            "SELECT * FROM completing SEMI JOIN referrals USING (child_id, referral_date) ORDER BY seq"
        ).to_arrow_table()
    finally:
        connection.close()
    return found.cast(rows.schema)
