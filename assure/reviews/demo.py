"""Section 5 of the reference report as records, made through the reviews workflows as of the days they happened.

- SC17, a serious case review begun in 2018-19 (under the transition from the old arrangements), open at 31 March
  2020 and published on 20 April 2020; its learning led to a referral pathway between children's social care and
  Solihull Integrated Addiction Services (SIAS).
- Birmingham's serious case review about a child living in Solihull, published in December 2019; its learning led to
  a case transfer protocol between Birmingham Children's Trust and Solihull children's social care.
- The one CSPR referral of 2019-20, from West Midlands Police: scoping agreed in February 2020, the decision deferred
  by the pandemic into 2020-21.
- The standing panel, agreed by the safeguarding partners in February 2020.
- No rapid review in 2019-20, so no serious incident either.

The report gives months, not days, for most of these: the days below are the demo's assumptions, marked so. The
reviews' actions on the register are dated from the day the demo is loaded, as the register's other demo actions are,
so the register shows every status.

Loading twice changes nothing: the demo does nothing once the partnership has a review.
"""

from datetime import date, timedelta

from django.utils import timezone

from assure.actions import services as action_services
from assure.actions.selectors import actions_from_source
from assure.core.models import Agency, User
from assure.core.permissions import Role

from . import services
from .models import Deferral, LearningBriefing, LearningTheme, PanelDecision, Review, ReviewKind

COUNCIL = "Solihull Metropolitan Borough Council"
POLICE = "West Midlands Police"
CCG = "NHS Birmingham and Solihull Clinical Commissioning Group"

THEMES = ["Case transfer", "Disguised compliance", "Exploitation", "Neglect", "Substance misuse"]

SC17_URL = "https://solihulllscp.co.uk/media/upload/fck/SC17UnbornbabyFINAL%20(publication).pdf"
BIRMINGHAM_URL = (
    "http://www.lscpbirmingham.org.uk/images/BSCP/Professionals/Serious_Case_Reviews/BSCB_2017-18_01/"
    "BSCB_2017-18-01_Final_Report.pdf"
)
PROCEDURES_URL = (
    "https://westmidlands.procedures.org.uk/local-content/1UzN/miscellaneous-additional-local-information/?b=Solihull"
)

# Days the report does not give (it names the month or the year only): the demo's assumptions.
SC17_STARTED = date(2018, 10, 1)
BIRMINGHAM_STARTED = date(2017, 11, 1)
BIRMINGHAM_PUBLISHED = date(2019, 12, 2)
REFERRAL_RECEIVED = date(2020, 1, 14)
SCOPING_AGREED = date(2020, 2, 13)
DEFERRED = date(2020, 3, 26)
LOOK_AGAIN_BY = date(2020, 9, 30)
PANEL_AGREED = date(2020, 2, 13)
# Given by the report.
SC17_PUBLISHED = date(2020, 4, 20)


def load_for(partnership) -> None:
    if Review.objects.filter(partnership=partnership).exists():
        return
    agencies = {agency.name: agency for agency in Agency.objects.filter(partnership=partnership)}
    panel = User.objects.filter(role_assignments__role=Role.REVIEW_PANEL, is_demo_account=True).first()
    manager = User.objects.filter(role_assignments__role=Role.PARTNERSHIP_ADMIN, is_demo_account=True).first()
    themes = {name: LearningTheme.objects.create(partnership=partnership, name=name) for name in THEMES}

    sc17 = _sc17(partnership, themes, manager)
    birmingham = _birmingham(partnership, themes, agencies)
    _police_referral(partnership, agencies, panel)
    PanelDecision.objects.create(
        partnership=partnership,
        decided_on=PANEL_AGREED,
        meeting_on=PANEL_AGREED,
        kind=PanelDecision.Kind.PANEL,
        summary="The safeguarding partners agreed a standing panel to recommend to them on referrals for child "
        "safeguarding practice reviews, complete rapid reviews after serious incidents and monitor reviews' action "
        "plans. Chaired by the CCG's Deputy Director of Nursing and Quality, it reports to the Executive and starts "
        "in 2020-21.",
        recorded_by=panel,
    )
    briefing = LearningBriefing.objects.create(
        partnership=partnership, title="Learning from SC17 and from Birmingham's serious case review"
    )
    briefing.reviews.set([sc17, birmingham])


def _sc17(partnership, themes, manager) -> Review:
    sc17 = services.review_record(
        review=Review(
            partnership=partnership,
            kind=ReviewKind.SERIOUS_CASE_REVIEW,
            published_name="SC17",
            initiated_on=SC17_STARTED,
            learning="The learning was limited to the conversations partner agencies held with the mother of an "
            "unborn baby before her death. A referral pathway between Solihull Children's Social Care Services and "
            "Solihull Integrated Addiction Services (SIAS) was developed as a result, and sits within the "
            f"inter-agency child protection procedures ({PROCEDURES_URL}).",
        ),
        themes=[themes["Substance misuse"], themes["Disguised compliance"]],
        today=SC17_STARTED,
    )
    services.review_commission(
        review=sc17,
        commissioned_on=SC17_STARTED,
        reviewer="An independent lead reviewer",
        terms_of_reference="The agencies' conversations with the mother about her drug and alcohol use before the "
        "baby's death.",
        today=SC17_STARTED,
    )
    services.review_publication_record(
        review=sc17, by=manager, published_on=SC17_PUBLISHED, publication_url=SC17_URL, today=SC17_PUBLISHED
    )
    agencies = {agency.name: agency for agency in Agency.objects.filter(partnership=partnership)}
    pathway = services.recommendation_add(
        review=sc17,
        text="Agree a referral pathway between children's social care and Solihull Integrated Addiction Services "
        "(SIAS), and add it to the inter-agency child protection procedures.",
        agency=agencies[COUNCIL],
        made_on=SC17_PUBLISHED,
        due_on=date(2020, 6, 30),
        today=SC17_PUBLISHED,
    )
    for action in actions_from_source(pathway):
        action_services.action_request_closure(
            action=action,
            by=manager,
            evidence=f"The pathway is in the inter-agency child protection procedures: {PROCEDURES_URL}",
            today=date(2020, 6, 15),
        )
        action_services.action_approve_closure(action=action, by=manager, today=date(2020, 6, 19))
    load_day = timezone.localdate()
    briefing = services.recommendation_add(
        review=sc17,
        text="Brief practitioners on talking with expectant parents about their drug or alcohol use, and on "
        "evidencing what parents say about it.",
        agency=agencies[CCG],
        made_on=SC17_PUBLISHED,
        due_on=load_day + timedelta(days=30),
        today=load_day - timedelta(days=90),
    )
    for action in actions_from_source(briefing):
        action_services.action_progress_record(
            action=action,
            by=manager,
            text="Briefing drafted with the designated nurse; the neglect group reviewed it at its last meeting.",
            today=load_day - timedelta(days=8),
        )
    return sc17


def _birmingham(partnership, themes, agencies) -> Review:
    birmingham = services.review_record(
        review=Review(
            partnership=partnership,
            kind=ReviewKind.OTHER_PARTNERSHIP,
            published_name="Birmingham serious case review BSCB 2017-18/01",
            other_partnership="Birmingham Local Safeguarding Children Board",
            initiated_on=BIRMINGHAM_STARTED,
            published_on=BIRMINGHAM_PUBLISHED,
            publication_url=BIRMINGHAM_URL,
            learning="The death of a child living in Solihull in temporary accommodation. The learning led to a case "
            "transfer protocol between Birmingham Children's Trust and Solihull Children's Social Care Services, "
            f"within the inter-agency child protection procedures ({PROCEDURES_URL}).",
        ),
        themes=[themes["Case transfer"]],
        today=BIRMINGHAM_PUBLISHED,
    )
    load_day = timezone.localdate()
    services.recommendation_add(
        review=birmingham,
        text="Embed the case transfer protocol between Birmingham Children's Trust and Solihull children's social "
        "care, and audit a sample of the transfers between the two areas.",
        agency=agencies[COUNCIL],
        made_on=BIRMINGHAM_PUBLISHED,
        due_on=load_day + timedelta(days=150),
        today=load_day - timedelta(days=90),
    )
    return birmingham


def _police_referral(partnership, agencies, panel) -> Review:
    referral = services.review_record(
        review=Review(
            partnership=partnership,
            kind=ReviewKind.LOCAL_CSPR,
            referred_on=REFERRAL_RECEIVED,
            referred_by=agencies[POLICE],
            referral_reason="West Midlands Police believe there may be multi-agency learning in this case.",
        ),
        today=REFERRAL_RECEIVED,
    )
    services.review_scoping_agree(
        review=referral, agreed_on=SCOPING_AGREED, meeting_on=SCOPING_AGREED, by=panel, today=SCOPING_AGREED
    )
    services.review_defer(
        review=referral,
        stage=Deferral.Stage.DECISION,
        deferred_on=DEFERRED,
        reason="The scoping could not be completed before the coronavirus restrictions came into force. Given the "
        "pandemic's demands on partner agencies, the decision waits until they have the capacity to scope the case.",
        review_on=LOOK_AGAIN_BY,
        by=panel,
        today=DEFERRED,
    )
    return referral
