"""The voice of the child: consultations and feedback, children's words kept with consent, and "you said, we did"."""

from django.shortcuts import render
from django.urls import reverse

from assure.core.disclosure import SUPPRESSED, disclose_count, small_number_handling
from assure.core.models import Partnership
from assure.core.pages import form_page, list_page
from assure.core.permissions import Action, Area, get_scoped_object_or_404, permission_required
from assure.core.tables import Column, Table

from .. import selectors
from ..forms import ChildQuoteForm, ConsultationForm, YouSaidWeDidForm
from ..models import Consultation, YouSaidWeDid, year_label
from .priorities import EVERY_AGENCY, _edits


def _children(consultation: Consultation):
    """How many children took part, hidden when few enough to identify them."""
    cell = disclose_count(consultation.children_count, public=True)
    return SUPPRESSED if cell.suppressed else cell.value


CONSULTATION_COLUMNS = [
    Column("Activity", lambda c: c.activity, link=True),
    Column("Date", lambda c: c.held_on, sort="held_on"),
    Column("Age band", lambda c: c.get_age_band_display(), sort="age_band"),
    Column("Setting", lambda c: c.setting),
    Column("Children and young people", _children, numeric=True),
    Column("Priorities", lambda c: ", ".join(p.name for p in c.priorities.all())),
]


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def voice(request):
    partnership = Partnership.current()
    year = selectors.chosen_year(request, partnership)
    consultations = Consultation.objects.filter(partnership=partnership).prefetch_related("priorities")
    table = Table(
        request,
        consultations,
        CONSULTATION_COLUMNS,
        name="voice-of-the-child",
        search_fields=["activity", "setting", "what_children_said", "what_changed"],
        default_sort="-held_on",
    )
    return list_page(
        request,
        table,
        "governance/voice.html",
        Area.GOVERNANCE,
        year=year,
        year_label=year_label(year),
        counted=selectors.children_consulted(partnership, year, public=True),
        handling=small_number_handling(True),
        log=YouSaidWeDid.objects.filter(consultation__partnership=partnership).select_related("consultation"),
        can_edit=_edits(request.user),
    )


def _consultation(request, pk, action=Action.VIEW) -> Consultation:
    consultations = Consultation.objects.filter(partnership=Partnership.current())
    return get_scoped_object_or_404(consultations, request.user, action, pk=pk)


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def consultation_detail(request, pk):
    consultation = _consultation(request, pk)
    return render(
        request,
        "governance/consultation_detail.html",
        {
            "consultation": consultation,
            "children": _children(consultation),
            "quotes": consultation.quotes.all(),
            "responses": consultation.responses.all(),
            "can_edit": _edits(request.user),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def consultation_create(request):
    return form_page(
        request,
        ConsultationForm(request.POST or None, partnership=Partnership.current()),
        title="Record a consultation or feedback",
        success_url=reverse("governance:voice"),
        success_message="Recorded the consultation.",
        back_url=reverse("governance:voice"),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def consultation_edit(request, pk):
    consultation = _consultation(request, pk, Action.EDIT)
    return form_page(
        request,
        ConsultationForm(request.POST or None, instance=consultation, partnership=consultation.partnership),
        title="Change the consultation",
        success_url=consultation.get_absolute_url(),
        success_message="Saved the consultation.",
        back_url=consultation.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def quote_add(request, pk):
    consultation = _consultation(request, pk, Action.EDIT)
    return form_page(
        request,
        ChildQuoteForm(request.POST or None, consultation=consultation),
        title="Keep a child's words",
        caption=str(consultation),
        success_url=consultation.get_absolute_url(),
        success_message="Kept their words, with their consent.",
        back_url=consultation.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def you_said_we_did_add(request, pk):
    consultation = _consultation(request, pk, Action.EDIT)
    return form_page(
        request,
        YouSaidWeDidForm(request.POST or None, consultation=consultation),
        title="You said, we did",
        caption=str(consultation),
        success_url=consultation.get_absolute_url(),
        success_message="Added to the “you said, we did” log.",
        back_url=consultation.get_absolute_url(),
    )
