"""Demo actions from the 2020-21 strategic plan, dated from the day the demo is loaded so the register shows every
status. Audits, inspections and the peer review add their own actions (assure/audits/demo.py), and case reviews theirs
from their recommendations (assure/reviews/demo.py).
Every action is made and progressed through the register's services, as of the day each step happened.
Matched on the action's text, so loading twice changes nothing.
"""

from datetime import timedelta

from django.utils import timezone

from assure.core.models import Agency, Priority, User
from assure.core.permissions import Role

from .models import Action, SourceKind
from .services import action_create_from_source, action_progress_record

# The plan's actions were agreed this many days before the demo is loaded, before any progress on them.
AGREED_DAYS_AGO = 90

# (text, agency, priority slug, due in days from today, days ago of the latest progress, or None)
STRATEGIC_PLAN = [
    (
        "Launch the exploitation strategy with pathways, guidance and training for every agency.",
        "Solihull Metropolitan Borough Council",
        "exploitation",
        75,
        12,
    ),
    (
        "Ask young people what they think of the exploitation and neglect tools, and change the tools in response.",
        "Solihull Metropolitan Borough Council",
        "exploitation",
        10,
        45,
    ),
    (
        "Promote the NRM referral process and the intelligence form at every multi-agency meeting.",
        "West Midlands Police",
        "exploitation",
        120,
        None,
    ),
    (
        "Report Graded Care Profile 2 use by agency to each neglect group meeting.",
        "NHS Birmingham and Solihull Clinical Commissioning Group",
        "neglect",
        40,
        5,
    ),
    (
        "Encourage partner agencies to refer families to the Troubled Families programme.",
        "Solihull Community Housing",
        "early-help",
        -20,
        60,
    ),
]


def load_for(partnership) -> None:
    today = timezone.localdate()
    agencies = {agency.name: agency for agency in Agency.objects.filter(partnership=partnership)}
    priorities = {priority.slug: priority for priority in Priority.objects.filter(partnership=partnership)}
    # The business manager records the progress task groups report.
    manager = User.objects.filter(role_assignments__role=Role.PARTNERSHIP_ADMIN, is_demo_account=True).first()
    for text, agency_name, slug, due_in, updated_ago in STRATEGIC_PLAN:
        if Action.objects.filter(partnership=partnership, text=text).exists():
            continue
        action = action_create_from_source(
            source=None,
            source_kind=SourceKind.STRATEGIC_PLAN,
            source_label="Strategic plan 2020-21",
            text=text,
            agency=agencies[agency_name],
            priority=priorities[slug],
            due_date=today + timedelta(days=due_in),
            today=today - timedelta(days=AGREED_DAYS_AGO),
        )
        if updated_ago is not None:
            action_progress_record(
                action=action,
                by=manager,
                text="Work under way; the task group reviewed progress at its last meeting.",
                today=today - timedelta(days=updated_ago),
            )
