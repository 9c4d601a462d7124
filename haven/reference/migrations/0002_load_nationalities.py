"""Load the nationality list (ISO 3166-1 alpha-2, former states, XK, ZZ) in nl, fr and en."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "nationalities.json"


def load(apps, schema_editor):
    Nationality = apps.get_model("reference", "Nationality")
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    Nationality.objects.bulk_create(
        [Nationality(**row) for row in rows], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_nationality")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
