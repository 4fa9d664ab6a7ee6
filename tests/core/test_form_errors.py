from django.urls import reverse

from assure.core.models import Agency, AuditEntry


def test_bad_input_shows_the_error_summary_and_saves_nothing(admin_client, partnership):
    before = (Agency.objects.count(), AuditEntry.objects.count())
    response = admin_client.post(reverse("core:agency-create"), {"name": "", "sector": "space"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert '<a href="#id_name">Enter name</a>' in html
    assert '<a href="#id_sector_0">Select a valid choice. space is not one of the available choices.</a>' in html
    assert html.count("govuk-form-group--error") == 2
    assert "<title>Error: " in html
    assert (Agency.objects.count(), AuditEntry.objects.count()) == before


def test_good_input_saves_and_says_so(admin_client, partnership):
    response = admin_client.post(
        reverse("core:agency-create"), {"name": "Test Housing", "sector": "housing", "active": "on"}, follow=True
    )
    assert Agency.objects.filter(
        name="Test Housing", sector="housing", active=True, is_statutory_partner=False
    ).exists()
    assert "Added Test Housing." in response.content.decode()


def test_a_duplicate_agency_name_is_refused(admin_client, police):
    response = admin_client.post(reverse("core:agency-create"), {"name": police.name.upper(), "sector": "police"})
    assert response.status_code == 400
    assert "An agency with this name is already in the partnership." in response.content.decode()
    assert Agency.objects.filter(name=police.name).count() == 1


def test_an_agency_lead_role_needs_an_agency(admin_client, admin_user):
    response = admin_client.post(
        reverse("core:role-add", args=[admin_user.pk]), {"role": "agency_lead", "started_on": "01/04/2020"}
    )
    assert response.status_code == 400
    assert "Choose the agency this person leads for." in response.content.decode()
