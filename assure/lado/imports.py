"""Reading the LADO's spreadsheet of open cases (CSV or Excel) into rows to land, each with its own faults.

A structural fault — not a CSV or Excel file, a required column missing, too many rows — refuses the file. A fault in
a row (a missing value, an unknown sector, a date that is not a date) refuses that row only, listing the row, the
column, the value and what was expected; the other rows land (``services.allegations_import``), each whole or not
at all.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from .models import AbuseCategory, AgeBand, Criterion, EmploymentSector, InitialDecision, ReferrerKind

MAX_ROWS = 5_000
MAX_COLUMNS = 60
LIST_SEPARATOR = ";"
DATE_EXPECTED = "a date such as 27/03/2020 or 2020-03-27"
OPEN_DECISIONS = [InitialDecision.MEETING, InitialDecision.EMPLOYER]


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: str  # text, date, choice, choices, dates, criteria
    required: bool = False
    choices: tuple = ()


COLUMNS = (
    Column("Date received", "received_on", "date", required=True),
    Column("Who referred", "referrer_kind", "choice", required=True, choices=tuple(ReferrerKind)),
    Column("Referrer's role", "referrer_role", "text"),
    Column("Adult's name", "adult_name", "text", required=True),
    Column("Adult's date of birth", "adult_date_of_birth", "date"),
    Column("Adult's role", "adult_role", "text", required=True),
    Column("Employer", "employer", "text", required=True),
    Column("Employment sector", "employment_sector", "choice", required=True, choices=tuple(EmploymentSector)),
    Column("Other roles with children", "other_roles", "text"),
    Column("Category of abuse", "abuse_category", "choice", required=True, choices=tuple(AbuseCategory)),
    Column("Criteria met", "criteria", "criteria"),
    Column("Date the employer became aware", "employer_aware_on", "date"),
    Column("Date of initial consideration", "initial_consideration_on", "date"),
    Column("Initial consideration decision", "initial_decision", "choice", choices=tuple(OPEN_DECISIONS)),
    Column("Children's age bands", "age_bands", "choices", required=True, choices=tuple(AgeBand)),
    Column("Meeting dates", "meeting_dates", "dates"),
    Column("Summary", "summary", "text"),
)
HEADERS = [column.header for column in COLUMNS]


@dataclass(frozen=True)
class CellError:
    sheet: str | None
    row: int
    column: str
    value: str
    expected: str

    def as_dict(self, file: str) -> dict:
        return {
            "file": file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


@dataclass
class CaseRow:
    number: int
    sheet: str | None
    raw: dict[str, str]
    fields: dict = field(default_factory=dict)
    criteria: list[str] = field(default_factory=list)
    summary: str = ""
    age_bands: list[str] = field(default_factory=list)
    meeting_dates: list[date] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    def refusals(self, error: ValidationError) -> list[CellError]:
        """A model's refusal of the row, as errors in the columns that hold the fields it names."""
        by_field = {column.field: column.header for column in COLUMNS}
        by_field["child_age_band"] = "Children's age bands"
        by_field["held_on"] = "Meeting dates"
        found = []
        for name, messages in error.message_dict.items():
            header = by_field.get(name, "")
            for message in messages:
                found.append(CellError(self.sheet, self.number, header, self.raw.get(header, ""), message))
        return found


def _labelled(choices) -> str:
    return "one of: " + ", ".join(str(choice.label) for choice in choices)


def _choice(text: str, choices) -> str | None:
    wanted = text.strip().lower()
    for choice in choices:
        if wanted in (str(choice.value).lower(), str(choice.label).lower()):
            return choice.value
    return None


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _criteria_lookup() -> dict[str, str]:
    lookup = {}
    for criterion in Criterion.objects.all():
        lookup[criterion.code.lower()] = criterion.code
        lookup[criterion.text.lower()] = criterion.code
    return lookup


def _read_cell(row: CaseRow, column: Column, value, criteria: dict[str, str]) -> None:
    text = "" if value is None else (value.isoformat() if isinstance(value, (date, datetime)) else str(value).strip())
    row.raw[column.header] = text

    def refuse(expected: str) -> None:
        row.errors.append(CellError(row.sheet, row.number, column.header, text, expected))

    if not text:
        if column.required:
            refuse("a value (required)")
        elif column.parse == "text" and column.field != "summary":
            row.fields[column.field] = ""
        return
    if column.parse == "text":
        if column.field == "summary":
            row.summary = text
        else:
            row.fields[column.field] = text
    elif column.parse == "date":
        day = _date(value)
        if day is None:
            refuse(DATE_EXPECTED)
        else:
            row.fields[column.field] = day
    elif column.parse == "choice":
        chosen = _choice(text, column.choices)
        if chosen is None:
            refuse(_labelled(column.choices))
        else:
            row.fields[column.field] = chosen
    elif column.parse == "choices":
        bands = [_choice(part, column.choices) for part in text.split(LIST_SEPARATOR) if part.strip()]
        if not bands or None in bands:
            refuse(f"{_labelled(column.choices)}; several separated by “{LIST_SEPARATOR}”")
        else:
            row.age_bands = bands
    elif column.parse == "dates":
        days = [_date(part) for part in text.split(LIST_SEPARATOR) if part.strip()]
        if None in days:
            refuse(f"{DATE_EXPECTED}; several separated by “{LIST_SEPARATOR}”")
        else:
            row.meeting_dates = days
    elif column.parse == "criteria":
        codes = [criteria.get(part.strip().lower()) for part in text.split(LIST_SEPARATOR) if part.strip()]
        if None in codes:
            refuse(
                f"criteria by code ({', '.join(sorted(set(criteria.values())))}); several separated by “{LIST_SEPARATOR}”"
            )
        else:
            row.criteria = codes


def _rows_of(header: list, body, sheet: str | None) -> list[CaseRow]:
    names = [str(cell or "").strip().lower() for cell in header[:MAX_COLUMNS]]
    missing = [column.header for column in COLUMNS if column.required and column.header.lower() not in names]
    if missing:
        raise ValidationError(
            f"The file has no column “{missing[0]}”. The first row must name the columns: {', '.join(HEADERS)} "
            f"(only {', '.join(c.header for c in COLUMNS if c.required)} are required)."
        )
    positions = {
        column.header: names.index(column.header.lower()) for column in COLUMNS if column.header.lower() in names
    }
    criteria = _criteria_lookup()
    rows = []
    for number, values in body:
        values = list(values)[:MAX_COLUMNS]
        if not any(str(value or "").strip() for value in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(f"The file has more than {MAX_ROWS:,} cases. Split it into smaller files.")
        row = CaseRow(number=number, sheet=sheet, raw={})
        for column in COLUMNS:
            position = positions.get(column.header)
            _read_cell(
                row, column, values[position] if position is not None and position < len(values) else None, criteria
            )
        if "other_roles" in row.fields:
            row.fields["works_with_children_elsewhere"] = bool(row.fields["other_roles"])
        rows.append(row)
    return rows


def read_cases(content: bytes, file_name: str) -> list[CaseRow]:
    """The rows of a CSV or Excel (.xlsx) file, each parsed, with its faults."""
    if file_name.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:
            raise ValidationError(
                "The file is not an Excel workbook that can be read. Save it as .xlsx or CSV."
            ) from error
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(lines, None) or []
        rows = _rows_of(list(header), ((number, values) for number, values in enumerate(lines, start=2)), sheet.title)
        workbook.close()
        return rows
    if not file_name.lower().endswith(".csv"):
        raise ValidationError("Choose a CSV file (.csv) or an Excel workbook (.xlsx).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    lines = csv.reader(io.StringIO(text))
    header = next(lines, None) or []
    return _rows_of(header, ((number, values) for number, values in enumerate(lines, start=2)), None)
