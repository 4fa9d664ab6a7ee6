from django.urls import reverse

from assure.core.permissions import Role
from assure.training.models import AgencyTrainingProfile, Booking, BookingStatus


def test_a_practitioner_sees_only_their_own_bookings(client, course, book, school, practitioner):
    own = book(course, school, delegate=practitioner)
    colleague = book(course, school)
    client.force_login(practitioner)
    assert client.get(reverse("training:booking-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("training:booking-detail", args=[colleague.pk])).status_code == 404
    assert client.post(reverse("training:booking-cancel", args=[colleague.pk])).status_code == 404
    colleague.refresh_from_db()
    assert colleague.status == BookingStatus.BOOKED


def test_an_agency_lead_books_their_own_staff_only(client, course, make_person, school, police):
    lead = make_person(Role.AGENCY_LEAD, police)
    officer = make_person(Role.PRACTITIONER, police)
    teacher = make_person(Role.PRACTITIONER, school)
    client.force_login(lead)
    page = client.get(reverse("training:course-book-staff", args=[course.pk]))
    assert set(page.context["form"].fields["delegate"].queryset) == {lead, officer}

    form = {"workforce_roles": ["conference"], "job_title": "Detective constable"}
    refused = client.post(reverse("training:course-book-staff", args=[course.pk]), {**form, "delegate": teacher.pk})
    assert refused.status_code == 400
    assert not Booking.objects.exists()
    booked = client.post(reverse("training:course-book-staff", args=[course.pk]), {**form, "delegate": officer.pk})
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert (booking.delegate, booking.agency, booking.booked_by) == (officer, police, lead)


def test_an_agency_lead_gets_404_for_another_agencys_booking_actions(client, course, book, make_person, school, police):
    theirs = book(course, school)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    for name in ("booking-detail", "waiver-request", "certificate"):
        assert client.get(reverse(f"training:{name}", args=[theirs.pk])).status_code == 404, name
    for name in ("booking-cancel", "booking-decide"):
        assert client.post(reverse(f"training:{name}", args=[theirs.pk])).status_code == 404, name
    assert client.get(reverse("training:agency-detail", args=[school.pk])).status_code == 404


def test_an_agency_lead_approves_their_own_staffs_bookings(client, course, book, make_person, school):
    AgencyTrainingProfile.objects.create(agency=school, requires_manager_approval=True)
    awaiting = book(course, school)
    client.force_login(make_person(Role.AGENCY_LEAD, school))
    client.post(reverse("training:booking-decide", args=[awaiting.pk]), {"decision": "approve"})
    awaiting.refresh_from_db()
    assert awaiting.status == BookingStatus.BOOKED


def test_a_practitioner_cannot_approve_their_own_booking(client, course, book, make_person, school, practitioner):
    AgencyTrainingProfile.objects.create(agency=school, requires_manager_approval=True)
    awaiting = book(course, school, delegate=practitioner)
    client.force_login(practitioner)
    assert (
        client.post(reverse("training:booking-decide", args=[awaiting.pk]), {"decision": "approve"}).status_code == 403
    )
    awaiting.refresh_from_db()
    assert awaiting.status == BookingStatus.AWAITING_APPROVAL


def test_reports_and_the_register_are_for_the_partnership(client, course, make_person, police):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(reverse("training:reports")).status_code == 403
    assert client.get(reverse("training:report-needs")).status_code == 403
    assert client.get(reverse("training:course-register", args=[course.pk])).status_code == 403
    assert client.get(reverse("training:course-create")).status_code == 403


def test_an_agency_lead_records_their_own_agencys_headcount(client, make_person, police, school):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    year = police.partnership.reporting_years.get()
    saved = client.post(
        reverse("training:headcount-create", args=[police.pk]), {"reporting_year": year.pk, "headcount": "150"}
    )
    assert saved.status_code == 302
    assert police.training_headcounts.get().headcount == 150
    other = client.post(
        reverse("training:headcount-create", args=[school.pk]), {"reporting_year": year.pk, "headcount": "9"}
    )
    assert other.status_code == 404
    assert not school.training_headcounts.exists()
