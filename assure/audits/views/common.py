from functools import wraps

from django.core.exceptions import PermissionDenied

from assure.core.permissions import Action, Area, Scope, reach


def partnership_wide_view(view):
    """For pages that show every agency's or provider's results: only people who see the whole partnership.

    An agency lead's reach in audits is their own agency, so these pages are refused to them (403)
    rather than shown with other agencies' results in them.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if reach(request.user, Area.AUDITS, Action.VIEW).scope != Scope.PARTNERSHIP:
            raise PermissionDenied("These results cover every agency; your role shows your own agency's only.")
        return view(request, *args, **kwargs)

    return wrapped
