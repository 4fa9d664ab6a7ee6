import io

from django.urls import reverse
from openpyxl import load_workbook

from assure.core.permissions import Role


def test_the_agency_list_downloads_as_csv_with_the_rows_on_screen(admin_client, police, council):
    response = admin_client.get(reverse("core:agency-list"), {"export": "csv", "sector": "police"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == ["Agency,Sector,Type,Status", "Test Police,Police,Safeguarding partner,Active"]


def test_the_agency_list_downloads_as_excel(admin_client, police, council):
    response = admin_client.get(reverse("core:agency-list"), {"export": "xlsx", "sort": "-name"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Agency", "Test Police", "Test Council"]


def test_exporting_needs_the_export_permission(client, make_person, council):
    client.force_login(make_person(Role.PRACTITIONER, council))
    assert client.get(reverse("core:agency-list")).status_code == 200
    assert client.get(reverse("core:agency-list"), {"export": "csv"}).status_code == 403


def test_search_and_pagination(admin_client, partnership):
    from assure.core.models import Agency

    for number in range(30):
        Agency.objects.create(partnership=partnership, name=f"School {number:02d}", sector="education")
    first = admin_client.get(reverse("core:agency-list"), {"q": "school"})
    assert first.context["table"].page.paginator.count == 30
    assert len(list(first.context["table"].rows())) == 25
    second = admin_client.get(reverse("core:agency-list"), {"q": "school", "page": 2})
    assert [row[0]["value"] for row in second.context["table"].rows()] == [
        "School 25",
        "School 26",
        "School 27",
        "School 28",
        "School 29",
    ]


def test_dates_show_as_people_write_them_and_download_as_iso(admin_client, police):
    from assure.core.models import AuditEntry

    entry = AuditEntry.objects.first()
    on_screen = admin_client.get(reverse("core:audit-trail")).context["table"]
    first_row = next(on_screen.rows())
    from django.utils import timezone

    assert first_row[0]["value"] == timezone.localtime(entry.at).strftime("%-d %b %Y %H:%M")
    download = admin_client.get(reverse("core:audit-trail"), {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    assert download[1].startswith(timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M"))
