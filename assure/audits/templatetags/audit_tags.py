from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models import RATING_TAG_COLOURS, AnswerStatus, Rating
from ..movement import LABELS

register = template.Library()


@register.filter
def rating_tag(value: str):
    """A rating as a coloured GOV.UK tag; an empty rating as plain "Not rated"."""
    if not value:
        return mark_safe('<span class="govuk-hint govuk-!-margin-0">Not rated</span>')
    colour = RATING_TAG_COLOURS.get(Rating(value), "grey") if value in Rating.values else "grey"
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, LABELS.get(value, value))


@register.filter
def percent_of(numerator, denominator):
    return f"{round(100 * numerator / denominator)}%" if denominator else "–"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, ())


# Statuses still needing the agency's work are tags; finished ones are plain text (GOV.UK task list).
STATUS_TAGS = {AnswerStatus.NOT_STARTED: "blue", AnswerStatus.NEEDS_EVIDENCE: "yellow"}


@register.filter
def answer_status(status: AnswerStatus):
    colour = STATUS_TAGS.get(status)
    if colour:
        return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, status.label)
    return status.label
