from datetime import date

from assure.actions.models import Action, SourceKind


def action(agency, *, due_date=date(2020, 3, 31), owner=None, text="Publish the partnership dashboard.") -> Action:
    return Action.objects.create(
        partnership=agency.partnership,
        text=text,
        source_kind=SourceKind.PEER_REVIEW,
        source_label="Peer review October 2019, recommendation 1",
        agency=agency,
        owner=owner,
        due_date=due_date,
    )
