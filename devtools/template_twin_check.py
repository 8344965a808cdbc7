"""Compare a fresh database's first migration both ways, byte for byte.

``migrate_schemas`` on a fresh database migrates the business schema template in the
public schema's pass (``tenants.template_twin``); ``--separate-template`` takes the two
passes every later run takes. This builds one scratch database each way (about a minute)
and compares their ``pg_dump`` output, schema and rows, of the public schema and the
template, and the captured template script; timestamps aside. Run it after touching
``tenants/template_twin.py`` or the migration machinery:

    .venv/bin/python -m devtools.template_twin_check

Exits 0 and prints ``same`` when nothing differs, else the first differences.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# pg_dump's per-run \restrict key, the times rows were written, the pool's random names
_VOLATILE = re.compile(
    r"^\\(un)?restrict \S+$|'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[\d.+:]*'|pool_[0-9a-f]{12}", re.M
)


def _url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-Atqc", sql], capture_output=True, text=True, check=True
    ).stdout


def _build(base: str, name: str, *extra: str) -> str:
    admin = _url(base, "postgres")
    _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(admin, f'CREATE DATABASE "{name}"')
    url = _url(base, name)
    env = dict(os.environ, DATABASE_URL=url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v0", *extra],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def _dump(url: str) -> dict[str, str]:
    parts = {}
    for schema in ("public", "mf_template"):
        for kind, flags in (("schema", ["-s"]), ("rows", ["-a", "--inserts"])):
            out = subprocess.run(
                ["pg_dump", url, "-n", schema, *flags],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            parts[f"{schema} {kind}"] = _VOLATILE.sub("~", out)
    parts["captured template"] = _VOLATILE.sub(
        "~", _psql(url, "SELECT fingerprint, sql FROM tenants_schematemplate")
    )
    return parts


def main() -> int:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    twinned = _build(base, "mf_check_twinned")
    separate = _build(base, "mf_check_separate", "--separate-template")
    try:
        a, b = _dump(twinned), _dump(separate)
    finally:
        admin = _url(base, "postgres")
        for name in ("mf_check_twinned", "mf_check_separate"):
            _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    differing = [part for part in a if a[part] != b[part]]
    for part in differing:
        print(f"--- {part} differs:")
        diff = difflib.unified_diff(
            b[part].splitlines(), a[part].splitlines(), "separate", "twinned", lineterm=""
        )
        print("\n".join(list(diff)[:40]))
    if not differing:
        print("same: " + ", ".join(f"{part} ({len(a[part]):,} bytes)" for part in a))
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
