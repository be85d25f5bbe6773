"""A "Moderators" group that can keep every listing true without being a superuser."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATED_MODELS = [
    "organization", "service", "location", "serviceatlocation", "servicelanguage", "phone",
    "schedule", "place",
]  # fmt: skip
READ_ONLY_MODELS = ["taxonomyterm", "language"]


def create_moderators(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{verb}_{model}"
        for model in MODERATED_MODELS
        for verb in ("add", "change", "delete", "view")
    ]
    codenames += [f"view_{model}" for model in READ_ONLY_MODELS]
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_vocabulary"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, migrations.RunPython.noop)]
