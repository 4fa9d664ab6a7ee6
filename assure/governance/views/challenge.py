"""Challenge between partners, the section 7 challenge to all partners, and the independent scrutineer's page."""

from django.shortcuts import render
from django.urls import reverse

from assure.core.models import Partnership
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import (
    Action,
    Area,
    agencies_for,
    can,
    get_scoped_object_or_404,
    is_partnership_wide,
    permission_required,
    scoped,
)
from assure.core.tables import Column, Table

from .. import selectors, services
from ..filters import ChallengeFilter
from ..forms import (
    AssessmentForm,
    ChallengeCloseForm,
    ChallengeForm,
    ChallengeStatementForm,
    FollowUpForm,
    ResponseForm,
)
from ..models import Challenge, ChallengeStatement, ScrutinyAssessment, year_label
from .priorities import EVERY_AGENCY, _edits

CHALLENGE_COLUMNS = [
    Column("Ref", lambda c: c.reference, sort="pk", link=True),
    Column("Subject", lambda c: c.subject),
    Column("From", lambda c: c.challenger),
    Column("To", lambda c: str(c.addressed_to), sort="addressed_to__name"),
    Column("Raised", lambda c: c.raised_on, sort="raised_on"),
    Column("Response due", lambda c: c.response_due_on, sort="response_due_on"),
    Column(
        "Status",
        lambda c: f"{c.status.label}, overdue" if c.is_overdue() else c.status.label,
        tag=lambda c: "red" if c.is_overdue() else c.status_colour,
    ),
]


@permission_required(Area.GOVERNANCE)
def challenge_list(request):
    challenges = selectors.visible_challenges(request.user, Partnership.current())
    table = Table(
        request,
        challenges,
        CHALLENGE_COLUMNS,
        name="challenges",
        search_fields=["subject", "text", "addressed_to__name"],
        filterset_class=ChallengeFilter,
        default_sort="-raised_on",
    )
    return list_page(
        request,
        table,
        "governance/challenge_list.html",
        Area.GOVERNANCE,
        can_raise=can(request.user, Area.GOVERNANCE, Action.EDIT),
    )


def _challengers(user):
    """Whom a person challenges for: the partners they act for, or nobody for the scrutineer (in their own name)."""
    agencies = agencies_for(user, Area.GOVERNANCE, Action.EDIT).filter(active=True)
    return agencies if agencies.exists() else None


@permission_required(Area.GOVERNANCE, Action.EDIT)
def challenge_create(request):
    partnership = Partnership.current()
    challengers = _challengers(request.user)
    form = ChallengeForm(
        request.POST or None,
        partnership=partnership,
        challengers=challengers,
        for_anyone=is_partnership_wide(request.user, Area.GOVERNANCE, Action.EDIT),
    )
    return service_form_page(
        request,
        form,
        title="Raise a challenge",
        run=lambda data: services.challenge_raise(partnership=partnership, by=request.user, **data),
        success_url=lambda challenge: challenge.get_absolute_url(),
        success_message=lambda challenge: (
            f"Raised challenge {challenge.reference}. {challenge.addressed_to} has been told."
        ),
        back_url=reverse("governance:challenge-list"),
        submit="Raise the challenge",
    )


def _challenge(request, pk, action=Action.VIEW) -> Challenge:
    challenges = Challenge.objects.filter(partnership=Partnership.current()).select_related(
        "addressed_to", "from_agency", "raised_by", "responded_by", "closed_by"
    )
    return get_scoped_object_or_404(challenges, request.user, action, pk=pk)


@permission_required(Area.GOVERNANCE)
def challenge_detail(request, pk):
    challenge = _challenge(request, pk)
    closes = request.user == challenge.raised_by or is_partnership_wide(request.user, Area.GOVERNANCE, Action.EDIT)
    return render(
        request,
        "governance/challenge_detail.html",
        {
            "challenge": challenge,
            "may_respond": selectors.may_respond(request.user, challenge) and not challenge.responded_on,
            "may_close": closes and challenge.responded_on and not challenge.closed_on,
            "can_see_history": can(request.user, Area.GOVERNANCE, Action.VIEW_HISTORY),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT)
def challenge_respond(request, pk):
    challenge = _challenge(request, pk, Action.EDIT)
    return service_form_page(
        request,
        ResponseForm(request.POST or None),
        title=f"Respond for {challenge.addressed_to}",
        caption=f"Challenge {challenge.reference}: {challenge.subject}",
        run=lambda data: services.challenge_respond(challenge=challenge, response=data["response"], by=request.user),
        success_url=challenge.get_absolute_url(),
        success_message="Recorded the response. Whoever raised the challenge has been told.",
        back_url=challenge.get_absolute_url(),
        template="governance/challenge_respond.html",
        challenge=challenge,
        may_respond=selectors.may_respond(request.user, challenge),
        submit="Record the response",
    )


@permission_required(Area.GOVERNANCE, Action.EDIT)
def challenge_close(request, pk):
    challenge = _challenge(request, pk, Action.EDIT)
    return service_form_page(
        request,
        ChallengeCloseForm(request.POST or None),
        title="Close the challenge",
        caption=f"Challenge {challenge.reference}: {challenge.subject}",
        run=lambda data: services.challenge_close(
            challenge=challenge, outcome=data["outcome"], note=data["note"], by=request.user
        ),
        success_url=challenge.get_absolute_url(),
        success_message="Closed the challenge.",
        back_url=challenge.get_absolute_url(),
        submit="Close the challenge",
    )


# The scrutineer's page ------------------------------------------------------------------------------------------


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def scrutiny(request):
    partnership = Partnership.current()
    themes: dict[tuple[int, str], list] = {}
    for statement in ChallengeStatement.objects.filter(partnership=partnership):
        themes.setdefault((statement.start_year, statement.theme), []).append(statement)
    raised = selectors.visible_challenges(request.user, partnership).filter(raised_by=request.user)
    return render(
        request,
        "governance/scrutiny.html",
        {
            "assessments": scoped(ScrutinyAssessment.objects.filter(partnership=partnership), request.user),
            "themes": [
                {"year_label": year_label(year), "theme": theme, "statements": statements}
                for (year, theme), statements in sorted(themes.items(), key=lambda item: (-item[0][0], item[0][1]))
            ],
            "raised": raised,
            "may_record": services.may_record_assessment(request.user),
            "can_raise": can(request.user, Area.GOVERNANCE, Action.EDIT),
            "can_edit": _edits(request.user),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT)
def assessment_create(request):
    partnership = Partnership.current()
    for_someone_else = is_partnership_wide(request.user, Area.GOVERNANCE, Action.EDIT)
    form = AssessmentForm(request.POST or None, partnership=partnership, for_someone_else=for_someone_else)
    return service_form_page(
        request,
        form,
        title="Record the independent scrutineer's assessment",
        run=lambda data: services.assessment_record(partnership=partnership, by=request.user, **data),
        success_url=lambda assessment: assessment.get_absolute_url(),
        success_message="Recorded the assessment. The safeguarding partners can now respond to it.",
        back_url=reverse("governance:scrutiny"),
        template="governance/assessment_create.html",
        may_record=services.may_record_assessment(request.user),
    )


def _assessment(request, pk, action=Action.VIEW) -> ScrutinyAssessment:
    assessments = ScrutinyAssessment.objects.filter(partnership=Partnership.current()).select_related("author")
    return get_scoped_object_or_404(assessments, request.user, action, pk=pk)


@permission_required(Area.GOVERNANCE)
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    return render(
        request,
        "governance/assessment_detail.html",
        {"assessment": assessment, "can_respond": can(request.user, Area.GOVERNANCE, Action.APPROVE)},
    )


@permission_required(Area.GOVERNANCE, Action.APPROVE)
def assessment_respond(request, pk):
    assessment = _assessment(request, pk, Action.APPROVE)
    return service_form_page(
        request,
        ResponseForm(request.POST or None),
        title="Record the partners' response",
        caption=str(assessment),
        run=lambda data: services.assessment_respond(assessment=assessment, response=data["response"], by=request.user),
        success_url=assessment.get_absolute_url(),
        success_message="Recorded the partners' response. The scrutineer has been told.",
        back_url=assessment.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def challenge_statement_create(request):
    return form_page(
        request,
        ChallengeStatementForm(request.POST or None, partnership=Partnership.current()),
        title="Set a challenge to all partners",
        success_url=reverse("governance:scrutiny"),
        success_message="Added the challenge statement.",
        back_url=reverse("governance:scrutiny"),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def challenge_statement_follow_up(request, pk):
    statements = ChallengeStatement.objects.filter(partnership=Partnership.current())
    statement = get_scoped_object_or_404(statements, request.user, Action.EDIT, pk=pk)
    return service_form_page(
        request,
        FollowUpForm(request.POST or None),
        title="Follow up a challenge to partners",
        caption=f"{statement.theme}, {year_label(statement.start_year)}",
        run=lambda data: services.challenge_statement_follow_up(
            statement=statement, follow_up=data["follow_up"], by=request.user
        ),
        success_url=statement.get_absolute_url(),
        success_message="Recorded the follow-up.",
        back_url=reverse("governance:scrutiny"),
    )
