"""The DfE rule failures of an extract's files: by rule code and message, with the pseudonymised child and the
field, filterable by rule and downloadable."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.core.permissions import Role

from .web_extracts import text_of, upload

CENSUS_2024 = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "cin-census" / "CIN_Census_2024.xml"


@pytest.fixture
def analyst_client(client, make_person, council):
    client.force_login(make_person(Role.ANALYST, council))
    return client


def test_an_extracts_dfe_rule_failures_are_listed_by_rule_filtered_and_downloaded(
    analyst_client, django_capture_on_commit_callbacks
):
    census = SimpleUploadedFile(CENSUS_2024.name, CENSUS_2024.read_bytes(), content_type="application/xml")
    extract = upload(analyst_client, [census], django_capture_on_commit_callbacks)
    url = reverse("performance:dfe-failures")

    page = text_of(analyst_client.get(url, {"extract": extract.pk, "rule": "8608"}))
    assert "Assessment Start Date cannot be later than its End Date" in page
    assert "AssessmentActualStartDate" in page and "DfEX0000001" not in page

    download = analyst_client.get(url, {"extract": extract.pk, "rule": "8608", "export": "csv"})
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Source,Rule,Message,Child,Field")
    assert len(lines) >= 2 and all(",8608," in line for line in lines[1:])
    assert "DfEX0000001" not in download.content.decode("utf-8-sig")
