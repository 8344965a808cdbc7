from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import CLIENT, COACH, OWNER

# what each role may do in the back office (owners are superusers of their schema);
# which clients a coach reaches is narrowed further by clients.selectors
ROLE_PERMISSIONS = {
    OWNER: [],
    COACH: [
        "accounts.view_invitation",
        "accounts.add_invitation",
        "clients.view_client",
        "clients.add_client",
        "clients.change_client",
        "clients.view_clientnote",
        "clients.add_clientnote",
        "clients.change_clientnote",
        "clients.view_tag",
        "clients.add_tag",
        "clients.view_measurement",
        "clients.add_measurement",
        "clients.change_measurement",
        "clients.delete_measurement",
        "clients.view_metric",
        "clients.view_progressphoto",
        "clients.add_progressphoto",
        "clients.change_progressphoto",
        "clients.delete_progressphoto",
        "clients.view_questionnaire",
        "clients.view_response",
        "clients.change_response",
        "clients.view_assignment",
        "clients.add_assignment",
        # training (issue 6): coaches build, assign and follow their clients' training
        *(
            f"programs.{action}_{model}"
            for model in (
                "exercise",
                "program",
                "programweek",
                "programday",
                "block",
                "prescription",
                "programassignment",
                "scheduledworkout",
                "food",
                "mealplan",
                "mealplanday",
                "meal",
                "mealitem",
                "nutritiontarget",
            )
            for action in ("view", "add", "change", "delete")
        ),
        "programs.view_exercisehide",
        "programs.view_workoutlog",
        "programs.change_workoutlog",
        "programs.view_setlog",
        "programs.view_personalrecord",
        "programs.view_foodlogentry",
        "clients.view_habit",
        "clients.add_habit",
        "clients.change_habit",
        "clients.delete_habit",
        "clients.view_habitcheck",
    ],
    CLIENT: [],
}


@receiver(post_migrate)
def roles_create(sender, using, **kwargs):
    """Every business schema has the three role groups (the template carries them).

    Runs after the last app's post_migrate, when every app's permissions exist."""

    last = [config for config in global_apps.get_app_configs() if config.models_module][-1]
    if sender is not last or connection.schema_name == "public":
        return

    for label in {perm.split(".")[0] for perms in ROLE_PERMISSIONS.values() for perm in perms}:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)
    for name in (OWNER, COACH, CLIENT):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = ROLE_PERMISSIONS[name]
        permissions = [
            Permission.objects.using(using).get(
                content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]
            )
            for perm in wanted
        ]
        group.permissions.set(permissions)
