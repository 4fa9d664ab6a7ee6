"""Reads of the reviews compartment shared by its views, its services, its reminders and other apps.

Other apps read review figures only through ``confirmed_year_figures`` (the yearly report) and ``year_figures``:
plain data with counts, decisions, timeliness, themes and published reviews, never the outline of an unpublished
case (decisions.md sections 1 and 7).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from assure.actions.selectors import actions_for_sources, status_counts_for_sources
from assure.core.models import Agency, Partnership, RecordGrant, RoleAssignment, User
from assure.core.periods import Period, add_months, reporting_year, reporting_year_start
from assure.core.permissions import Role
from assure.core.selectors import holders_of
from assure.core.workdays import working_days_between
from assure.training.selectors import course_attendance

from .clocks import Deadline, notification_due, rapid_review_due, working_days_before
from .guidance import EDITIONS
from .models import (
    LOCAL_KINDS,
    ConfirmedYearFigures,
    Criteria,
    Deferral,
    Incident,
    InformationRequest,
    LearningBriefing,
    LearningEvent,
    Milestone,
    Outcome,
    PanelDecision,
    RapidReview,
    Recommendation,
    Review,
)

# "Due this week" on the home page and the clocks page: within the next five working days.
DUE_SOON_WORKING_DAYS = 5
ONE_DAY = timedelta(days=1)


# The lead partners' decision ----------------------------------------------------------------------------------------


def statutory_partners(partnership: Partnership):
    """The agencies whose lead partners decide: the local authority, the police and the health commissioner."""
    return Agency.objects.filter(partnership=partnership, is_statutory_partner=True, active=True)


def deciders(partnership: Partnership, *, today: date | None = None):
    """The lead partners and their recorded delegates who may decide today, as their role assignments."""
    return (
        RoleAssignment.objects.active_on(today or timezone.localdate())
        .filter(role=Role.LEAD_PARTNER, agency__in=statutory_partners(partnership), user__is_active=True)
        .select_related("user", "agency", "delegate_for")
        .order_by("agency__name", "user__full_name")
    )


def decider_label(assignment: RoleAssignment) -> str:
    if assignment.delegate_for_id:
        return f"{assignment.user}, delegate of {assignment.delegate_for} ({assignment.agency})"
    return f"{assignment.user} ({assignment.agency})"


@dataclass(frozen=True)
class StandingDecision:
    outcome: str
    decided_on: date


def standing_decision(subject) -> StandingDecision | None:
    """The lead partners' decision on a rapid review or a review, once every statutory partner has decided alike:
    dated by the last of them. None while any has still to decide, or while they differ."""
    partnership_id = subject.partnership_id
    partners = set(
        Agency.objects.filter(partnership_id=partnership_id, is_statutory_partner=True, active=True).values_list(
            "pk", flat=True
        )
    )
    decisions = list(subject.decisions.all())
    decided = {decision.agency_id for decision in decisions}
    outcomes = {decision.decision for decision in decisions}
    if not partners or not partners <= decided or len(outcomes) != 1:
        return None
    return StandingDecision(outcomes.pop(), max(decision.decided_on for decision in decisions))


def partners_to_decide(subject):
    """The statutory partners yet to record their decision on a rapid review or a review."""
    return statutory_partners(subject.partnership).exclude(pk__in=subject.decisions.values("agency"))


def decision_state(subject) -> str:
    """The lead partners' decision in words: what they decided, or who has still to decide."""
    decision = standing_decision(subject)
    if decision is not None:
        return f"{Outcome(decision.outcome).label}, decided {decision.decided_on:%-d %B %Y}"
    if len(set(subject.decisions.values_list("decision", flat=True))) > 1:
        return "The lead partners' decisions differ: they need to agree one."
    names = ", ".join(agency.name for agency in partners_to_decide(subject))
    return f"Waiting for {names}." if names else "No decision recorded."


def is_addressee(information_request: InformationRequest, person, *, today: date | None = None) -> bool:
    """Whether ``person`` reads the request as one of the safeguarding leads of the agency it asks: through the
    share made when it was sent, which its closing revokes."""
    shares = RecordGrant.objects.of_record(information_request).active(today or timezone.localdate())
    return shares.filter(grantee=person).exists()


# The standing panel --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    agency: str
    members: list[User]


def panel_membership() -> list[Membership]:
    """The standing panel by agency: the people holding the review panel role today."""
    by_agency: dict[str, list[User]] = {}
    for person in holders_of(Role.REVIEW_PANEL).select_related("agency").order_by("full_name"):
        by_agency.setdefault(str(person.agency or "No agency"), []).append(person)
    return [Membership(agency, people) for agency, people in sorted(by_agency.items())]


def decisions_log(partnership: Partnership):
    return PanelDecision.objects.filter(partnership=partnership).select_related("incident", "rapid_review", "review")


# Live clocks ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """One live deadline: what is due, about which record (by its neutral reference), and when."""

    key: str
    what: str
    about: str
    url: str
    deadline: Deadline
    # For an information request: the agency whose safeguarding leads are reminded too.
    agency_id: int | None = None
    # Whether the reviews reminders cover it (the register reminds the owners of actions itself).
    reminded: bool = True

    @property
    def due_on(self) -> date:
        return self.deadline.due_on

    def is_due_soon(self, today: date) -> bool:
        return today <= self.due_on and working_days_between(today, self.due_on) <= DUE_SOON_WORKING_DAYS

    def is_late(self, today: date) -> bool:
        return self.deadline.is_late(today)


def live_clocks(partnership: Partnership, *, today: date | None = None, user=None) -> list[Clock]:
    """Every deadline still running, the most urgent first (the latest-late, then the soonest due).

    Notifications, rapid reviews, information requests, review milestones, deferred decisions to look at again,
    publication and the copies before it; with ``user``, the open actions from review recommendations they may see.
    """
    today = today or timezone.localdate()
    clocks: list[Clock] = []
    incidents = Incident.objects.filter(partnership=partnership, notified_on__isnull=True).exclude(
        criteria=Criteria.NOT_MET
    )
    for incident in incidents:
        clocks.append(
            Clock(
                f"incident:{incident.pk}",
                "Notify the national panel",
                str(incident),
                incident.get_absolute_url(),
                Deadline(notification_due(incident.la_aware_on)),
            )
        )
    rapid_reviews = RapidReview.objects.filter(
        partnership=partnership, sent_to_national_panel_on__isnull=True
    ).select_related("incident")
    for rapid_review in rapid_reviews:
        clocks.append(
            Clock(
                f"rapid-review:{rapid_review.pk}",
                "Send the rapid review to the national panel",
                str(rapid_review),
                rapid_review.get_absolute_url(),
                Deadline(rapid_review_due(rapid_review.started_on)),
            )
        )
    requests = InformationRequest.objects.filter(
        rapid_review__partnership=partnership, closed_on__isnull=True, files__isnull=True
    ).select_related("agency", "rapid_review")
    for request in requests:
        clocks.append(
            Clock(
                f"information-request:{request.pk}",
                f"Information due from {request.agency}",
                str(request.rapid_review),
                request.get_absolute_url(),
                Deadline(request.due_on),
                agency_id=request.agency_id,
            )
        )
    unfinished = Review.objects.filter(
        partnership=partnership, published_on__isnull=True, improvements_published_on__isnull=True
    )
    for milestone in Milestone.objects.filter(review__in=unfinished, achieved_on__isnull=True).select_related("review"):
        clocks.append(
            Clock(
                f"milestone:{milestone.pk}",
                f"Milestone: {milestone.name}",
                str(milestone.review),
                milestone.get_absolute_url(),
                Deadline(milestone.target_on),
            )
        )
    for deferral in Deferral.objects.filter(review__partnership=partnership, ended_on__isnull=True).select_related(
        "review"
    ):
        clocks.append(
            Clock(
                f"deferral:{deferral.pk}",
                f"Look again at the deferred {deferral.get_stage_display().lower()}",
                str(deferral.review),
                deferral.get_absolute_url(),
                Deadline(deferral.review_on),
            )
        )
    for review in unfinished.filter(kind__in=LOCAL_KINDS):
        clocks += _publication_clocks(review)
    if user is not None:
        recommendations = Recommendation.objects.filter(review__partnership=partnership).select_related("review")
        by_recommendation = {r.pk: r for r in recommendations}
        for recommendation_id, actions in actions_for_sources(recommendations, user=user, today=today).items():
            for action in actions:
                if action.closed_on is None:
                    clocks.append(
                        Clock(
                            f"action:{action.pk}",
                            f"Action {action.reference} ({action.agency})",
                            str(by_recommendation[recommendation_id].review),
                            action.get_absolute_url(),
                            Deadline(action.due_date),
                            reminded=False,
                        )
                    )
    return sorted(clocks, key=lambda clock: (clock.due_on, clock.key))


def _publication_clocks(review: Review) -> list[Clock]:
    edition = EDITIONS.get(review.guidance_edition)
    start = review.decision_to_start_on
    if edition is None or start is None:
        return []
    clocks = []
    planned = review.planned_publication_on
    for number, rule in enumerate(edition.rules):
        if rule.applies_when == ("published" if review.not_published_reason else "not_published"):
            continue
        if getattr(review, rule.done_field):
            continue
        if rule.months_after_decision is not None:
            due_on = add_months(start, rule.months_after_decision)
        elif planned is not None:
            due_on = working_days_before(planned, rule.working_days_before_publication)
        else:
            continue
        clocks.append(
            Clock(
                f"publication:{review.pk}:{number}",
                rule.says.split(" within ")[0].split(" no later ")[0].rstrip("."),
                str(review),
                f"{review.get_absolute_url()}#publication",
                Deadline(due_on),
            )
        )
    return clocks


def clocks_filtered(clocks: list[Clock], due: str, *, today: date) -> list[Clock]:
    """The clocks a filter keeps: "week" those due within 5 working days (not yet late), "late" those past due."""
    if due == "week":
        return [clock for clock in clocks if clock.is_due_soon(today)]
    if due == "late":
        return [clock for clock in clocks if clock.is_late(today)]
    return clocks


# A year's figures ----------------------------------------------------------------------------------------------------


def _words(count: int, one: str, many: str) -> str:
    if count == 0:
        return f"no {many}"
    return f"one {one}" if count == 1 else f"{count} {many}"


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _published_after(review: Review, period: Period) -> str:
    """How an open review is named in a year's figures: only a review published since, by its published name."""
    if review.published_on is None:
        return ""
    return f"{review.name}, published {_long(review.published_on)} (after the period)"


def year_figures(partnership: Partnership, start_year: int, *, today: date | None = None) -> dict:
    """A reporting year's review figures, counted as decisions.md section 7 says, as plain data.

    Notifications by submission date; rapid reviews by notification date, with their decisions and timeliness
    against 15 working days; local reviews open at the year end, published in the year (by publication date) and
    deferred at the year end; recommendations made in the year and their actions' status on the register; learning
    themes across the reviews active in the year; briefings issued and learning events held. An unpublished review
    is only ever counted, never named.
    """
    today = today or timezone.localdate()
    period = reporting_year(start_year)
    within = (period.start, period.end)

    notified = Incident.objects.filter(partnership=partnership, notified_on__range=within)
    notifications_late = sum(1 for i in notified if i.notified_on > notification_due(i.la_aware_on))

    rapid_reviews = list(
        RapidReview.objects.filter(partnership=partnership, incident__notified_on__range=within).select_related(
            "incident"
        )
    )
    decisions = Counter()
    rapid_late = rapid_done_on_time = 0
    for rapid_review in rapid_reviews:
        decision = standing_decision(rapid_review)
        decisions[Outcome(decision.outcome).label if decision else "Not decided yet"] += 1
        if rapid_review.deadline.is_late(today):
            rapid_late += 1
        elif rapid_review.sent_to_national_panel_on:
            rapid_done_on_time += 1

    local = list(Review.objects.filter(partnership=partnership, kind__in=LOCAL_KINDS).prefetch_related("themes"))

    def finished_by(review, day):
        finished = review.published_on or review.improvements_published_on
        return finished is not None and finished <= day

    open_at_end = [
        r
        for r in local
        if r.decision_to_start_on and r.decision_to_start_on <= period.end and not finished_by(r, period.end)
    ]
    published_in_year = [
        r
        for r in local
        if (r.published_on or r.improvements_published_on) and (r.published_on or r.improvements_published_on) in period
    ]
    deferred_ids = set(
        Deferral.objects.filter(review__in=[r.pk for r in local], deferred_on__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))
        .values_list("review", flat=True)
    )
    deferred = [r for r in local if r.pk in deferred_ids]
    referrals = [r for r in local if r.referred_on and r.referred_on in period]
    others = Review.objects.filter(partnership=partnership, published_on__range=within).exclude(kind__in=LOCAL_KINDS)

    recommendations = list(Recommendation.objects.filter(review__partnership=partnership, made_on__range=within))
    action_statuses = status_counts_for_sources(recommendations, today=today)

    def started(review):
        return review.decision_to_start_on or review.referred_on

    # The reviews the year's themes come from: local ones under way at some time in the year, and others published.
    active = [
        r for r in local if started(r) and started(r) <= period.end and not finished_by(r, period.start - ONE_DAY)
    ]
    active += list(others.prefetch_related("themes"))
    themes = Counter(theme.name for review in active for theme in review.themes.all())

    briefings = LearningBriefing.objects.filter(partnership=partnership, issued_on__range=within)
    agencies_briefed = Agency.objects.filter(pk__in=briefings.values("sent_to")).count()
    events = [
        course
        for course in course_attendance(
            LearningEvent.objects.filter(review__partnership=partnership).values_list("course", flat=True)
        )
        if course.date in period
    ]

    figures = {
        "year": period.label,
        "start_year": start_year,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "computed_on": today.isoformat(),
        "notifications": {
            "made": len(notified),
            "on_time": len(notified) - notifications_late,
            "late": notifications_late,
        },
        "rapid_reviews": {
            "held": len(rapid_reviews),
            "on_time": rapid_done_on_time,
            "late": rapid_late,
            "decisions": dict(sorted(decisions.items())),
        },
        "reviews": {
            "referrals_received": len(referrals),
            "open_at_year_end": len(open_at_end),
            "open_since_published": [_published_after(r, period) for r in open_at_end if r.published_on],
            "published_in_year": len(published_in_year),
            "published": [_published_review(r) for r in sorted(published_in_year, key=_published_order)],
            "deferred_at_year_end": len(deferred),
        },
        "other_reviews": [_published_review(r) for r in sorted(others, key=_published_order)],
        "recommendations": {
            "made": len(recommendations),
            "actions": sum(action_statuses.values()),
            "actions_by_status": action_statuses,
        },
        "themes": [
            {"theme": name, "reviews": count} for name, count in sorted(themes.items(), key=lambda t: (-t[1], t[0]))
        ],
        "briefings": {"issued": briefings.count(), "agencies_reached": agencies_briefed},
        "learning_events": {"held": len(events), "attended": sum(course.attended for course in events)},
    }
    figures["paragraph"] = paragraph(figures)
    return figures


def _published_order(review: Review):
    return (review.published_on or review.improvements_published_on, review.name)


def _published_review(review: Review) -> dict:
    return {
        "name": review.name,
        "kind": review.get_kind_display(),
        "published_on": (review.published_on or review.improvements_published_on).isoformat(),
        "url": review.publication_url,
        "by": review.other_partnership,
    }


def paragraph(figures: dict) -> str:
    """A short paragraph with the year's figures, for the yearly report."""
    year, end = figures["year"], date.fromisoformat(figures["period_end"])
    notifications, rapid, reviews = figures["notifications"], figures["rapid_reviews"], figures["reviews"]
    sentences = []
    made = _words(notifications["made"], "serious incident", "serious incidents")
    late = f", {notifications['late']} of them late" if notifications["late"] else ""
    sentences.append(f"In {year} the partnership notified the national panel of {made}{late}")
    held = _words(rapid["held"], "rapid review", "rapid reviews")
    if rapid["held"]:
        within = rapid["on_time"]
        sentences[-1] += f" and held {held}, {within} completed within 15 working days."
    else:
        sentences[-1] += f" and held {held}."
    open_count = reviews["open_at_year_end"]
    opened = {0: "no local review was", 1: "one local review was"}.get(open_count, f"{open_count} local reviews were")
    named = "; ".join(reviews["open_since_published"])
    sentences.append(f"At {_long(end)} {opened} open{f': {named}' if named else ''}.")
    if reviews["deferred_at_year_end"]:
        deferred = _words(reviews["deferred_at_year_end"], "referral", "referrals")
        sentences.append(
            f"{deferred[0].upper()}{deferred[1:]} for a child safeguarding practice review "
            f"{'was' if reviews['deferred_at_year_end'] == 1 else 'were'} deferred at the year end."
        )
    published = reviews["published"]
    if published:
        names = ", ".join(f"{p['name']} ({_long(date.fromisoformat(p['published_on']))})" for p in published)
        sentences.append(f"The partnership published {_words(len(published), 'review', 'reviews')}: {names}.")
    else:
        sentences.append("No local review was published in the year.")
    if figures["other_reviews"]:
        others = ", ".join(
            f"{other['name']} by {other['by']}" if other["by"] else other["name"] for other in figures["other_reviews"]
        )
        sentences.append(f"It also learned from {others}.")
    recommendations = figures["recommendations"]
    if recommendations["made"]:
        closed = recommendations["actions_by_status"].get("Closed", 0)
        sentences.append(
            f"Reviews made {_words(recommendations['made'], 'recommendation', 'recommendations')}, with "
            f"{_words(recommendations['actions'], 'action', 'actions')} on the register ({closed or 'none'} closed)."
        )
    briefings = figures["briefings"]["issued"]
    if briefings:
        sentences.append(
            f"{_words(briefings, 'learning briefing was', 'learning briefings were').capitalize()} issued."
        )
    return " ".join(sentences)


def confirmed_year_figures(partnership: Partnership, start_year: int) -> dict | None:
    """The review figures for the reporting year starting in ``start_year`` as the panel last confirmed them, or
    None while they are not confirmed: plain data (the dictionary ``year_figures`` returns, dates as ISO text) for
    the yearly report, with ``confirmed_on`` and ``confirmed_by`` added."""
    confirmed = (
        ConfirmedYearFigures.objects.filter(partnership=partnership, start_year=start_year)
        .select_related("confirmed_by")
        .first()
    )
    if confirmed is None:
        return None
    return {
        **confirmed.figures,
        "confirmed_on": confirmed.confirmed_on.isoformat(),
        "confirmed_by": str(confirmed.confirmed_by),
    }


def latest_confirmed_year(partnership: Partnership) -> int | None:
    """The latest reporting year whose figures the panel confirmed: what the figures page opens on."""
    return (
        ConfirmedYearFigures.objects.filter(partnership=partnership)
        .order_by("-start_year")
        .values_list("start_year", flat=True)
        .first()
    )


def figure_years(partnership: Partnership, *, today: date | None = None) -> list[int]:
    """The reporting years a report can be asked for: from the earliest review record to the current year."""
    today = today or timezone.localdate()
    dates = [
        day
        for day in (
            Incident.objects.filter(partnership=partnership)
            .order_by("la_aware_on")
            .values_list("la_aware_on", flat=True)
            .first(),
            Review.objects.filter(partnership=partnership, referred_on__isnull=False)
            .order_by("referred_on")
            .values_list("referred_on", flat=True)
            .first(),
            Review.objects.filter(partnership=partnership, initiated_on__isnull=False)
            .order_by("initiated_on")
            .values_list("initiated_on", flat=True)
            .first(),
            Review.objects.filter(partnership=partnership, published_on__isnull=False)
            .order_by("published_on")
            .values_list("published_on", flat=True)
            .first(),
        )
        if day
    ]
    first = reporting_year_start(min(dates)) if dates else reporting_year_start(today)
    return list(range(reporting_year_start(today), first - 1, -1))


def figure_rows(figures: dict) -> list[tuple[str, str, int]]:
    """A year's figures as rows of (section, measure, count), for the page's table and its downloads."""
    end = f"{date.fromisoformat(figures['period_end']):%-d %B %Y}"
    notifications, rapid, reviews = figures["notifications"], figures["rapid_reviews"], figures["reviews"]
    rows = [
        ("Notifications", "Serious incidents notified to the national panel", notifications["made"]),
        ("Notifications", "Notified within 5 working days", notifications["on_time"]),
        ("Notifications", "Notified late", notifications["late"]),
        ("Rapid reviews", "Rapid reviews (by notification date)", rapid["held"]),
        ("Rapid reviews", "Sent to the national panel within 15 working days", rapid["on_time"]),
        ("Rapid reviews", "Late", rapid["late"]),
        *(("Rapid reviews", f"Decision: {decision}", count) for decision, count in rapid["decisions"].items()),
        ("Local reviews", "Referrals received", reviews["referrals_received"]),
        ("Local reviews", f"Open at {end}", reviews["open_at_year_end"]),
        ("Local reviews", "Published in the year", reviews["published_in_year"]),
        ("Local reviews", "Deferred at the year end", reviews["deferred_at_year_end"]),
        ("Recommendations", "Made in the year", figures["recommendations"]["made"]),
        ("Recommendations", "Actions on the register", figures["recommendations"]["actions"]),
        *(
            ("Recommendations", f"Actions: {status}", count)
            for status, count in figures["recommendations"]["actions_by_status"].items()
            if count
        ),
        *(("Learning themes", theme["theme"], theme["reviews"]) for theme in figures["themes"]),
        ("Learning", "Learning briefings issued", figures["briefings"]["issued"]),
        ("Learning", "Agencies the briefings went to", figures["briefings"]["agencies_reached"]),
        ("Learning", "Learning events held", figures["learning_events"]["held"]),
        ("Learning", "People who attended them", figures["learning_events"]["attended"]),
    ]
    return rows


def figures_differ(confirmed: dict, current: dict) -> bool:
    """Whether a year's figures have changed since the panel confirmed them (the day they were worked out aside)."""
    ignored = {"computed_on", "confirmed_on", "confirmed_by"}
    return {k: v for k, v in confirmed.items() if k not in ignored} != {
        k: v for k, v in current.items() if k not in ignored
    }
