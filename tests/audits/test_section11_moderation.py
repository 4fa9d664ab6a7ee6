"""Moderation with the answer in view; completing it puts agreed actions on the register, never already overdue; the
agency then sees the agreed ratings and the challenge and responds; an upgraded standard's action closes as resolved."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.actions.models import Action
from assure.actions.selectors import resolution_of
from assure.actions.services import action_close_as_resolved
from assure.audits import services
from assure.audits.models import Rating
from assure.core.periods import add_months
from assure.core.permissions import Role

from . import builders

# The test round's deadline is 14 December 2018: moderation happens after it.
AFTER_THE_DEADLINE = date(2019, 2, 12)


def submitted(partnership, police, rating=Rating.OUTSTANDING, **overrides):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return, rating, **overrides)
    return builders.submitted(section11_return)


def moderate(answer, agreed, **fields):
    return services.section11_answer_moderate(
        answer=answer, by=None, agreed_rating=agreed, challenge="Seen at panel.", today=AFTER_THE_DEADLINE, **fields
    )


def test_moderation_shows_the_agencys_answer_above_the_decision(admin_client, partnership, police):
    section11_return = submitted(partnership, police, Rating.GOOD, **{"8.6": Rating.REQUIRES_IMPROVEMENT})
    answer = section11_return.answers.get(standard__number="8.6")
    page = admin_client.get(reverse("audits:section11-answer-moderate", args=[answer.pk])).content.decode()
    answer_at, decision_at = page.index("The agency's answer"), page.index("Your decision")
    for shown in ("Standard 8.6", "How we meet it.", "Improve 8.6.", "Requires improvement"):
        assert answer_at < page.index(shown, answer_at) < decision_at, shown
    # The action agreed starts from the agency's own plan.
    assert "Improve 8.6.</textarea>" in page


def test_moderation_keeps_the_self_rating_beside_the_agreed_rating(admin_client, partnership, police):
    answer = submitted(partnership, police).answers.get(standard__number="1.1")
    response = admin_client.post(
        reverse("audits:section11-answer-moderate", args=[answer.pk]),
        {"agreed_rating": Rating.GOOD, "challenge": "Evidence covers one district only."},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.self_rating, answer.agreed_rating, answer.rating) == (Rating.OUTSTANDING, Rating.GOOD, Rating.GOOD)
    assert answer.gap_label == "1 grade lower than self-rated"


def test_an_agreed_rating_needing_improvement_needs_its_action_and_adds_none_yet(admin_client, partnership, police):
    answer = submitted(partnership, police).answers.get(standard__number="7.5")
    url = reverse("audits:section11-answer-moderate", args=[answer.pk])
    response = admin_client.post(url, {"agreed_rating": Rating.REQUIRES_IMPROVEMENT, "challenge": "No child feedback."})
    assert response.status_code == 400
    assert "Enter the action the agency must take" in response.content.decode()
    admin_client.post(
        url,
        {
            "agreed_rating": Rating.REQUIRES_IMPROVEMENT,
            "challenge": "No child feedback.",
            "agreed_action": "Collect children's feedback on outcomes.",
        },
    )
    answer.refresh_from_db()
    assert answer.agreed_action == "Collect children's feedback on outcomes."
    assert not Action.objects.exists()


def test_save_and_go_to_the_next_standard_needing_moderation_keeps_the_filters(admin_client, partnership, police):
    section11_return = submitted(
        partnership, police, Rating.GOOD, **{"1.1": Rating.INADEQUATE, "8.6": Rating.INADEQUATE}
    )
    first, middle, last = section11_return.answers.order_by("standard__sort_key")
    response = admin_client.post(
        f"{reverse('audits:section11-answer-moderate', args=[first.pk])}?show=needs_action",
        {"agreed_rating": Rating.INADEQUATE, "challenge": "Agreed.", "agreed_action": "Fix it.", "next": "standard"},
    )
    assert response.url == f"{reverse('audits:section11-answer-moderate', args=[last.pk])}?show=needs_action"


def test_the_moderators_filters_narrow_the_standards(admin_client, partnership, police):
    first = builders.section11_round(partnership, [police])
    builders.rate_all(first.returns.get(), Rating.GOOD)
    second = builders.section11_round(partnership, [police], name="Round 2021-22", previous_round=first)
    section11_return = second.returns.get()
    for answer in section11_return.answers.select_related("standard"):
        answer.self_rating = Rating.INADEQUATE if answer.standard.number == "8.6" else Rating.GOOD
        answer.planned_action = "Train the staff."
        answer.evidence_held = "" if answer.standard.number == "8.6" else answer.evidence_held
        services.section11_answer_save(answer=answer)
    builders.submitted(section11_return)
    url = reverse("audits:section11-moderation", args=[section11_return.pk])

    def shown(*show):
        return [answer.standard.number for answer in admin_client.get(url, {"show": show}).context["answers"]]

    assert shown() == ["1.1", "7.5", "8.6"]
    assert shown("changed") == ["8.6"]
    assert shown("needs_action") == ["8.6"]
    assert shown("with_evidence") == ["1.1", "7.5"]
    assert shown("changed", "with_evidence") == []


def test_moderation_is_completed_only_once_every_ri_or_inadequate_standard_is_agreed(partnership, police):
    section11_return = submitted(partnership, police, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    with pytest.raises(ValidationError, match="Still to agree: 8.6"):
        services.section11_moderation_complete(section11_return=section11_return, by=None, today=AFTER_THE_DEADLINE)
    assert not Action.objects.exists()


@pytest.mark.parametrize("months", [3, 6, 12])
def test_completing_moderation_adds_one_action_per_standard_agreed_ri_or_inadequate_due_from_that_day(
    partnership, police, months
):
    section11_return = submitted(partnership, police, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    moderate(section11_return.answers.get(standard__number="8.6"), Rating.INADEQUATE, agreed_action="Brief staff.")
    moderate(section11_return.answers.get(standard__number="1.1"), Rating.REQUIRES_IMPROVEMENT, agreed_action="Audit.")
    actions = services.section11_moderation_complete(
        section11_return=section11_return, by=None, months=months, today=AFTER_THE_DEADLINE
    )
    assert sorted(action.text for action in actions) == ["Audit.", "Brief staff."]
    assert {action.due_date for action in actions} == {add_months(AFTER_THE_DEADLINE, months)}
    assert all(action.created_on == AFTER_THE_DEADLINE for action in actions)
    section11_return.refresh_from_db()
    assert section11_return.moderation_completed_on == AFTER_THE_DEADLINE
    with pytest.raises(ValidationError, match="complete"):
        moderate(section11_return.answers.get(standard__number="7.5"), Rating.GOOD)


def test_no_action_is_created_due_before_today_when_moderation_ends_after_the_deadline(partnership, police):
    """Every workflow that creates actions, run with today after the round's deadline."""
    section11_return = submitted(partnership, police, Rating.GOOD, **{"8.6": Rating.REQUIRES_IMPROVEMENT})
    today = date(2021, 6, 1)
    moderate(section11_return.answers.get(standard__number="8.6"), Rating.REQUIRES_IMPROVEMENT, agreed_action="Do.")
    services.section11_moderation_complete(section11_return=section11_return, by=None, months=3, today=today)
    recommendation = builders.inspection_action(police).source
    with pytest.raises(ValidationError, match="cannot start overdue"):
        services.recommendation_to_action(
            recommendation=recommendation, text="Late.", agency=police, due_date=date(2021, 5, 31), today=today
        )
    assert Action.objects.exists()
    assert not Action.objects.filter(due_date__lt=today, created_on=today).exists()
    assert all(action.due_date >= action.created_on for action in Action.objects.all())


def test_the_agency_sees_the_agreed_ratings_and_challenge_once_moderation_is_complete_and_responds(
    client, make_person, partnership, police, django_capture_on_commit_callbacks
):
    lead = make_person(Role.AGENCY_LEAD, police)
    section11_return = submitted(partnership, police, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    answer = section11_return.answers.get(standard__number="8.6")
    services.section11_answer_moderate(
        answer=answer,
        by=None,
        agreed_rating=Rating.INADEQUATE,
        challenge="No NRM training yet.",
        agreed_action="Train.",
    )
    client.force_login(lead)
    assert "No NRM training yet." not in client.get(section11_return.get_absolute_url()).content.decode()
    respond = reverse("audits:section11-answer-respond", args=[answer.pk])
    assert client.post(respond, {"response": "Too early."}).status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        services.section11_moderation_complete(section11_return=section11_return, by=None)
    (message,) = mail.outbox
    assert message.to == [lead.email] and "moderation complete" in message.subject
    page = client.get(section11_return.get_absolute_url()).content.decode()
    assert "No NRM training yet." in page and "Agreed rating" in page
    assert client.post(respond, {"response": "Training is booked for May."}).status_code == 302
    answer.refresh_from_db()
    assert answer.agency_response == "Training is booked for May."


def test_an_upgraded_standard_leaves_its_action_to_close_as_resolved(
    client, admin_user, make_person, partnership, police, django_capture_on_commit_callbacks
):
    lead = make_person(Role.AGENCY_LEAD, police)
    first = builders.section11_round(partnership, [police])
    old_return = first.returns.get()
    builders.rate_all(old_return, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    builders.submitted(old_return)
    old = old_return.answers.get(standard__number="8.6")
    moderate(old, Rating.INADEQUATE, agreed_action="Train staff on the NRM.")
    (action,) = services.section11_moderation_complete(section11_return=old_return, by=None, today=AFTER_THE_DEADLINE)

    second = builders.section11_round(partnership, [police], name="Round 2021-22", previous_round=first)
    new_return = second.returns.get()
    builders.rate_all(new_return, Rating.GOOD)
    builders.submitted(new_return, today=date(2021, 12, 10))
    upgraded = new_return.answers.get(standard__number="8.6")
    assert resolution_of(action) is None

    client.force_login(admin_user)
    page = client.get(reverse("audits:section11-answer-moderate", args=[upgraded.pk])).content.decode()
    assert action.reference in page and "Open actions on this standard" in page
    response = client.post(
        reverse("audits:section11-answer-moderate", args=[upgraded.pk]),
        {"agreed_rating": Rating.GOOD, "challenge": "NRM training delivered and audited."},
        follow=True,
    )
    assert f"The standard no longer needs action {action.reference}" in response.content.decode()
    assert resolution_of(action) == upgraded

    detail = client.get(action.get_absolute_url()).content.decode()
    assert "Close as resolved" in detail and "standard 8.6: agreed Good at moderation" in detail
    close = reverse("actions:action-close-as-resolved", args=[action.pk])
    assert "Close action" in client.get(close).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(close).status_code == 302
    action.refresh_from_db()
    assert (action.closed_on is not None, action.closure_approved_by, action.resolved_by) == (
        True,
        admin_user,
        upgraded,
    )
    assert "Round 2021-22, standard 8.6: agreed Good at moderation" in action.closure_evidence
    (message,) = mail.outbox
    assert message.to == [lead.email] and message.subject == f"[Assure] Closed as resolved: action {action.reference}"
    with pytest.raises(ValidationError, match="already closed"):
        action_close_as_resolved(action=action, by=admin_user)


def test_an_action_still_needed_is_not_closed_as_resolved(admin_client, client, make_person, partnership, police):
    section11_return = submitted(partnership, police, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    moderate(section11_return.answers.get(standard__number="8.6"), Rating.INADEQUATE, agreed_action="Train.")
    (action,) = services.section11_moderation_complete(section11_return=section11_return, by=None)
    close = reverse("actions:action-close-as-resolved", args=[action.pk])
    assert admin_client.post(close).status_code == 400
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.post(close).status_code == 403
    action.refresh_from_db()
    assert action.closed_on is None


def test_a_return_in_progress_cannot_be_moderated(admin_client, partnership, police):
    answer = builders.section11_round(partnership, [police]).returns.get().answers.first()
    response = admin_client.post(
        reverse("audits:section11-answer-moderate", args=[answer.pk]),
        {"agreed_rating": Rating.GOOD, "challenge": "Early."},
    )
    assert response.status_code == 400
    answer.refresh_from_db()
    assert answer.agreed_rating == ""


def test_moderation_progress_across_agencies(admin_client, partnership, police, council):
    round_ = builders.section11_round(partnership, [police, council])
    for section11_return in round_.returns.all():
        builders.rate_all(section11_return)
        builders.submitted(section11_return)
    services.section11_moderation_complete(section11_return=round_.returns.get(agency=police), by=None)
    page = admin_client.get(round_.get_absolute_url()).content.decode()
    assert "1 of 2 returns moderated" in page
