from datetime import date

from django.urls import reverse

from assure.core.models import ReportingYear
from assure.performance.models import AggregateDataset, AggregateMeasure, AggregateReturn, AggregateValue
from assure.training.models import Attendance
from assure.training.selectors import tool_take_up


def test_people_trained_to_date_sit_beside_the_accepted_returns(
    admin_client, partnership, module, make_course, book, council, school
):
    module.tool_return = "gcp2"
    module.save()
    dataset = AggregateDataset.objects.create(partnership=partnership, code="gcp2", name="Graded Care Profile 2 use")
    dataset.agencies.add(council)
    using = AggregateMeasure.objects.create(dataset=dataset, code="practitioners_using", label="Practitioners using it")
    for quarter, status, value in ((1, "accepted", 7), (2, "submitted", 5)):
        returned = AggregateReturn.objects.create(
            dataset=dataset, agency=council, start_year=2019, quarter=quarter, status=status
        )
        AggregateValue.objects.create(aggregate_return=returned, measure=using, value=value)
    for day in (date(2019, 6, 4), date(2019, 11, 26)):
        booking = book(make_course(on=day, booking_deadline=day), school, today=date(2019, 5, 1))
        booking.attendance = Attendance.ATTENDED
        booking.save()

    labels, rows = tool_take_up(module, year=ReportingYear.objects.get(start_year=2019))

    assert labels == ["Practitioners using it"]
    assert [(row.trained_to_date, row.returned) for row in rows] == [(1, [7]), (1, [None]), (2, [None]), (2, [None])]
    page = admin_client.get(reverse("training:report-take-up"))
    assert page.status_code == 200
    assert "Practitioners using it (returns)" in page.content.decode()
