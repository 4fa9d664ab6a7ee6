"""Small review records for the tests, made through the reviews workflows as the pages make them."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from assure.core.models import Partnership, RoleAssignment
from assure.core.permissions import Role
from assure.reviews import services
from assure.reviews.models import Harm, Incident, Outcome, Review, ReviewKind
from tests.audits.builders import PDF_BYTES
from tests.core.records import person

# Dates long enough ago that no workflow refuses them as in the future.
AWARE = date(2020, 4, 8)
NOTIFIED = date(2020, 4, 15)
CHILD_NAME = "Jordan Testchild"


def panel_member(agency):
    return person(Role.REVIEW_PANEL, agency)


def lead_partners(*agencies) -> list[RoleAssignment]:
    """One lead safeguarding partner for each statutory partner agency given."""
    return [person(Role.LEAD_PARTNER, agency).role_assignments.get() for agency in agencies]


def incident(partnership: Partnership, *, aware_on=AWARE, harm=Harm.SERIOUSLY_HARMED, **fields) -> Incident:
    return services.incident_record(
        incident=Incident(
            partnership=partnership,
            harm=harm,
            la_aware_on=aware_on,
            partnership_learned_on=aware_on,
            summary=fields.pop("summary", "Injuries found at a hospital visit."),
            **fields,
        ),
        agencies=[],
        identity={"full_name": CHILD_NAME, "date_of_birth": date(2016, 5, 4), "address": "1 Test Street"},
        today=aware_on,
    )


def notified(partnership: Partnership, by, *, aware_on=AWARE, notified_on=NOTIFIED):
    """An incident that met the criteria and was notified: its rapid review."""
    recorded = incident(partnership, aware_on=aware_on)
    services.incident_criteria_decide(
        incident=recorded, criteria="met", reason="Serious harm; neglect suspected.", decided_on=aware_on, by=by
    )
    return services.incident_notify(incident=recorded, notified_on=notified_on, notification_reference="", by=by)


def decided_cspr(rapid_review, by, assignments, *, decided_on=date(2020, 5, 6)) -> Review:
    """Every lead partner decides on a local CSPR: the review it starts."""
    services.rapid_review_recommend(
        rapid_review=rapid_review,
        meeting_on=decided_on,
        recommendation=Outcome.LOCAL_CSPR,
        rationale="Learning for several agencies.",
        by=by,
    )
    for assignment in assignments:
        services.lead_partner_decision_record(
            subject=rapid_review,
            assignment=assignment,
            decided_on=decided_on,
            decision=Outcome.LOCAL_CSPR,
            rationale="Agree with the panel.",
            by=by,
        )
    return Review.objects.get(rapid_review=rapid_review)


def referral(partnership: Partnership, *, referred_on=date(2020, 1, 14), referred_by=None) -> Review:
    return services.review_record(
        review=Review(
            partnership=partnership, kind=ReviewKind.LOCAL_CSPR, referred_on=referred_on, referred_by=referred_by
        ),
        today=referred_on,
    )


def pdf(name="chronology.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
