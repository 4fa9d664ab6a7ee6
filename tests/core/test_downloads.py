"""core.downloads: typed cells, text that cannot run as a formula, an About sheet, one access-log entry each."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from assure.core.downloads import ABOUT_SHEET, About, Percent, file_download, table_download
from assure.core.models import AccessLogEntry

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def download_request(admin_user):
    request = RequestFactory().get("/somewhere/", {"export": "xlsx"})
    request.user = admin_user
    return request


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def data_sheet(response):
    return workbook(response).worksheets[0]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


TEST_FIGURES = About(title="Test figures")


def download(request, fmt, rows, headers=("Value",), about=TEST_FIGURES):
    return table_download(request, fmt=fmt, filename="test", headers=list(headers), rows=rows, about=about)


def test_text_that_a_spreadsheet_would_run_is_a_string_cell_and_an_apostrophed_csv_field(download_request):
    texts = [f"{start}1+2" for start in ("=", "+", "-", "@", "\t", "\r")]
    rows = [[text] for text in texts]
    cells = [row[0] for row in data_sheet(download(download_request, "xlsx", rows)).iter_rows(min_row=2)]
    # XML reads a carriage return back as a line feed; what matters is that each cell is text.
    assert [(c.value.replace("\n", "\r"), c.data_type, c.quotePrefix) for c in cells] == [
        (text, "s", True) for text in texts
    ]
    assert csv_rows(download(download_request, "csv", rows))[1:] == [[f"'{text}"] for text in texts]


def test_a_hyperlink_formula_stays_text_in_both_formats(download_request):
    cell = data_sheet(download(download_request, "xlsx", [[FORMULA]]))["A2"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    assert csv_rows(download(download_request, "csv", [[FORMULA]]))[1] == [f"'{FORMULA}"]


def test_only_text_is_escaped_numbers_and_dates_stay_typed(download_request):
    row = [-5, -2.5, Decimal("-1250.00"), date(2020, 3, 31), "Safe text", "[c]"]
    cells = list(data_sheet(download(download_request, "xlsx", [row], headers="ABCDEF")).iter_rows(min_row=2))[0]
    assert [c.data_type for c in cells] == ["n", "n", "n", "d", "s", "s"]
    assert [c.value for c in cells[:3]] == [-5, -2.5, -1250]
    assert cells[2].number_format == "0.00"
    assert cells[3].value == datetime(2020, 3, 31) and cells[3].number_format == "yyyy-mm-dd"
    assert cells[5].value == "[c]"
    assert csv_rows(download(download_request, "csv", [row], headers="ABCDEF"))[1] == [
        "-5",
        "-2.5",
        "-1250.00",
        "2020-03-31",
        "Safe text",
        "[c]",
    ]


def test_times_are_written_as_local_time(download_request, settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime(2020, 6, 1, 8, 30, tzinfo=ZoneInfo("UTC"))
    cell = data_sheet(download(download_request, "xlsx", [[moment]]))["A2"]
    assert (cell.value, cell.number_format) == (datetime(2020, 6, 1, 9, 30), "yyyy-mm-dd hh:mm")
    assert csv_rows(download(download_request, "csv", [[moment]]))[1] == ["2020-06-01 09:30"]


@pytest.mark.parametrize(
    ("points", "fraction", "number_format", "in_csv"),
    [
        (Decimal("32.7"), Decimal("0.327"), "0.0%", "32.7"),
        (Decimal("45"), Decimal("0.45"), "0%", "45"),
        (Decimal("100.0"), Decimal("1"), "0.0%", "100.0"),
    ],
)
def test_percentages_are_fractions_at_the_precision_shown(download_request, points, fraction, number_format, in_csv):
    cell = data_sheet(download(download_request, "xlsx", [[Percent(points)]]))["A2"]
    assert cell.data_type == "n" and Decimal(str(cell.value)) == fraction
    assert cell.number_format == number_format
    assert csv_rows(download(download_request, "csv", [[Percent(points)]]))[1] == [in_csv]


def test_yes_no_and_empty_cells_read_as_people_say_them(download_request):
    row = [True, False, None]
    cells = list(data_sheet(download(download_request, "xlsx", [row], headers="ABC")).iter_rows(min_row=2))[0]
    assert [c.value for c in cells] == ["Yes", "No", None]
    assert csv_rows(download(download_request, "csv", [row], headers="ABC"))[1] == ["Yes", "No", ""]


def test_control_characters_from_an_upload_do_not_break_the_workbook(download_request):
    cell = data_sheet(download(download_request, "xlsx", [["bad\x00value\x07"]]))["A2"]
    assert cell.value == "badvalue"


def test_the_header_row_is_frozen_and_columns_are_sized_to_their_contents(download_request):
    rows = [["A fairly long piece of text in the first column", 7]]
    sheet = data_sheet(download(download_request, "xlsx", rows, headers=("Text", "Number")))
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width == len(rows[0][0]) + 2
    assert sheet.column_dimensions["B"].width == 8 + 2


def test_the_about_sheet_says_what_the_data_is_and_how_it_was_made(download_request, admin_user):
    about = About(
        title="Child protection, 2019-20",
        figures="Published figures, from the indicator run of 12 May 2020 09:00",
        suppressed=True,
        computed_at=datetime(2020, 5, 12, 9, 0, tzinfo=ZoneInfo("Europe/London")),
        sources=["annex-a-2020.zip", "cin-2020.xml"],
        definitions_url="https://assure.example/performance/areas/child-protection/",
    )
    book = workbook(download(download_request, "xlsx", [[1], [2]], about=about))
    assert book.sheetnames[1] == ABOUT_SHEET
    lines = {label: value for label, value in book[ABOUT_SHEET].iter_rows(values_only=True)}
    assert lines["What this is"] == "Child protection, 2019-20"
    assert lines["Figures"] == "Published figures, from the indicator run of 12 May 2020 09:00"
    assert lines["Small numbers"].startswith("Counts of children or individuals from 1 to 4 are shown as [c]")
    assert lines["Computed"] == datetime(2020, 5, 12, 9, 0)
    assert lines["From"] == "annex-a-2020.zip; cin-2020.xml"
    assert lines["Definitions"] == "https://assure.example/performance/areas/child-protection/"
    assert lines["Rows"] == 2
    assert lines["Downloaded by"] == admin_user.get_username()


def test_a_list_without_counts_of_children_says_nothing_about_small_numbers(download_request):
    lines = dict(workbook(download(download_request, "xlsx", [[1]]))[ABOUT_SHEET].iter_rows(values_only=True))
    assert "Small numbers" not in lines and lines["What this is"] == "Test figures"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_download_writes_exactly_one_access_log_entry(download_request, admin_user, fmt):
    response = download(download_request, fmt, [[1], [2], [3]])
    [entry] = AccessLogEntry.objects.all()
    assert (entry.user, entry.event) == (admin_user, AccessLogEntry.Event.EXPORT)
    assert entry.object_repr == f"Test figures ({fmt.upper()}, 3 rows)"
    assert response["Content-Disposition"].startswith('attachment; filename="test-')
    assert response["Cache-Control"] == "no-store, private"


def test_a_download_showing_small_numbers_says_so_in_the_log(download_request):
    download(download_request, "csv", [[1]], about=About(title="Child protection", suppressed=False))
    assert AccessLogEntry.objects.get().object_repr == "Child protection (CSV, 1 row; small numbers shown)"


def test_any_other_attachment_is_logged_once_against_its_record(download_request, admin_user, police):
    response = file_download(
        download_request,
        content=b"%PDF-1.7",
        filename="Évidence “final”.pdf",
        content_type="application/pdf",
        description="Invoice for Test Police",
        record=police,
    )
    [entry] = AccessLogEntry.objects.all()
    assert (entry.record_type, entry.object_id, entry.object_repr) == (
        "core.Agency",
        str(police.pk),
        "Invoice for Test Police",
    )
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response.content == b"%PDF-1.7"


def test_an_unknown_format_is_refused(download_request):
    with pytest.raises(ValueError, match="expected one of csv, xlsx"):
        download(download_request, "ods", [[1]])
    assert not AccessLogEntry.objects.exists()


# Ways of writing a file that bypass the download path: its formula escaping, its typed cells and its access log.
OTHER_WAYS = (
    "FileResponse",
    "Content-Disposition",
    "content_disposition_header",
    "as_attachment",
    "csv.writer",
    "Workbook(",
)


def test_no_module_but_core_downloads_writes_an_attachment():
    package = Path(__file__).resolve().parents[2] / "assure"
    found = [
        f"{path.relative_to(package)}: {way}"
        for path in package.rglob("*.py")
        # The access log reads the header to leave attachments to core.downloads; it writes none.
        if path not in (package / "core" / "downloads.py", package / "core" / "access.py")
        and "migrations" not in path.parts
        for way in OTHER_WAYS
        if way in path.read_text()
    ]
    assert found == []
