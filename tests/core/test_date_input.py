from datetime import date

import pytest
from django import forms
from django.urls import reverse

from assure.core.forms import DateField


class _DatesForm(forms.Form):
    date_to = DateField(label="Date to")
    reviewed_on = DateField(required=False)


def _form(**parts):
    return _DatesForm({f"date_to_{key}": value for key, value in parts.items()})


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({"day": "27", "month": "3", "year": "2020"}, date(2020, 3, 27)),
        ({"day": "1", "month": "April", "year": "2019"}, date(2019, 4, 1)),
        ({"day": "01", "month": "sept", "year": "2019"}, date(2019, 9, 1)),
        ({"day": " 29 ", "month": "02", "year": "2020"}, date(2020, 2, 29)),
    ],
)
def test_it_reads_the_three_boxes_with_month_numbers_or_names(parts, expected):
    form = _form(**parts)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_to"] == expected


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"day": "27", "month": "3", "year": ""}, "Date to must include a year"),
        ({"day": "", "month": "3", "year": ""}, "Date to must include a day and year"),
        ({"day": "31", "month": "2", "year": "2020"}, "Date to must be a real date"),
        ({"day": "12", "month": "Smarch", "year": "2020"}, "Date to must be a real date"),
        ({"day": "1", "month": "4", "year": "19"}, "Date to must have a year of 4 numbers, for example 2020"),
        ({"day": "", "month": "", "year": ""}, "Enter date to"),
    ],
)
def test_each_fault_gets_a_message_naming_the_field(parts, message):
    form = _form(**parts)
    assert not form.is_valid()
    assert form["date_to"].errors == [message]


def test_a_message_names_a_field_that_was_given_no_label():
    form = _DatesForm({"date_to": "2020-01-01", "reviewed_on_day": "5", "reviewed_on_month": "13"})
    assert form.errors["reviewed_on"] == ["Reviewed on must include a year"]


def test_an_empty_optional_date_is_no_date():
    form = _DatesForm({"date_to": "2020-01-01"})
    assert form.is_valid()
    assert form.cleaned_data["reviewed_on"] is None


@pytest.mark.parametrize("text", ["2020-04-01", "01/04/2020", "1/4/2020", "1 April 2020"])
def test_a_link_may_give_the_date_in_one_piece(text):
    form = _DatesForm({"date_to": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_to"] == date(2020, 4, 1)


def test_it_draws_the_govuk_date_input_and_marks_only_the_missing_box():
    html = str(_form(day="27", month="3", year=""))
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date to</legend>' in html
    assert 'for="id_date_to_0">Day</label>' in html and 'for="id_date_to_2">Year</label>' in html
    assert 'name="date_to_day"' in html and 'value="27"' in html
    assert 'type="number"' not in html
    assert html.count("govuk-input--error") == 1
    assert 'class="govuk-input govuk-date-input__input govuk-input--width-4 govuk-input--error"' in html
    assert '<a href="#id_date_to_2">Date to must include a year</a>' in html
    assert "Reviewed on (optional)" in html


def test_an_unreal_date_marks_all_three_boxes():
    html = str(_form(day="31", month="2", year="2020"))
    assert html.count("govuk-input--error") == 3
    assert '<a href="#id_date_to_0">Date to must be a real date</a>' in html


def test_a_filter_range_that_ends_before_it_starts_says_so(admin_client):
    response = admin_client.get(
        reverse("core:audit-trail"),
        {
            "date_from_day": "31",
            "date_from_month": "12",
            "date_from_year": "2020",
            "date_to_day": "1",
            "date_to_month": "1",
            "date_to_year": "2020",
        },
    )
    assert "Date to must be the same as or after date from" in response.content.decode()


def test_a_filter_date_missing_its_year_says_which_filter(admin_client):
    response = admin_client.get(reverse("core:audit-trail"), {"date_to_day": "1", "date_to_month": "1"})
    assert '<a href="#id_date_to_2">Date to must include a year</a>' in response.content.decode()
