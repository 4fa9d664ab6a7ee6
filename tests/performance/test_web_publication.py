"""Everyone but the analyst sees the run in force; the analyst publishes through a check page and a confirmation
step; publishing and withdrawing are audited and tell the business manager and the scrutineer."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from assure.core.models import AuditEntry
from assure.core.permissions import Role
from assure.performance import services
from assure.performance.extract_views import PUBLISH_TOKEN_SALT
from assure.performance.models import Publication
from assure.performance.selectors import publication_in_force, run_in_force, working_run

from .web_extracts import ANNEX_A_LISTS, as_upload, history, text_of, upload, use, year_figure


@pytest.fixture
def people(make_person, council):
    return {
        role: make_person(role, council, full_name=name)
        for role, name in [
            (Role.ANALYST, "Ade Analyst"),
            (Role.SCRUTINEER, "Sam Scrutineer"),
            (Role.PARTNERSHIP_ADMIN, "Bea Manager"),
            (Role.AGENCY_LEAD, "Lee Lead"),
        ]
    }


@pytest.fixture
def analyst_client(client, people):
    client.force_login(people[Role.ANALYST])
    return client


@pytest.fixture
def two_runs(analyst_client, people, partnership, tmp_path, django_capture_on_commit_callbacks):
    """A first history published; a later one of List 1 in use: working figures that differ from the published."""
    lists = history(tmp_path / "first")
    first = upload(analyst_client, [as_upload(lists[n]) for n in ANNEX_A_LISTS], django_capture_on_commit_callbacks)
    use(analyst_client, first, django_capture_on_commit_callbacks)
    published = services.run_publish(run=working_run(partnership), by=people[Role.ANALYST])
    later = upload(
        analyst_client,
        [as_upload(history(tmp_path / "later", seed=3, children=200)[1])],
        django_capture_on_commit_callbacks,
    )
    use(analyst_client, later, django_capture_on_commit_callbacks)
    return published.run, working_run(partnership)


def contacts_shown(client, **query) -> str:
    html = client.get(reverse("performance:dashboard"), {"year": 2019, **query}).content.decode()
    row = html[html.index('data-indicator="contacts"') :]
    return re.search(r"<span data-this-year>([^<]*)</span>", row).group(1)


@pytest.mark.parametrize("role", [Role.SCRUTINEER, Role.PARTNERSHIP_ADMIN, Role.AGENCY_LEAD])
def test_everyone_but_the_analyst_sees_the_published_figures_while_working_figures_differ(
    client, people, two_runs, role
):
    published, working = two_runs
    assert year_figure(published, "contacts").numerator != year_figure(working, "contacts").numerator
    client.force_login(people[role])
    assert contacts_shown(client) == f"{year_figure(published, 'contacts').numerator:,}"
    page = text_of(client.get(reverse("performance:dashboard"), {"year": 2019}))
    assert "Published" in page and "Working figures" not in page and "Which figures" not in page
    assert client.get(reverse("performance:dashboard"), {"figures": "working"}).status_code == 403


def test_the_analyst_sees_the_working_figures_under_a_banner_and_may_choose_the_published(analyst_client, two_runs):
    published, working = two_runs
    assert contacts_shown(analyst_client) == f"{year_figure(working, 'contacts').numerator:,}"
    page = text_of(analyst_client.get(reverse("performance:dashboard"), {"year": 2019}))
    on = f"{publication_day(published)}"
    assert f"Working figures — not published. Last published {on}" in page
    assert "Which figures" in page and "Show small numbers (not for publication)" in page
    assert contacts_shown(analyst_client, figures="published") == f"{year_figure(published, 'contacts').numerator:,}"


def publication_day(run) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(run.publications.get().published_at):%-d %B %Y}"


def test_a_post_to_publish_without_the_confirmation_steps_token_publishes_nothing(analyst_client, two_runs):
    published, working = two_runs
    confirm = reverse("performance:run-publish-confirm", args=[working.pk])
    entries = AuditEntry.objects.filter(record_type="performance.Publication").count()
    other_run = signing.dumps({"run": published.pk, "in_force": None}, salt=PUBLISH_TOKEN_SALT)

    for token in ("", "forged", other_run):
        response = analyst_client.post(confirm, {"token": token})
        assert response.status_code == 400
        assert "check page" in response.content.decode()

    assert not working.publications.exists() and run_in_force(working.data_version.partnership) == published
    assert AuditEntry.objects.filter(record_type="performance.Publication").count() == entries


def test_publishing_goes_through_the_check_then_the_confirmation_and_tells_the_readers(
    analyst_client, two_runs, partnership, people, mailoutbox, django_capture_on_commit_callbacks
):
    published, working = two_runs
    check = analyst_client.get(reverse("performance:run-publish", args=[working.pk]))
    page = text_of(check)
    contacts_before = f"{year_figure(published, 'contacts').numerator:,}"
    contacts_after = f"{year_figure(working, 'contacts').numerator:,}"
    assert "What readers will see change" in page
    assert re.search(rf"Contacts 2019-20 {contacts_before} {contacts_after}", page)
    confirm_url = re.search(r'href="([^"]*/publish/confirm/\?token=[^"]*)"', check.content.decode()).group(1)
    confirm = analyst_client.get(confirm_url.replace("&amp;", "&"))
    token = re.search(r'name="token" value="([^"]*)"', confirm.content.decode()).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(reverse("performance:run-publish-confirm", args=[working.pk]), {"token": token})

    assert response.status_code == 302
    assert run_in_force(partnership) == working
    [entry] = AuditEntry.objects.filter(record_type="performance.Publication", action="create").exclude(
        object_id=str(published.publications.get().pk)
    )
    assert entry.actor_id == people[Role.ANALYST].pk
    [email] = [m for m in mailoutbox if "published" in m.subject]
    assert set(email.to) == {people[Role.SCRUTINEER].email, people[Role.PARTNERSHIP_ADMIN].email}
    assert "/performance/" in email.body


def test_withdrawing_needs_a_reason_and_readers_go_back_to_the_figures_published_before(
    client, analyst_client, partnership, people, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    lists = history(tmp_path / "first")
    first = upload(analyst_client, [as_upload(lists[n]) for n in ANNEX_A_LISTS], django_capture_on_commit_callbacks)
    use(analyst_client, first, django_capture_on_commit_callbacks)
    earlier = services.run_publish(run=working_run(partnership), by=people[Role.ANALYST])
    later_upload = upload(
        analyst_client,
        [as_upload(history(tmp_path / "later", seed=4, children=200)[1])],
        django_capture_on_commit_callbacks,
    )
    use(analyst_client, later_upload, django_capture_on_commit_callbacks)
    later = services.run_publish(run=working_run(partnership), by=people[Role.ANALYST])
    withdraw = reverse("performance:publication-withdraw", args=[later.pk])

    assert analyst_client.post(withdraw, {"reason": ""}).status_code == 400
    assert publication_in_force(partnership) == later
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(withdraw, {"reason": "List 1 was cut short."})

    assert publication_in_force(partnership) == earlier
    client.force_login(people[Role.SCRUTINEER])
    assert contacts_shown(client) == f"{year_figure(earlier.run, 'contacts').numerator:,}"
    entry = AuditEntry.objects.filter(record_type="performance.Publication", object_id=str(later.pk)).order_by("pk")
    assert entry.last().changes["withdrawal_reason"][1] == "List 1 was cut short."
    [email] = [m for m in mailoutbox if "withdrawn" in m.subject]
    assert "List 1 was cut short." in email.body
    assert set(email.to) == {people[Role.SCRUTINEER].email, people[Role.PARTNERSHIP_ADMIN].email}


def test_only_the_analyst_publishes(client, people, two_runs):
    published, working = two_runs
    for role in (Role.PARTNERSHIP_ADMIN, Role.SCRUTINEER, Role.AGENCY_LEAD):
        client.force_login(people[role])
        assert client.get(reverse("performance:run-publish", args=[working.pk])).status_code == 403
        assert client.post(reverse("performance:run-publish-confirm", args=[working.pk])).status_code == 403
    assert not Publication.objects.filter(run=working).exists()


def test_the_home_page_tells_the_analyst_of_unpublished_figures_and_extracts_to_check(
    client, analyst_client, people, two_runs, partnership, tmp_path, django_capture_on_commit_callbacks
):
    published, working = two_runs
    upload(analyst_client, [as_upload(history(tmp_path / "third", seed=5)[2])], django_capture_on_commit_callbacks)
    needs = analyst_client.get(reverse("core:home")).context["needs"]
    lines = {line.text: line for _, section in needs for line in section}
    [to_check] = [line for text, line in lines.items() if text == "extract to check"]
    assert to_check.count == 1
    assert analyst_client.get(to_check.url).context["table"].page.paginator.count == 1
    [unpublished] = [text for text in lines if text.startswith("Working figures computed on")]
    assert f"last published {publication_day(published)}" in unpublished

    client.force_login(people[Role.PARTNERSHIP_ADMIN])
    needs = client.get(reverse("core:home")).context["needs"]
    texts = [line.text for _, section in needs for line in section]
    assert (
        "1 uploaded extract waiting for the analyst's check: the figures in force stay until new ones are "
        "published" in texts
    )
    assert f"Figures in force: published {publication_day(published)}" in texts
