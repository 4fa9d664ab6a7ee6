"""Challenges go raised → responded → closed (accepted or escalated); only the addressed partner's lead safeguarding
partner, their delegate or the agency's lead responds; the scrutineer records challenges and an annual assessment
and never approves."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.core.permissions import Role
from assure.governance import services
from assure.governance.models import Challenge, ChallengeStatus, Outcome, ScrutinyAssessment

from . import builders


@pytest.fixture
def scrutineer(make_person, council):
    return make_person(Role.SCRUTINEER, council, full_name="Sam Scrutineer")


@pytest.fixture
def raised(partnership, scrutineer, police):
    return services.challenge_raise(
        partnership=partnership,
        by=scrutineer,
        addressed_to=police,
        subject="Strategy meetings",
        text="How will you attend every strategy meeting?",
        response_due_on=date(2020, 2, 28),
        today=date(2020, 1, 20),
    )


def test_a_challenge_follows_its_states_to_acceptance(raised, police, scrutineer):
    assert (raised.status, raised.is_overdue(date(2020, 2, 28)), raised.is_overdue(date(2020, 2, 29))) == (
        ChallengeStatus.RAISED,
        False,
        True,
    )
    chief = builders.lead_partner(police)
    services.challenge_respond(
        challenge=raised, response="A duty officer now covers them.", by=chief, today=date(2020, 2, 20)
    )
    assert (raised.status, raised.is_overdue(date(2020, 3, 31))) == (ChallengeStatus.RESPONDED, False)
    services.challenge_close(
        challenge=raised, outcome=Outcome.ACCEPTED, note="", by=scrutineer, today=date(2020, 3, 11)
    )
    assert Challenge.objects.get().status == ChallengeStatus.ACCEPTED


def test_an_escalated_challenge_says_why_and_tells_the_lead_partners(
    raised, police, council, scrutineer, django_capture_on_commit_callbacks
):
    services.challenge_respond(challenge=raised, response="We will look at it.", by=builders.lead_partner(police))
    builders.lead_partner(council)
    with pytest.raises(ValidationError, match="Say why the response is not enough"):
        services.challenge_close(challenge=raised, outcome=Outcome.ESCALATED, note="", by=scrutineer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_close(challenge=raised, outcome=Outcome.ESCALATED, note="No date is given.", by=scrutineer)
    assert Challenge.objects.get().status == ChallengeStatus.ESCALATED
    [message] = mail.outbox
    assert message.subject == "[Assure] A challenge between partners has been escalated to you"
    assert len(message.to) == 2


def test_the_addressed_partner_s_delegate_and_agency_lead_may_respond(raised, police, make_person):
    chief = builders.lead_partner(police)
    delegate = builders.lead_partner(police, delegate_for=chief)
    services.challenge_respond(challenge=raised, response="Answered by the delegate.", by=delegate)
    second = builders.challenge(raised.partnership, raised_by=raised.raised_by, addressed_to=police)
    services.challenge_respond(
        challenge=second, response="Answered by the lead.", by=make_person(Role.AGENCY_LEAD, police)
    )
    assert set(Challenge.objects.values_list("responded_by", flat=True)) == {delegate.pk, second.responded_by.pk}


@pytest.mark.parametrize("who", ["other_partner", "admin", "scrutineer", "other_agency_lead"])
def test_a_response_by_someone_not_addressed_is_refused_and_nothing_saved(
    raised, council, make_person, who, scrutineer, admin_user
):
    responder = {
        "other_partner": builders.lead_partner(council),
        "admin": admin_user,
        "scrutineer": scrutineer,
        "other_agency_lead": make_person(Role.AGENCY_LEAD, council),
    }[who]
    with pytest.raises(ValidationError, match="Only Test Police's lead safeguarding partner, their delegate"):
        services.challenge_respond(challenge=raised, response="Not ours to answer.", by=responder)
    assert Challenge.objects.get().responded_on is None


def test_the_response_page_refuses_whoever_raised_it_with_400_and_another_partner_with_404(
    raised, client, council, scrutineer
):
    url = reverse("governance:challenge-respond", args=[raised.pk])
    client.force_login(scrutineer)
    assert "Only Test Police's lead safeguarding partner" in client.get(url).content.decode()
    response = client.post(url, {"response": "Answering my own challenge."})
    assert response.status_code == 400
    assert "Only Test Police&#x27;s lead safeguarding partner" in response.content.decode()
    client.force_login(builders.lead_partner(council))
    assert client.post(url, {"response": "Not ours."}).status_code == 404
    assert Challenge.objects.get().response == ""


def test_the_business_unit_sees_the_response_page_but_cannot_respond(raised, admin_client):
    response = admin_client.post(reverse("governance:challenge-respond", args=[raised.pk]), {"response": "For them."})
    assert response.status_code == 400
    assert "Only Test Police&#x27;s lead safeguarding partner" in response.content.decode()
    assert Challenge.objects.get().response == ""


def test_an_agency_lead_sees_only_challenges_to_their_agency(
    raised, partnership, council, scrutineer, make_person, client
):
    to_council = builders.challenge(partnership, raised_by=scrutineer, addressed_to=council)
    client.force_login(make_person(Role.AGENCY_LEAD, council))
    listed = client.get(reverse("governance:challenge-list")).content.decode()
    assert to_council.subject in listed and raised.get_absolute_url() not in listed
    assert client.get(raised.get_absolute_url()).status_code == 404


def test_raising_tells_the_addressed_partner_s_responders(
    partnership, scrutineer, police, make_person, django_capture_on_commit_callbacks
):
    builders.lead_partner(police)
    make_person(Role.AGENCY_LEAD, police)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_raise(
            partnership=partnership,
            by=scrutineer,
            addressed_to=police,
            subject="Missing children",
            text="Return interviews?",
            response_due_on=date(2099, 1, 1),
        )
    [message] = mail.outbox
    assert (message.subject, len(message.to)) == ("[Assure] A challenge to Test Police awaits a response", 2)


def test_a_partner_cannot_challenge_itself(partnership, police, admin_user):
    with pytest.raises(ValidationError, match="A partner cannot challenge itself"):
        services.challenge_raise(
            partnership=partnership,
            by=admin_user,
            from_agency=police,
            addressed_to=police,
            subject="Ourselves",
            text="?",
            response_due_on=date(2099, 1, 1),
        )


def test_the_scrutineer_records_a_challenge_and_an_assessment_and_cannot_approve(
    partnership, scrutineer, police, client, admin_user
):
    client.force_login(scrutineer)
    response = client.post(
        reverse("governance:challenge-create"),
        {
            "addressed_to": police.pk,
            "subject": "Missing children",
            "text": "How many return interviews were offered?",
            "response_due_on_day": "30",
            "response_due_on_month": "4",
            "response_due_on_year": "2099",
        },
    )
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert (challenge.raised_by, challenge.from_agency, challenge.challenger) == (
        scrutineer,
        None,
        "The independent scrutineer",
    )
    response = client.post(
        reverse("governance:assessment-create"),
        {"start_year": "2019", "title": "Scrutiny 2019-20", "text": "Engagement is high."},
    )
    assert response.status_code == 302
    assessment = ScrutinyAssessment.objects.get()
    assert assessment.author == scrutineer
    assert client.get(reverse("governance:assessment-respond", args=[assessment.pk])).status_code == 403
    services.assessment_respond(assessment=assessment, response="Accepted.", by=admin_user)
    assert "Accepted." in client.get(assessment.get_absolute_url()).content.decode()


def test_only_the_scrutineer_or_the_business_unit_records_the_assessment(partnership, police, make_person):
    with pytest.raises(ValidationError, match="Only the independent scrutineer"):
        services.assessment_record(
            partnership=partnership, start_year=2019, title="Mine", text="?", by=make_person(Role.AGENCY_LEAD, police)
        )
    assert not ScrutinyAssessment.objects.exists()


def test_challenge_statements_to_all_partners_are_followed_up_the_year_after(partnership, admin_client):
    response = admin_client.post(
        reverse("governance:challenge-statement-create"),
        {
            "start_year": "2020",
            "theme": "Neglect",
            "text": "Take part in the review of the Neglect Strategy.",
            "order": "0",
        },
    )
    assert response.status_code == 302
    statement = partnership.challenge_statements.get()
    admin_client.post(
        reverse("governance:challenge-statement-follow-up", args=[statement.pk]),
        {"follow_up": "Every partner joined the review."},
    )
    page = admin_client.get(reverse("governance:scrutiny")).content.decode()
    assert "Neglect, 2020-21" in page and "Every partner joined the review." in page
