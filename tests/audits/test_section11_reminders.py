"""Reminders go when a round opens, 7 days and 1 working day before its deadline, and the day after, to agencies that
have not submitted; each once, from a daily timer."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from assure.audits import services
from assure.audits.models import Reminder
from assure.core.permissions import Role

from . import builders

# The test round opens on Saturday 1 September 2018 and closes on Friday 14 December 2018.
DAYS = {
    Reminder.OPENED: date(2018, 9, 1),
    Reminder.WEEK_BEFORE: date(2018, 12, 7),
    Reminder.DAY_BEFORE: date(2018, 12, 13),
    Reminder.DAY_AFTER: date(2018, 12, 15),
}


@pytest.fixture
def leads(make_person, police, council):
    return {agency: make_person(Role.AGENCY_LEAD, agency) for agency in (police, council)}


def test_the_reminder_days_of_a_round(partnership, police):
    round_ = builders.section11_round(partnership, [police])
    assert dict(services.reminder_days(round_)) == DAYS


def test_agencies_still_to_submit_are_reminded_once_on_each_day(
    partnership, police, council, leads, django_capture_on_commit_callbacks
):
    round_ = builders.section11_round(partnership, [police, council])
    done = round_.returns.get(agency=council)
    builders.rate_all(done)
    sent = {}
    for kind, day in DAYS.items():
        if kind == Reminder.WEEK_BEFORE:
            builders.submitted(done, today=day)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reminded = services.section11_reminders_send(today=day)
            assert services.section11_reminders_send(today=day) == 0  # a second run that day sends nothing
        sent[kind] = (reminded, sorted(recipient for message in mail.outbox for recipient in message.to))
    police_lead, council_lead = leads[police].email, leads[council].email
    assert sent == {
        Reminder.OPENED: (2, sorted([police_lead, council_lead])),
        Reminder.WEEK_BEFORE: (1, [police_lead]),
        Reminder.DAY_BEFORE: (1, [police_lead]),
        Reminder.DAY_AFTER: (1, [police_lead]),
    }


def test_a_missed_run_sends_only_the_latest_reminder_and_nothing_long_after(
    partnership, police, leads, django_capture_on_commit_callbacks
):
    builders.section11_round(partnership, [police])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.section11_reminders_send(today=date(2018, 12, 10)) == 1
    (message,) = mail.outbox
    assert "due in 7 days" in message.subject
    assert services.section11_reminders_send(today=date(2019, 3, 1)) == 0


def test_the_timer_command_runs_the_reminders(partnership, police, leads):
    out = StringIO()
    call_command("send_section11_reminders", stdout=out)
    assert "Reminded 0 agencies" in out.getvalue()
