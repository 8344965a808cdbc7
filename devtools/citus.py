"""A Citus cluster on loopback for `make citus`: a coordinator and two workers under
``.data/citus/``, Debian's PostgreSQL 15 with Citus built in (``../shared/vendor/citus``).

    python -m devtools.citus up      # build Citus if missing, start the three, print the URL
    python -m devtools.citus down    # stop them (the data stays)

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


def up() -> str:
    build()
    for parent in (ROOT / ".data", DATA):
        parent.mkdir(exist_ok=True)
        parent.chmod(0o755)
    for name, port in NODES.items():
        node_up(name, port)
    for port in NODES.values():
        if not _psql(port, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):
            _psql(port, f"CREATE DATABASE {DATABASE}")
        _psql(port, "CREATE EXTENSION IF NOT EXISTS citus", DATABASE)
    coordinator = NODES["coordinator"]
    _psql(coordinator, f"SELECT citus_set_coordinator_host('127.0.0.1', {coordinator})", DATABASE)
    known = _psql(coordinator, "SELECT nodeport FROM pg_dist_node", DATABASE).split()
    for name in ("worker1", "worker2"):
        if str(NODES[name]) not in known:
            _psql(coordinator, f"SELECT citus_add_node('127.0.0.1', {NODES[name]})", DATABASE)
    for setting in ("citus.enable_schema_based_sharding", "citus.enable_unsafe_triggers"):
        _psql(coordinator, f"ALTER DATABASE {DATABASE} SET {setting} TO on")
    return f"postgres://postgres@127.0.0.1:{coordinator}/{DATABASE}"


def down() -> None:
    for name in reversed(list(NODES)):
        directory = DATA / name
        if (directory / "postmaster.pid").exists():
            _as_postgres(
                [str(BIN / "pg_ctl"), "-D", str(directory), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL,
            )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    if command == "up":
        print(up())
    elif command == "down":
        down()
    else:
        raise SystemExit(__doc__)
