"""The LADO's spreadsheet of open cases imports as CSV or Excel: each good row lands whole, each bad row is refused
whole with its row, column, value and what was expected; a file without a required column is refused."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assure.lado.imports import HEADERS
from assure.lado.models import Allegation, AllegationImport, Meeting

GOOD = {
    "Date received": "03/02/2020",
    "Who referred": "Police",
    "Adult's name": "Drew Importer",
    "Adult's date of birth": "1982-04-01",
    "Adult's role": "Swimming teacher",
    "Employer": "Leisure centre",
    "Employment sector": "Sport",
    "Category of abuse": "sexual",
    "Criteria met": "harmed; offence",
    "Date the employer became aware": "2020-01-27",
    "Date of initial consideration": "05/02/2020",
    "Initial consideration decision": "Hold an allegation management meeting",
    "Children's age bands": "11 to 15; 16 or 17",
    "Meeting dates": "10/02/2020; 2020-03-09",
    "Summary": "Messages to two pupils.",
}


def _csv(rows) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(f'"{row.get(h, "")}"' for h in HEADERS) for row in rows]
    return "\n".join(lines).encode("utf-8")


def _upload(client, name, content):
    return client.post(reverse("lado:import"), {"file": SimpleUploadedFile(name, content)})


def test_good_rows_land_and_bad_rows_are_refused_whole(lado_client):
    rows = [
        GOOD,
        {**GOOD, "Adult's name": "Bad Sector", "Employment sector": "Astronautics"},
        {**GOOD, "Adult's name": "Bad Meeting", "Meeting dates": "01/01/2020"},
        {**GOOD, "Adult's name": "", "Date received": "31/02/2020"},
    ]
    response = _upload(lado_client, "cases.csv", _csv(rows))
    result = AllegationImport.objects.get()
    assert response.status_code == 302 and response.url == result.get_absolute_url()
    assert (result.rows_read, result.rows_imported) == (4, 1)
    landed = Allegation.objects.get()
    assert landed.adult_name == "Drew Importer" and landed.referred_late
    assert [child.age_band for child in landed.allegationchild_set.all()] == ["11_to_15", "16_to_17"]
    assert sorted(c.code for c in landed.criteria.all()) == ["harmed", "offence"]
    assert Meeting.objects.filter(allegation=landed).count() == 2
    assert landed.summary == "Messages to two pupils."
    errors = {(e["row"], e["column"]) for e in result.row_errors}
    assert errors == {
        (3, "Employment sector"),
        (4, "Meeting dates"),
        (5, "Adult's name"),
        (5, "Date received"),
    }
    sector = next(e for e in result.row_errors if e["column"] == "Employment sector")
    assert sector["value"] == "Astronautics" and "Education" in sector["expected"]
    page = lado_client.get(result.get_absolute_url()).content.decode()
    assert "1 of 4 cases imported" in page and "Astronautics" in page


def test_an_excel_workbook_imports_the_same(lado_client):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([GOOD.get(header, "") for header in HEADERS])
    content = io.BytesIO()
    workbook.save(content)
    assert _upload(lado_client, "cases.xlsx", content.getvalue()).status_code == 302
    assert Allegation.objects.get().employment_sector == "sport"


def test_a_file_without_a_required_column_is_refused_whole(lado_client):
    content = b"Date received,Adult's name\n03/02/2020,Someone\n"
    response = _upload(lado_client, "cases.csv", content)
    assert response.status_code == 400
    assert "The file has no column “Who referred”" in response.content.decode()
    assert not Allegation.objects.exists() and not AllegationImport.objects.exists()
    assert _upload(lado_client, "cases.pdf", b"%PDF").status_code == 400
