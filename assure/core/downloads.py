"""Every file Assure hands out: CSV and Excel downloads, and every other attachment (PDFs, evidence files).

One place writes them so that every download is safe to open and ready for analysis, and so that
each leaves exactly one entry in the access log (who, what, when):

- Text is the only thing escaped. A spreadsheet runs text that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return as a formula, so in Excel such text is a string cell and in a CSV it
  gains a leading apostrophe. Numbers, money and dates stay typed (a negative number is a number).
- Percentages are written as fractions with a percent number format, at the precision shown on
  screen (``Percent``); rates and money keep their decimal places; ``[c]`` stays text.
- An Excel workbook has its header row frozen, its columns sized to their contents, and an
  "About this data" sheet saying what the data is and how it was made (``About``).
"""

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .access import log_access
from .disclosure import small_number_handling
from .models import AccessLogEntry

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ABOUT_SHEET = "About this data"

_NARROWEST, _WIDEST = 8, 60
_DATE_FORMAT, _DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Percent:
    """A percentage as shown on screen: ``points`` (``Decimal("32.7")`` for 32.7 %), already rounded half up.

    Its precision is the number of decimal places ``points`` carries, so the fraction written to
    Excel (0.327, shown as 32.7 %) is exactly what the page shows. A CSV gets the points (32.7).
    """

    points: Decimal

    @property
    def places(self) -> int:
        return max(0, -self.points.as_tuple().exponent)

    @property
    def fraction(self) -> Decimal:
        return self.points.scaleb(-2)

    @property
    def number_format(self) -> str:
        return f"0.{'0' * self.places}%" if self.places else "0%"


@dataclass(frozen=True)
class About:
    """What a download is and how it was made, for the "About this data" sheet.

    ``suppressed`` says whether small counts of children or individuals are hidden (True), shown
    (False, only for those who may see them), or whether the data holds no such counts (None).
    """

    title: str
    figures: str = ""  # published or working figures, and from which run
    suppressed: bool | None = None
    computed_at: datetime | None = None
    sources: Sequence[str] = field(default_factory=tuple)  # the extracts the figures come from
    definitions_url: str = ""

    @property
    def shows_small_numbers(self) -> bool:
        return self.suppressed is False


def requested_format(request) -> str | None:
    """The download format asked for with ``?export=csv|xlsx``, or None for the page itself."""
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None


def table_download(
    request,
    *,
    fmt: str,
    filename: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    about: About,
    record=None,
) -> HttpResponse:
    """A CSV or Excel download of ``rows`` under ``headers``, logged once as an export of ``record`` (or a listing)."""
    rows = [list(row) for row in rows]
    if fmt == "csv":
        content = _csv(headers, rows)
    elif fmt == "xlsx":
        content = _workbook(request, filename, headers, rows, about)
    else:
        raise ValueError(f"unknown download format {fmt!r}; expected one of {', '.join(FORMATS)}")
    small_numbers = "; small numbers shown" if about.shows_small_numbers else ""
    count = f"{len(rows):,} row" if len(rows) == 1 else f"{len(rows):,} rows"
    description = f"{about.title} ({fmt.upper()}, {count}{small_numbers})"
    stamp = timezone.localdate().isoformat()
    return _attachment(
        request,
        HttpResponse(content, content_type=CONTENT_TYPES[fmt]),
        filename=f"{filename}-{stamp}.{fmt}",
        record=record,
        description=description,
    )


def file_download(
    request, *, content: bytes | Any, filename: str, content_type: str, description: str, record=None
) -> HttpResponse:
    """Any other attachment (a PDF drawn for the request, an uploaded evidence file), logged once.

    ``content`` is bytes, or an open file, which is streamed and closed when sent.
    """
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    return _attachment(request, response, filename=filename, record=record, description=description)


def _attachment(request, response: HttpResponse, *, filename: str, record, description: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # A download may hold personal data: no shared or browser cache keeps a copy.
    response["Cache-Control"] = "no-store, private"
    log_access(request, record, AccessLogEntry.Event.EXPORT, description=description)
    return response


# Text ------------------------------------------------------------------------------------------------------------


def _is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _text(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _on_screen(value) -> str:
    """A cell as people read it, for sizing columns and for CSV."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return format(value.points, "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(value)
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


# CSV -------------------------------------------------------------------------------------------------------------


def _csv_field(value) -> str:
    shown = _on_screen(value)
    if isinstance(value, (Percent, Decimal, int, float, date)) and not isinstance(value, bool):
        return shown
    return f"'{shown}" if _is_formula_like(shown) else shown


def _csv(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_field(header) for header in headers])
    writer.writerows([_csv_field(value) for value in row] for row in rows)
    # The byte-order mark tells Excel the file is UTF-8, so names with accents open correctly.
    return buffer.getvalue().encode("utf-8-sig")


# Excel -----------------------------------------------------------------------------------------------------------


def _excel_cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=value.fraction)
        cell.number_format = value.number_format
    elif isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        places = max(0, -value.as_tuple().exponent)
        cell.number_format = f"0.{'0' * places}" if places else "0"
    elif isinstance(value, float):
        cell = WriteOnlyCell(sheet, value=value if math.isfinite(value) else None)
    elif isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
    elif isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = _DATETIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _DATE_FORMAT
    elif value is None:
        cell = WriteOnlyCell(sheet, value=None)
    else:
        cell = _string_cell(sheet, _text(value))
    return cell


def _string_cell(sheet, text: str) -> WriteOnlyCell:
    # Control characters cannot be stored in a workbook; a value read from an upload may hold them.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    # openpyxl takes text starting with "=" for a formula: a string cell is never calculated, and
    # the quote prefix keeps it text when someone edits the cell.
    cell.data_type = "s"
    if _is_formula_like(text):
        cell.quotePrefix = True
    return cell


def _widths(headers, rows) -> list[int]:
    widths = []
    for index, header in enumerate(headers):
        longest = max((len(_on_screen(row[index])) for row in rows if index < len(row)), default=0)
        widths.append(min(_WIDEST, max(_NARROWEST, len(str(header)), longest) + 2))
    return widths


def _sheet_name(filename: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub("-", filename)[:31] or "Data"


def _workbook(request, filename, headers, rows, about: About) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(filename))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_widths(headers, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _string_cell(sheet, str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_excel_cell(sheet, value) for value in row])
    _about_sheet(workbook, request, about, len(rows))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about_sheet(workbook, request, about: About, row_count: int) -> None:
    lines = [
        ("What this is", about.title),
        ("Figures", about.figures),
        ("Small numbers", small_number_handling(about.suppressed)),
        ("Computed", about.computed_at),
        ("From", "; ".join(about.sources)),
        ("Definitions", about.definitions_url),
        ("Rows", row_count),
        ("Downloaded", timezone.now()),
        ("Downloaded by", request.user.get_username()),
    ]
    sheet = workbook.create_sheet(ABOUT_SHEET)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100
    for label, value in lines:
        if value in ("", None):
            continue
        label_cell = _string_cell(sheet, label)
        label_cell.font = Font(bold=True)
        sheet.append([label_cell, _excel_cell(sheet, value)])
