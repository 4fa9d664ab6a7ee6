"""A person confirms or changes the draft, with a rationale whenever they differ; a confirmed judgement keeps its
evidence and is flagged, never changed, when the evidence later changes."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.core.models import AuditEntry
from assure.core.permissions import Role
from assure.governance import selectors, services
from assure.governance.models import Judgement, RuleKind, Scale

from . import builders

AFTER_THE_YEAR = date(2020, 6, 30)
RE_REFERRALS = "re_referrals_12m_pct"


@pytest.fixture
def statement(partnership):
    builders.target(partnership, RE_REFERRALS, 22)
    builders.run(partnership, {(RE_REFERRALS, 2019): (200, 1000), (RE_REFERRALS, 2018): (210, 1000)})
    return builders.statement(partnership, (RuleKind.INDICATOR, {"indicator_id": RE_REFERRALS}))


def test_confirming_the_draft_needs_no_rationale_and_keeps_a_snapshot(statement, admin_user):
    judgement = services.judgement_confirm(
        statement=statement, judgement=Scale.ASSURED, rationale="", by=admin_user, today=AFTER_THE_YEAR
    )
    assert (judgement.judgement, judgement.draft) == (Scale.ASSURED, Scale.ASSURED)
    assert judgement.snapshot["results"][0]["found"].startswith("20.0% in 2019-20")
    assert judgement.snapshot["as_at"] == "2020-03-31"


def test_changing_the_draft_without_a_rationale_is_refused_and_nothing_saved(statement, admin_user):
    with pytest.raises(ValidationError) as refused:
        services.judgement_confirm(
            statement=statement, judgement=Scale.PARTLY_ASSURED, rationale="  ", by=admin_user, today=AFTER_THE_YEAR
        )
    assert refused.value.message_dict == {
        "rationale": ["Say why you judge this differently from Assure's draft (assured)."]
    }
    assert not Judgement.objects.exists()


def test_changing_the_draft_with_a_rationale_is_kept_beside_the_draft(statement, admin_user):
    judgement = services.judgement_confirm(
        statement=statement,
        judgement=Scale.PARTLY_ASSURED,
        rationale="The figure is right but practice varies by team.",
        by=admin_user,
        today=AFTER_THE_YEAR,
    )
    assert (judgement.judgement, judgement.draft, judgement.differs_from_draft) == (
        Scale.PARTLY_ASSURED,
        Scale.ASSURED,
        True,
    )


def test_a_judgement_outside_the_scale_is_refused(statement, admin_user):
    with pytest.raises(ValidationError, match="Choose one of: assured, partly assured"):
        services.judgement_confirm(
            statement=statement, judgement="fully_assured", rationale="Why not.", by=admin_user, today=AFTER_THE_YEAR
        )
    assert not Judgement.objects.exists()


def test_a_year_is_judged_once_it_has_ended(statement, admin_user):
    with pytest.raises(ValidationError, match="2019-20 ends on 31 March 2020"):
        services.judgement_confirm(
            statement=statement, judgement=Scale.ASSURED, rationale="", by=admin_user, today=date(2020, 3, 31)
        )


def test_a_confirmed_judgement_is_unchanged_and_flagged_after_a_new_run_is_published(
    statement, partnership, admin_user
):
    judgement = services.judgement_confirm(
        statement=statement, judgement=Scale.ASSURED, rationale="", by=admin_user, today=AFTER_THE_YEAR
    )
    kept = Judgement.objects.filter(pk=judgement.pk).values().get()
    assert not selectors.statement_view(statement).evidence_changed

    builders.run(partnership, {(RE_REFERRALS, 2019): (330, 1000), (RE_REFERRALS, 2018): (210, 1000)})

    view = selectors.statement_view(statement)
    assert view.draft.judgement == Scale.NOT_YET_ASSURED
    assert view.evidence_changed
    assert view.judgement.pk == judgement.pk
    assert Judgement.objects.filter(pk=judgement.pk).values().get() == kept
    assert not AuditEntry.objects.filter(record_type="governance.Judgement", action="update").exists()


def test_an_unpublished_run_changes_nothing(statement, partnership, admin_user):
    services.judgement_confirm(
        statement=statement, judgement=Scale.ASSURED, rationale="", by=admin_user, today=AFTER_THE_YEAR
    )
    builders.run(partnership, {(RE_REFERRALS, 2019): (330, 1000)}, published=False)
    assert not selectors.statement_view(statement).evidence_changed


def test_the_confirm_page_refuses_a_change_without_a_rationale_with_400(statement, admin_client):
    url = reverse("governance:judgement-confirm", args=[statement.pk])
    response = admin_client.post(url, {"judgement": Scale.NOT_YET_ASSURED, "rationale": ""})
    assert response.status_code == 400
    assert "Say why you judge this differently from Assure&#x27;s draft (assured)." in response.content.decode()
    assert not Judgement.objects.exists()


def test_the_confirm_page_refuses_a_judgement_outside_the_scale(statement, admin_client):
    url = reverse("governance:judgement-confirm", args=[statement.pk])
    response = admin_client.post(url, {"judgement": "fully_assured", "rationale": "Sure."})
    assert response.status_code == 400
    assert not Judgement.objects.exists()


def test_a_lead_partner_confirms_and_the_scrutineer_cannot(statement, client, make_person, council):
    url = reverse("governance:judgement-confirm", args=[statement.pk])
    client.force_login(make_person(Role.SCRUTINEER, council))
    assert client.get(url).status_code == 403
    lead = builders.lead_partner(council)
    client.force_login(lead)
    assert client.post(url, {"judgement": Scale.ASSURED, "rationale": ""}).status_code == 302
    assert Judgement.objects.get().confirmed_by == lead


def test_the_statement_page_shows_the_draft_its_evidence_link_and_the_flag(
    statement, partnership, admin_user, admin_client
):
    services.judgement_confirm(
        statement=statement, judgement=Scale.ASSURED, rationale="", by=admin_user, today=AFTER_THE_YEAR
    )
    builders.run(partnership, {(RE_REFERRALS, 2019): (330, 1000)})
    page = admin_client.get(statement.get_absolute_url()).content.decode()
    assert "Not yet assured because: Re-referrals within 12 months worse than target." in page
    assert 'href="/performance/areas/front-door/?year=2019"' in page
    assert "Evidence changed since confirmation" in page
