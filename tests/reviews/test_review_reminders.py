"""Reminders of review deadlines: two working days before each, and on the first day it is missed; never twice; a
neutral subject and a link only, so no email names a child, a case or its reference."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from assure.core.permissions import Role
from assure.reviews import services
from assure.reviews.clocks import rapid_review_due
from assure.reviews.models import Child, ClockReminder, Incident
from tests.core.records import person

from . import builders


@pytest.fixture
def panel(police):
    return builders.panel_member(police)


def _sent(partnership, today, capture) -> list:
    with capture(execute=True):
        services.send_clock_reminders(partnership=partnership, today=today)
    messages, mail.outbox = list(mail.outbox), []
    return messages


def test_the_panel_is_reminded_before_a_deadline_and_on_the_day_it_is_missed(
    partnership, panel, django_capture_on_commit_callbacks
):
    rapid_review = builders.notified(partnership, panel, notified_on=date(2020, 4, 30))
    assert rapid_review_due(date(2020, 4, 30)) == date(2020, 5, 22)
    assert _sent(partnership, date(2020, 5, 19), django_capture_on_commit_callbacks) == []
    before = _sent(partnership, date(2020, 5, 20), django_capture_on_commit_callbacks)
    assert [(m.to, m.subject) for m in before] == [([panel.email], "[Assure] A case review deadline is coming up")]
    assert _sent(partnership, date(2020, 5, 21), django_capture_on_commit_callbacks) == [], "never twice"
    assert _sent(partnership, date(2020, 5, 22), django_capture_on_commit_callbacks) == [], "due today is not missed"
    missed = _sent(partnership, date(2020, 5, 26), django_capture_on_commit_callbacks)
    assert [m.subject for m in missed] == ["[Assure] A case review deadline has been missed"]
    assert rapid_review.get_absolute_url() in missed[0].body
    assert ClockReminder.objects.count() == 2


def test_no_reminder_names_a_child_or_a_case(partnership, panel, police, django_capture_on_commit_callbacks):
    rapid_review = builders.notified(partnership, panel, notified_on=date(2020, 4, 30))
    waiting = builders.incident(partnership, aware_on=date(2020, 5, 14))
    services.information_request_send(
        rapid_review=rapid_review,
        agency=police,
        asked_for="A chronology.",
        sent_on=date(2020, 5, 1),
        due_on=date(2020, 5, 11),
        by=panel,
    )
    lead = person(Role.AGENCY_LEAD, police)
    mail.outbox = []
    messages = []
    for day in (date(2020, 5, 7), date(2020, 5, 12), date(2020, 5, 20), date(2020, 5, 26)):
        messages += _sent(partnership, day, django_capture_on_commit_callbacks)
    assert len(messages) >= 5
    clues = [builders.CHILD_NAME, *Child.objects.values_list("reference", flat=True)]
    clues += [*Incident.objects.values_list("reference", flat=True), rapid_review.reference, waiting.reference]
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        assert not [clue for clue in clues if clue in text], text
    told = {address for message in messages for address in message.to}
    assert lead.email in told, "the agency asked for information is reminded too"


def test_the_command_reminds_of_todays_deadlines(partnership, panel, django_capture_on_commit_callbacks):
    builders.incident(partnership)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", stdout=open("/dev/null", "w"))
    assert [m.subject for m in mail.outbox] == ["[Assure] A case review deadline has been missed"]
