"""Every LADO record type, registered for the compartment tests (tests/compartments.py): how to make one, and every
page that lists, shows or changes it. Outside the compartment each of these pages answers 404."""

from datetime import date

from django.urls import reverse

from assure.core.models import Agency, Partnership, RoleAssignment, User
from assure.core.permissions import Role
from assure.lado import services
from assure.lado.models import (
    Allegation,
    AllegationChild,
    AllegationImport,
    CaseKey,
    CaseNote,
    Consultation,
    Criterion,
    EmployerAction,
    EnteredYearFigures,
    Meeting,
    ParallelProcess,
    RegulatorReferral,
    TimescaleTarget,
    Transfer,
    YearConfirmation,
)
from tests.compartments import register

from . import builders


def _lado() -> User:
    lado = User.objects.filter(email="registry.lado@test.example").first()
    if lado is None:
        lado = User.objects.create_user(
            "registry.lado@test.example",
            "unused-password-2020",
            full_name="Registry Lado",
            agency=Agency.objects.first(),
        )
        RoleAssignment.objects.create(user=lado, role=Role.LADO)
    return lado


def make_allegation():
    return builders.allegation(_lado())


def _history(record):
    return reverse("core:record-history", args=[record.record_type_slug(), record.pk])


def allegation_urls(allegation):
    pages = [
        "allegation-detail",
        "allegation-edit",
        "initial-consideration",
        "child-add",
        "meeting-add",
        "process-add",
        "employer-action-add",
        "regulator-referral-add",
        "transfer-add",
        "outcome",
        "allegation-close",
        "allegation-note-add",
        "allegation-dispose",
        "allegation-shares",
    ]
    return [
        reverse("lado:case-list"),
        reverse("lado:case-list") + f"?q={builders.ADULT_NAME}",
        reverse("lado:allegation-create"),
        reverse("lado:search") + f"?name={builders.ADULT_NAME}",
        *(reverse(f"lado:{page}", args=[allegation.pk]) for page in pages),
        _history(allegation),
    ]


def _on_allegation(model, add_page, **fields):
    def make():
        record = model(allegation=make_allegation(), **fields)
        record.full_clean()
        record.save()
        return record

    def urls(record):
        return [
            record.allegation.get_absolute_url(),
            reverse(f"lado:{add_page}", args=[record.allegation.pk]),
            _history(record),
        ]

    register(model, make=make, urls=urls)


def make_consultation():
    return builders.consultation(_lado())


def consultation_urls(consultation):
    return [
        reverse("lado:consultation-list"),
        reverse("lado:consultation-create"),
        consultation.get_absolute_url(),
        *(
            reverse(f"lado:{page}", args=[consultation.pk])
            for page in ("consultation-edit", "consultation-refer", "consultation-note-add")
        ),
        _history(consultation),
    ]


def make_note():
    return services.note_add(case=make_allegation(), text="Spoke to the headteacher.", by=_lado())


def note_urls(note):
    return [note.allegation.get_absolute_url(), reverse("lado:note-correct", args=[note.pk]), _history(note)]


def make_target():
    return TimescaleTarget.objects.create(
        partnership=Partnership.current(), start_year=2019, within_months=3, percent=90
    )


def figures_urls(record):
    return [
        reverse("lado:report"),
        reverse("lado:year-list"),
        reverse("lado:year-entered", args=[2018]),
        reverse("lado:year-confirm", args=[2018]),
        _history(record),
    ]


def make_entered():
    return EnteredYearFigures.objects.create(
        partnership=Partnership.current(),
        start_year=2018,
        referred=79,
        within_1_month=33,
        within_3_months=44,
        within_12_months=12,
        over_12_months=2,
        source="Published",
    )


def make_confirmation():
    make_entered()
    return services.year_confirm(partnership=Partnership.current(), start_year=2018, by=_lado())


def make_import():
    return AllegationImport.objects.create(
        partnership=Partnership.current(), file_name="cases.csv", imported_by=_lado()
    )


register(Allegation, make=make_allegation, urls=allegation_urls)
register(Consultation, make=make_consultation, urls=consultation_urls)
register(CaseNote, make=make_note, urls=note_urls)
register(CaseKey, make=lambda: make_allegation().case_key, urls=lambda key: [])
register(
    Criterion, make=lambda: Criterion.objects.get(code="harmed"), urls=lambda c: [reverse("lado:allegation-create")]
)
register(
    AllegationChild,
    make=lambda: make_allegation().allegationchild_set.get(),
    urls=lambda child: [
        child.allegation.get_absolute_url(),
        reverse("lado:child-add", args=[child.allegation.pk]),
        _history(child),
    ],
)
_on_allegation(Meeting, "meeting-add", held_on=date(2020, 2, 3))
_on_allegation(ParallelProcess, "process-add", kind="police", started_on=date(2020, 1, 30))
_on_allegation(EmployerAction, "employer-action-add", kind="suspension", taken_on=date(2020, 2, 1))
_on_allegation(RegulatorReferral, "regulator-referral-add", body="dbs", referred_on=date(2020, 3, 2))
_on_allegation(Transfer, "transfer-add", direction="out", area="Birmingham", transferred_on=date(2020, 2, 10))
register(
    TimescaleTarget,
    make=make_target,
    urls=lambda target: [
        reverse("lado:target-list"),
        reverse("lado:target-create"),
        target.get_absolute_url(),
        _history(target),
    ],
)
register(EnteredYearFigures, make=make_entered, urls=figures_urls)
register(YearConfirmation, make=make_confirmation, urls=figures_urls)
register(
    AllegationImport,
    make=make_import,
    urls=lambda result: [reverse("lado:import"), result.get_absolute_url(), _history(result)],
)
