from datetime import date

from django.urls import reverse

from assure.audits import services
from assure.audits.models import Inspection, Inspectorate, Recommendation
from assure.core.permissions import Role


def test_recording_an_inspection_with_bad_dates_saves_nothing(admin_client, partnership):
    response = admin_client.post(
        reverse("audits:inspection-create"),
        {
            "inspectorate": Inspectorate.OFSTED,
            "title": "ILACS",
            "service": "Children's social care",
            "started_on": "22/11/2019",
            "ended_on": "11/11/2019",
        },
    )
    assert response.status_code == 400
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not Inspection.objects.exists()


def test_an_agency_lead_cannot_record_inspections(client, make_person, police):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(reverse("audits:inspection-create")).status_code == 403


def test_a_police_lead_sees_the_police_action_on_an_inspection_and_nothing_of_the_councils(
    client, make_person, police, council
):
    inspection = Inspection.objects.create(
        partnership=police.partnership,
        inspectorate=Inspectorate.OFSTED,
        title="Inspection of local authority children's services (ILACS)",
        service="Children's social care",
        started_on=date(2019, 11, 11),
        ended_on=date(2019, 11, 22),
    )
    recommendation = Recommendation.objects.create(
        inspection=inspection, number=1, text="Hold strategy meetings without delay."
    )
    council_owner = make_person(Role.AGENCY_LEAD, council, full_name="Casey Councilofficer")
    councils = services.recommendation_to_action(
        recommendation=recommendation,
        text="Raise the take-up of return home interviews.",
        agency=council,
        owner=council_owner,
        due_date=date(2020, 7, 17),
        today=inspection.ended_on,
    )
    polices = services.recommendation_to_action(
        recommendation=recommendation,
        text="Agree police attendance at strategy meetings.",
        agency=police,
        due_date=date(2020, 9, 30),
        today=inspection.ended_on,
    )
    client.force_login(make_person(Role.AGENCY_LEAD, police))

    page = client.get(inspection.get_absolute_url()).content.decode()

    assert polices.text in page and f'href="{polices.get_absolute_url()}"' in page
    for detail in [councils.text, councils.get_absolute_url(), council_owner.full_name, "17 July 2020", council.name]:
        assert detail not in page
