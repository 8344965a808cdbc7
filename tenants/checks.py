from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def schema_template_check(app_configs=None, databases=None, **kwargs):
    """`manage.py check --database default`: is the sign-up template current?"""
    if not databases:
        return []
    from .schemas import provisioning_state

    try:
        state = provisioning_state()
    except DatabaseError:
        return []  # not migrated yet: migrate_schemas builds the template
    problems = []
    if state["template"] != "current":
        problems.append(
            Error(
                f"The business schema template is {state['template']}: sign-ups will fail.",
                hint="Run `manage.py migrate_schemas`.",
                id="tenants.E001",
            )
        )
    if state["pool_stale"]:
        problems.append(
            Error(
                f"{state['pool_stale']} pooled schemas are from older migrations.",
                hint="Run `manage.py migrate_schemas`.",
                id="tenants.E002",
            )
        )
    elif state["pool_ready"] == 0:
        problems.append(
            Warning(
                "The schema pool is empty: sign-ups take the slower cold path.",
                hint="Is a Celery worker running? It tops the pool up.",
                id="tenants.W001",
            )
        )
    return problems
