"""An upload is staged and checked; only "Use this extract" changes the data in use, and only the sources the
upload holds (issue 10, decisions.md section 2)."""

import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assure.core.jobs import jobs_recover_stalled
from assure.core.models import AuditEntry, Job
from assure.core.permissions import Role
from assure.performance import services
from assure.performance.models import DataVersion, Extract, ExtractSource
from assure.performance.selectors import run_in_force, working_run
from tests.task_queues import run_queue

from .web_extracts import (
    ANNEX_A_LISTS,
    as_upload,
    figures,
    history,
    in_use_token,
    sources_in_use,
    text_of,
    upload,
    use,
    year_figure,
)


def status(extract: Extract) -> Extract.Status:
    return Extract.objects.get(pk=extract.pk).status


@pytest.fixture
def analyst(make_person, council):
    return make_person(Role.ANALYST, council, full_name="Ade Analyst")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def published(analyst_client, analyst, partnership, tmp_path, django_capture_on_commit_callbacks):
    """The eight lists of a history uploaded at once, used and published."""
    lists = history(tmp_path / "first")
    extract = upload(analyst_client, [as_upload(lists[n]) for n in ANNEX_A_LISTS], django_capture_on_commit_callbacks)
    use(analyst_client, extract, django_capture_on_commit_callbacks)
    services.run_publish(run=working_run(partnership), by=analyst)
    return extract


@pytest.fixture
def later_contacts(tmp_path):
    """List 1 only, from another history."""
    return as_upload(history(tmp_path / "later", seed=7, children=250)[1], "contacts-may.csv")


def test_the_eight_lists_at_once_make_one_extract_with_a_source_for_each(published, partnership):
    assert sorted(sources_in_use(partnership)) == [f"annex_a:{n}" for n in ANNEX_A_LISTS]
    assert {source.extract for source in ExtractSource.objects.all()} == {published}
    assert status(published) == Extract.Status.IN_USE


def test_a_list_1_upload_changes_nothing_until_it_is_used_then_replaces_list_1_only(
    published, partnership, analyst_client, later_contacts, django_capture_on_commit_callbacks
):
    in_use_before, sources_before = DataVersion.in_use(partnership), sources_in_use(partnership)
    in_force_before = run_in_force(partnership)
    published_before = figures(in_force_before)
    working_before = working_run(partnership)

    extract = upload(analyst_client, [later_contacts], django_capture_on_commit_callbacks)

    assert status(extract) == Extract.Status.READY
    assert DataVersion.in_use(partnership) == in_use_before and sources_in_use(partnership) == sources_before
    assert working_run(partnership) == working_before
    assert run_in_force(partnership) == in_force_before and figures(in_force_before) == published_before
    page = text_of(analyst_client.get(extract.get_absolute_url()))
    assert "Check the extract" in page and "List 1 contacts" in page
    for number, title in [(2, "early help"), (3, "referrals"), (8, "children looked after")]:
        assert f"List {number} {title} kept from the upload of {timezone.localdate():%-d %B %Y}" in page

    use(analyst_client, extract, django_capture_on_commit_callbacks)

    after = sources_in_use(partnership)
    new_contacts = extract.sources.get()
    assert after == {**sources_before, "annex_a:1": new_contacts.pk}
    version = DataVersion.in_use(partnership)
    contacts = pq.read_metadata(services.version_folder(version) / "contact.parquet").num_rows
    assert contacts == new_contacts.records != in_use_before.event_counts["contact"]
    for kind in ("referral", "assessment", "s47", "cpp", "care_period", "early_help"):
        assert version.event_counts[kind] == in_use_before.event_counts[kind], kind
    assert run_in_force(partnership) == in_force_before and figures(in_force_before) == published_before
    working = working_run(partnership)
    assert year_figure(working, "contacts").numerator != year_figure(working_before, "contacts").numerator
    assert year_figure(working, "referrals").numerator == year_figure(working_before, "referrals").numerator
    assert status(published) == Extract.Status.IN_USE and status(extract) == Extract.Status.IN_USE


def test_discarding_changes_nothing(
    published, partnership, analyst_client, later_contacts, django_capture_on_commit_callbacks
):
    in_use_before, working_before = DataVersion.in_use(partnership), working_run(partnership)
    extract = upload(analyst_client, [later_contacts], django_capture_on_commit_callbacks)
    discard = reverse("performance:extract-discard", args=[extract.pk])
    assert "Discard this extract?" in analyst_client.get(discard).content.decode()

    analyst_client.post(discard)

    assert status(extract) == Extract.Status.DISCARDED
    assert DataVersion.in_use(partnership) == in_use_before and working_run(partnership) == working_before
    assert use(analyst_client, extract, django_capture_on_commit_callbacks, token="").status_code == 302
    assert DataVersion.in_use(partnership) == in_use_before


def test_going_back_restores_the_previous_figures_exactly(
    published, partnership, analyst_client, later_contacts, django_capture_on_commit_callbacks
):
    first, first_figures = DataVersion.in_use(partnership), figures(working_run(partnership))
    extract = upload(analyst_client, [later_contacts], django_capture_on_commit_callbacks)
    use(analyst_client, extract, django_capture_on_commit_callbacks)
    assert figures(working_run(partnership)) != first_figures

    go_back = reverse("performance:data-version-go-back", args=[first.pk])
    assert analyst_client.post(go_back, {"reason": ""}).status_code == 400
    assert DataVersion.in_use(partnership) != first
    response = analyst_client.post(go_back, {"reason": "The May contacts file was cut short."})

    assert response.status_code == 302 and DataVersion.in_use(partnership) == first
    assert figures(working_run(partnership)) == first_figures
    assert status(extract) == Extract.Status.NO_LONGER_IN_USE
    entry = (
        AuditEntry.objects.filter(record_type="performance.DataVersion", object_id=str(first.pk)).order_by("pk").last()
    )
    assert entry.changes["went_back_reason"][1] == "The May contacts file was cut short."


def test_using_refuses_when_the_data_in_use_changed_since_the_page_was_drawn(
    published, partnership, analyst_client, tmp_path, later_contacts, django_capture_on_commit_callbacks
):
    extract = upload(analyst_client, [later_contacts], django_capture_on_commit_callbacks)
    token = in_use_token(analyst_client, extract)
    other = upload(
        analyst_client, [as_upload(history(tmp_path / "other", seed=9)[2])], django_capture_on_commit_callbacks
    )
    use(analyst_client, other, django_capture_on_commit_callbacks)
    in_use = DataVersion.in_use(partnership)

    response = use(analyst_client, extract, django_capture_on_commit_callbacks, token=token)

    assert DataVersion.in_use(partnership) == in_use and status(extract) == Extract.Status.READY
    page = analyst_client.get(response.url)
    assert "The data in use changed since this page was drawn: nothing was changed." in page.content.decode()
    assert "The data in use changed since this extract was checked. Check it again" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(reverse("performance:extract-check-again", args=[extract.pk]))
    use(analyst_client, extract, django_capture_on_commit_callbacks)
    assert sources_in_use(partnership)["annex_a:1"] == extract.sources.get().pk
    assert sources_in_use(partnership)["annex_a:2"] == other.sources.get().pk


def test_the_check_warns_of_a_fall_in_records_and_a_file_that_ends_earlier(
    published, partnership, analyst_client, tmp_path, django_capture_on_commit_callbacks
):
    referrals = history(tmp_path / "short", seed=1, children=120)[3]
    lines = referrals.read_text().splitlines()
    cut = [lines[0]] + [line for line in lines[1:] if "/2020" not in line]
    referrals.write_text("\n".join(cut) + "\n")

    extract = upload(analyst_client, [as_upload(referrals, "referrals.csv")], django_capture_on_commit_callbacks)

    source = extract.sources.get()
    assert source.comparison["falls"] and source.comparison["ends_earlier"]
    page = text_of(analyst_client.get(extract.get_absolute_url()))
    assert f"In the dates both cover, this file has {source.comparison['records_new']:,} records against" in page
    assert "List 3 referrals in use runs to" in page and "Referrals after" in page
    assert "would no longer be used" in page


def test_a_check_can_be_cancelled_and_nothing_of_it_is_used(
    published, partnership, analyst_client, later_contacts, database_queues, django_capture_on_commit_callbacks
):
    in_use = DataVersion.in_use(partnership)
    extract = upload(analyst_client, [later_contacts], django_capture_on_commit_callbacks)
    assert status(extract) == Extract.Status.CHECKING
    cancel = reverse("performance:extract-cancel", args=[extract.pk])
    assert "Cancel this check?" in analyst_client.get(cancel).content.decode()
    analyst_client.post(cancel)

    assert run_queue("heavy") == 1

    extract.refresh_from_db()
    assert status(extract) == Extract.Status.CANCELLED
    assert extract.check_job.state == Job.State.FAILED and "cancelled this check" in extract.check_job.error
    assert not extract.sources.exists() and DataVersion.in_use(partnership) == in_use


def test_a_check_whose_worker_died_fails_with_try_again_and_the_data_in_use_stays(
    published, partnership, analyst_client, later_contacts, database_queues, django_capture_on_commit_callbacks
):
    in_use, working = DataVersion.in_use(partnership), working_run(partnership)
    extract = upload(analyst_client, [later_contacts], django_capture_on_commit_callbacks)
    job = extract.check_job
    # What a killed worker leaves: its task taken, the job running with its heartbeat stopped, nothing of its work
    # written.
    [task] = DBTaskResult.objects.ready().filter(queue_name="heavy")
    task.claim("worker-killed-mid-check")
    job.state, job.heartbeat_at = Job.State.RUNNING, timezone.now() - timezone.timedelta(hours=1)
    job.save()

    assert jobs_recover_stalled() == (0, 1)

    assert status(extract) == Extract.Status.FAILED
    assert DataVersion.in_use(partnership) == in_use and working_run(partnership) == working
    assert not extract.sources.exists() and extract.staged_version is None
    page = analyst_client.get(extract.get_absolute_url()).content.decode()
    assert "The worker running this stopped before it finished. Try again." in page
    assert ">Try again</button>" in page

    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(reverse("performance:extract-check-again", args=[extract.pk]))
    assert run_queue("heavy") == 1
    assert status(extract) == Extract.Status.READY and DataVersion.in_use(partnership) == in_use


def test_the_checks_progress_is_shown_by_stage_on_the_heavy_queue(
    analyst_client, partnership, tmp_path, database_queues, django_capture_on_commit_callbacks
):
    lists = history(tmp_path / "lists")
    extract = upload(analyst_client, [as_upload(lists[n]) for n in ANNEX_A_LISTS], django_capture_on_commit_callbacks)
    job = extract.check_job
    assert (job.kind, job.state, job.record_id) == (Job.Kind.IMPORT, Job.State.QUEUED, str(extract.pk))

    assert run_queue("mail") == 0 and run_queue("heavy") == 1

    job.refresh_from_db()
    stages = [entry["stage"] for entry in job.stages]
    assert [f"Reading List {n} ({n} of 8)" for n in ANNEX_A_LISTS] == [s for s in stages if s.startswith("Reading")]
    assert "Computing 2019-20 (1 of 9)" in stages and "Computing 12 months to Q4 2019-20 (9 of 9)" in stages
    assert (job.state, job.result_path) == (Job.State.SUCCEEDED, extract.get_absolute_url())
