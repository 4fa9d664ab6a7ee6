"""Movement of Section 11 ratings between two points: a round, or a progress update after it.

A point gives each (agency, standard number) a rating. At a round it is the rating that
counts (agreed at moderation, else the agency's own); at a progress update it is the rating
the agency reported in that update or an earlier update of the same round, else the
round's. Standards are matched by number, so two rounds on different framework versions
can be compared. The transition matrix counts, for each rating at the first point, the
ratings the same standards had at the second.
"""

from dataclasses import dataclass, field

from assure.core.models import Agency, Partnership

from .models import Rating, RatingChange, Section11Answer, Section11ProgressUpdate, Section11Round

NOT_RATED = "not_rated"
COLUMNS = [*Rating.choices, (NOT_RATED, "Not rated")]
LABELS = dict(COLUMNS)


@dataclass(frozen=True)
class Point:
    key: str
    label: str
    ratings: dict[tuple[int, str], str]


@dataclass
class Matrix:
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, before: str, after: str) -> None:
        self.counts[(before, after)] = self.counts.get((before, after), 0) + 1

    def count(self, before: str, after: str) -> int:
        return self.counts.get((before, after), 0)

    def row_total(self, before: str) -> int:
        return sum(n for (b, _), n in self.counts.items() if b == before)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[dict]:
        """The rows with at least one standard, in rating order, each with a count per column."""
        return [
            {
                "rating": before,
                "label": LABELS[before],
                "cells": [self.count(before, after) for after, _ in COLUMNS],
                "total": self.row_total(before),
                "summary": self.summary(before),
            }
            for before, _ in COLUMNS
            if self.row_total(before)
        ]

    def summary(self, before: str) -> dict[str, int]:
        """The annual report's grouping of one row: to Good or Outstanding, Requires improvement, Inadequate, not relevant."""
        return {
            "good_or_outstanding": self.count(before, Rating.GOOD) + self.count(before, Rating.OUTSTANDING),
            "requires_improvement": self.count(before, Rating.REQUIRES_IMPROVEMENT),
            "inadequate": self.count(before, Rating.INADEQUATE),
            "not_relevant": self.count(before, Rating.NOT_APPLICABLE) + self.count(before, NOT_RATED),
        }


@dataclass
class Movement:
    start: Point
    end: Point
    overall: Matrix
    by_agency: list[tuple[Agency, Matrix]]


def _round_ratings(round_: Section11Round) -> dict[tuple[int, str], str]:
    answers = Section11Answer.objects.filter(section11_return__round=round_).values_list(
        "section11_return__agency_id", "standard__number", "self_rating", "agreed_rating"
    )
    return {(agency, number): agreed or own or NOT_RATED for agency, number, own, agreed in answers}


def round_point(round_: Section11Round) -> Point:
    return Point(f"round:{round_.pk}", round_.name, _round_ratings(round_))


def update_point(update: Section11ProgressUpdate) -> Point:
    ratings = _round_ratings(update.round)
    changes = (
        RatingChange.objects.filter(
            progress_update__round=update.round, progress_update__requested_on__lte=update.requested_on
        )
        .order_by("progress_update__requested_on", "changed_on", "pk")
        .values_list("answer__section11_return__agency_id", "answer__standard__number", "rating")
    )
    for agency, number, rating in changes:
        ratings[(agency, number)] = rating
    return Point(f"update:{update.pk}", f"{update.name} ({update.round})", ratings)


def point_choices(partnership: Partnership) -> list[tuple[str, str]]:
    """Every point that can be compared, oldest first."""
    choices = []
    for round_ in Section11Round.objects.filter(partnership=partnership).order_by("opens_on"):
        choices.append((f"round:{round_.pk}", round_.name))
        for update in round_.progress_updates.order_by("requested_on"):
            choices.append((f"update:{update.pk}", f"{update.name} ({round_.name})"))
    return choices


def load_point(partnership: Partnership, key: str) -> Point | None:
    kind, _, pk = key.partition(":")
    if not pk.isdigit():
        return None
    if kind == "round":
        round_ = Section11Round.objects.filter(partnership=partnership, pk=pk).first()
        return round_point(round_) if round_ else None
    if kind == "update":
        update = Section11ProgressUpdate.objects.filter(round__partnership=partnership, pk=pk).first()
        return update_point(update) if update else None
    return None


def movement(start: Point, end: Point, agencies=None) -> Movement:
    """The transition matrix from ``start`` to ``end``, overall and for each agency (limited to ``agencies``)."""
    by_agency: dict[int, Matrix] = {}
    overall = Matrix()
    allowed = None if agencies is None else {agency.pk for agency in agencies}
    for key in sorted(start.ratings.keys() & end.ratings.keys()):
        agency_id = key[0]
        if allowed is not None and agency_id not in allowed:
            continue
        before, after = start.ratings[key], end.ratings[key]
        overall.add(before, after)
        by_agency.setdefault(agency_id, Matrix()).add(before, after)
    names = Agency.objects.in_bulk(list(by_agency))
    ordered = sorted(by_agency.items(), key=lambda item: names[item[0]].name)
    return Movement(start, end, overall, [(names[pk], matrix) for pk, matrix in ordered])


def export_rows(result: Movement) -> tuple[list[str], list[list]]:
    headers = ["Agency", f"Rating at {result.start.label}", *(f"Now {label}" for _, label in COLUMNS), "Total"]
    rows = []
    for agency_name, matrix in [("All agencies", result.overall), *((str(a), m) for a, m in result.by_agency)]:
        for row in matrix.rows():
            rows.append([agency_name, row["label"], *row["cells"], row["total"]])
    return headers, rows
