"""Every count on the home page is the number of rows the list it links to opens, for every role."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.audits.models import Rating
from assure.core.permissions import Role
from assure.performance.models import AggregateDataset, AggregateMeasure, AggregateReturn
from assure.training.models import AgencyTrainingProfile, BookingStatus, Stage, WaiverStatus
from assure.training.services import course_book, evaluation_link_issue
from tests.actions.builders import action
from tests.audits.builders import rate_all, section11_round
from tests.core.records import course, person

# The count lines each role must see (with at least one row each), so no role passes with nothing to check.
EXPECTED = {
    Role.PARTNERSHIP_ADMIN: {
        "Section 11 return to moderate",
        "closure request to decide",
        "quarterly returns late",
        "quarterly return to accept",
        "fee waiver request to decide",
    },
    Role.AGENCY_LEAD: {
        "actions overdue",
        "action due within 14 days",
        "staff booking awaiting your approval",
        "quarterly returns to submit",
    },
    Role.PRACTITIONER: {"evaluation to give", "waiting-list place"},
    Role.LADO: {"action overdue"},
    Role.ANALYST: set(),
    Role.REVIEW_PANEL: set(),
    Role.LEAD_PARTNER: set(),
    Role.SCRUTINEER: set(),
}


@pytest.fixture
def people(police, council):
    return {role: person(role, police if role in (Role.AGENCY_LEAD, Role.PRACTITIONER) else council) for role in Role}


@pytest.fixture
def records(partnership, police, council, people):
    today = timezone.localdate()
    # Actions: the police have one overdue and one due within 14 days (and one later, and one awaiting closure);
    # the LADO owns one overdue.
    action(police, due_date=today - timedelta(days=3))
    action(police, due_date=today - timedelta(days=30))
    action(police, due_date=today + timedelta(days=5))
    action(police, due_date=today + timedelta(days=60))
    closing = action(police, due_date=today + timedelta(days=20))
    closing.closure_requested_on, closing.closure_evidence = today, "Done."
    closing.save()
    action(council, due_date=today - timedelta(days=1), owner=people[Role.LADO])

    # Section 11: the police return is still open; the council's is submitted with ratings to agree.
    round_ = section11_round(partnership, [police, council])
    council_return = round_.returns.get(agency=council)
    rate_all(council_return, Rating.GOOD)
    council_return.status = "submitted"
    council_return.save()

    # Training: the police need to approve their staff's bookings. The practitioner has a place on one
    # course with an evaluation to give, and a waiting-list place on a full one.
    AgencyTrainingProfile.objects.create(agency=police, requires_manager_approval=True)
    practitioner = people[Role.PRACTITIONER]
    soon, full = course(partnership, days_ahead=10), course(partnership, days_ahead=40, capacity=1)
    booked = course_book(course=soon, delegate=practitioner, booked_by=people[Role.AGENCY_LEAD])
    evaluation_link_issue(booking=booked, stage=Stage.PRE)
    colleague = person(Role.PRACTITIONER, police)
    course_book(course=full, delegate=colleague, booked_by=colleague)
    course_book(course=full, delegate=practitioner, booked_by=practitioner, join_waiting_list=True)
    waived = course_book(course=soon, delegate=person(Role.PRACTITIONER, council), booked_by=people[Role.AGENCY_LEAD])
    waived.waiver_status, waived.waiver_reason = WaiverStatus.REQUESTED, "Moved at short notice."
    waived.save()
    assert booked.status == BookingStatus.BOOKED

    # Quarterly returns: the police submitted 2019-20 Q1 (to accept); everything else of 2019-20 is owed and late.
    dataset = AggregateDataset.objects.create(partnership=partnership, code="gcp2", name="Graded Care Profile 2 use")
    dataset.agencies.set([police, council])
    AggregateMeasure.objects.create(dataset=dataset, code="children", label="Children")
    AggregateReturn.objects.create(
        dataset=dataset, agency=police, start_year=2019, quarter=1, status=AggregateReturn.Status.SUBMITTED
    )


def _rows(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    if "table" in response.context:
        return response.context["table"].page.paginator.count
    main = response.content.decode().split('<main class="govuk-main-wrapper"', 1)[1]
    bodies = re.findall(r"<tbody.*?</tbody>", main, re.S)
    assert len(bodies) <= 1, f"{url} has more than one list"
    return bodies[0].count('<tr class="govuk-table__row">') if bodies else 0


@pytest.mark.parametrize("role", list(Role))
def test_each_count_on_the_home_page_is_the_number_of_rows_its_link_opens(role, people, records):
    client = Client()
    client.force_login(people[role])
    needs = client.get(reverse("core:home")).context["needs"]
    counts = [line for _, lines in needs for line in lines if line.count is not None]
    for line in counts:
        assert _rows(client, line.url) == line.count, f"{line.text}: {line.url}"
    assert EXPECTED[role] <= {line.text for line in counts if line.count}
