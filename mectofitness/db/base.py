"""PostgreSQL backend: django-tenants' search-path handling, minus repeated work, and a
schema editor that adds a column with a default in a way that stays cheap on a database of
thousands of business schemas.

django-tenants forgets the search path on every ``set_tenant()`` (so every
request, even one to the schema the connection already uses, issues
``SET search_path``) and clears the content-type cache each time. Here the
connection remembers the path it last SET and issues a new one only when the
schema it needs differs from it (a switch to another schema and back costs nothing
when no query ran in between). What PostgreSQL discards, the connection forgets: a
rollback and a close drop the remembered path (the parent class); a rollback to a
savepoint puts back the path remembered when the savepoint was made, which is what
PostgreSQL reverts a ``SET`` issued after it to.
"""

import copy

from django.db.backends.postgresql import schema as postgresql_schema
from django.db.models import NOT_PROVIDED
from django_tenants.postgresql_backend import base as tenants_base


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self._session_forget()
        super().__init__(*args, **kwargs)

    def _session_forget(self) -> None:
        """What this wrapper knows of its database session, forgotten for a new one."""
        self._citus: bool | None = None
        # savepoint id -> the search path PostgreSQL goes back to on a rollback to it
        self._paths_at_savepoints: dict[str, list | None] = {}

    def connect(self):
        self._session_forget()
        super().connect()

    @property
    def is_citus(self) -> bool:
        """Whether this database runs Citus (``make citus``); asked once per connection."""
        if self._citus is None:
            with self.cursor() as cursor:
                cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
                self._citus = cursor.fetchone()[0]
        return self._citus

    def set_tenant(self, tenant, include_public=True):
        if (
            self.schema_name == tenant.schema_name
            and self.include_public_schema == include_public
            and tenants_base.EXTRA_SET_TENANT_METHOD is None
        ):
            # same schema: keep the SET already issued on this connection
            self.tenant = tenant
            return
        issued = self.search_path_set_schemas
        super().set_tenant(tenant, include_public)
        if tenants_base.EXTRA_SET_TENANT_METHOD is None:
            # the session still has the path last SET: the next cursor compares with it
            self.search_path_set_schemas = issued

    def _handle_search_path(self, cursor=None):
        if self.search_path_set_schemas is not None and not self._setting_search_path:
            if self.search_path_set_schemas == self._get_cursor_search_paths():
                return
            # another path is needed: the parent (which may be told to trust any path it
            # has set, TENANT_LIMIT_SET_CALLS) must issue it
            self.search_path_set_schemas = None
        super()._handle_search_path(cursor)

    def savepoint(self):
        sid = super().savepoint()
        if sid is not None:
            # the path PostgreSQL returns to on a rollback to this savepoint (making it
            # issued any SET first, on the same cursor)
            self._paths_at_savepoints[sid] = self.search_path_set_schemas
        return sid

    def savepoint_rollback(self, sid):
        super().savepoint_rollback(sid)  # forgets the path, also when it fails
        self.search_path_set_schemas = self._paths_at_savepoints.pop(sid, None)

    def savepoint_commit(self, sid):
        super().savepoint_commit(sid)
        self._paths_at_savepoints.pop(sid, None)


def _pg_object_name(table: str, column: str, label: str) -> str:
    """PostgreSQL's own name for an unnamed constraint (makeObjectName): the longer of the
    two names is shortened until ``table_column_label`` fits in 63 bytes."""
    available = 63 - len(label) - 2
    table_chars, column_chars = len(table), len(column)
    while table_chars + column_chars > available:
        if table_chars > column_chars:
            table_chars -= 1
        else:
            column_chars -= 1
    return f"{table[:table_chars]}_{column[:column_chars]}_{label}"


# a table of at most this many rows gets a new column with a default filled by an UPDATE
FILL_ROWS_MAX = 10_000


class DatabaseSchemaEditor(postgresql_schema.DatabaseSchemaEditor):
    def add_field(self, model, field):
        """A new column with a default (a ``NOT NULL`` field's, or a ``db_default``) on a
        small table is added bare, filled by an UPDATE, then constrained: PostgreSQL 15
        answers ``ADD COLUMN … DEFAULT …`` with a scan of the whole of pg_depend
        (``find_composite_type_dependencies``), which costs 50–150 ms at 1,000 business
        schemas and most of a second at 10,000, per schema, while the bare column, the
        UPDATE of a business's few rows and ``SET NOT NULL`` take a few milliseconds at any
        size. A big table keeps Django's single ALTER (no rewrite of its rows; one scan)."""
        if self._fills_instead_of_default(model, field):
            return self._add_field_filled(model, field)
        return self._add_field(model, field)

    def _fills_instead_of_default(self, model, field) -> bool:
        if self.collect_sql or field.many_to_many or field.generated:
            return False  # sqlmigrate shows Django's own SQL; no column of its own
        if field.db_parameters(connection=self.connection)["type"] is None:
            return False
        if not field.has_db_default() and self.effective_default(field) is None:
            return False  # a nullable column without a default: already cheap
        table = self.quote_name(model._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT FROM {table} LIMIT {FILL_ROWS_MAX + 1}) rows"
            )
            return cursor.fetchone()[0] <= FILL_ROWS_MAX

    def _add_field_filled(self, model, field) -> None:
        bare = copy.copy(field)
        bare.null, bare.default, bare.db_default = True, NOT_PROVIDED, NOT_PROVIDED
        self._add_field(model, bare)
        table, column = self.quote_name(model._meta.db_table), self.quote_name(field.column)
        if field.has_db_default():
            value_sql, value_params = self.db_default_sql(field)
        else:
            value_sql, value_params = "%s", [self.effective_default(field)]
        self.execute(f"UPDATE {table} SET {column} = {value_sql}", value_params)
        # then Django's own fragments, bare -> field, in one ALTER TABLE
        changes = []
        if field.has_db_default():
            changes.append(self._alter_column_database_default_sql(model, bare, field))
        if not field.null:
            changes.append(self._alter_column_null_sql(model, bare, field))
        if changes:
            self.execute(
                self.sql_alter_column
                % {"table": table, "changes": ", ".join(sql for sql, _params in changes)},
                [param for _sql, params in changes for param in params],
            )

    def _add_field(self, model, field):
        """On Citus, a new column's CHECK (a positive integer's, say) is added as a named
        constraint of its own: Citus refuses ``ADD COLUMN … CHECK`` on a distributed table
        ("all constraints in Citus must have explicit names"). The name is the one
        PostgreSQL gives the unnamed constraint, so both paths make the same schema."""
        check = field.db_parameters(connection=self.connection)["check"]
        if not check or not self.connection.is_citus:
            return super().add_field(model, field)
        unchecked = field.db_parameters
        field.db_parameters = lambda connection: {**unchecked(connection), "check": None}
        try:
            super().add_field(model, field)
        finally:
            del field.db_parameters
        name = _pg_object_name(model._meta.db_table, field.column, "check")
        self.execute(
            self.sql_create_check
            % {
                "table": self.quote_name(model._meta.db_table),
                "name": self.quote_name(name),
                "check": check,
            }
        )


DatabaseWrapper.SchemaEditorClass = DatabaseSchemaEditor
