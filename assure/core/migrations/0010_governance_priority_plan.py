import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_merge_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="priority",
            name="why_chosen",
            field=models.TextField(
                blank=True,
                help_text="What told the partners this needs multi-agency attention.",
                verbose_name="why it was chosen",
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="lead_partner",
            field=models.ForeignKey(
                blank=True,
                help_text="The statutory partner that answers for the priority.",
                limit_choices_to={"is_statutory_partner": True},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.agency",
                verbose_name="lead safeguarding partner",
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="lead_officer",
            field=models.ForeignKey(
                blank=True,
                help_text="The person who leads the work day to day.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="outcomes_sought",
            field=models.TextField(
                blank=True, help_text="What should be different for children, one outcome on each line."
            ),
        ),
    ]
