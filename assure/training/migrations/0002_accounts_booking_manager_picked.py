import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_typed_managers(apps, schema_editor):
    """Keep a typed manager address only where it names an active person of the booking's agency, not the delegate."""
    Booking = apps.get_model("training", "Booking")
    User = apps.get_model("core", "User")
    for booking in Booking.objects.exclude(manager_email=""):
        manager = (
            User.objects.filter(email__iexact=booking.manager_email, is_active=True, agency_id=booking.agency_id)
            .exclude(pk=booking.delegate_id)
            .first()
        )
        if manager is not None:
            Booking.objects.filter(pk=booking.pk).update(manager=manager)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="manager",
            field=models.ForeignKey(
                blank=True,
                help_text="Someone in Assure from the delegate's agency, asked for the manager's evaluation three months on.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="line manager",
            ),
        ),
        migrations.RunPython(link_typed_managers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="booking", name="manager_email"),
    ]
