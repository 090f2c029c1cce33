"""Carried state written before it was keyed by scope takes the scope of the run that
wrote it (a department run's rows were stored as if they were the plan's only ones)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    CarriedState = apps.get_model("incentives", "CarriedState")
    Run = apps.get_model("incentives", "Run")
    scope = Run.objects.filter(pk=OuterRef("run_id")).values("scope")[:1]
    CarriedState.objects.exclude(run__scope="all").update(scope=Subquery(scope))


class Migration(migrations.Migration):
    dependencies = [("incentives", "0002_lifecycle")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
