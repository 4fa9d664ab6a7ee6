from datetime import date

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def deadline_tag(deadline, today):
    """A deadline's state as a GOV.UK tag: "Due in 3 working days", "Late by 1 working day", "On time"."""
    if deadline is None:
        return ""
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', deadline.colour(today), deadline.describe(today)
    )


@register.filter
def iso_date(value):
    """A date kept as ISO text in stored figures, as people in England write it: 20 April 2020."""
    if not value:
        return ""
    return f"{date.fromisoformat(value):%-d %B %Y}"
