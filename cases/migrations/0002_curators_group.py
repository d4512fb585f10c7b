"""The `curators` group: just enough to write, check and publish cases and moderate comments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATOR_PERMISSIONS = {
    "category": ["add", "change", "view"],
    "case": ["add", "change", "view"],
    "source": ["add", "change", "delete", "view"],
    "vote": ["view"],
    "comment": ["view", "moderate"],
    "moderationlog": ["view"],
}


def codename(action, model):
    return f"{action}_{model}" if action != "moderate" else "moderate_comment"


def create_curators(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="curators")
    wanted = [
        codename(action, model)
        for model, actions in CURATOR_PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="cases", codename__in=wanted)
    )


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
