"""Disposal destroys the case's key: its narrative, meeting decisions and notes can never be read again, the adult's
details are cleared, and a tombstone is left that still counts in the year's figures."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.core.models import AuditEntry
from assure.lado import services
from assure.lado.models import CaseKey, CaseNote, Meeting
from assure.lado.sealing import DISPOSED
from assure.lado.selectors import year_figures
from tests.lado import builders


def test_disposal_needs_a_confirmation_and_leaves_a_tombstone(lado, lado_client):
    case = builders.concluded(lado, received_on=date(2019, 6, 3), outcome_on=date(2019, 7, 1))
    meeting = Meeting(allegation=case, held_on=date(2019, 6, 10))
    meeting.decisions = "Suspend while the police investigate."
    meeting.save()
    services.note_add(case=case, text="Called the school.", by=lado)
    stored_note = CaseNote.objects.get().text_sealed
    assert "Called" not in stored_note, "notes are stored sealed"
    assert builders.SUMMARY not in case.summary_sealed
    before = year_figures(case.partnership, 2019)

    dispose = reverse("lado:allegation-dispose", args=[case.pk])
    assert lado_client.post(dispose, {"reason": services.DisposalReason.COURT_ORDER}).status_code == 400
    case.refresh_from_db()
    assert case.disposed_on is None
    assert (
        lado_client.post(dispose, {"reason": services.DisposalReason.COURT_ORDER, "confirm": "on"}).status_code == 302
    )

    case.refresh_from_db()
    assert case.disposed_on is not None and not CaseKey.objects.exists()
    assert case.summary == DISPOSED and Meeting.objects.get().decisions == DISPOSED
    assert CaseNote.objects.get().text == DISPOSED and CaseNote.objects.get().text_sealed == stored_note
    assert case.adult_name == "Disposed of" and case.adult_date_of_birth is None and case.employer == ""
    assert year_figures(case.partnership, 2019) == before
    page = lado_client.get(case.get_absolute_url()).content.decode()
    assert "Disposed of on" in page and builders.ADULT_NAME not in page
    assert lado_client.get(reverse("lado:allegation-edit", args=[case.pk])).status_code == 404
    # The trail never held the adult's details or the narrative, only that they changed.
    written = " ".join(str(entry.changes) for entry in AuditEntry.objects.filter(record_type__startswith="lado."))
    assert builders.ADULT_NAME not in written and "Called the school" not in written


def test_disposing_of_a_case_disposes_of_the_consultation_it_came_from(lado, lado_client):
    consultation = builders.consultation(lado, received_on=date(2019, 6, 1))
    case = builders.allegation(lado, received_on=date(2019, 6, 3))
    consultation.referred_as = case
    consultation.save()
    services.note_add(case=consultation, text="Called the school.", by=lado)

    services.allegation_dispose(allegation=case, reason=services.DisposalReason.COURT_ORDER, by=lado)

    consultation.refresh_from_db()
    assert consultation.disposed_on is not None and consultation.case_key is None
    assert consultation.adult_name == "Disposed of" and consultation.concern == DISPOSED
    assert lado_client.get(reverse("lado:consultation-edit", args=[consultation.pk])).status_code == 404
    assert lado_client.get(reverse("lado:consultation-note-add", args=[consultation.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.note_add(case=consultation, text="More.", by=lado)
    consultation.refresh_from_db()
    assert consultation.case_key is None, "a disposed consultation never gets a new key"
