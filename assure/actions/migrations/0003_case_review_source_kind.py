"""Every case review's actions take one source kind, "Case review" (decisions.md section 7): actions recorded by hand
as from a rapid review or a practice review move to it."""

from django.db import migrations, models

RETIRED = ("rapid_review", "cspr")


def one_kind_for_every_review(apps, schema_editor):
    apps.get_model("actions", "Action").objects.filter(source_kind__in=RETIRED).update(source_kind="case_review")


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_closed_action_has_approver"),
    ]

    operations = [
        migrations.AlterField(
            model_name="action",
            name="source_kind",
            field=models.CharField(
                choices=[
                    ("peer_review", "Peer review"),
                    ("section_11", "Section 11 audit"),
                    ("case_audit", "Multi-agency case audit"),
                    ("inspection", "Inspection"),
                    ("case_review", "Case review"),
                    ("strategic_plan", "Strategic plan"),
                ],
                max_length=20,
                verbose_name="source",
            ),
        ),
        migrations.RunPython(one_kind_for_every_review, migrations.RunPython.noop),
    ]
