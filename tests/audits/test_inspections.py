from django.urls import reverse

from assure.audits.models import Inspection, Inspectorate


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
    from assure.core.permissions import Role

    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(reverse("audits:inspection-create")).status_code == 403
