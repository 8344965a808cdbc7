"""PostgreSQL backend: django-tenants' search-path handling, minus repeated work.

django-tenants forgets the search path on every ``set_tenant()`` (so every
request, even one to the schema the connection already uses, issues
``SET search_path``) and clears the content-type cache each time. Here both
happen only when the schema really changes. The cached path is still dropped
whenever PostgreSQL may have discarded it: on rollback, savepoint rollback and
close (handled by the parent class).
"""

from django_tenants.postgresql_backend import base as tenants_base


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):
        if (
            self.schema_name == tenant.schema_name
            and self.include_public_schema == include_public
            and tenants_base.EXTRA_SET_TENANT_METHOD is None
        ):
            # same schema: keep the SET already issued on this connection
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)

    def _handle_search_path(self, cursor=None):
        if self.search_path_set_schemas is not None and not self._setting_search_path:
            if self.search_path_set_schemas == self._get_cursor_search_paths():
                return
        super()._handle_search_path(cursor)
