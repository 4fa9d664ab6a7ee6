from django import template
from django.urls import reverse

from assure.core.permissions import Action, Area, Scope, reach

register = template.Library()


@register.inclusion_tag("training/includes/subnav.html", takes_context=True)
def training_menu(context):
    """The training section's own menu: only the pages the person may open."""
    request = context["request"]
    viewing = reach(request.user, Area.TRAINING, Action.VIEW).scope
    editing = reach(request.user, Area.TRAINING, Action.EDIT).scope
    items = [("Programme", "training:programme"), ("Courses", "training:course-list")]
    if editing >= Scope.OWN:
        items.append(("My training", "training:my-training"))
    if viewing >= Scope.AGENCY:
        items.append(("Bookings", "training:booking-list"))
    if viewing == Scope.PARTNERSHIP:
        items += [("Reports", "training:reports"), ("Charging and invoices", "training:charging")]
    links = []
    for label, name in items:
        url = reverse(name)
        current = request.path == url if name == "training:programme" else request.path.startswith(url)
        links.append({"label": label, "url": url, "current": current})
    return {"links": links}
