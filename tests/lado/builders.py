"""Small LADO records for the tests, made through the LADO's services."""

from datetime import date

from assure.core.models import Partnership
from assure.lado import services
from assure.lado.models import Allegation, Consultation, Criterion

ADULT_NAME = "Morgan Quillfeather"
DATE_OF_BIRTH = date(1980, 6, 15)
SUMMARY = "Alleged to have pushed a pupil against a wall during a lesson."


def allegation(
    by,
    *,
    partnership: Partnership | None = None,
    received_on=date(2020, 1, 31),
    summary=SUMMARY,
    named_lados=(),
    **fields,
):
    values = {
        "referrer_kind": "employer",
        "adult_name": ADULT_NAME,
        "adult_date_of_birth": DATE_OF_BIRTH,
        "adult_role": "Teaching assistant",
        "employer": "Elmdon Primary School",
        "employment_sector": "education",
        "abuse_category": "physical",
        **fields,
    }
    return services.allegation_save(
        allegation=Allegation(partnership=partnership or Partnership.current(), received_on=received_on, **values),
        by=by,
        criteria=Criterion.objects.filter(code="harmed"),
        summary=summary,
        named_lados=named_lados,
        child_age_band="5_to_10",
    )


def concluded(by, *, received_on, outcome_on, outcome="substantiated", **fields):
    case = allegation(by, received_on=received_on, **fields)
    return services.outcome_record(allegation=case, outcome=outcome, outcome_on=outcome_on, by=by)


def consultation(by, *, received_on=date(2020, 1, 20), adult_name=ADULT_NAME, **fields):
    return services.consultation_save(
        consultation=Consultation(
            partnership=Partnership.current(),
            received_on=received_on,
            enquirer_sector="education",
            enquirer_role="Headteacher",
            adult_name=adult_name,
            **fields,
        ),
        by=by,
        concern="Worried about a teaching assistant's manner with pupils.",
        advice="Speak to the LADO again if anything further happens.",
    )
