"""A Citus cluster on loopback for `make citus`: a coordinator and two workers under
``.data/citus/``, Debian's PostgreSQL 15 with Citus built in (``../shared/vendor/citus``).

    python -m devtools.citus up      # build Citus if missing, start the three, print the URL
    python -m devtools.citus down    # stop them (the data stays)
    make citus                       # up, migrate, sign businesses up, the tests marked citus

Each node is an ordinary PostgreSQL server started as the ``postgres`` system user
(PostgreSQL refuses root), ``shared_preload_libraries = 'citus'``, fsync off (a
development cluster). The database ``mectofitness`` exists on all three with the extension;
the coordinator knows itself and both workers, and schema-based sharding is on for the
database: every schema created from then on (a business's, the template's, the pool's)
is a distributed schema, its tables together on one worker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data" / "citus"
BIN = Path("/usr/lib/postgresql/15/bin")
VENDOR = ROOT.parent / "shared" / "vendor" / "citus"
DATABASE = "mectofitness"
NODES = {"coordinator": 5701, "worker1": 5702, "worker2": 5703}


def _as_postgres(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, **kwargs)


def build() -> None:
    if (BIN.parent / "lib" / "citus.so").exists():
        return
    script = VENDOR / "build.sh"
    if not script.exists():
        raise SystemExit(f"Citus is not installed and {script} is missing")
    print("building Citus into PostgreSQL 15 (a few minutes)…", flush=True)
    subprocess.run(["bash", str(script)], check=True)


def _conf(port: int, directory: Path) -> str:
    return "\n".join(
        [
            f"port = {port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{directory}'",
            "shared_preload_libraries = 'citus'",
            "max_connections = 300",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "citus.log_distributed_deadlock_detection = off",
            "",
        ]
    )


def _psql(port: int, sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        [str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database,
         "-v", "ON_ERROR_STOP=1", "-Atc", sql],
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    return result.stdout.strip()


def node_up(name: str, port: int) -> None:
    directory = DATA / name
    if not (directory / "PG_VERSION").exists():
        directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(directory, "postgres", "postgres")
        _as_postgres(
            [str(BIN / "initdb"), "-D", str(directory), "-U", "postgres", "--auth=trust",
             "--no-sync", "-E", "UTF8", "--locale=C"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        with open(directory / "postgresql.conf", "a") as conf:
            conf.write(_conf(port, directory))
    ready = subprocess.run(
        [str(BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
    )
    if ready.returncode != 0:
        _as_postgres(
            [str(BIN / "pg_ctl"), "-D", str(directory), "-l", str(directory / "log"), "-w",
             "start"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip


def database_create(name: str, *, fresh: bool = False) -> None:
    """The database ``name`` on all three nodes with the extension, the coordinator knowing
    its workers, schema-based sharding (and triggers on distributed tables: the client
    search's, within one schema) on; ``fresh`` drops it first."""
    for port in NODES.values():
        if fresh:
            _psql(port, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not _psql(port, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            _psql(port, f'CREATE DATABASE "{name}"')
        _psql(port, "CREATE EXTENSION IF NOT EXISTS citus", name)
    coordinator = NODES["coordinator"]
    _psql(coordinator, f"SELECT citus_set_coordinator_host('127.0.0.1', {coordinator})", name)
    known = _psql(coordinator, "SELECT nodeport FROM pg_dist_node", name).split()
    for worker in ("worker1", "worker2"):
        if str(NODES[worker]) not in known:
            _psql(coordinator, f"SELECT citus_add_node('127.0.0.1', {NODES[worker]})", name)
    for setting in ("citus.enable_schema_based_sharding", "citus.enable_unsafe_triggers"):
        _psql(coordinator, f'ALTER DATABASE "{name}" SET {setting} TO on')


def database_drop(name: str) -> None:
    for port in NODES.values():
        _psql(port, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url(name: str = DATABASE) -> str:
    return f"postgres://postgres@127.0.0.1:{NODES['coordinator']}/{name}"


def up() -> str:
    build()
    DATA.mkdir(parents=True, exist_ok=True)
    # the servers run as 'postgres': every folder above their data must let others
    # through (a clone under `mktemp -d` is 0700), as the embedded PostgreSQL's set-up does
    for folder in [DATA, *DATA.parents]:
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o001)
    for name, port in NODES.items():
        node_up(name, port)
    database_create(DATABASE)
    return url()


def down() -> None:
    for name in reversed(list(NODES)):
        directory = DATA / name
        if (directory / "postmaster.pid").exists():
            _as_postgres(
                [str(BIN / "pg_ctl"), "-D", str(directory), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL,
            )


BUSINESSES = 6


def _manage(url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def spread(name: str = DATABASE) -> dict[int, int]:
    """Distributed schemas per worker port."""
    rows = _psql(
        NODES["coordinator"],
        "SELECT sh.nodeport, count(DISTINCT s.schema_name) FROM citus_schemas s"
        " JOIN citus_shards sh ON sh.colocation_id = s.colocation_id GROUP BY 1 ORDER BY 1",
        name,
    )
    return {int(port): int(count) for port, count in (row.split("|") for row in rows.split())}


def check(pytest_args: list[str]) -> int:
    """What `make citus` does once the cluster is up (``url``) and Redis is set: migrate the
    product against the coordinator, sign businesses up through the product's own code
    (``create_business``: pool claim and rename, then template replay once the pool is
    dry), show where their schemas went, and run the tests marked ``citus`` against a
    database of their own on the cluster."""
    url = os.environ["DATABASE_URL"]
    print("migrating the product against the coordinator…", flush=True)
    _manage(url, "migrate_schemas", "--noinput", "-v", "0")
    for i in range(BUSINESSES):
        slug = f"citus-{i + 1}"
        known = f"SELECT 1 FROM tenants_business WHERE slug = '{slug}'"
        if _psql(NODES["coordinator"], known, DATABASE):
            continue
        _manage(
            url,
            "create_business",
            f"--slug={slug}",
            f"--name=Citus {i + 1}",
            f"--owner-email=owner@{slug}.test",
            "--owner-password=correct-horse-battery",
        )
    per_worker = spread()
    for port in (NODES["worker1"], NODES["worker2"]):
        print(f"citus_worker port={port} schemas={per_worker.get(port, 0)}", flush=True)
    print("running the tests marked citus…", flush=True)
    code = subprocess.call(
        [sys.executable, "-m", "pytest", "-m", "citus", "-p", "no:xdist", "-q", *pytest_args],
        cwd=ROOT,
        env={**os.environ, "MF_CITUS": "1"},
    )
    workers = sum(1 for port in per_worker if port != NODES["coordinator"])
    outcome = "passed" if code == 0 else "failed"
    print(f"citus workers={workers} schemas={sum(per_worker.values())} tests={outcome}")
    return code


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    if command == "up":
        print(up())
    elif command == "down":
        down()
    else:
        raise SystemExit(__doc__)
