"""No email about LADO work carries an adult's name or a child's reference: a neutral subject and a link only."""

from datetime import date, timedelta

from django.core import mail
from django.utils import timezone

from assure.core.models import RoleAssignment
from assure.core.permissions import Role
from assure.core.record_grants import record_grant_create
from assure.lado import services
from assure.lado.models import Meeting
from tests.lado import builders


def _all_mail() -> str:
    return " ".join(f"{message.subject} {message.body}" for message in mail.outbox)


def test_reminders_and_shares_name_no_adult_and_no_child(
    lado, make_person, council, police, django_capture_on_commit_callbacks
):
    second_lado = make_person(Role.LADO, council, full_name="Second Designated")
    case = builders.allegation(lado)
    Meeting.objects.create(allegation=case, held_on=date(2020, 2, 3), follow_up_on=date(2020, 3, 2))
    officer = make_person(Role.AGENCY_LEAD, police)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_follow_up_reminders(today=date(2020, 3, 3)) == 1
        record_grant_create(
            record=case,
            grantee=officer,
            reason="Police liaison",
            expires_on=timezone.localdate() + timedelta(days=2),
            by=lado,
        )
    assert {address for message in mail.outbox for address in message.to} == {
        lado.email,
        second_lado.email,
        officer.email,
    }
    text = _all_mail()
    child = case.allegationchild_set.get().reference
    for clue in (builders.ADULT_NAME, "Quillfeather", child, case.reference, "Elmdon", "pushed"):
        assert clue not in text
    assert case.get_absolute_url() in text


def test_a_reminder_goes_once_per_meeting_and_only_to_the_named_lados_of_a_restricted_case(
    lado, make_person, council, django_capture_on_commit_callbacks
):
    other_lado = make_person(Role.LADO, council, full_name="Other Designated")
    case = builders.allegation(lado, restricted=True)
    Meeting.objects.create(allegation=case, held_on=date(2020, 2, 3), follow_up_on=date(2020, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_follow_up_reminders(today=date(2020, 3, 2)) == 0, "not before the date has passed"
        assert services.meeting_follow_up_reminders(today=date(2020, 3, 3)) == 1
        assert services.meeting_follow_up_reminders(today=date(2020, 3, 4)) == 0
    assert [message.to for message in mail.outbox] == [[lado.email]]
    assert other_lado.email not in _all_mail()
    RoleAssignment.objects.filter(user=lado).update(ended_on=date(2020, 1, 1))
