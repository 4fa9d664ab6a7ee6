from django import template

from ..report import NO_FIGURES

register = template.Library()


@register.filter
def count(value) -> str:
    """A count as the report shows it: the number, "not collated", "[c]", or "No figures"."""
    if value is None:
        return NO_FIGURES
    return f"{value:,}" if isinstance(value, int) else str(value)


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{value}%"
