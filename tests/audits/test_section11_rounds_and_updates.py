from datetime import date

from django.urls import reverse

from assure.audits import movement
from assure.audits.models import Rating, ReturnStatus, Section11ProgressUpdate, Section11Round
from assure.core.permissions import Role

from . import builders


def test_the_business_unit_opens_a_round_with_a_return_per_agency(admin_client, partnership, police, council):
    framework = builders.framework(partnership)
    response = admin_client.post(
        reverse("audits:section11-round-create"),
        {
            "name": "Section 11 audit 2021-22",
            "framework": framework.pk,
            "opens_on": "06/09/2021",
            "deadline": "17/12/2021",
            "agencies": [police.pk, council.pk],
        },
    )
    assert response.status_code == 302
    round_ = Section11Round.objects.get()
    assert sorted(r.agency.name for r in round_.returns.all()) == ["Test Council", "Test Police"]
    assert all(r.answers.count() == 3 for r in round_.returns.all())


def test_a_round_with_a_deadline_before_it_opens_is_refused(admin_client, partnership, police):
    framework = builders.framework(partnership)
    response = admin_client.post(
        reverse("audits:section11-round-create"),
        {
            "name": "Wrong",
            "framework": framework.pk,
            "opens_on": "06/09/2021",
            "deadline": "01/09/2021",
            "agencies": [police.pk],
        },
    )
    assert response.status_code == 400
    assert "The deadline must be on or after" in response.content.decode()
    assert not Section11Round.objects.exists()


def test_previous_answers_are_carried_forward_as_a_starting_point(partnership, police):
    first = builders.section11_round(partnership, [police])
    builders.rate_all(first.returns.get(), Rating.GOOD, **{"7.5": Rating.INADEQUATE})
    second = builders.section11_round(partnership, [police], name="Next round", previous_round=first)
    answer = second.returns.get().answers.get(standard__number="7.5")
    assert answer.carried_forward
    assert (answer.self_rating, answer.planned_action, answer.narrative) == (
        Rating.INADEQUATE,
        "Improve 7.5.",
        "How we meet it.",
    )
    assert second.returns.get().status == ReturnStatus.IN_PROGRESS


def test_an_agency_lead_records_a_rating_change_at_a_progress_update(client, make_person, partnership, police):
    round_ = builders.section11_round(partnership, [police])
    section11_return = round_.returns.get()
    builders.rate_all(section11_return, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    update = Section11ProgressUpdate.objects.create(
        round=round_, name="2019-20 update", requested_on=date(2019, 10, 1), due_on=date(2020, 1, 31)
    )
    answer = section11_return.answers.get(standard__number="8.6")
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    page = client.get(update.get_absolute_url()).content.decode()
    assert "8.6" in page and "1.1</td>" not in page  # only standards needing improvement are listed
    url = reverse("audits:section11-rating-change", args=[update.pk, answer.pk])
    assert client.post(url, {"rating": Rating.GOOD, "changed_on": "20/01/2020", "evidence": ""}).status_code == 400
    client.post(
        url, {"rating": Rating.REQUIRES_IMPROVEMENT, "changed_on": "20/01/2020", "evidence": "Training booked."}
    )
    change = update.changes.get()
    assert (change.rating, change.changed_on, change.evidence) == (
        Rating.REQUIRES_IMPROVEMENT,
        date(2020, 1, 20),
        "Training booked.",
    )
    result = movement.movement(movement.round_point(round_), movement.update_point(update))
    assert result.overall.count(Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT) == 1


def test_an_agency_lead_sees_the_movement_of_their_own_agency_only(client, make_person, partnership, police, council):
    round_ = builders.section11_round(partnership, [police, council])
    for section11_return in round_.returns.all():
        builders.rate_all(section11_return, Rating.GOOD)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.get(
        reverse("audits:section11-movement"), {"from": f"round:{round_.pk}", "to": f"round:{round_.pk}"}
    )
    result = response.context["result"]
    assert [agency for agency, _ in result.by_agency] == [police]
    assert result.overall.total == 3
