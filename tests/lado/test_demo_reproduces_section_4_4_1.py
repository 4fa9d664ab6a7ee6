"""The demo partnership's LADO figures, as confirmed, reproduce section 4.4.1 of the 2019-20 annual report exactly
(shared/reference/tables.md), percentages included."""

from decimal import Decimal

import pytest
from django.db import transaction

from assure.core import demo as core_demo
from assure.lado import demo
from assure.lado.figures import NOT_COLLATED
from assure.lado.models import Allegation
from assure.lado.selectors import confirmed_year_figures, working_report
from assure.training import demo as training_demo


@pytest.fixture(scope="module")
def solihull(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        partnership = core_demo.load(password="a-long-test-password-2020")
        training_demo.load_for(partnership)
        demo.load_for(partnership)
        yield partnership
        transaction.set_rollback(True)


@pytest.fixture
def report(db, solihull):
    return confirmed_year_figures(solihull, 2019, suppress_breakdowns=False)


def _points(*values):
    return [Decimal(v) for v in values]


def test_allegations_referred(report):
    assert report.years == ["2017-18", "2018-19", "2019-20"]
    assert report.referred == [94, 79, 47]


def test_concluded_cases_by_time_taken(report):
    assert [band.label for band in report.bands] == [
        "Within 1 month",
        "Within 3 months",
        "Within 12 months",
        "More than 12 months",
    ]
    assert [band.counts for band in report.bands] == [[32, 33, 15], [58, 44, 26], [13, 12, 7], [3, 2, 2]]
    assert report.concluded == [106, 91, 50]
    assert [band.percents for band in report.bands] == [
        _points(30, 36, 30),
        _points(55, 49, 52),
        _points(12, 13, 14),
        _points(3, 2, 4),
    ]
    assert [band.rolling for band in report.bands] == [
        _points(30, 36, 30),
        _points(85, 85, 82),
        _points(97, 98, 96),
        _points(100, 100, 100),
    ]


def test_outcomes_with_not_collated_shown_as_such(report):
    counts = {row.label: row.counts for row in report.outcomes}
    assert counts == {
        "No further action after initial consideration": [1, 3, 8],
        "Substantiated": [NOT_COLLATED, 37, 19],
        "False": [NOT_COLLATED, 0, 0],
        "Unfounded": [12, 5, 3],
        "Unsubstantiated": [15, 18, 20],
        "Malicious": [1, 2, 0],
    }
    assert report.outcomes[0].note == "local category"
    assert report.outcome_totals == [NOT_COLLATED, 65, 50]
    assert report.substantiation[0] is None
    assert [(r.count, r.total, r.percent) for r in report.substantiation[1:]] == [(37, 91, 41), (19, 50, 38)]


def test_the_paragraph_states_the_figures(report):
    assert "19 of 50 allegations concluded in the year were substantiated (38%)" in report.paragraph
    assert "41 of 50 (82%) within 3 months, against an expectation of 90%" in report.paragraph
    assert "In 2019-20 the LADO received 47 allegations, against 79 in 2018-19 and 94 in 2017-18." in report.paragraph
    assert "3 managing allegations training sessions were delivered, attended by 47 practitioners." in report.paragraph


def test_the_timescale_target_is_compared_with_the_rolling_percentage(report):
    assert [(t.year, t.label, t.achieved, t.met) for t in report.targets] == [
        ("2017-18", "90% within 3 months", 85, False),
        ("2018-19", "90% within 3 months", 85, False),
        ("2019-20", "90% within 3 months", 82, False),
    ]


def test_the_records_hold_the_assumptions_the_report_leaves_open(db, solihull):
    concluded = Allegation.objects.filter(partnership=solihull, outcome_on__range=("2019-04-01", "2020-03-31"))
    assert concluded.filter(received_on__lt="2019-04-01").count() == 11
    referred = Allegation.objects.filter(partnership=solihull, received_on__range=("2019-04-01", "2020-03-31"))
    assert referred.filter(outcome="").count() == 8


def test_the_working_figures_match_the_confirmed_ones_and_loading_again_changes_nothing(db, solihull, report):
    demo.load_for(solihull)
    assert Allegation.objects.filter(partnership=solihull).count() == 58
    working = working_report(solihull, 2019)
    assert working.figures == report.figures
    assert working.paragraph == report.paragraph
