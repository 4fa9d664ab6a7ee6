from django.urls import reverse

from assure.core.models import RoleAssignment, User
from assure.core.permissions import Role
from tests.agency_scoped import register

register(
    User,
    make=lambda agency, make_person: make_person(Role.PRACTITIONER, agency),
    urls=lambda person: [
        reverse("core:person-detail", args=[person.pk]),
        reverse("core:person-edit", args=[person.pk]),
    ],
)
register(
    RoleAssignment,
    make=lambda agency, make_person: make_person(Role.PRACTITIONER, agency).role_assignments.get(),
    urls=lambda assignment: [reverse("core:person-detail", args=[assignment.user_id])],
)
