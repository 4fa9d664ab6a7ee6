"""Many-to-many changes (a case audit programme's themes) leave audit entries, from either side."""

import pytest

from assure.audits.models import CaseAuditProgramme, FrameworkKind
from assure.core.audit import acting_as
from assure.core.models import AuditEntry, Priority, ReportingYear

from .builders import framework


@pytest.fixture
def priorities(partnership):
    year = ReportingYear.objects.get(partnership=partnership)
    return {
        slug: Priority.objects.create(partnership=partnership, name=name, slug=slug, first_year=year)
        for slug, name in [("neglect", "Neglect"), ("exploitation", "Exploitation"), ("early-help", "Early help")]
    }


@pytest.fixture
def programme(partnership):
    return CaseAuditProgramme.objects.create(
        partnership=partnership,
        reporting_year=ReportingYear.objects.get(partnership=partnership),
        name="Multi-agency case audit 2019-20",
        tool=framework(partnership, kind=FrameworkKind.CASE_AUDIT),
    )


def theme_changes(programme) -> list:
    return [
        (entry.actor_label, entry.changes["themes"])
        for entry in AuditEntry.objects.filter(
            record_type="audits.CaseAuditProgramme", object_id=str(programme.pk), action="update"
        ).order_by("pk")
    ]


def test_adding_removing_and_clearing_themes_is_recorded(programme, priorities, admin_user):
    with acting_as(admin_user):
        programme.themes.add(priorities["neglect"], priorities["exploitation"])
        programme.themes.remove(priorities["neglect"])
        programme.themes.clear()
    label = admin_user.email
    assert theme_changes(programme) == [
        (label, [[], ["Exploitation", "Neglect"]]),
        (label, [["Exploitation", "Neglect"], ["Exploitation"]]),
        (label, [["Exploitation"], []]),
    ]


def test_changing_themes_from_the_priority_is_recorded_on_the_programme(programme, priorities):
    neglect = priorities["neglect"]
    neglect.case_audit_programmes.add(programme)
    neglect.case_audit_programmes.clear()
    assert theme_changes(programme) == [("system", [[], ["Neglect"]]), ("system", [["Neglect"], []])]


def test_setting_the_same_themes_again_records_nothing(programme, priorities):
    programme.themes.set([priorities["neglect"]])
    before = AuditEntry.objects.count()
    programme.themes.set([priorities["neglect"]])
    assert AuditEntry.objects.count() == before
