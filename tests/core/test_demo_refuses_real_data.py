import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assure.core.models import Partnership
from assure.core.permissions import Role


def test_the_demo_refuses_production_settings(db, settings, tmp_path):
    settings.PRODUCTION = True
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="refuses to run with production settings"):
        call_command("demo")
    assert not Partnership.objects.exists()


def test_the_demo_refuses_a_database_where_real_people_have_signed_in(make_person, council, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    person = make_person(Role.PRACTITIONER, council)
    person.last_login = timezone.now()
    person.save()
    with pytest.raises(CommandError, match="holds real data"):
        call_command("demo")
    assert not (tmp_path / "demo-sign-in.txt").exists()
