from datetime import date

from django.core import mail
from django.core.management import call_command

from assure.actions.services import send_action_reminders
from assure.core.permissions import Role

from .builders import action


def test_owners_of_overdue_actions_are_reminded_at_most_weekly(make_person, police, django_capture_on_commit_callbacks):
    lead = make_person(Role.AGENCY_LEAD, police, email="lead@police.example")
    action(police, due_date=date(2020, 3, 1))
    action(police, due_date=date(2099, 1, 1), text="Not due yet.")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_action_reminders(today=date(2020, 3, 5)) == (1, 0)
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "overdue" in mail.outbox[0].subject.lower()

    assert send_action_reminders(today=date(2020, 3, 9)) == (0, 0)
    assert send_action_reminders(today=date(2020, 3, 12)) == (1, 0)


def test_an_action_28_days_overdue_is_escalated_to_the_business_unit_once(
    admin_user, make_person, police, django_capture_on_commit_callbacks
):
    owner = make_person(Role.AGENCY_LEAD, police)
    record = action(police, due_date=date(2020, 3, 1), owner=owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_action_reminders(today=date(2020, 3, 29)) == (1, 1)
    record.refresh_from_db()
    assert record.escalated_on == date(2020, 3, 29)
    assert admin_user.email in [address for m in mail.outbox for address in m.to]
    assert send_action_reminders(today=date(2020, 4, 6))[1] == 0


def test_the_cron_command_runs_the_reminders(police, make_person, django_capture_on_commit_callbacks):
    make_person(Role.AGENCY_LEAD, police)
    action(police, due_date=date(2020, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_action_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1


def test_reminders_say_which_action_but_not_what_it_says(make_person, police, django_capture_on_commit_callbacks):
    make_person(Role.AGENCY_LEAD, police)
    overdue = action(police, due_date=date(2020, 3, 1), text="Visit Jamie Smith's family with the health visitor.")
    with django_capture_on_commit_callbacks(execute=True):
        send_action_reminders(today=date(2020, 3, 5))
    [message] = mail.outbox
    assert overdue.reference in message.subject and overdue.get_absolute_url() in message.body
    assert "Jamie" not in message.subject + message.body
