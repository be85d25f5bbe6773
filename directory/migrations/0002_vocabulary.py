"""Load the controlled vocabulary and the languages list into every database."""

from django.db import migrations


def load_vocabulary(apps, schema_editor):
    from directory.vocabulary import sync_vocabulary

    sync_vocabulary(
        apps.get_model("directory", "TaxonomyTerm"), apps.get_model("directory", "Language")
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load_vocabulary, migrations.RunPython.noop)]
