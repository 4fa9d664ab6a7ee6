from django.urls import reverse

from assure.audits.models import Rating, Section11Answer
from assure.core.permissions import Role

from . import builders


def test_an_agency_lead_sees_only_their_own_agencys_returns(client, make_person, partnership, police, council):
    builders.section11_round(partnership, [police, council])
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.get(reverse("audits:section11-rounds"))
    assert [r.agency for r in response.context["returns"]] == [police]


def test_an_agency_lead_cannot_open_or_edit_another_agencys_return(client, make_person, partnership, police, council):
    round_ = builders.section11_round(partnership, [police, council])
    theirs = round_.returns.get(agency=council)
    answer = theirs.answers.first()
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(theirs.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("audits:section11-answer-edit", args=[answer.pk]),
        {"self_rating": Rating.GOOD, "narrative": "Not ours."},
    )
    assert response.status_code == 404
    assert client.get(reverse("audits:section11-return-check", args=[theirs.pk])).status_code == 404
    submission = {"senior_leader_name": "A Chief", "senior_leader_job_title": "Chief officer", "approved": "on"}
    assert client.post(reverse("audits:section11-return-check", args=[theirs.pk]), submission).status_code == 404
    answer.refresh_from_db()
    assert answer.self_rating == ""


def test_an_agency_lead_answers_a_standard_of_their_own_return(client, make_person, partnership, police):
    round_ = builders.section11_round(partnership, [police])
    answer = round_.returns.get().answers.get(standard__number="7.5")
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(
        reverse("audits:section11-answer-edit", args=[answer.pk]),
        {"self_rating": Rating.REQUIRES_IMPROVEMENT, "narrative": "Partly.", "planned_action": "Ask children."},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.self_rating, answer.planned_action) == (Rating.REQUIRES_IMPROVEMENT, "Ask children.")


def test_bad_answer_input_shows_the_error_summary_and_saves_nothing(client, make_person, partnership, police):
    round_ = builders.section11_round(partnership, [police])
    answer = round_.returns.get().answers.first()
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(
        reverse("audits:section11-answer-edit", args=[answer.pk]),
        {"self_rating": Rating.NOT_APPLICABLE, "narrative": "x"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Say why the standard does not apply" in page
    assert Section11Answer.objects.get(pk=answer.pk).self_rating == ""


def test_a_rating_needing_improvement_must_say_what_will_be_done(client, make_person, partnership, police):
    round_ = builders.section11_round(partnership, [police])
    answer = round_.returns.get().answers.first()
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(
        reverse("audits:section11-answer-edit", args=[answer.pk]), {"self_rating": Rating.INADEQUATE}
    )
    assert response.status_code == 400
    assert "Say what your agency will do to improve" in response.content.decode()
