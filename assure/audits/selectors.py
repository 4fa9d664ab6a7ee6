"""Reads shared by the audit pages."""

from collections import Counter
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from assure.actions.selectors import actions_for_sources
from assure.core.permissions import scoped

from . import movement
from .models import (
    GRADE,
    NEEDS_ACTION,
    NO_ACTION_NEEDED,
    AnswerStatus,
    CaseAuditFinding,
    CaseAuditProgramme,
    Compliance,
    EducationAnswer,
    EducationAudit,
    EvidenceFile,
    FindingKind,
    Phase,
    Rating,
    RatingChange,
    ReturnStatus,
    Section11Answer,
    Section11Return,
    Section11Round,
)


def visible_returns(user, partnership):
    """The Section 11 returns a person may see: the returns list's rows before its filters."""
    return scoped(Section11Return.objects.filter(round__partnership=partnership), user)


def returns_with_counts(returns):
    """Returns annotated with how many standards the agency has checked, and how many need improving."""
    return returns.select_related("agency", "round").annotate(
        standards=Count("answers"),
        checked=Count("answers", filter=Q(answers__checked_on__isnull=False) & ~Q(answers__self_rating="")),
        needing_action=Count("answers", filter=Q(answers__self_rating__in=NEEDS_ACTION)),
        moderated=Count("answers", filter=~Q(answers__agreed_rating="")),
    )


def status_counts(answers) -> dict[str, int]:
    """How many of the answers stand at each task-list status, in the statuses' order."""
    counts = Counter(answer.status for answer in answers)
    return {status.label: counts[status] for status in AnswerStatus}


def standards_checked(section11_return: Section11Return) -> tuple[int, int]:
    """(standards checked or changed, standards) of a return: how far the agency has got."""
    answers = answers_for_return(section11_return)
    done = sum(1 for answer in answers if answer.status in (AnswerStatus.CHECKED, AnswerStatus.CHANGED))
    return done, len(answers)


def late(returns, today: date | None = None):
    """Returns submitted after their deadline, or still not submitted once it has passed."""
    today = today or timezone.localdate()
    return returns.filter(
        Q(status=ReturnStatus.IN_PROGRESS, round__deadline__lt=today)
        | Q(status=ReturnStatus.SUBMITTED, submitted_on__gt=F("round__deadline"))
    )


def moderated(returns):
    return returns.filter(moderation_completed_on__isnull=False)


def answers_for_return(section11_return: Section11Return):
    answers = section11_return.answers.select_related("standard", "moderated_by").prefetch_related("evidence_files")
    return list(answers)


def return_sections(section11_return: Section11Return) -> list[tuple[str, list[Section11Answer]]]:
    """The return's answers grouped under their framework sections, in standard order."""
    sections: dict[str, list] = {}
    for answer in answers_for_return(section11_return):
        sections.setdefault(answer.standard.section, []).append(answer)
    return list(sections.items())


def rating_counts(sections) -> list[tuple[str, int]]:
    """How many standards have each rating that counts (agreed, else self-rating), in rating order."""
    counts = Counter(answer.rating for _, answers in sections for answer in answers)
    return [(value, counts[value]) for value in [*Rating.values, ""] if counts[value]]


def moderation_summary(section11_return: Section11Return) -> dict:
    answers = [a for a in section11_return.answers.all() if a.agreed_rating]
    gaps = [GRADE[a.agreed_rating] - GRADE[a.self_rating] for a in answers if a.gap is not None]
    return {
        "moderated": len(answers),
        "agreed_lower": sum(1 for gap in gaps if gap < 0),
        "agreed_higher": sum(1 for gap in gaps if gap > 0),
        "agreed_same": sum(1 for gap in gaps if gap == 0),
    }


def to_moderate(returns):
    """Submitted returns whose moderation is not complete."""
    return returns.filter(status=ReturnStatus.SUBMITTED, moderation_completed_on__isnull=True)


def round_summary(round_) -> dict:
    returns = round_.returns.all()
    return {
        "returns": returns.count(),
        "submitted": returns.filter(status=ReturnStatus.SUBMITTED).count(),
        "moderated": moderated(returns).count(),
        "late": late(returns).count(),
        "with_improvement_needed": returns.filter(answers__self_rating__in=NEEDS_ACTION).distinct().count(),
    }


# The moderator's filters: each narrows the standards of a return to those it describes.
MODERATION_FILTERS = {
    "changed": ("Changed ratings", Q(carried_forward=True) & ~Q(self_rating=F("previous_rating"))),
    "needs_action": (
        "Rated Requires improvement or Inadequate",
        Q(self_rating__in=NEEDS_ACTION) | Q(agreed_rating__in=NEEDS_ACTION),
    ),
    "with_evidence": (
        "With evidence",
        ~Q(evidence_held="") | Exists(EvidenceFile.objects.filter(answer=OuterRef("pk"))),
    ),
    "not_moderated": ("Not yet moderated", Q(agreed_rating="")),
}


def moderation_queue(section11_return: Section11Return, show=()):
    """The return's standards, in order, narrowed by each of the moderator's chosen filters."""
    answers = section11_return.answers.select_related("standard").prefetch_related("evidence_files")
    for key in show:
        if key in MODERATION_FILTERS:
            answers = answers.filter(MODERATION_FILTERS[key][1])
    return answers.order_by("standard__sort_key")


def next_to_moderate(section11_return: Section11Return, show=(), *, after: Section11Answer | None = None):
    """The next standard still needing moderation under the chosen filters: after ``after`` in the return's order,
    else the first."""
    waiting = moderation_queue(section11_return, show).filter(agreed_rating="").exclude(self_rating="")
    if after is not None:
        waiting = waiting.exclude(pk=after.pk)
        later = waiting.filter(standard__sort_key__gt=after.standard.sort_key).first()
        if later is not None:
            return later
    return waiting.first()


def open_actions_on_standard(answer: Section11Answer, *, user) -> list:
    """Open actions the person may see on this standard for this agency: from this answer, or from the same
    agency's answers to the same standard in earlier rounds."""
    same_standard = Section11Answer.objects.filter(
        section11_return__agency_id=answer.section11_return.agency_id,
        section11_return__round__partnership_id=answer.section11_return.round.partnership_id,
        section11_return__round__opens_on__lte=answer.section11_return.round.opens_on,
        standard__number=answer.standard.number,
    )
    found = actions_for_sources(same_standard, user=user)
    return [action for actions in found.values() for action in actions if not action.closed_on]


def standards_needing_improvement(round_) -> list[dict]:
    """The standards most often rated Requires improvement or Inadequate in a round, worst first."""
    in_round = Q(section11_answers__section11_return__round=round_)
    needing = Q(section11_answers__self_rating__in=NEEDS_ACTION) | Q(section11_answers__agreed_rating__in=NEEDS_ACTION)
    standards = round_.framework.standards.annotate(agencies=Count("section11_answers", filter=in_round & needing))
    return list(standards.filter(agencies__gt=0).order_by("-agencies", "sort_key"))


def education_results(audit: EducationAudit) -> dict:
    """Return rate, compliance rate (returned providers meeting every item) and results by phase."""
    returns = audit.returns.select_related("provider")
    item_count = audit.checklist.standards.count()
    met_by_return = dict(
        EducationAnswer.objects.filter(education_return__audit=audit, compliance=Compliance.MET)
        .values_list("education_return")
        .annotate(n=Count("pk"))
        .values_list("education_return", "n")
    )
    phases = {value: {"label": label, "providers": 0, "returned": 0, "compliant": 0} for value, label in Phase.choices}
    totals = {"providers": 0, "returned": 0, "compliant": 0}
    for education_return in returns:
        row = phases[education_return.provider.phase]
        returned = education_return.returned_on is not None
        compliant = returned and met_by_return.get(education_return.pk, 0) == item_count
        for bucket in (row, totals):
            bucket["providers"] += 1
            bucket["returned"] += returned
            bucket["compliant"] += compliant
    by_item = (
        EducationAnswer.objects.filter(education_return__audit=audit)
        .values("item__number", "item__wording", "item__sort_key")
        .annotate(
            met=Count("pk", filter=Q(compliance=Compliance.MET)),
            partly=Count("pk", filter=Q(compliance=Compliance.PARTLY_MET)),
            not_met=Count("pk", filter=Q(compliance=Compliance.NOT_MET)),
        )
        .order_by("item__sort_key")
    )
    return {
        "totals": totals,
        "by_phase": [row for row in phases.values() if row["providers"]],
        "by_item": list(by_item),
        "non_returners": [r for r in returns if r.returned_on is None],
    }


# For other apps: audit evidence as it stood on a day (governance's evidence rules, the yearly report) ----------


def section11_movement_as_at(partnership, *, day) -> dict | None:
    """How the Section 11 standards rated Inadequate or Requires improvement in the round in force on ``day`` (the
    latest opened by then) had moved by that day: from the round's ratings, through the ratings agencies reported
    in progress updates up to ``day``. None when no round had opened, or no standard needed improving."""
    round_ = Section11Round.objects.filter(partnership=partnership, opens_on__lte=day).order_by("-opens_on").first()
    if round_ is None:
        return None
    start = movement.round_point(round_)
    ratings = dict(start.ratings)
    changes = (
        RatingChange.objects.filter(progress_update__round=round_, changed_on__lte=day)
        .order_by("changed_on", "pk")
        .values_list("answer__section11_return__agency_id", "answer__standard__number", "rating")
    )
    for agency_id, number, rating in changes:
        ratings[(agency_id, number)] = rating
    result = movement.movement(start, movement.Point("as-at", f"{round_.name} as at {day:%-d %B %Y}", ratings))
    summaries = {before: result.overall.summary(before) for before in (Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT)}
    needing = sum(result.overall.row_total(before) for before in summaries)
    if not needing:
        return None
    return {
        "round": round_.name,
        "needing_improvement": needing,
        "now_good_or_outstanding": sum(summary["good_or_outstanding"] for summary in summaries.values()),
        "inadequate": summaries[Rating.INADEQUATE],
        "requires_improvement": summaries[Rating.REQUIRES_IMPROVEMENT],
    }


def case_audit_findings_in_year(partnership, *, start_year: int, theme=None) -> dict | None:
    """The findings of the year's multi-agency case audits (on ``theme``, a priority, when given), as plain data;
    None when no case audit of the year covered the theme."""
    programmes = CaseAuditProgramme.objects.filter(partnership=partnership, reporting_year__start_year=start_year)
    if theme is not None:
        programmes = programmes.filter(themes=theme)
    programmes = list(programmes.order_by("name"))
    if not programmes:
        return None
    findings = CaseAuditFinding.objects.filter(programme__in=programmes).select_related("programme", "theme")
    if theme is not None:
        findings = findings.filter(theme=theme)
    return {
        "programmes": [{"name": p.name, "url": p.get_absolute_url()} for p in programmes],
        "strengths": [f.text for f in findings if f.kind == FindingKind.STRENGTH],
        "improvements": [f.text for f in findings if f.kind == FindingKind.IMPROVEMENT],
    }


def education_returns_as_at(partnership, *, start_year: int, day) -> dict | None:
    """How many providers had returned the year's education safeguarding audit by ``day``; None without an audit."""
    audit = EducationAudit.objects.filter(partnership=partnership, reporting_year__start_year=start_year).first()
    if audit is None:
        return None
    returns = audit.returns.all()
    return {
        "audit": str(audit),
        "url": audit.get_absolute_url(),
        "providers": returns.count(),
        "returned": returns.filter(returned_on__lte=day).count(),
    }


def moderation_progress(section11_return: Section11Return) -> dict:
    """How far moderation of a return has got, and whether it can be completed."""
    answers = answers_for_return(section11_return)
    needing = [a for a in answers if a.self_rating in NEEDS_ACTION]
    agreed = [a for a in needing if a.agreed_rating]
    return {
        "standards": len(answers),
        "moderated": sum(1 for a in answers if a.agreed_rating),
        "needing_action": len(needing),
        "needing_action_agreed": len(agreed),
        "can_complete": section11_return.is_locked
        and not section11_return.moderation_complete
        and len(agreed) == len(needing),
    }


def actions_no_longer_needed(section11_return: Section11Return, *, user) -> list:
    """Open actions, visible to the person, on standards of this return agreed as needing no more action: the
    register can close them as resolved."""
    found = []
    for answer in answers_for_return(section11_return):
        if answer.agreed_rating in NO_ACTION_NEEDED:
            found += [(answer, action) for action in open_actions_on_standard(answer, user=user)]
    return found
