"""Reads of the LADO compartment: the cases a person may see, previous involvement, and the year's figures.

Other apps read LADO work only through here, and only as figures: ``confirmed_year_figures`` gives the annual LADO
report of a year and the two before it from the figures the LADO confirmed, with breakdowns by a characteristic
suppressed (the LADO figures area, the yearly report). Nothing here returns a record to anyone outside the
compartment.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from assure.core.periods import reporting_year, reporting_year_start
from assure.core.permissions import Action, Area, is_partnership_wide, scoped
from assure.training.selectors import topic_delivery

from .figures import BANDS, YearFigures, figures_entered, figures_from_cases
from .models import Allegation, Consultation, EnteredYearFigures, TimescaleTarget, YearConfirmation
from .report import Confirmed, LadoReport, build_report

# The training modules whose courses are the managing-allegations training, by the words of their title.
TRAINING_TITLE_WORDS = "managing allegations"


def visible_allegations(user, action: Action = Action.VIEW) -> QuerySet[Allegation]:
    """The allegations a person may see (or change): a LADO sees every case but the restricted ones that do not name
    them; anyone else only what a LADO shared with them."""
    allegations = scoped(Allegation.objects.all(), user, action)
    if is_partnership_wide(user, Area.LADO, action):
        allegations = allegations.filter(Q(restricted=False) | Q(named_lados=user)).distinct()
    return allegations


def visible_consultations(user, action: Action = Action.VIEW) -> QuerySet[Consultation]:
    return scoped(Consultation.objects.all(), user, action)


def _same_adult(name: str, date_of_birth: date | None) -> Q:
    condition = Q(adult_name__iexact=name.strip())
    if date_of_birth is not None:
        condition &= Q(adult_date_of_birth=date_of_birth) | Q(adult_date_of_birth__isnull=True)
    return condition


def previous_involvement(user, *, name: str, date_of_birth: date | None = None, before: date | None = None):
    """Allegations and consultations about an adult of this name (and date of birth, where both records have one),
    received before ``before`` if given: the "known before" search."""
    allegations = visible_allegations(user).filter(_same_adult(name, date_of_birth))
    consultations = visible_consultations(user).filter(_same_adult(name, date_of_birth))
    if before is not None:
        allegations = allegations.filter(received_on__lt=before)
        consultations = consultations.filter(received_on__lt=before)
    return allegations, consultations


def known_before(allegation: Allegation) -> bool:
    """Whether the adult was known to the LADO before this referral: an earlier allegation or consultation about
    them (the consultation it came from does not count)."""
    if not allegation.adult_name.strip():
        return False
    same = _same_adult(allegation.adult_name, allegation.adult_date_of_birth)
    earlier_consultations = Consultation.objects.filter(same, received_on__lte=allegation.received_on).exclude(
        referred_as=allegation
    )
    earlier_allegations = (
        Allegation.objects.filter(same)
        .filter(Q(received_on__lt=allegation.received_on) | Q(received_on=allegation.received_on, pk__lt=allegation.pk))
        .exclude(pk=allegation.pk)
    )
    return earlier_allegations.exists() or earlier_consultations.exists()


def search(user, *, name: str = "", date_of_birth: date | None = None):
    """Allegations and consultations whose adult's name contains ``name`` and, if given, born on ``date_of_birth``
    (with a name, records that do not know the date of birth match too: a consultation often does not)."""
    name = name.strip()
    if not name and date_of_birth is None:
        return Allegation.objects.none(), Consultation.objects.none()
    condition = Q(adult_name__icontains=name) if name else Q()
    if date_of_birth is not None:
        born = Q(adult_date_of_birth=date_of_birth)
        condition &= (born | Q(adult_date_of_birth__isnull=True)) if name else born
    return visible_allegations(user).filter(condition), visible_consultations(user).filter(condition)


# Home and the LADO's lists ------------------------------------------------------------------------------------


def open_cases(user) -> QuerySet[Allegation]:
    return visible_allegations(user).open()


def cases_open_longer_than_three_months(user, today: date) -> QuerySet[Allegation]:
    return visible_allegations(user).open_longer_than_three_months(today)


def cases_with_meeting_follow_up_due(user, today: date) -> QuerySet[Allegation]:
    return visible_allegations(user).with_meeting_follow_up_due(today)


# Figures ------------------------------------------------------------------------------------------------------


def year_figures(partnership, start_year: int) -> YearFigures | None:
    """A year's figures as they stand: the entered aggregates for a year before the records, otherwise counted from
    the allegation records (None when there is neither)."""
    entered = EnteredYearFigures.objects.filter(partnership=partnership, start_year=start_year).first()
    if entered is not None:
        return figures_entered(entered)
    period = reporting_year(start_year)
    allegations = Allegation.objects.filter(partnership=partnership)
    referred = list(allegations.filter(received_on__range=(period.start, period.end)))
    concluded = list(allegations.filter(outcome_on__range=(period.start, period.end)))
    if not referred and not concluded:
        return None
    return figures_from_cases(start_year, referred, concluded)


def latest_confirmation(partnership, start_year: int) -> YearConfirmation | None:
    return (
        YearConfirmation.objects.filter(partnership=partnership, start_year=start_year)
        .select_related("confirmed_by")
        .order_by("-confirmed_on", "-pk")
        .first()
    )


def _confirmed(partnership, start_year: int) -> Confirmed | None:
    confirmation = latest_confirmation(partnership, start_year)
    return Confirmed(str(confirmation.confirmed_by), confirmation.confirmed_on) if confirmation else None


def confirmed_figures(partnership, start_year: int) -> YearFigures | None:
    confirmation = latest_confirmation(partnership, start_year)
    return YearFigures.from_json(confirmation.figures) if confirmation else None


def confirmed_timeliness(partnership, start_year: int) -> tuple[int, int] | None:
    """(allegations concluded within 3 months, allegations concluded) in the year, from the figures the LADO
    confirmed; None while the year is not confirmed. Within 3 months is cumulative: the first two bands."""
    figures = confirmed_figures(partnership, start_year)
    if figures is None:
        return None
    within = sum(figures.bands.get(band.key, 0) for band in BANDS if band.months is not None and band.months <= 3)
    return within, sum(figures.bands.values())


def changed_since_confirmation(partnership, start_year: int) -> bool:
    """Whether the figures as they stand differ from those the LADO last confirmed for the year."""
    confirmed = confirmed_figures(partnership, start_year)
    current = year_figures(partnership, start_year)
    return confirmed is not None and (current is None or current.as_json() != confirmed.as_json())


def training_of_year(partnership, start_year: int):
    return topic_delivery(partnership, title_words=TRAINING_TITLE_WORDS, period=reporting_year(start_year))


def _targets(partnership, start_year: int):
    return TimescaleTarget.objects.filter(partnership=partnership, start_year__range=(start_year - 2, start_year))


def working_report(partnership, start_year: int) -> LadoReport:
    """The report as the records stand, for the LADO inside the compartment: nothing suppressed."""
    years = range(start_year - 2, start_year + 1)
    return build_report(
        start_year,
        [year_figures(partnership, year) for year in years],
        targets=list(_targets(partnership, start_year).order_by("start_year", "within_months")),
        training=training_of_year(partnership, start_year),
        suppress_breakdowns=False,
        confirmations=[_confirmed(partnership, year) for year in years],
    )


def confirmed_year_figures(partnership, start_year: int, *, suppress_breakdowns: bool = True) -> LadoReport:
    """The annual LADO report for the year starting in April ``start_year`` and the two before it, from the figures
    the LADO confirmed (a year not confirmed shows "No figures"): plain data — counts, bands with their percentages
    and rolling percentages, outcomes with "not collated" markers, breakdowns (suppressed unless told otherwise),
    timescale targets, the year's managing-allegations training and a paragraph stating the figures."""
    years = range(start_year - 2, start_year + 1)
    return build_report(
        start_year,
        [confirmed_figures(partnership, year) for year in years],
        targets=list(_targets(partnership, start_year).order_by("start_year", "within_months")),
        training=training_of_year(partnership, start_year),
        suppress_breakdowns=suppress_breakdowns,
        confirmations=[_confirmed(partnership, year) for year in years],
    )


def report_years(partnership, today: date | None = None) -> list[int]:
    """The years a report can be asked for: every year with figures, and the current one."""
    today = today or timezone.localdate()
    years = {reporting_year_start(today)}
    years |= set(EnteredYearFigures.objects.filter(partnership=partnership).values_list("start_year", flat=True))
    first = Allegation.objects.filter(partnership=partnership).order_by("received_on").first()
    if first is not None:
        years |= set(range(reporting_year_start(first.received_on), reporting_year_start(today) + 1))
    return sorted(years, reverse=True)


def confirmed_years(partnership, today: date | None = None) -> list[int]:
    """The years whose figures the LADO confirmed, latest first (the current year when none is)."""
    years = set(YearConfirmation.objects.filter(partnership=partnership).values_list("start_year", flat=True))
    return sorted(years, reverse=True) or [reporting_year_start(today or timezone.localdate())]
