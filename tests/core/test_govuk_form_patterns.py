import re
from datetime import date

from django.urls import reverse

from assure.audits.forms import ModerationForm, Section11AnswerForm
from assure.core.models import ReportingYear
from assure.core.permissions import Role
from assure.performance.forms import CustomPeriodForm
from assure.training.forms import CourseForm
from assure.training.models import CourseStatus, Stage
from assure.training.services import course_book, evaluation_link_issue, evaluation_token
from tests.audits.builders import answer
from tests.core.records import course


def _conditional(html: str, option_id: str) -> str:
    match = re.search(
        rf'<div class="govuk-radios__conditional[^"]*" id="conditional-{option_id}">(.*?)</fieldset>', html, re.S
    )
    assert match, f"no conditional reveal under {option_id}"
    return match.group(0)


def test_a_reason_needed_only_for_not_applicable_is_revealed_under_that_answer(police):
    html = str(Section11AnswerForm(instance=answer(police)))
    not_applicable = re.search(r'<input[^>]*value="not_applicable"[^>]*>', html).group(0)
    assert 'id="id_self_rating_4"' in not_applicable
    assert 'data-aria-controls="conditional-id_self_rating_4"' in not_applicable
    revealed = _conditional(html, "id_self_rating_4")
    assert "govuk-radios__conditional--hidden" in revealed
    assert 'name="not_applicable_reason"' in revealed
    assert html.count('name="not_applicable_reason"') == 1


def test_a_field_some_answers_require_is_never_labelled_optional(police):
    html = str(Section11AnswerForm(instance=answer(police)))
    assert "What you will do to improve</label>" in html
    assert "What you will do to improve (optional)" not in html
    assert "Narrative (optional)" in html
    moderation = str(ModerationForm())
    assert "Action agreed with the agency</label>" in moderation and "(optional)" not in moderation


def test_a_chosen_answer_keeps_its_reveal_open_with_the_error_inside(partnership, admin_user):
    upcoming = course(partnership)
    data = {
        "module": upcoming.module_id,
        "date": upcoming.date.isoformat(),
        "start_time": "09:30",
        "end_time": "12:30",
        "venue": "Council House",
        "trainer": "Trainer",
        "capacity": "10",
        "booking_deadline": upcoming.date.isoformat(),
        "late_cancellation_working_days": "5",
        "status": CourseStatus.CANCELLED,
        "cancellation_reason": "",
    }
    form = CourseForm(data, instance=upcoming, partnership=partnership)
    assert not form.is_valid()
    html = str(form)
    revealed = _conditional(html, "id_status_1")
    assert "govuk-radios__conditional--hidden" not in revealed
    assert "Enter why the course was cancelled" in revealed


def test_scores_are_chosen_from_radios_0_to_10_never_typed(client, partnership, make_person, police):
    delegate = make_person(Role.PRACTITIONER, police)
    booking = course_book(course=course(partnership), delegate=delegate, booked_by=delegate)
    link = evaluation_link_issue(booking=booking, stage=Stage.POST)
    html = client.get(reverse("training:evaluate", args=[evaluation_token(link)])).content.decode()
    assert 'type="number"' not in html
    for score in range(11):
        assert f'name="knowledge" type="radio" value="{score}"' in html
    assert "govuk-radios--inline" in html
    response = client.post(reverse("training:evaluate", args=[evaluation_token(link)]), {"skills": "6"})
    assert '<a href="#id_knowledge_0">Select your knowledge of the subject, out of 10</a>' in response.content.decode()


def test_a_missing_file_asks_to_select_a_file(client, make_person, police):
    item = answer(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(reverse("audits:section11-evidence-upload", args=[item.pk]), {"file": ""})
    assert response.status_code == 400
    assert '<a href="#id_file">Select a file</a>' in response.content.decode()


def test_the_population_defaults_to_what_assure_holds_for_the_year_the_period_ends_in(partnership):
    ReportingYear.objects.create(partnership=partnership, start_year=2020, population_0_17=47_200)
    form = CustomPeriodForm(partnership=partnership)
    assert form.fields["population"].initial == 47_200
    assert "47,200 in 2020-21" in form.fields["population"].help_text
    bound = CustomPeriodForm(
        {"period_from": "2019-06-01", "period_to": "2019-12-31", "population": ""}, partnership=partnership
    )
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["population"] == 46_950
    typed = CustomPeriodForm(
        {"period_from": "2019-06-01", "period_to": "2019-12-31", "population": "50000"}, partnership=partnership
    )
    assert typed.is_valid() and typed.cleaned_data["population"] == 50_000
    assert typed.cleaned_data["period_to"] == date(2019, 12, 31)
