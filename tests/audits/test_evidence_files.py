from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.audits.models import EvidenceFile
from assure.core.evidence_files import MAX_EVIDENCE_BYTES
from assure.core.models import AccessLogEntry, AuditEntry
from assure.core.permissions import Role

from . import builders


def upload(client, answer, name, content):
    return client.post(
        reverse("audits:section11-evidence-upload", args=[answer.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def test_it_stores_a_real_pdf_and_serves_it_only_to_permitted_people(client, make_person, police, council, tmp_path):
    answer = builders.answer(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert upload(client, answer, "Safeguarding policy.pdf", builders.PDF_BYTES).status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "Safeguarding policy.pdf" and evidence.size == len(builders.PDF_BYTES)
    assert "Safeguarding policy" not in evidence.file.name  # stored under a random name
    assert len(stored_files(tmp_path)) == 1

    response = client.get(evidence.get_absolute_url())
    assert b"".join(response.streaming_content) == builders.PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert AccessLogEntry.objects.filter(record_type="audits.EvidenceFile", object_id=str(evidence.pk)).exists()

    client.force_login(make_person(Role.AGENCY_LEAD, council))
    assert client.get(evidence.get_absolute_url()).status_code == 404


def stored_files(tmp_path):
    """Files in this test's upload folder (tests/conftest.py points the default storage there)."""
    return [path for path in (tmp_path / "var" / "uploads").rglob("*") if path.is_file()]


def test_it_refuses_an_evidence_file_over_the_limit(client, make_person, police, tmp_path):
    answer = builders.answer(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = upload(client, answer, "big.pdf", builders.PDF_BYTES + b"0" * MAX_EVIDENCE_BYTES)
    assert response.status_code == 400
    assert "The selected file must be smaller than 10.0" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(tmp_path) == []


def test_it_refuses_a_program_renamed_as_a_pdf(client, make_person, police, tmp_path):
    answer = builders.answer(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = upload(client, answer, "policy.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "is not a real PDF" in page
    assert not EvidenceFile.objects.exists()
    assert stored_files(tmp_path) == []


def test_it_refuses_a_forbidden_file_type(client, make_person, police):
    answer = builders.answer(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = upload(client, answer, "tool.exe", b"MZ\x90\x00")
    assert response.status_code == 400
    assert "must be a PDF, Word, Excel" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_evidence_cannot_be_added_to_a_submitted_return(client, make_person, police):
    answer = builders.answer(police)
    answer.section11_return.status = "submitted"
    answer.section11_return.save()
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = upload(client, answer, "policy.pdf", builders.PDF_BYTES)
    assert response.status_code == 400
    assert "submitted and is locked" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_lead_removes_a_file_uploaded_by_mistake_while_the_return_is_open(
    client, make_person, police, council, tmp_path, django_capture_on_commit_callbacks
):
    answer = builders.answer(police)
    police_lead = make_person(Role.AGENCY_LEAD, police)
    client.force_login(police_lead)
    upload(client, answer, "wrong.pdf", builders.PDF_BYTES)
    evidence = EvidenceFile.objects.get()

    client.force_login(make_person(Role.AGENCY_LEAD, council))
    assert client.post(reverse("audits:section11-evidence-remove", args=[evidence.pk])).status_code == 404

    client.force_login(police_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audits:section11-evidence-remove", args=[evidence.pk]))
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()
    assert stored_files(tmp_path) == []
    assert AuditEntry.objects.filter(record_type="audits.EvidenceFile", action="delete").exists()
