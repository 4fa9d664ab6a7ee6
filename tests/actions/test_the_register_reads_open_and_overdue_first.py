"""The register's defaults: open actions first with overdue at the top, counts that open their filter, empty states
that explain, and Escalate is not a warning button."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assure.actions.models import Status
from assure.core.permissions import Role

from .builders import action


def _references(response) -> list[str]:
    return [row[0]["value"] for row in response.context["table"].rows()]


def test_the_register_lists_open_actions_with_overdue_first(admin_client, police, admin_user):
    today = timezone.localdate()
    later = action(police, due_date=today + timedelta(days=60))
    closed = action(police, due_date=today - timedelta(days=90))
    closed.closure_requested_on, closed.closure_evidence = today, "Done."
    closed.closed_on, closed.closure_approved_by = today, admin_user
    closed.save()
    soon = action(police, due_date=today + timedelta(days=5))
    overdue_recently = action(police, due_date=today - timedelta(days=2))
    overdue_long = action(police, due_date=today - timedelta(days=40))
    response = admin_client.get(reverse("actions:action-list"))
    assert _references(response) == [a.reference for a in (overdue_long, overdue_recently, soon, later, closed)]
    # A column chosen by the reader still sorts by it.
    by_reference = admin_client.get(reverse("actions:action-list"), {"sort": "pk"})
    assert _references(by_reference) == sorted(_references(by_reference), key=lambda ref: int(ref[1:]))


def test_each_count_links_to_its_filter_and_opens_as_many_rows(admin_client, police):
    today = timezone.localdate()
    action(police, due_date=today - timedelta(days=3))
    action(police, due_date=today - timedelta(days=30))
    action(police, due_date=today + timedelta(days=90))
    page = admin_client.get(reverse("actions:action-list"))
    counts = {count.value: count for count in page.context["counts"]}
    assert counts[Status.OVERDUE].count == 2
    assert f'href="?status={Status.OVERDUE}"' in page.content.decode()
    filtered = admin_client.get(reverse("actions:action-list"), {"status": Status.OVERDUE})
    assert filtered.context["table"].page.paginator.count == 2


def test_an_empty_register_explains_itself_and_offers_no_clearing_without_filters(client, make_person, council):
    client.force_login(make_person(Role.LADO, council))
    page = client.get(reverse("actions:my-actions")).content.decode()
    assert "You have no actions" in page and "Clear them" not in page
    filtered = client.get(reverse("actions:my-actions"), {"q": "dashboard"}).content.decode()
    assert "Nothing matches the search and filters." in filtered and "Clear them" in filtered


def test_escalate_is_not_a_warning_button(admin_client, police):
    page = admin_client.get(action(police).get_absolute_url()).content.decode()
    escalate = page[: page.index(">Escalate<")].rsplit("<a", 1)[1]
    assert "govuk-button--secondary" in escalate and "govuk-button--warning" not in escalate
