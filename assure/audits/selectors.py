"""Reads shared by the audit pages."""

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q

from assure.core.permissions import scoped

from . import movement
from .models import (
    GRADE,
    NEEDS_ACTION,
    CaseAuditFinding,
    CaseAuditProgramme,
    Compliance,
    EducationAnswer,
    EducationAudit,
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
    """Returns annotated with how many standards are answered, and how many need improving."""
    return returns.select_related("agency", "round").annotate(
        standards=Count("answers"),
        answered=Count("answers", filter=~Q(answers__self_rating="")),
        needing_action=Count("answers", filter=Q(answers__self_rating__in=NEEDS_ACTION)),
        moderated=Count("answers", filter=~Q(answers__agreed_rating="")),
    )


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
    """Submitted returns with a rated standard the partnership has not yet agreed a rating for."""
    unmoderated = Section11Answer.objects.filter(section11_return=OuterRef("pk"), agreed_rating="").exclude(
        self_rating=""
    )
    return returns.filter(Exists(unmoderated), status=ReturnStatus.SUBMITTED)


def round_summary(round_) -> dict:
    returns = round_.returns.all()
    submitted = returns.filter(status=ReturnStatus.SUBMITTED)
    return {
        "returns": returns.count(),
        "submitted": submitted.count(),
        "moderated": submitted.count() - to_moderate(returns).count(),
        "with_improvement_needed": returns.filter(answers__self_rating__in=NEEDS_ACTION).distinct().count(),
    }


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
