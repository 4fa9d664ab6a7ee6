from django.core.management import call_command

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.models import Agency, AuditEntry, Partnership, Priority, ReportingYear, User
from assure.core.permissions import Role


def test_it_loads_the_solihull_partnership(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("demo")
    partnership = Partnership.objects.get()
    assert partnership.name == "Solihull Safeguarding Children Partnership"
    assert ReportingYear.objects.get(start_year=2019).population_0_17 == 46_950
    assert sorted(ReportingYear.objects.values_list("start_year", flat=True)) == [2017, 2018, 2019]
    partners = set(Agency.objects.filter(is_statutory_partner=True).values_list("sector", flat=True))
    assert partners == {"local_authority", "police", "health"}
    assert Agency.objects.filter(is_statutory_partner=False).count() >= 10
    assert sorted(Priority.objects.values_list("slug", flat=True)) == ["early-help", "exploitation", "neglect"]
    roles = {a.role for u in User.objects.all() for a in u.role_assignments.all()}
    assert roles == set(Role)
    assert "Password: demo-" in (tmp_path / "demo-sign-in.txt").read_text()


def test_loading_twice_changes_nothing(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("demo")
    counts = (Agency.objects.count(), User.objects.count(), AuditEntry.objects.count())
    password_file = (tmp_path / "demo-sign-in.txt").read_text()
    call_command("demo")
    assert (Agency.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts
    assert (tmp_path / "demo-sign-in.txt").read_text() == password_file


def test_the_demo_accounts_sign_in_with_the_printed_password(client, db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("demo")
    password = next(
        line for line in (tmp_path / "demo-sign-in.txt").read_text().splitlines() if line.startswith("Password:")
    ).split(": ")[1]
    response = client.post("/sign-in/", {"username": DEMO_ACCOUNTS[0].email, "password": password})
    assert response.status_code == 302
