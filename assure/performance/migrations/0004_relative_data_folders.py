from pathlib import PurePosixPath

from django.db import migrations


def relative_folders(apps, schema_editor):
    """Folders were kept as absolute paths, which a restore under another ASSURE_VAR_DIR cannot follow: keep them
    relative to the data folder (``versions/<name>``, ``sources/<name>``) instead."""
    for model_name, parent in (("DataVersion", "versions"), ("ExtractSource", "sources")):
        model = apps.get_model("performance", model_name)
        for record in model.objects.all().only("pk", "folder"):
            folder = PurePosixPath(record.folder)
            if folder.is_absolute() and folder.parent.name == parent:
                model.objects.filter(pk=record.pk).update(folder=f"{parent}/{folder.name}")


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0003_staged_extracts_and_publications"),
    ]

    operations = [
        migrations.RunPython(relative_folders, migrations.RunPython.noop),
    ]
