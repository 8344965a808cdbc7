"""The schema a sign-up gets is the schema migrations make, object for object."""

import re
import subprocess

import pytest
from django.db import connection

from tenants import schemas


def _schema_ddl(name: str) -> str:
    db = connection.settings_dict
    dump = subprocess.run(
        [
            schemas.pg_dump_path(),
            "--schema-only",
            "--schema",
            name,
            "--no-owner",
            "--no-privileges",
            "--dbname",
            db["NAME"],
            "--host",
            db["HOST"],
            "--port",
            str(db["PORT"]),
            "--username",
            db["USER"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line for line in dump.splitlines() if line.strip() and not line.startswith("--")]
    return re.sub(rf"\b{re.escape(name)}\b", "SCHEMA", "\n".join(lines))


@pytest.mark.usefixtures("committed")
def test_a_replayed_schema_is_identical_to_the_migrated_template():
    connection.set_schema_to_public()
    schemas.schema_create_from_template("pool_compare")
    try:
        assert _schema_ddl("pool_compare") == _schema_ddl(schemas.TEMPLATE_SCHEMA)
    finally:
        schemas.schema_drop("pool_compare")
