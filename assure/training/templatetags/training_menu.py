from django import template
from django.urls import reverse

from assure.core.permissions import Action, Area, acts_for_agencies, can, is_partnership_wide

register = template.Library()


@register.inclusion_tag("training/includes/subnav.html", takes_context=True)
def training_menu(context):
    """The training section's own menu: only the pages the person may open."""
    request = context["request"]
    user = request.user
    items = [("Programme", "training:programme"), ("Courses", "training:course-list")]
    if can(user, Area.TRAINING, Action.EDIT):
        items.append(("My training", "training:my-training"))
    if acts_for_agencies(user, Area.TRAINING, Action.VIEW):
        items.append(("Bookings", "training:booking-list"))
    if is_partnership_wide(user, Area.TRAINING, Action.VIEW):
        items += [("Reports", "training:reports"), ("Charging and invoices", "training:charging")]
    links = []
    for label, name in items:
        url = reverse(name)
        current = request.path == url if name == "training:programme" else request.path.startswith(url)
        links.append({"label": label, "url": url, "current": current})
    return {"links": links}
