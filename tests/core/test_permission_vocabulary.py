"""One permission vocabulary: views ask core.permissions in words, never by comparing scopes, and refusals are
worded in one place."""

import ast
import html
from pathlib import Path

from django.test import Client
from django.urls import reverse

from assure.core.models import Agency
from assure.core.permissions import (
    Action,
    Area,
    Role,
    acts_for_agencies,
    agencies_for,
    is_partnership_wide,
    may,
)
from tests.actions import builders as action_builders

ASSURE = Path(__file__).resolve().parents[2] / "assure"
PERMISSIONS = ASSURE / "core" / "permissions.py"


def _breaches(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "PermissionDenied"
        ):
            found.append(f"line {node.lineno}: words a refusal (use core.permissions.require or refusal)")
        if isinstance(node, ast.Attribute) and node.attr == "scope":
            found.append(f"line {node.lineno}: reads .scope")
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(n, ast.Name) and n.id == "Scope" for o in operands for n in ast.walk(o)):
                found.append(f"line {node.lineno}: compares Scope values")
    return found


def test_no_module_but_the_permission_module_compares_scopes_reads_scope_or_words_a_refusal():
    offenders = {}
    for module in sorted(ASSURE.rglob("*.py")):
        if module == PERMISSIONS or "migrations" in module.parts:
            continue
        uses = _breaches(ast.parse(module.read_text(), filename=str(module)))
        if uses:
            offenders[str(module.relative_to(ASSURE.parent))] = uses
    assert offenders == {}, "ask core.permissions in words (is_partnership_wide, agencies_for, may…)"


def test_the_check_itself_finds_comparisons_reads_and_refusals():
    code = (
        "if reach(u, a, b).scope == Scope.PARTNERSHIP: pass\n"
        "ok = Scope.AGENCY <= level\n"
        "raise PermissionDenied('Only the coordinator')"
    )
    assert len(_breaches(ast.parse(code))) == 4


def test_agencies_for_is_every_agency_for_the_business_unit_an_agency_leads_own_and_none_for_a_practitioner(
    make_person, police, council, admin_user
):
    lead = make_person(Role.AGENCY_LEAD, police)
    practitioner = make_person(Role.PRACTITIONER, police)
    assert set(agencies_for(admin_user, Area.ACTIONS, Action.EDIT)) == set(Agency.objects.all())
    assert list(agencies_for(lead, Area.ACTIONS, Action.EDIT)) == [police]
    assert list(agencies_for(practitioner, Area.TRAINING, Action.EDIT)) == []
    assert list(agencies_for(lead, Area.PARTNERSHIP, Action.EDIT)) == []


def test_partnership_wide_and_acting_for_agencies_follow_the_grants(make_person, police, admin_user):
    lead = make_person(Role.AGENCY_LEAD, police)
    practitioner = make_person(Role.PRACTITIONER, police)
    assert is_partnership_wide(admin_user, Area.TRAINING, Action.EDIT)
    assert not is_partnership_wide(lead, Area.TRAINING, Action.EDIT)
    assert acts_for_agencies(lead, Area.TRAINING, Action.EDIT)
    assert not acts_for_agencies(practitioner, Area.TRAINING, Action.EDIT)


def test_may_answers_for_one_record(make_person, police, council, admin_user):
    lead = make_person(Role.AGENCY_LEAD, police)
    own, other = action_builders.action(police), action_builders.action(council)
    assert may(lead, Action.EDIT, own)
    assert not may(lead, Action.EDIT, other)
    assert may(admin_user, Action.APPROVE, other)
    assert not may(lead, Action.APPROVE, own)


def test_a_refusal_says_what_the_page_needs_and_how_far_the_persons_roles_reach(client, make_person, police):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.get(reverse("training:reports"))
    assert response.status_code == 403
    assert "This page covers every agency. Your roles let you see training for your own agency only." in (
        response.content.decode()
    )
    practitioner = Client()
    practitioner.force_login(make_person(Role.PRACTITIONER, police))
    response = practitioner.post(reverse("training:booking-decide", args=[1]))
    assert response.status_code == 403
    assert "Only an agency's safeguarding lead or the business unit can do this." in html.unescape(
        response.content.decode()
    )
    response = practitioner.get(reverse("core:audit-trail"))
    assert "Your roles do not let you see audit trail and access log." in response.content.decode()
