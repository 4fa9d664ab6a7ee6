"""The keyed hash chain: an untouched trail verifies; every kind of tampering is reported and emailed.

The test database runs without the triggers that refuse updates and deletes (see conftest), which is
how a database owner who dropped them would find it.
"""

import importlib
import json
from datetime import timedelta

import pytest
from django.core import checks, mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from assure.core import chain
from assure.core.models import AccessLogEntry, Agency, AuditEntry, AuditSeal, Sector
from assure.core.permissions import Role

migration = importlib.import_module("assure.core.migrations.0004_audit_sealed_trail")


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def agencies(partnership, count: int) -> list[AuditEntry]:
    """``count`` new audit entries, one per agency created."""
    first = Agency.objects.count()
    for number in range(first, first + count):
        Agency.objects.create(partnership=partnership, name=f"Agency {number}", sector=Sector.OTHER)
    return list(AuditEntry.objects.order_by("pk"))


def problems() -> list[str]:
    return [str(problem) for problem in chain.verify().problems]


def test_an_untouched_trail_verifies_and_its_checkpoint_follows_the_newest_seal(partnership, settings):
    entries = agencies(partnership, 3)
    AccessLogEntry.objects.create(user_label="pat@test.example", event=AccessLogEntry.Event.SIGN_IN)
    assert chain.seal() == {"audit_trail": len(entries), "access_log": 1}
    assert problems() == []
    checkpoint = json.loads(chain.checkpoint_path().read_text())
    assert checkpoint["audit_trail"]["entry_id"] == entries[-1].pk
    assert checkpoint["audit_trail"]["hash"] == AuditSeal.objects.get(log="audit_trail", entry_id=entries[-1].pk).hash
    assert oct(chain.checkpoint_path().stat().st_mode)[-3:] == "600"

    later = agencies(partnership, 2)[-2:]
    assert chain.seal() == {"audit_trail": 2, "access_log": 0}
    assert problems() == []
    assert json.loads(chain.checkpoint_path().read_text())["audit_trail"]["entry_id"] == later[-1].pk


def test_the_checkpoint_never_moves_back(partnership):
    agencies(partnership, 1)
    chain.seal()
    older = AuditSeal.objects.latest("entry_id")
    agencies(partnership, 1)
    chain.seal()
    newer = AuditSeal.objects.latest("entry_id")
    chain.write_checkpoint({"audit_trail": older})  # a check that began before the sealing job's last run
    assert json.loads(chain.checkpoint_path().read_text())["audit_trail"]["entry_id"] == newer.entry_id


def test_each_link_is_the_keyed_hash_of_the_one_before_and_the_entry(partnership, settings):
    entries = agencies(partnership, 2)
    first, second = entries[-2:]
    chain.seal()
    row = AuditEntry.objects.filter(pk=second.pk).values(*[f.attname for f in AuditEntry._meta.concrete_fields]).get()
    previous = AuditSeal.objects.get(log="audit_trail", entry_id=first.pk).hash
    assert AuditSeal.objects.get(log="audit_trail", entry_id=second.pk).hash == chain.link(previous, row)
    settings.ASSURE_AUDIT_KEY = "another key"
    assert len(problems()) == len(entries)  # without the key nobody can make links that match


def test_it_reports_an_entry_changed_after_it_was_sealed(partnership):
    entries = agencies(partnership, 4)
    chain.seal()
    sql("UPDATE core_auditentry SET actor_label = 'someone else' WHERE id = %s", [entries[1].pk])
    assert problems() == [
        f"Audit trail, entry {entries[1].pk}: it no longer matches its seal: it was changed after it was written, "
        "or an entry before it was removed together with its seal."
    ]


def test_it_reports_an_entry_deleted_from_the_middle(partnership):
    entries = agencies(partnership, 4)
    chain.seal()
    sql("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    [problem] = problems()
    assert problem.startswith(f"Audit trail, entry {entries[1].pk}: it was deleted (it was sealed ")


def test_it_reports_an_entry_deleted_from_the_middle_with_its_seal(partnership):
    entries = agencies(partnership, 4)
    chain.seal()
    sql("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    sql("DELETE FROM core_auditseal WHERE entry_id = %s", [entries[1].pk])
    [problem] = problems()
    assert problem.startswith(f"Audit trail, entry {entries[2].pk}: it no longer matches its seal")


def test_it_reports_the_last_ten_deleted_with_their_seals_through_its_checkpoint(partnership):
    entries = agencies(partnership, 12)
    chain.seal()
    last_ten = [entry.pk for entry in entries[-10:]]
    for table, column in (("core_auditentry", "id"), ("core_auditseal", "entry_id")):
        sql(f"DELETE FROM {table} WHERE {column} >= %s", [last_ten[0]])
    assert problems() == [
        f"Audit trail, entry {last_ten[-1]}: the checkpoint records entries up to this one as sealed, but the seals "
        f"now end at entry {entries[-11].pk}: the newest entries and their seals were removed."
    ]
    # Sealing on would move the checkpoint past the cut and hide it: the sealing job refuses.
    agencies(partnership, 1)
    with pytest.raises(CommandError, match="Nothing was sealed"):
        call_command("seal_audit_trail")


def _allow_a_supplied_time() -> None:
    """What an owner who dropped the insert trigger could do."""
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER core_auditentry_timed_by_database")
    else:
        sql("DROP TRIGGER core_auditentry_check_insert ON core_auditentry")


INSERT = (
    "INSERT INTO core_auditentry (at, actor_label, action, record_type, object_id, object_repr, record_name, changes) "
    "VALUES (%s, 'pat@test.example', 'update', 'core.Agency', '1', 'Agency 0', '', '{}')"
)


def test_it_reports_a_back_dated_insert_sealed_or_not(partnership):
    agencies(partnership, 3)
    chain.seal()
    _allow_a_supplied_time()
    sql(INSERT, [timezone.now() - timedelta(days=30)])
    forged = AuditEntry.objects.latest("pk")
    expected = f"Audit trail, entry {forged.pk}: it is timed "
    [problem] = problems()
    assert problem.startswith(expected) and problem.endswith("it was added back-dated.")
    chain.seal()
    [problem] = problems()
    assert problem.startswith(expected)


def test_it_reports_an_entry_slipped_in_below_entries_already_sealed(partnership):
    entries = agencies(partnership, 4)
    sql("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])  # a gap, as a rolled-back write leaves
    chain.seal()
    assert problems() == []
    sql(
        "INSERT INTO core_auditentry (id, actor_label, action, record_type, object_id, object_repr, record_name, "
        "changes) VALUES (%s, 'pat@test.example', 'update', 'core.Agency', '1', 'Agency 0', '', '{}')",
        [entries[1].pk],
    )
    assert problems() == [
        f"Audit trail, entry {entries[1].pk}: it was slipped in below entries already sealed: it was added back-dated."
    ]


def test_the_access_log_is_a_chain_of_its_own(partnership):
    for _ in range(3):
        AccessLogEntry.objects.create(user_label="pat@test.example", event=AccessLogEntry.Event.SIGN_IN)
    chain.seal()
    changed = AccessLogEntry.objects.order_by("pk")[1]
    sql("UPDATE core_accesslogentry SET ip_address = '10.0.0.9' WHERE id = %s", [changed.pk])
    [problem] = problems()
    assert problem.startswith(f"Access log, entry {changed.pk}: it no longer matches its seal")


def test_a_failed_check_emails_every_partnership_admin_and_exits_non_zero(
    partnership, council, make_person, django_capture_on_commit_callbacks
):
    admins = [make_person(Role.PARTNERSHIP_ADMIN, council) for _ in range(2)]
    make_person(Role.ANALYST, council)
    chain.seal()
    sql("UPDATE core_auditentry SET object_repr = 'Forged' WHERE id = %s", [AuditEntry.objects.earliest("pk").pk])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError, match="failed its check"):
        call_command("verify_audit_trail")
    [message] = mail.outbox
    assert sorted(message.to) == sorted(admin.email for admin in admins)
    assert "it no longer matches its seal" in message.body
    assert "Forged" not in message.body  # entry numbers, never contents


def test_a_passed_check_emails_nobody(partnership, admin_user, django_capture_on_commit_callbacks, capsys):
    call_command("seal_audit_trail")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("verify_audit_trail")
    assert mail.outbox == []
    assert "every link intact" in capsys.readouterr().out


def test_after_a_restore_a_new_checkpoint_starts_from_the_chain_as_it_stands(partnership):
    entries = agencies(partnership, 5)
    chain.seal()
    for table, column in (("core_auditentry", "id"), ("core_auditseal", "entry_id")):
        sql(f"DELETE FROM {table} WHERE {column} >= %s", [entries[-2].pk])
    assert len(problems()) == 1
    assert chain.verify(new_checkpoint=True).problems == []
    assert problems() == []
    agencies(partnership, 1)
    assert chain.seal()["audit_trail"] == 1


def test_a_lost_checkpoint_is_reported(partnership):
    agencies(partnership, 2)
    chain.seal()
    chain.checkpoint_path().unlink()
    [problem] = problems()
    assert "checkpoint file" in problem and "is missing" in problem


def test_production_refuses_to_run_without_an_audit_key(settings):
    def audit_key_errors():
        return [message.id for message in checks.run_checks(tags=[checks.Tags.security])]

    settings.ASSURE_ENV = "production"
    settings.ASSURE_AUDIT_KEY = ""
    assert "assure.audit.E001" in audit_key_errors()
    settings.ASSURE_AUDIT_KEY = "a-long-random-key-kept-by-the-operator"
    assert "assure.audit.E001" not in audit_key_errors()


def test_the_triggers_take_the_lock_the_sealing_job_waits_for():
    assert migration.SEAL_LOCK == chain.SEAL_LOCK
