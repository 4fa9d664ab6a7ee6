"""Governance records that belong to an agency: challenges, by the partner they are addressed to."""

from datetime import date

from django.urls import reverse

from assure.core.permissions import Role
from assure.governance.models import Challenge
from tests.agency_scoped import register


def _challenge(agency, make_person):
    scrutineer = make_person(Role.SCRUTINEER, agency, full_name=f"Scrutineer {agency.pk}")
    return Challenge.objects.create(
        partnership=agency.partnership,
        raised_by=scrutineer,
        addressed_to=agency,
        subject=f"Strategy meetings at {agency.name}",
        text="How will you attend every strategy meeting?",
        response_due_on=date(2020, 2, 28),
    )


register(
    Challenge,
    make=_challenge,
    urls=lambda challenge: [
        reverse("governance:challenge-detail", args=[challenge.pk]),
        reverse("governance:challenge-respond", args=[challenge.pk]),
    ],
    listed_on=lambda challenge: [
        (reverse("governance:challenge-list"), [challenge.subject, challenge.get_absolute_url()])
    ],
)
