from django.apps import apps

from assure.core.audit import AuditedModel, AuditedQuerySet, DerivedRecord, acting_as
from assure.core.models import AccessLogEntry, Agency, AuditEntry, AuditSeal, Sector, WorkerHeartbeat

# The logs themselves, and a worker's heartbeat (machinery written every few seconds, not a record anyone changes).
NOT_AUDITED = {AuditEntry, AccessLogEntry, AuditSeal, WorkerHeartbeat}


def entries_for(record):
    return list(AuditEntry.objects.filter(record_type=record._meta.label, object_id=str(record.pk)).order_by("pk"))


def test_it_records_a_create_with_every_field_and_who_made_it(partnership, admin_user):
    with acting_as(admin_user):
        agency = Agency.objects.create(partnership=partnership, name="Housing Trust", sector=Sector.HOUSING)
    [entry] = entries_for(agency)
    assert entry.action == "create"
    assert entry.actor == admin_user
    assert entry.changes["name"] == [None, "Housing Trust"]
    assert entry.changes["sector"] == [None, "housing"]
    assert entry.changes["partnership"] == [None, str(partnership)]


def test_it_records_only_the_fields_an_update_changed(police, admin_user):
    police.name = "West Test Police"
    with acting_as(admin_user):
        police.save()
    entry = entries_for(police)[-1]
    assert entry.action == "update"
    assert entry.changes == {"name": ["Test Police", "West Test Police"]}


def test_a_save_that_changes_nothing_leaves_no_entry(police):
    before = AuditEntry.objects.count()
    police.save()
    assert AuditEntry.objects.count() == before


def test_it_records_a_delete_with_the_values_it_had(partnership):
    agency = Agency.objects.create(partnership=partnership, name="Short-lived", sector=Sector.OTHER)
    pk = agency.pk
    agency.delete()
    entry = AuditEntry.objects.filter(record_type="core.Agency", object_id=str(pk)).order_by("pk").last()
    assert entry.action == "delete"
    assert entry.changes["name"] == ["Short-lived", None]


def test_bulk_update_records_every_row_it_changes(partnership):
    names = ["A", "B", "C"]
    for name in names:
        Agency.objects.create(partnership=partnership, name=name, sector=Sector.OTHER)
    changed = Agency.objects.filter(name__in=names).update(active=False)
    assert changed == 3
    updates = AuditEntry.objects.filter(record_type="core.Agency", action="update")
    assert sorted(e.object_repr for e in updates) == names
    assert all(e.changes == {"active": [True, False]} for e in updates)


def test_bulk_delete_records_every_row_it_removes(partnership):
    for name in ["D", "E"]:
        Agency.objects.create(partnership=partnership, name=name, sector=Sector.OTHER)
    Agency.objects.filter(name__in=["D", "E"]).delete()
    deletes = AuditEntry.objects.filter(record_type="core.Agency", action="delete")
    assert sorted(e.object_repr for e in deletes) == ["D", "E"]


def test_bulk_create_records_every_row(partnership):
    Agency.objects.bulk_create([Agency(partnership=partnership, name=n, sector=Sector.OTHER) for n in ["F", "G"]])
    creates = AuditEntry.objects.filter(record_type="core.Agency", action="create", object_repr__in=["F", "G"])
    assert creates.count() == 2


def test_an_update_through_the_base_manager_is_recorded(police, admin_user):
    with acting_as(admin_user):
        type(police)._base_manager.filter(pk=police.pk).update(name="Quietly renamed")
    entry = entries_for(police)[-1]
    assert (entry.actor, entry.changes) == (admin_user, {"name": ["Test Police", "Quietly renamed"]})


def test_every_audited_model_updates_through_an_audited_base_manager():
    """Django's own machinery (saves, related lookups) and ``_base_manager`` use the base manager."""
    unaudited = [
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, AuditedModel) and not isinstance(model._base_manager.all(), AuditedQuerySet)
    ]
    assert unaudited == []


def test_a_password_change_is_recorded_without_the_hash(admin_user):
    admin_user.set_password("another-long-password-99")
    admin_user.save()
    entry = entries_for(admin_user)[-1]
    assert entry.changes == {"password": ["(changed)", "(changed)"]}


def test_every_domain_model_is_audited():
    """A new model that skips the audit trail fails here until it subclasses AuditedModel."""
    unaudited = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("assure.")
        and model not in NOT_AUDITED
        and not issubclass(model, (AuditedModel, DerivedRecord))
    ]
    assert unaudited == []
