"""What statutory guidance asks of a review's publication: rules as data, with the edition they come from
(decisions.md section 7).

A review follows the edition in force when the decision to start it was made, so a new edition is a new entry in
``EDITIONS`` and reviews already under way keep their rules. Each rule says what is due, by when, and which of the
review's dates records that it was done; the review's page shows every rule with its date.
"""

from dataclasses import dataclass
from datetime import date

from assure.core.periods import add_months

from .clocks import Deadline, working_days_before


@dataclass(frozen=True)
class PublicationRule:
    says: str
    # The review's date field that records the rule being met.
    done_field: str
    # When it is due: months after the decision to start the review, or working days before publication.
    months_after_decision: int | None = None
    working_days_before_publication: int | None = None
    # "published": only for a published report; "not_published": only where the report is not published.
    applies_when: str = "always"


@dataclass(frozen=True)
class Edition:
    key: str
    title: str
    in_force_from: date
    reference: str
    rules: tuple[PublicationRule, ...]


WORKING_TOGETHER_2018 = Edition(
    key="wt2018",
    title="Working Together to Safeguard Children 2018",
    in_force_from=date(2018, 6, 29),
    reference="Working Together to Safeguard Children 2018, chapter 4",
    rules=(
        PublicationRule(
            "Publish the report within six months of the decision to start the review.",
            done_field="published_on",
            months_after_decision=6,
            applies_when="published",
        ),
        PublicationRule(
            "Where the report is not published, publish the information about the improvements to be made, within "
            "six months of the decision to start the review.",
            done_field="improvements_published_on",
            months_after_decision=6,
            applies_when="not_published",
        ),
        PublicationRule(
            "Send a copy of the report (or of the improvements information) to the national panel no later than "
            "seven working days before publication.",
            done_field="copy_to_national_panel_on",
            working_days_before_publication=7,
        ),
        PublicationRule(
            "Send a copy of the report (or of the improvements information) to the Secretary of State no later "
            "than seven working days before publication.",
            done_field="copy_to_secretary_of_state_on",
            working_days_before_publication=7,
        ),
    ),
)

EDITIONS = {edition.key: edition for edition in (WORKING_TOGETHER_2018,)}
EDITION_CHOICES = [(edition.key, edition.title) for edition in EDITIONS.values()]


def edition_in_force(day: date) -> Edition | None:
    """The latest edition in force on ``day``; None before the first one Assure holds."""
    editions = [edition for edition in EDITIONS.values() if edition.in_force_from <= day]
    return max(editions, key=lambda edition: edition.in_force_from, default=None)


@dataclass(frozen=True)
class RuleCheck:
    rule: PublicationRule
    deadline: Deadline | None
    done_on: date | None
    # Why no deadline can be set yet ("set when the publication date is known").
    waiting_for: str = ""


def check_rules(review, *, today: date) -> list[RuleCheck]:
    """Every rule of the review's edition that applies to it, with its due date and the date it was done."""
    edition = EDITIONS.get(review.guidance_edition)
    if edition is None:
        return []
    publication = review.published_on or review.improvements_published_on
    checks = []
    for rule in edition.rules:
        if rule.applies_when == "published" and review.not_published_reason:
            continue
        if rule.applies_when == "not_published" and not review.not_published_reason:
            continue
        done_on = getattr(review, rule.done_field)
        due_on, waiting_for = None, ""
        if rule.months_after_decision is not None:
            start = review.decision_to_start_on
            if start:
                due_on = add_months(start, rule.months_after_decision)
            else:
                waiting_for = "Set once the lead partners decide to start the review."
        elif rule.working_days_before_publication is not None:
            if publication:
                due_on = working_days_before(publication, rule.working_days_before_publication)
            else:
                waiting_for = "Set once the publication date is recorded."
        checks.append(RuleCheck(rule, Deadline(due_on, done_on) if due_on else None, done_on, waiting_for=waiting_for))
    return checks
