"""Attendance is counted per agency over the meetings it was a member for, guests recorded but not counted; the
executive decides only with every lead partner or delegate; decisions put actions on the one register."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.actions.selectors import actions_from_source
from assure.governance import selectors, services
from assure.governance.models import Capacity, GroupKind, MeetingDecision, MemberKind, Membership

from . import builders

MEETINGS = [date(2019, 6, 12), date(2019, 9, 11), date(2019, 12, 11), date(2020, 3, 11)]


def test_police_at_three_of_four_meetings_through_a_deputy_is_75_per_cent_and_a_guest_is_not_counted(
    partnership, police, council, make_person
):
    group = builders.group(partnership)
    officer, deputy = make_person(None, police), make_person(None, police)
    Membership.objects.create(group=group, agency=police, person=officer, started_on=date(2019, 4, 1))
    Membership.objects.create(
        group=group, agency=police, person=deputy, kind=MemberKind.DEPUTY, started_on=date(2019, 4, 1)
    )
    Membership.objects.create(group=group, agency=council, started_on=date(2019, 4, 1))
    guest = make_person(None, council)
    for number, held_on in enumerate(MEETINGS):
        meeting = services.meeting_record(group=group, held_on=held_on)
        if number < 3:
            services.attendance_record(meeting=meeting, person=deputy, capacity=Capacity.DEPUTY)
        services.attendance_record(meeting=meeting, person=guest, capacity=Capacity.GUEST)
    services.meeting_record(group=group, held_on=date(2020, 4, 8))  # the next year's

    rates = {row.agency: row for row in selectors.attendance_rates(group, 2019)}
    assert (rates["Test Police"].attended, rates["Test Police"].meetings, rates["Test Police"].percent) == (3, 4, 75)
    assert (rates["Test Council"].attended, rates["Test Council"].percent) == (0, 0)


def test_an_agency_is_counted_only_over_the_meetings_while_it_was_a_member(partnership, police, make_person):
    group = builders.group(partnership)
    member = make_person(None, police)
    Membership.objects.create(group=group, agency=police, person=member, started_on=date(2019, 10, 1))
    for held_on in MEETINGS:
        meeting = services.meeting_record(group=group, held_on=held_on)
        if held_on.month in (12, 3):
            services.attendance_record(meeting=meeting, person=member, capacity=Capacity.MEMBER)
    [row] = selectors.attendance_rates(group, 2019)
    assert (row.attended, row.meetings, row.percent) == (2, 2, 100)


def test_a_guest_is_recorded_never_refused(partnership, make_person, council):
    meeting = services.meeting_record(group=builders.group(partnership), held_on=MEETINGS[0])
    services.attendance_record(meeting=meeting, name="Visiting speaker", capacity=Capacity.GUEST)
    assert [str(a) for a in meeting.attendances.all()] == ["Visiting speaker (guest)"]


def test_someone_is_recorded_once_at_a_meeting(partnership, make_person, council):
    meeting = services.meeting_record(group=builders.group(partnership), held_on=MEETINGS[0])
    person = make_person(None, council)
    services.attendance_record(meeting=meeting, person=person, capacity=Capacity.MEMBER)
    with pytest.raises(ValidationError, match="already recorded"):
        services.attendance_record(meeting=meeting, person=person, capacity=Capacity.GUEST)


@pytest.fixture
def executive(partnership, police, council):
    group = builders.group(partnership, name="Executive", kind=GroupKind.EXECUTIVE)
    return group


def test_executive_decisions_need_every_lead_partner_or_a_delegate(executive, police, council):
    council_lead = builders.lead_partner(council)
    chief = builders.lead_partner(police, name="Chief Constable")
    delegate = builders.lead_partner(police, delegate_for=chief, name="Chief Superintendent")
    meeting = services.meeting_record(group=executive, held_on=date(2020, 2, 12))
    services.attendance_record(meeting=meeting, person=council_lead, capacity=Capacity.MEMBER)

    assert selectors.quoracy(meeting).missing == ["Test Police"]
    with pytest.raises(ValidationError, match="Nobody was recorded for Test Police"):
        services.decision_record(meeting=meeting, text="Set up a standing panel.", by=council_lead)
    assert not MeetingDecision.objects.exists()

    services.attendance_record(meeting=meeting, person=delegate, capacity=Capacity.DEPUTY)
    assert selectors.quoracy(meeting).quorate
    decision = services.decision_record(meeting=meeting, text="Set up a standing panel.", by=council_lead)
    assert (decision.number, str(decision)) == (1, "Executive 12 February 2020, decision 1")


def test_a_lead_partner_whose_role_started_later_does_not_make_a_meeting_quorate(executive, police, council):
    council_lead = builders.lead_partner(council)
    police_lead = builders.lead_partner(police, since=date(2020, 4, 1))
    meeting = services.meeting_record(group=executive, held_on=date(2020, 2, 12))
    for person in (council_lead, police_lead):
        services.attendance_record(meeting=meeting, person=person, capacity=Capacity.MEMBER)
    assert not selectors.quoracy(meeting).quorate


def test_a_decision_puts_an_action_on_the_register_linked_back_to_it(executive, police, council, admin_client):
    meeting = services.meeting_record(group=executive, held_on=date(2020, 2, 12))
    for partner in (police, council):
        services.attendance_record(meeting=meeting, person=builders.lead_partner(partner), capacity=Capacity.MEMBER)
    decision = services.decision_record(meeting=meeting, text="Set up a standing panel.", by=None)
    response = admin_client.post(
        reverse("governance:decision-action", args=[decision.pk]),
        {
            "text": "Agree the panel's terms of reference.",
            "agency": council.pk,
            "due_date_day": "30",
            "due_date_month": "6",
            "due_date_year": "2099",
        },
    )
    assert response.status_code == 302
    [action] = actions_from_source(decision)
    assert (action.source_label, action.agency, action.source_url) == (
        "Executive 12 February 2020, decision 1",
        council,
        f"{meeting.get_absolute_url()}#decision-1",
    )


def test_another_group_s_quorum_counts_member_agencies_not_guests(partnership, police, council, make_person):
    group = builders.group(partnership, quorum=2)
    meeting = services.meeting_record(group=group, held_on=MEETINGS[0])
    services.attendance_record(meeting=meeting, person=make_person(None, police), capacity=Capacity.MEMBER)
    services.attendance_record(meeting=meeting, person=make_person(None, council), capacity=Capacity.GUEST)
    assert (selectors.quoracy(meeting).quorate, selectors.quoracy(meeting).missing) == (False, ["1 more member agency"])
    assert services.decision_record(meeting=meeting, text="Noted.", by=None).number == 1


def test_the_standing_panel_s_meetings_and_decisions_read_through_the_selectors(executive, partnership, council):
    panel = builders.group(partnership, name="Standing panel", kind=GroupKind.PANEL, started_on=date(2020, 4, 1))
    panel.reports_to.set([executive])
    first = services.meeting_record(group=panel, held_on=date(2020, 5, 6))
    services.meeting_record(group=panel, held_on=date(2021, 5, 5))
    services.decision_record(meeting=first, text="Recommend a rapid review.", by=None)
    assert selectors.group_named(partnership, "Standing panel") == panel
    assert list(selectors.meetings_of(panel, start_year=2020)) == [first]
    assert [d.text for d in selectors.decisions_of(first)] == ["Recommend a rapid review."]


def test_a_decision_without_text_is_refused(partnership, admin_client):
    meeting = services.meeting_record(group=builders.group(partnership), held_on=MEETINGS[0])
    response = admin_client.post(reverse("governance:decision-add", args=[meeting.pk]), {"text": ""})
    assert response.status_code == 400
    assert not MeetingDecision.objects.exists()


def test_the_meeting_page_shows_quoracy_and_who_attended(executive, council, admin_client):
    lead = builders.lead_partner(council)
    meeting = services.meeting_record(group=executive, held_on=date(2020, 2, 12), agenda="Budget\nPriorities")
    services.attendance_record(meeting=meeting, person=lead, capacity=Capacity.MEMBER)
    page = admin_client.get(meeting.get_absolute_url()).content.decode()
    assert "Not quorate" in page and "Missing: Test Police." in page
    assert "Lead partner of Test Council" in page
    assert "<li>Budget</li>" in page


def test_a_group_cannot_report_to_a_group_that_reports_to_it(partnership, admin_client):
    board = builders.group(partnership, name="Board", kind=GroupKind.BOARD)
    delivery = builders.group(partnership, name="Delivery group")
    delivery.reports_to.set([board])
    response = admin_client.post(
        reverse("governance:group-edit", args=[board.pk]),
        {"name": "Board", "kind": GroupKind.BOARD, "reports_to": [delivery.pk]},
    )
    assert response.status_code == 400
    assert "Board cannot report to Delivery group, which reports to it already." in response.content.decode()
    assert not board.reports_to.exists()
