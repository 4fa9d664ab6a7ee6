"""A case note cannot be updated or deleted through any page, the ORM or SQL; a correction is a new note with a
reason, and the original stays."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from assure.lado import services
from assure.lado.models import CaseNote
from tests.lado import builders


@pytest.fixture
def note(lado):
    return services.note_add(case=builders.allegation(lado), text="The headteacher called at 9:15.", by=lado)


def test_the_orm_refuses_to_change_or_delete_a_note(note):
    note.text = "Rewritten"
    with pytest.raises(PermissionError):
        note.save()
    with pytest.raises(PermissionError):
        note.delete()
    with pytest.raises(PermissionError):
        CaseNote.objects.filter(pk=note.pk).update(correction_reason="x")
    with pytest.raises(PermissionError):
        CaseNote.objects.filter(pk=note.pk).delete()
    assert CaseNote.objects.get(pk=note.pk).text == "The headteacher called at 9:15."


@pytest.mark.parametrize(
    "statement",
    ["UPDATE lado_casenote SET text_sealed = 'x' WHERE id = %s", "DELETE FROM lado_casenote WHERE id = %s"],
)
def test_the_database_refuses_to_change_or_delete_a_note(note, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [note.pk])
    assert CaseNote.objects.get(pk=note.pk).text == "The headteacher called at 9:15."


def test_no_page_changes_a_note_and_a_correction_keeps_the_original(lado_client, note):
    case = note.allegation
    correct = reverse("lado:note-correct", args=[note.pk])
    response = lado_client.post(correct, {"text": "The headteacher called at 9:50."})
    assert response.status_code == 400
    assert "Enter why the note needs correcting" in response.content.decode()
    assert (
        lado_client.post(correct, {"text": "The headteacher called at 9:50.", "reason": "Wrong time"}).status_code
        == 302
    )
    notes = list(case.notes.all())
    assert [n.text for n in notes] == ["The headteacher called at 9:15.", "The headteacher called at 9:50."]
    assert notes[1].corrects == notes[0] and notes[1].correction_reason == "Wrong time"
    page = lado_client.get(case.get_absolute_url()).content.decode()
    assert "Corrects the note of" in page and "Wrong time" in page
