from django import template

from ..budget import pounds as format_pounds

register = template.Library()


@register.filter
def pounds(amount):
    """Whole pounds as the budget statement prints them: "£193,831", "-£13,540"."""
    return format_pounds(amount)
