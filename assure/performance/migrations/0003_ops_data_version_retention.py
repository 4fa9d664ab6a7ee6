from pathlib import PurePosixPath

from django.db import migrations, models


def relative_folders(apps, schema_editor):
    """Data versions kept their folder as an absolute path, which a restore under another ASSURE_VAR_DIR cannot
    follow: keep it relative to the data folder (``versions/<name>``) instead."""
    DataVersion = apps.get_model("performance", "DataVersion")
    for version in DataVersion.objects.all().only("pk", "folder"):
        folder = PurePosixPath(version.folder)
        if folder.is_absolute() and folder.parent.name == "versions":
            DataVersion.objects.filter(pk=version.pk).update(folder=f"versions/{folder.name}")


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0002_audit_benchmark_uploads"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="pruned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(relative_folders, migrations.RunPython.noop),
    ]
