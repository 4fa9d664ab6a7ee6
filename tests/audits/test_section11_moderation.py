from datetime import date

from django.urls import reverse

from assure.actions.models import Action
from assure.audits.models import Rating, ReturnStatus

from . import builders


def submitted(partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return, Rating.OUTSTANDING)
    section11_return.status = ReturnStatus.SUBMITTED
    section11_return.save()
    return section11_return


def test_moderation_keeps_the_self_rating_beside_the_agreed_rating(admin_client, partnership, police):
    answer = submitted(partnership, police).answers.get(standard__number="1.1")
    response = admin_client.post(
        reverse("audits:section11-answer-moderate", args=[answer.pk]),
        {"agreed_rating": Rating.GOOD, "challenge": "Evidence covers one district only."},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.self_rating, answer.agreed_rating, answer.rating) == (Rating.OUTSTANDING, Rating.GOOD, Rating.GOOD)
    assert answer.gap == -1 and answer.gap_label == "1 grade lower than self-rated"
    page = admin_client.get(answer.section11_return.get_absolute_url()).content.decode()
    assert "1 grade lower than self-rated" in page


def test_moderating_down_to_requires_improvement_adds_an_action(admin_client, partnership, police):
    answer = submitted(partnership, police).answers.get(standard__number="7.5")
    url = reverse("audits:section11-answer-moderate", args=[answer.pk])
    response = admin_client.post(url, {"agreed_rating": Rating.REQUIRES_IMPROVEMENT, "challenge": "No child feedback."})
    assert response.status_code == 400
    assert "Enter the action the agency must take" in response.content.decode()
    answer.refresh_from_db()
    assert answer.agreed_rating == "" and not Action.objects.exists()

    admin_client.post(
        url,
        {
            "agreed_rating": Rating.REQUIRES_IMPROVEMENT,
            "challenge": "No child feedback.",
            "action_text": "Collect children's feedback on outcomes.",
            "due_date": "31/03/2020",
        },
    )
    action = Action.objects.get()
    assert (action.agency, action.due_date, action.source) == (police, date(2020, 3, 31), answer)
    register = admin_client.get(reverse("actions:action-list")).content.decode()
    assert "Collect children&#x27;s feedback on outcomes." in register


def test_a_return_in_progress_cannot_be_moderated(admin_client, partnership, police):
    answer = builders.section11_round(partnership, [police]).returns.get().answers.first()
    response = admin_client.post(
        reverse("audits:section11-answer-moderate", args=[answer.pk]),
        {"agreed_rating": Rating.GOOD, "challenge": "Early."},
    )
    assert response.status_code == 400
    answer.refresh_from_db()
    assert answer.agreed_rating == ""
