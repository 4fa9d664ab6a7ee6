"""Budget totals are computed from the lines, income negative, the carry forward a line of its own; a contribution
needs its partner; the closing balance becomes next year's carry forward."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.core.models import Agency, Sector
from assure.governance import budget, selectors, services
from assure.governance.models import BudgetLine, LineKind

from . import builders


def _line(partnership, kind, name, planned, actual, partner=None, start_year=2019, **fields):
    line = BudgetLine(
        partnership=partnership,
        start_year=start_year,
        kind=kind,
        name=name,
        budget=Decimal(planned),
        actual=None if actual is None else Decimal(actual),
        partner=partner,
        **fields,
    )
    line.full_clean()
    line.save()
    return line


@pytest.fixture
def year(partnership, police, council):
    _line(partnership, LineKind.EXPENDITURE, "Pay and overheads", 1000, 900)
    _line(partnership, LineKind.EXPENDITURE, "Training", 200, 300)
    _line(partnership, LineKind.CONTRIBUTION, "Police", -500, -500, police, invoiced=Decimal(500), paid=Decimal(500))
    _line(partnership, LineKind.CONTRIBUTION, "Council", -600, -300, council, invoiced=Decimal(600), paid=Decimal(300))
    _line(partnership, LineKind.OTHER_INCOME, "Training charges", -100, -50, is_training_income=True)
    _line(partnership, LineKind.CARRY_FORWARD, "Carry forward", -40, -40)
    return partnership


def test_totals_in_year_position_and_closing_balance(year):
    lines = list(selectors.budget_lines(year, 2019))
    planned, actual = budget.position(lines, "budget"), budget.position(lines, "actual")
    assert (planned.gross_expenditure, planned.gross_income, planned.net, planned.in_year) == (1200, -1240, -40, 0)
    assert (actual.gross_expenditure, actual.gross_income, actual.net, actual.in_year) == (1200, -890, 310, 350)
    assert budget.in_words(actual.in_year) == "a deficit of £350"
    assert budget.in_words(Decimal(-23716)) == "a surplus of £23,716"


def test_contributions_by_partner_with_invoiced_paid_and_outstanding(year):
    shares = {share.partner: share for share in budget.partner_shares(selectors.budget_lines(year, 2019))}
    council = shares["Test Council"]
    assert (council.budget, council.actual, council.invoiced, council.paid, council.outstanding) == (
        600,
        300,
        600,
        300,
        300,
    )
    assert (shares["Test Police"].percent, council.percent) == (Decimal("62.5"), Decimal("37.5"))


def test_the_closing_balance_becomes_next_year_s_carry_forward(year):
    line = services.budget_roll_forward(partnership=year, start_year=2019)
    assert (line.start_year, line.kind, line.budget, line.actual) == (2020, LineKind.CARRY_FORWARD, 310, 310)
    assert selectors.carry_forward_differs(year, 2020) is None
    BudgetLine.objects.filter(start_year=2019, name="Training").update(actual=Decimal(250))
    assert selectors.carry_forward_differs(year, 2020) == Decimal(260)
    services.budget_roll_forward(partnership=year, start_year=2019)
    assert BudgetLine.objects.get(start_year=2020).actual == 260


def test_a_year_without_every_actual_cannot_be_carried_forward(year):
    BudgetLine.objects.filter(name="Training").update(actual=None)
    with pytest.raises(ValidationError, match="needs its actual figure"):
        services.budget_roll_forward(partnership=year, start_year=2019)
    assert not BudgetLine.objects.filter(start_year=2020).exists()


def test_a_contribution_without_a_partner_is_refused(partnership):
    with pytest.raises(ValidationError) as refused:
        _line(partnership, LineKind.CONTRIBUTION, "Schools Forum", -13540, -13540)
    assert refused.value.message_dict["partner"] == ["Choose the partner agency this contribution comes from."]
    assert not BudgetLine.objects.exists()


def test_the_budget_page_refuses_a_contribution_without_a_partner_with_400(admin_client):
    response = admin_client.post(
        reverse("governance:budget-line-create", args=[2019]),
        {"kind": LineKind.CONTRIBUTION, "name": "Schools Forum", "budget": "-13540", "actual": "-13540", "order": "0"},
    )
    assert response.status_code == 400
    assert "Choose the partner agency this contribution comes from." in response.content.decode()
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    "kind, planned, field, message",
    [
        (LineKind.OTHER_INCOME, 9000, "budget", "Enter income as a minus amount"),
        (LineKind.EXPENDITURE, -500, "budget", "Enter spending as a positive amount"),
    ],
)
def test_amounts_keep_the_ledger_s_signs(partnership, kind, planned, field, message):
    with pytest.raises(ValidationError) as refused:
        _line(partnership, kind, "Line", planned, None)
    assert refused.value.message_dict[field][0].startswith(message)


def test_training_charges_for_the_year_sit_beside_the_training_income_line(year, admin_client, police, make_person):
    from assure.core.permissions import Role
    from assure.training.models import ChargeRule

    ChargeRule.objects.create(
        partnership=year,
        agency_type=ChargeRule.AgencyType.OTHER,
        place_fee=Decimal(40),
        non_attendance_fee=Decimal(40),
        late_cancellation_fee=Decimal(40),
    )
    builders.trained(builders.module(year, "2"), [make_person(Role.PRACTITIONER, police) for _ in range(2)])
    page = admin_client.get(reverse("governance:budget") + "?year=2019").content.decode()
    assert "“Training charges” line shows -£50." in page
    assert "bookings charged £80 for courses held in 2019-20" in page


def test_an_in_kind_contribution_stays_out_of_the_totals(year, police, admin_client):
    response = admin_client.post(
        reverse("governance:in-kind-create", args=[2019]),
        {"agency": police.pk, "description": "Training rooms", "estimated_value": "1200"},
    )
    assert response.status_code == 302
    lines = list(selectors.budget_lines(year, 2019))
    assert budget.position(lines, "actual").net == 310
    assert selectors.budget_statement(year, 2019)["in_kind"] == [
        {"partner": "Test Police", "description": "Training rooms", "estimated_value": Decimal("1200.00")}
    ]


def test_the_statement_downloads_with_its_totals(year, admin_client):
    from io import BytesIO

    from openpyxl import load_workbook

    response = admin_client.get(reverse("governance:budget") + "?year=2019&export=xlsx")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Net shortfall / -surplus"][1:3] == (-40, 310)
    assert rows["In-year position before carry forward"][1:3] == (0, 350)


def test_a_relevant_agency_s_contribution_shows_apart_from_the_partners(year, partnership):
    housing = Agency.objects.create(partnership=partnership, name="Test Housing", sector=Sector.HOUSING)
    _line(partnership, LineKind.CONTRIBUTION, "Housing", -100, -100, housing)
    shares = budget.partner_shares(selectors.budget_lines(partnership, 2019))
    assert [(share.partner, share.statutory) for share in shares][-1] == ("Test Housing", False)
