from django.core.checks import Warning, register
from django.db import DatabaseError

from .rollout import rollout_state
from .schemas import provisioning_state


@register("provisioning")
def schema_template_check(app_configs=None, databases=None, **kwargs):
    """`manage.py check --tag provisioning --database default`: can sign-ups work?

    Its own tag, not "database": migrate runs every database check before
    each schema, and migrate is the command that fixes these.
    """
    if not databases:
        return []

    try:
        state = provisioning_state() | rollout_state()
    except DatabaseError:
        return []  # not migrated yet: migrate_schemas builds the template
    problems = []
    if state["template"] != "current":
        problems.append(
            Warning(
                f"The business schema template is {state['template']}: sign-ups will fail.",
                hint="Run `manage.py migrate_schemas`.",
                id="tenants.W001",
            )
        )
    if state["pool_stale"]:
        problems.append(
            Warning(
                f"{state['pool_stale']} pooled schemas are from older migrations.",
                hint="Run `manage.py migrate_schemas`.",
                id="tenants.W002",
            )
        )
    elif state["pool_ready"] == 0:
        problems.append(
            Warning(
                "The schema pool is empty: sign-ups take the slower cold path.",
                hint="Is a Celery worker running? It tops the pool up.",
                id="tenants.W003",
            )
        )
    if state["schemas_failed"]:
        problems.append(
            Warning(
                f"{state['schemas_failed']} business schemas failed their last migration "
                "(the platform admin's schema migration failures say why).",
                hint="Fix the cause, then run `manage.py migrate_schemas --failed`.",
                id="tenants.W004",
            )
        )
    if state["schemas_behind"] > state["schemas_failed"]:
        problems.append(
            Warning(
                f"{state['schemas_behind']} business schemas are not recorded as up to date.",
                hint="Run `manage.py migrate_schemas`.",
                id="tenants.W005",
            )
        )
    return problems
