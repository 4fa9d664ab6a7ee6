"""The permission matrix, walked: every URL pattern, as each of the eight roles, answers as ``GRANTS`` and the page's
row say.

Each view records its row (``core.permissions.permission_row``): the area and action it needs and how far the
person's reach must extend. With ``GRANTS`` (role × area × action → scope) that gives the answer each role must get:
403 with no reach (404 in a compartment), 404 for a record out of reach, otherwise 200 (302 for a page that only takes
a POST). Public pages, and pages for everyone signed in, answer every role alike. The walk fails for a URL added
without a row, or without a record to fill its address.
"""

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assure.actions import services as action_services
from assure.audits.models import EducationProvider, Inspection, Recommendation, Section11ProgressUpdate
from assure.core.models import AuditEntry, Job, Priority, PrivilegedGrant, RoleAssignment, WorkerHeartbeat
from assure.core.permissions import COMPARTMENTS, GRANTS, Action, Role, Scope, permission_row
from assure.core.record_grants import record_grant_create
from assure.governance.models import (
    Arrangements,
    AssuranceStatement,
    BudgetLine,
    Challenge,
    ChallengeStatement,
    Consultation,
    EvidenceRule,
    Group,
    Meeting,
    MeetingDecision,
    Membership,
    PriorityIndicator,
    PriorityYear,
    ScrutinyAssessment,
    Topic,
)
from assure.lado import services as lado_services
from assure.lado.models import AllegationImport, TimescaleTarget
from assure.performance.catalogue import AREAS
from assure.performance.models import (
    DataVersion,
    Extract,
    IndicatorResult,
    IndicatorRun,
    IndicatorTarget,
    Publication,
)
from assure.reviews import services as review_services
from assure.reviews.models import Deferral, LearningBriefing, Milestone
from assure.training.models import ChargeRule, EvaluationResponse, Stage, WorkforceHeadcount
from tests.actions import builders as action_builders
from tests.audits import builders as audit_builders
from tests.audits.test_education_audit import make_audit
from tests.compartment_app.compartment_records import make_concern
from tests.conftest import PASSWORD
from tests.lado import builders as lado_builders
from tests.performance.agency_records import make_return
from tests.reviews import builders as review_builders
from tests.training.agency_records import _booking


@dataclass(frozen=True)
class Page:
    name: str  # namespace:name
    pattern: URLPattern


def every_url_pattern() -> list[Page]:
    pages = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            else:
                pages.append(Page(f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern))

    walk(get_resolver().url_patterns)
    return pages


PAGES = every_url_pattern()


def _is_public(view) -> bool:
    return getattr(view, "assure_public", False)


def test_every_url_pattern_has_a_row():
    missing = sorted(page.name for page in PAGES if not _is_public(page.pattern.callback) and not _row(page))
    assert missing == [], (
        "give these views a row: @permission_required(area, action), @open_to_everyone_signed_in or @public"
    )


def _row(page: Page):
    return permission_row(page.pattern.callback)


# The small world the walk opens: one record of each kind, belonging to Test Police; every role's person belongs to
# Test Council, so an agency lead's reach stops short of the police's records.


def _world(partnership, police, council, make_person) -> SimpleNamespace:
    world = SimpleNamespace(police=police, council=council)
    world.people = {role: make_person(role, council, full_name=f"Walker {role.label}") for role in Role}
    world.practitioner = make_person(Role.PRACTITIONER, police, full_name="Police Practitioner")
    admin = world.people[Role.PARTNERSHIP_ADMIN]
    world.year = partnership.reporting_years.get()
    world.priority = Priority.objects.create(
        partnership=partnership, name="Neglect", slug="neglect", first_year=world.year
    )
    world.action = action_services.action_request_closure(
        action=action_builders.action(police), by=admin, evidence="Published on the website."
    )
    section11_round = audit_builders.section11_round(partnership, [police])
    world.round = section11_round
    world.section11_return = section11_round.returns.get()
    world.answer = world.section11_return.answers.order_by("standard__sort_key").first()
    world.framework = section11_round.framework
    world.standard = world.answer.standard
    world.evidence = audit_builders.evidence_file(police, make_person)
    world.progress_update = Section11ProgressUpdate.objects.create(
        round=section11_round, name="Update", requested_on=date(2019, 10, 1), due_on=date(2020, 1, 31)
    )
    world.agency_audit = audit_builders.case_agency_audit(police)
    world.case = world.agency_audit.case
    world.programme = world.case.programme
    world.education_audit = make_audit(partnership)
    world.education_return = world.education_audit.returns.first()
    world.provider = EducationProvider.objects.filter(partnership=partnership).first()
    world.inspection = Inspection.objects.create(
        partnership=partnership,
        inspectorate="ofsted",
        title="Joint targeted area inspection",
        service="Children's services",
        agency=police,
        started_on=date(2019, 10, 7),
        ended_on=date(2019, 10, 11),
    )
    world.recommendation = Recommendation.objects.create(inspection=world.inspection, number=1, text="Do better.")
    world.extract = Extract.objects.create(
        partnership=partnership, original_name="annex-a.xlsx", uploaded_by=world.people[Role.ANALYST]
    )
    world.data_version = DataVersion.objects.create(partnership=partnership, folder="walk")
    world.run = IndicatorRun.objects.create(data_version=world.data_version)
    world.publication = Publication.objects.create(run=world.run, published_by=world.people[Role.ANALYST])
    IndicatorResult.objects.create(
        run=world.run,
        indicator_id="referrals",
        period_kind=IndicatorResult.PeriodKind.YEAR,
        period_start=date(2019, 4, 1),
        period_end=date(2020, 3, 31),
        period_label="2019-20",
        numerator=1_000,
    )
    world.target = IndicatorTarget.objects.create(
        partnership=partnership, indicator_id="referrals", start_year=2019, target=500
    )
    world.aggregate_return = make_return(police, make_person)
    world.dataset = world.aggregate_return.dataset
    world.booking = _booking(police, make_person)
    world.booking.attendance = "attended"
    world.booking.save()
    world.course = world.booking.course
    world.module = world.course.module
    world.response = EvaluationResponse.objects.create(
        booking=world.booking, stage=Stage.PRE, knowledge=4, skills=4, confidence=4
    )
    world.charge_rule = ChargeRule.objects.create(
        partnership=partnership,
        agency_type=ChargeRule.AgencyType.OTHER,
        place_fee=Decimal("40"),
        non_attendance_fee=Decimal("40"),
        late_cancellation_fee=Decimal("30"),
    )
    world.headcount = WorkforceHeadcount.objects.create(agency=police, reporting_year=world.year, headcount=40)
    world.audit_entry = AuditEntry.objects.filter(record_type="core.Agency").first()
    world.concern = make_concern()
    lado = world.people[Role.LADO]
    world.share = record_grant_create(
        record=world.concern,
        grantee=world.practitioner,
        reason="Liaison",
        expires_on=timezone.localdate() + timedelta(days=7),
        by=lado,
    )
    _review_records(world, partnership, police)
    world.allegation = lado_builders.allegation(lado, partnership=partnership)
    world.consultation = lado_builders.consultation(lado)
    world.note = lado_services.note_add(case=world.allegation, text="Called the school.", by=lado)
    world.lado_target = TimescaleTarget.objects.create(
        partnership=partnership, start_year=2019, within_months=3, percent=90
    )
    world.lado_import = AllegationImport.objects.create(
        partnership=partnership, file_name="cases.csv", imported_by=lado
    )
    world.allegation_share = record_grant_create(
        record=world.allegation,
        grantee=world.practitioner,
        reason="Police liaison",
        expires_on=timezone.localdate() + timedelta(days=7),
        by=lado,
    )
    world.grant = PrivilegedGrant.objects.create(user=world.practitioner, role=Role.ANALYST, requested_by=admin)
    world.job = Job.objects.create(
        kind=Job.Kind.INDICATOR_RUN,
        label="Figures from data version 1",
        task_path="assure.performance.tasks.compute_indicators",
        started_by=world.people[Role.ANALYST],
        state=Job.State.SUCCEEDED,
    )
    _governance(world, partnership, police)
    world.failed_email = DBTaskResult.objects.create(
        task_path="assure.core.notify.send_email",
        args_kwargs={"args": [], "kwargs": {"recipients": ["lead@walk.example"], "subject": "[Assure] A", "text": "B"}},
        queue_name="mail",
        backend_name="default",
        status=TaskResultStatus.FAILED,
        run_after=timezone.now(),
        finished_at=timezone.now(),
    )
    # A worker on both queues, beating for as long as the walk takes, so /healthz/worker answers as in service.
    WorkerHeartbeat.objects.create(
        worker_id="walk-worker",
        queues="mail,heavy",
        hostname="walk",
        pid=1,
        beat_at=timezone.now() + timedelta(hours=1),
    )
    world.admin = admin
    return world


def _review_records(world, partnership, police) -> None:
    """The reviews compartment's records: an incident notified to the national panel, its rapid review asking the
    police (not the walkers' agency) for information, a deferred referral, and a share of each case record."""
    panel = world.people[Role.REVIEW_PANEL]
    world.rapid_review = review_builders.notified(partnership, panel)
    world.incident = world.rapid_review.incident
    world.child = world.incident.children.get()
    world.information_request = review_services.information_request_send(
        rapid_review=world.rapid_review,
        agency=police,
        asked_for="A chronology.",
        sent_on=date(2020, 4, 16),
        due_on=date(2020, 4, 23),
        by=panel,
    )
    world.returned_file = review_services.information_return_add(
        information_request=world.information_request, upload=review_builders.pdf(), kind="chronology", by=panel
    )
    world.review = review_builders.referral(partnership, referred_by=police)
    world.deferral = review_services.review_defer(
        review=world.review,
        stage=Deferral.Stage.DECISION,
        deferred_on=date(2020, 3, 26),
        reason="Pandemic restrictions.",
        review_on=date(2020, 9, 30),
        by=panel,
    )
    world.milestone = Milestone.objects.create(review=world.review, name="Scoping report", target_on=date(2020, 9, 1))
    world.briefing = LearningBriefing.objects.create(partnership=partnership, title="Learning briefing")
    for name in ("incident", "rapid_review", "review"):
        share = record_grant_create(
            record=getattr(world, name),
            grantee=world.practitioner,
            reason="A participant in the review.",
            expires_on=timezone.localdate() + timedelta(days=7),
            by=panel,
        )
        setattr(world, f"{name}_share", share)


def _governance(world, partnership, police) -> None:
    """Governance's records: a challenge to the police raised by the scrutineer (so its reach is the police's and
    the scrutineer's own), an assessment the scrutineer wrote, and the partnership's shared records."""
    scrutineer = world.people[Role.SCRUTINEER]
    world.priority_year = PriorityYear.objects.create(priority=world.priority, start_year=2019)
    world.priority_indicator = PriorityIndicator.objects.create(
        priority_year=world.priority_year, indicator_id="referrals"
    )
    world.statement = AssuranceStatement.objects.create(
        partnership=partnership, start_year=2019, priority=world.priority, text="GCP2 is embedded"
    )
    world.rule = EvidenceRule.objects.create(statement=world.statement, kind="indicator", indicator_id="referrals")
    world.arrangements = Arrangements.objects.create(
        partnership=partnership, version="1.0", published_on=date(2019, 5, 1), review_on=date(2022, 5, 1)
    )
    world.group = Group.objects.create(partnership=partnership, name="Executive", kind="executive")
    world.membership = Membership.objects.create(group=world.group, agency=police, started_on=date(2019, 5, 1))
    world.meeting = Meeting.objects.create(group=world.group, held_on=date(2020, 2, 12))
    world.decision = MeetingDecision.objects.create(meeting=world.meeting, number=1, text="Set up a standing panel.")
    world.topic = Topic.objects.create(partnership=partnership, name="Exploitation", reports_into="Exploitation board")
    world.budget_line = BudgetLine.objects.create(
        partnership=partnership, start_year=2019, kind="expenditure", name="Pay and overheads", budget=Decimal(100)
    )
    world.voice_consultation = Consultation.objects.create(
        partnership=partnership,
        held_on=date(2020, 2, 18),
        activity="Advice for a briefing",
        age_band="16_plus",
        setting="Children in care council",
        children_count=12,
        what_children_said="Find other ways to talk with us.",
    )
    world.challenge = Challenge.objects.create(
        partnership=partnership,
        raised_by=scrutineer,
        addressed_to=police,
        subject="Strategy meetings",
        text="How will you attend?",
        response_due_on=date(2020, 2, 28),
    )
    world.assessment = ScrutinyAssessment.objects.create(
        partnership=partnership,
        start_year=2019,
        author=scrutineer,
        title="Scrutiny 2019-20",
        text="Engagement is high.",
    )
    world.challenge_statement = ChallengeStatement.objects.create(
        partnership=partnership, start_year=2020, theme="Neglect", text="Review the Neglect Strategy."
    )


# What fills each address, and the record whose reach decides the answer (None: the page names no record).
RECORDS = {
    "actions:action-detail": "action",
    "actions:action-edit": "action",
    "actions:action-update-add": "action",
    "actions:action-closure-request": "action",
    "actions:action-closure-approve": "action",
    "actions:action-closure-refuse": "action",
    "actions:action-escalate": "action",
    "actions:action-close-as-resolved": "action",
    "audits:case-agency-audit": "agency_audit",
    "audits:case-agency-audit-record": "agency_audit",
    "audits:case-audit-agency-assign": "case",
    "audits:case-audit-case": "case",
    "audits:case-audit-case-create": "programme",
    "audits:case-audit-finding-add": "programme",
    "audits:case-audit-programme": "programme",
    "audits:case-audit-recommendation-add": "programme",
    "audits:education-audit": "education_audit",
    "audits:education-chase": "education_audit",
    "audits:education-provider-edit": "provider",
    "audits:education-return": "education_return",
    "audits:framework-detail": "framework",
    "audits:framework-new-version": "framework",
    "audits:standard-add": "framework",
    "audits:standard-edit": "standard",
    "audits:inspection-detail": "inspection",
    "audits:inspection-edit": "inspection",
    "audits:inspection-judgement-add": "inspection",
    "audits:inspection-recommendation-add": "inspection",
    "audits:inspection-update-add": "inspection",
    "audits:recommendation-action-create": "recommendation",
    "audits:section11-answer-edit": "answer",
    "audits:section11-answer-moderate": "answer",
    "audits:section11-evidence-upload": "answer",
    "audits:section11-evidence": "evidence",
    "audits:section11-evidence-remove": "evidence",
    "audits:section11-progress-update": "progress_update",
    "audits:section11-progress-update-create": "round",
    "audits:section11-round": "round",
    "audits:section11-return": "section11_return",
    "audits:section11-return-reopen": "section11_return",
    "audits:section11-return-check": "section11_return",
    "audits:section11-return-submitted": "section11_return",
    "audits:section11-moderation": "section11_return",
    "audits:section11-moderation-complete": "section11_return",
    "audits:section11-answer-respond": "answer",
    "core:agency-detail": "police",
    "core:agency-edit": "police",
    "core:person-detail": "practitioner",
    "core:person-edit": "practitioner",
    "core:role-add": "practitioner",
    "core:role-check": "practitioner",
    "core:person-email-change": "practitioner",
    "core:person-invite": "practitioner",
    "core:two-factor-reset": "practitioner",
    "core:grant-detail": "grant",
    "core:job-detail": "job",
    "core:job-status": "job",
    "core:job-retry": "job",
    "core:grant-requested": "grant",
    "core:reporting-year-edit": "year",
    "core:priority-edit": "priority",
    "core:audit-entry": "audit_entry",
    "performance:extract-detail": "extract",
    "performance:extract-use": "extract",
    "performance:extract-check-again": "extract",
    "performance:extract-discard": "extract",
    "performance:extract-cancel": "extract",
    "performance:data-version-go-back": "data_version",
    "performance:data-version-recompute": "data_version",
    "performance:run-publish": "run",
    "performance:run-publish-confirm": "run",
    "performance:publication-withdraw": "publication",
    "performance:target-edit": "target",
    "performance:return-detail": "aggregate_return",
    "performance:return-accept": "aggregate_return",
    "performance:return-reopen": "aggregate_return",
    "training:agency-detail": "police",
    "training:agency-profile-edit": "police",
    "training:booking-detail": "booking",
    "training:booking-cancel": "booking",
    "training:booking-confirmed": "booking",
    "training:booking-calendar": "booking",
    "training:booking-decide": "booking",
    "training:certificate": "booking",
    "training:certificate-pdf": "booking",
    "training:waiver-request": "booking",
    "training:waiver-decide": "booking",
    "training:course-detail": "course",
    "training:course-edit": "course",
    "training:course-book": "course",
    "training:course-book-staff": "course",
    "training:course-register": "course",
    "training:module-detail": "module",
    "training:module-edit": "module",
    "training:charge-rule-edit": "charge_rule",
    "training:impact-choose": "response",
    "governance:priority-year": "priority_year",
    "governance:priority-plan": "priority_year",
    "governance:priority-indicator-add": "priority_year",
    "governance:priority-indicator-remove": "priority_indicator",
    "governance:priority-roll-over": "priority_year",
    "governance:statement-detail": "statement",
    "governance:statement-edit": "statement",
    "governance:judgement-confirm": "statement",
    "governance:rule-create": "statement",
    "governance:evidence-note-add": "statement",
    "governance:rule-edit": "rule",
    "governance:rule-remove": "rule",
    "governance:arrangements-edit": "arrangements",
    "governance:group-detail": "group",
    "governance:group-edit": "group",
    "governance:membership-add": "group",
    "governance:meeting-create": "group",
    "governance:membership-end": "membership",
    "governance:meeting-detail": "meeting",
    "governance:meeting-edit": "meeting",
    "governance:attendance-add": "meeting",
    "governance:decision-add": "meeting",
    "governance:decision-action": "decision",
    "governance:topic-edit": "topic",
    "governance:budget-line-edit": "budget_line",
    "governance:consultation-detail": "voice_consultation",
    "governance:consultation-edit": "voice_consultation",
    "governance:quote-add": "voice_consultation",
    "governance:you-said-we-did-add": "voice_consultation",
    "governance:challenge-detail": "challenge",
    "governance:challenge-respond": "challenge",
    "governance:challenge-close": "challenge",
    "governance:assessment-detail": "assessment",
    "governance:assessment-respond": "assessment",
    "governance:challenge-statement-follow-up": "challenge_statement",
    "compartment:concern-detail": "concern",
    "compartment:concern-edit": "concern",
    "compartment:concern-shares": "concern",
    "reviews:incident-detail": "incident",
    "reviews:incident-edit": "incident",
    "reviews:incident-criteria": "incident",
    "reviews:incident-notify": "incident",
    "reviews:incident-shares": "incident",
    "reviews:child-add": "incident",
    "reviews:child-identity": "child",
    "reviews:rapid-review-detail": "rapid_review",
    "reviews:rapid-review-recommend": "rapid_review",
    "reviews:rapid-review-decision": "rapid_review",
    "reviews:rapid-review-decide": "rapid_review",
    "reviews:rapid-review-send": "rapid_review",
    "reviews:rapid-review-response": "rapid_review",
    "reviews:rapid-review-shares": "rapid_review",
    "reviews:information-request-add": "rapid_review",
    "reviews:information-request-detail": "information_request",
    "reviews:information-request-return": "information_request",
    "reviews:information-request-close": "information_request",
    "reviews:returned-file": "returned_file",
    "reviews:review-detail": "review",
    "reviews:review-edit": "review",
    "reviews:review-scoping": "review",
    "reviews:review-defer": "review",
    "reviews:review-decision": "review",
    "reviews:review-decide": "review",
    "reviews:review-commission": "review",
    "reviews:review-milestone-add": "review",
    "reviews:review-draft-add": "review",
    "reviews:review-sign-off": "review",
    "reviews:review-sign-off-own": "review",
    "reviews:review-publication": "review",
    "reviews:review-recommendation-add": "review",
    "reviews:review-learning-event-add": "review",
    "reviews:review-shares": "review",
    "reviews:deferral-end": "deferral",
    "reviews:milestone-edit": "milestone",
    "reviews:briefing-detail": "briefing",
    "reviews:briefing-edit": "briefing",
    "lado:allegation-detail": "allegation",
    "lado:allegation-edit": "allegation",
    "lado:initial-consideration": "allegation",
    "lado:child-add": "allegation",
    "lado:meeting-add": "allegation",
    "lado:process-add": "allegation",
    "lado:employer-action-add": "allegation",
    "lado:regulator-referral-add": "allegation",
    "lado:transfer-add": "allegation",
    "lado:outcome": "allegation",
    "lado:allegation-close": "allegation",
    "lado:allegation-note-add": "allegation",
    "lado:allegation-dispose": "allegation",
    "lado:allegation-shares": "allegation",
    "lado:consultation-detail": "consultation",
    "lado:consultation-edit": "consultation",
    "lado:consultation-refer": "consultation",
    "lado:consultation-note-add": "consultation",
    "lado:note-correct": "note",
    "lado:import-detail": "lado_import",
    "lado:target-edit": "lado_target",
}
ADDRESSES = {
    "core:role-end": lambda w: (
        [w.practitioner.pk, w.practitioner.role_assignments.get().pk],
        w.practitioner,
    ),
    "core:record-history": lambda w: (
        [w.section11_return.record_type_slug(), w.section11_return.pk],
        w.section11_return,
    ),
    "audits:section11-rating-change": lambda w: ([w.progress_update.pk, w.answer.pk], w.answer),
    "audits:section11-return-download": lambda w: ([w.section11_return.pk, "xlsx"], w.section11_return),
    "training:headcount-edit": lambda w: ([w.police.pk, w.headcount.pk], w.police),
    "training:headcount-create": lambda w: ([w.police.pk], w.police),
    "training:invoice": lambda w: ([w.police.pk, 2019, 1, "csv"], w.police),
    "training:evaluate": lambda w: (["no-such-token"], None),
    "core:invitation": lambda w: (["no-such-token"], None),
    "core:email-change-confirm": lambda w: (["no-such-token"], None),
    "performance:returns-upload": lambda w: ([w.dataset.pk], w.dataset),
    "performance:area": lambda w: ([next(iter(AREAS))], None),
    "performance:indicator-chart": lambda w: (["referrals"], None),
    "performance:trend-chart": lambda w: (["referrals"], None),
    "password_reset_confirm": lambda w: (["MQ", "set-password"], None),
    "compartment:concern-shares-revoke": lambda w: ([w.concern.pk, w.share.pk], w.concern),
    "reviews:incident-shares-revoke": lambda w: ([w.incident.pk, w.incident_share.pk], w.incident),
    "reviews:rapid-review-shares-revoke": lambda w: ([w.rapid_review.pk, w.rapid_review_share.pk], w.rapid_review),
    "reviews:review-shares-revoke": lambda w: ([w.review.pk, w.review_share.pk], w.review),
    "reviews:figures-confirm": lambda w: ([2019], None),
    "governance:budget-line-create": lambda w: ([2019], None),
    "governance:budget-roll-forward": lambda w: ([2019], None),
    "governance:in-kind-create": lambda w: ([2019], None),
    "lado:allegation-shares-revoke": lambda w: ([w.allegation.pk, w.allegation_share.pk], w.allegation),
    "lado:year-entered": lambda w: ([2019], None),
    "lado:year-confirm": lambda w: ([2019], None),
    "core:email-send-again": lambda w: ([w.failed_email.pk], None),
}


# Steps inside a journey whose state the session keeps: opened on their own, they send the person back to its start.
JOURNEY_STEPS = {"core:person-added", "core:role-check", "audits:section11-return-submitted"}


def test_the_walk_knows_how_to_fill_every_address():
    unfilled = sorted(
        page.name
        for page in PAGES
        if page.pattern.pattern.converters and page.name not in RECORDS and page.name not in ADDRESSES
    )
    assert unfilled == [], "say which record fills these addresses (RECORDS or ADDRESSES above)"


def _address(page: Page, world) -> tuple[str, object]:
    if page.name in ADDRESSES:
        args, record = ADDRESSES[page.name](world)
        return reverse(page.name, args=args), record
    if page.name in RECORDS:
        record = getattr(world, RECORDS[page.name])
        return reverse(page.name, args=[record.pk]), record
    return reverse(page.name), None


def _follow(record, path: str):
    value = record
    for step in path.split("__"):
        value = getattr(value, step)
    return getattr(value, "pk", value)


def _reaches(person, scope: Scope, record) -> bool:
    """Whether ``scope`` reaches ``record`` for ``person``, worked out from the record's paths, not core's code."""
    if scope == Scope.PARTNERSHIP:
        return True
    agency_path = getattr(type(record), "agency_path", None)
    owner_path = getattr(type(record), "owner_path", None)
    if not agency_path and not owner_path:
        return scope > Scope.NONE  # a partnership's shared record (a course, a framework): the area decides
    led = {a.agency_id for a in person.active_role_assignments() if a.role == Role.AGENCY_LEAD}
    if scope >= Scope.AGENCY and agency_path and _follow(record, agency_path) in led:
        return True
    return bool(owner_path) and _follow(record, owner_path) == person.pk


def expected(role: Role, person, page: Page, record) -> int:
    row = _row(page)
    grants = GRANTS[role]
    if row.of_record:
        area = type(record).permission_area
        return 200 if _reaches(person, grants.get((area, row.action), Scope.NONE), record) else 404
    scope = grants.get((row.area, row.action), Scope.NONE)
    if row.area in COMPARTMENTS and not grants.get((row.area, Action.VIEW)):
        return 404
    if scope == Scope.NONE or scope < row.scope:
        return 403
    if record is not None and not _reaches(person, scope, record):
        return 404
    return 200


@pytest.fixture(scope="module")
def world_storage(tmp_path_factory):
    """Where the world's files (Section 11 evidence) are kept, for the whole module."""
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path_factory.mktemp("walk-uploads")},
        },
    }


@pytest.fixture(autouse=True)
def world_files(settings, world_storage):
    settings.STORAGES = world_storage


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_storage):
    """The world is built once for the module, inside a transaction rolled back at the end."""
    from assure.core.models import Agency, Partnership, ReportingYear, Sector, User

    with django_db_blocker.unblock(), transaction.atomic(), override_settings(STORAGES=world_storage):
        partnership = Partnership.objects.create(name="Walk Partnership", area="Walkshire")
        ReportingYear.objects.create(partnership=partnership, start_year=2019, population_0_17=46_950)
        police = Agency.objects.create(
            partnership=partnership, name="Test Police", sector=Sector.POLICE, is_statutory_partner=True
        )
        council = Agency.objects.create(
            partnership=partnership, name="Test Council", sector=Sector.LOCAL_AUTHORITY, is_statutory_partner=True
        )

        def make_person(role, agency, email=None, **fields):
            person = User.objects.create_user(
                email or f"{role or 'nobody'}.{agency.pk}.{User.objects.count()}@walk.example",
                PASSWORD,
                full_name=fields.pop("full_name", f"{role} of {agency}"),
                agency=agency,
            )
            if role:
                RoleAssignment.objects.create(
                    user=person, role=role, agency=agency if role in (Role.AGENCY_LEAD, Role.LEAD_PARTNER) else None
                )
            return person

        yield _world(partnership, police, council, make_person)
        transaction.set_rollback(True)


def _answer(client: Client, url: str) -> tuple[str, int]:
    """One GET; a page that only takes a POST is sent an empty one. Nothing either does is kept."""
    with transaction.atomic():
        status = client.get(url).status_code
        method = "GET"
        if status == 405:
            method, status = "POST", client.post(url).status_code
        transaction.set_rollback(True)
    return method, status


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_page_answers_each_role_as_the_matrix_says(role, world, db):
    client = Client()
    client.force_login(world.people[role])
    signed_in = copy.deepcopy(client.cookies)
    wrong = []
    for page in PAGES:
        if _needs_no_area(page):
            continue
        url, record = _address(page, world)
        client.cookies = copy.deepcopy(signed_in)
        method, answer = _answer(client, url)
        want = expected(role, world.people[role], page, record)
        if want == 200 and (method == "POST" or page.name in JOURNEY_STEPS):
            want = 302
        if answer != want:
            wrong.append(f"{method} {url} ({page.name}): {answer}, the matrix says {want}")
    assert not wrong, "\n".join(wrong)


def _needs_no_area(page: Page) -> bool:
    row = _row(page)
    return _is_public(page.pattern.callback) or (row.area is None and not row.of_record)


# Pages refused by the person's own state rather than their roles: setting up a second factor needs an invitation or
# an admin's reset, which nobody in the world has.
REFUSED_BY_STATE = {"core:two-factor-setup"}


def test_public_pages_and_pages_for_everyone_signed_in_answer_every_role_alike(world, db):
    pages = [page for page in PAGES if _needs_no_area(page)]
    answers = {page.name: {} for page in pages}
    for role in Role:
        client = Client()
        client.force_login(world.people[role])
        signed_in = copy.deepcopy(client.cookies)
        for page in pages:
            client.cookies = copy.deepcopy(signed_in)
            answers[page.name][role] = _answer(client, _address(page, world)[0])[1]
    unlike = {
        name: by_role
        for name, by_role in answers.items()
        if len(set(by_role.values())) != 1
        or any((a == 403 and name not in REFUSED_BY_STATE) or a >= 500 for a in by_role.values())
    }
    assert unlike == {}


def test_the_walk_meets_every_kind_of_answer(world, db):
    """The matrix is not trivially met: the world makes the roles meet 200s, 403s and 404s."""
    kinds = {
        expected(role, world.people[role], page, _address(page, world)[1])
        for role in Role
        for page in PAGES
        if not _needs_no_area(page)
    }
    assert kinds == {200, 403, 404}
