"""Text that someone typed or uploaded never reaches a download as a live formula (issue 8, finding 3).

``=HYPERLINK("http://x","y")`` put into an action's text, a person's name and a value in an uploaded
file comes back as a string cell in Excel and as an apostrophe-prefixed field in CSV, in the action
register, people, audit-trail and row-error downloads.
"""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assure.core.permissions import Role
from tests.actions.builders import action
from tests.performance.web_extracts import upload

FORMULA = '=HYPERLINK("http://x","y")'


def formula_cells(response) -> list:
    """Every Excel cell, on any sheet, whose text holds the formula."""
    book = load_workbook(io.BytesIO(response.content))
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]


def formula_fields(response) -> list[str]:
    """Every CSV field whose text holds the formula."""
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return [field for row in rows for field in row if "HYPERLINK" in field]


def assert_safe(client, url, params=None, *, leading=True):
    """The typed text comes back as text; ``leading``: some cell begins with it (the audit trail puts it mid-sentence)."""
    excel = client.get(url, {**(params or {}), "export": "xlsx"})
    cells = formula_cells(excel)
    assert cells, "the download holds the typed text"
    assert all(cell.data_type == "s" for cell in cells), [(c.coordinate, c.data_type) for c in cells]
    assert not leading or any(cell.value.startswith(FORMULA) for cell in cells)

    fields = formula_fields(client.get(url, {**(params or {}), "export": "csv"}))
    assert fields, "the download holds the typed text"
    # A field holding the text further in (“Test Police (=HYPERLINK…)”) is not a formula; one starting with it is escaped.
    assert all(field.startswith(f"'{FORMULA}") or not field.startswith("=") for field in fields), fields
    assert not leading or any(field.startswith(f"'{FORMULA}") for field in fields)


def test_an_actions_text_in_the_action_register(admin_client, police):
    action(police, text=FORMULA)
    assert_safe(admin_client, reverse("actions:action-list"))


def test_a_persons_name_in_the_people_list_and_the_audit_trail(admin_client, make_person, police):
    make_person(Role.PRACTITIONER, police, full_name=FORMULA)
    assert_safe(admin_client, reverse("core:person-list"))
    assert_safe(admin_client, reverse("core:audit-trail"), leading=False)


@pytest.fixture
def analyst_client(client, make_person, council):
    client.force_login(make_person(Role.ANALYST, council))
    return client


def test_a_value_in_an_uploaded_file_in_the_row_error_report(analyst_client, django_capture_on_commit_callbacks):
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Date of Referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
        ]
    )
    writer.writerow(["CHILD-1", "a) Male", "WBRI", "01/02/2012", "7", "03/06/2019", "6", "b) No", "1"])
    writer.writerow(["CHILD-2", "b) Female", "WBRI", "05/05/2015", "4", FORMULA, "6", "b) No", "1"])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("list3.csv", lines.getvalue())
    extract = upload(
        analyst_client,
        [SimpleUploadedFile("annex-a.zip", archive.getvalue(), content_type="application/zip")],
        django_capture_on_commit_callbacks,
    )
    assert [error["value"] for error in extract.row_errors] == [FORMULA]
    assert_safe(analyst_client, extract.get_absolute_url())
