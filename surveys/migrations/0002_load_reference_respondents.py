"""Load the registry shipped in surveys/data/respondents.csv (Member States, observer States,
groups of States and organizations, with their dated names)."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys.respondents.reference_data import read_reference_rows
    from surveys.respondents.services import load_reference_respondents

    load_reference_respondents(
        read_reference_rows(),
        respondent_model=apps.get_model("surveys", "Respondent"),
        name_model=apps.get_model("surveys", "RespondentName"),
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
