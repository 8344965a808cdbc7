"""The API's throughput and latency against plain Django's, per application server.

`make bench ARGS=--api` (and `make scale`, which calls :func:`api_figures`). What is
measured, with wrk at 50 connections on loopback, as the demo business's owner with a
personal token (``Authorization: Token mf_…``):

    /api/v1/me/                  the person making the request
    /api/v1/clients/?page_size=25   the first 25 clients of the list (of 50 or more)

The baseline ("plain") is a plain Django view serving the same JSON at the same address:
``mectofitness/urls_plain.py`` under ``MF_PLAIN_DJANGO=1`` reads the same rows of the same
business schema (fixed by ``MF_PLAIN_SCHEMA``; the person by ``MF_PLAIN_USER_ID``) with
``.values()`` and answers with ``JsonResponse``: no DRF, no token authentication, no
throttles, no tenant routing; the rest of the middleware is the site's. Each server
serves both, with the same number of workers, so ``pct`` is what
our stack (routing, DRF, the token, the two rate limits in Redis, the serializers) leaves
of plain Django's throughput on that server. Before timing, the two answers are checked
to be the same JSON.

The candidates, each with 2 worker processes on a free loopback port:

    gunicorn-sync      gunicorn's sync workers (one request at a time, no keep-alive)
    gunicorn-gthread   gunicorn's threaded workers (4 threads each, keep-alive)
    uvicorn            uvicorn on mectofitness.asgi (uvloop and httptools when installed),
                       with DATABASE_CONN_MAX_AGE=0: under ASGI, Django opens a connection
                       per request (each runs in a context of its own), and kept ones
                       pile up past PostgreSQL's max_connections within seconds
    granian            granian's WSGI interface (Rust HTTP/1.1, keep-alive) on mectofitness.wsgi,
                       4 threads each

Rounds interleave the candidates (every server in turn, then the next round); a server
serves the API and the plain site at once, and each path is measured on one and then the
other, seconds apart, so that a busy machine disturbs them alike. Each figure keeps its
best round. Lines:

    api_rps path=… server=… rps=… plain_rps=… pct=…
    api_ms path=… server=… p50=… p95=… plain_p95=… conns=50 errors=0
    api_server choice=… fastest=… fastest_vs_choice_pct=… me_pct=… clients_pct=… me_p95=…
               clients_p95=… goals=met|missed load=… max_load=… busy=yes|no

``choice`` is gunicorn-sync (production's) unless another server is 10% faster on the
slower of the two paths, on a machine whose load average stayed under its core count
(``busy=no``): on a busy machine the threaded servers take a larger share of the CPUs,
which says more about the machine than about the servers (README, Application server).

(milliseconds from wrk's latency histogram, through its Lua ``done`` hook). A non-2xx
answer or a socket error fails the run: a figure that counted them would be meaningless.
The rate limits are raised for the served processes (``API_RATE_PER_USER`` and
``API_RATE_PER_BUSINESS``), but stay on: each request still counts itself in Redis.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import free_port, note, stop, wait_for  # noqa: E402

CONNECTIONS = 50
PATHS = ["/api/v1/me/", "/api/v1/clients/?page_size=25"]
GOAL_PCT = 70
GOAL_P95_MS = 50
RATES = {"API_RATE_PER_USER": "1000000/min", "API_RATE_PER_BUSINESS": "1000000/min"}
SERVERS = ["gunicorn-sync", "gunicorn-gthread", "uvicorn", "granian"]
# production's server (README, Deploying), kept unless another is MARGIN faster on the
# slower of the two paths: a change of server is a change of operations, not free
INCUMBENT, MARGIN = "gunicorn-sync", 0.10
# threads per worker of gunicorn-gthread and granian (each holds a database connection)
THREADS = 4


def server_command(server: str, port: int) -> list[str]:
    """The command line serving the site with ``server``, 2 workers, on ``port``."""
    python = sys.executable
    bind = ["-b", f"127.0.0.1:{port}"]
    gunicorn = [python, "-m", "gunicorn", "-w", "2", *bind, "--log-level", "warning"]
    if server == "gunicorn-sync":
        return [*gunicorn, "mectofitness.wsgi"]
    if server == "gunicorn-gthread":
        return [*gunicorn, "-k", "gthread", "--threads", str(THREADS), "mectofitness.wsgi"]
    if server == "uvicorn":
        # DATABASE_CONN_MAX_AGE=0 (serve()): see the module docstring
        return [
            *(python, "-m", "uvicorn", "mectofitness.asgi:application", "--workers", "2"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            "--no-access-log",
        ]
    if server == "granian":
        return [
            *(python, "-m", "granian", "--interface", "wsgi", "--workers", "2"),
            *("--blocking-threads", str(THREADS)),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            "--no-ws",
            "mectofitness.wsgi:application",
        ]
    raise SystemExit(f"unknown server {server!r}: one of {', '.join(SERVERS)}")


def serve(server: str, extra_env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ) | {"DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING"} | extra_env
    if server == "uvicorn":
        env["DATABASE_CONN_MAX_AGE"] = "0"
    proc = subprocess.Popen(server_command(server, port), cwd=ROOT, env=env, start_new_session=True)
    return proc, port


def migrate() -> None:
    """Bring the database's schemas up to date (`make bench ARGS=--api`; quick when they
    are). Queued work goes to Redis, where nothing consumes it."""
    import django

    django.setup()
    # after django.setup(): these need the app registry
    from django.core.management import call_command
    from django.db import connection

    from mectofitness.celery import app as celery_app

    celery_app.conf.task_always_eager = False
    note("migrating the bench database…")
    call_command("migrate_schemas", interactive=False, verbosity=0)
    connection.close()


def bench_business() -> dict:
    """The demo business (seeded when missing) with 25 clients or more, and a new
    personal token of its owner's: what the served processes need to know."""
    import django

    django.setup()
    # after django.setup(): models need the app registry
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from accounts.services import api_token_create
    from clients.models import Client
    from tenants.management.commands.demo_seed import DEMO_SLUG, PEOPLE
    from tenants.models import Business

    connection.set_schema_to_public()
    business = Business.objects.filter(slug=DEMO_SLUG).first()
    if business is None:
        note("seeding the demo business…")
        with open(os.devnull, "w") as quiet:
            call_command("demo_seed", stdout=quiet)
        business = Business.objects.get(slug=DEMO_SLUG)
    with tenant_context(business):
        listed = Client.objects.exclude(status=Client.Status.ARCHIVED).count()
        if listed < 25:
            raise SystemExit(f"the demo business lists {listed} clients: 25 needed")
        owner = User.objects.get(email=PEOPLE[0][0])
        _token, key = api_token_create(user=owner, name=f"bench api {time.time_ns()}")
    host = business.domains.order_by("-is_primary").first().domain
    connection.close()
    return {"schema": business.schema_name, "host": host, "user_id": owner.pk, "key": key}


def token_revoke(schema: str, key: str) -> None:
    # after django.setup() (bench_business ran it): models need the app registry
    from django.db import connection
    from django_tenants.utils import schema_context

    from accounts.models import ApiToken, token_hash
    from accounts.services import api_token_revoke

    with schema_context(schema):
        for token in ApiToken.objects.filter(key_hash=token_hash(key)):
            api_token_revoke(token=token)
    connection.close()


LUA = """
wrk.headers["Host"] = "{host}"
wrk.headers["Authorization"] = "Token {key}"
local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
init = function(args) bad = 0; first = "" end
response = function(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first == "" then first = status .. " " .. string.sub(body, 1, 200) end
  end
end
done = function(summary, latency, requests)
  local bad, first = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("bad")
    if first == "" then first = thread:get("first") end
  end
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d us=%d p50=%d p95=%d p99=%d connect=%d read=%d write=%d timeout=%d"
    .. " non2xx=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.timeout, bad))
  if first ~= "" then io.write("FIRST " .. first .. "\\n") end
end
"""


def wrk(port: int, path: str, seconds: int, *, host: str, key: str) -> dict:
    """wrk at CONNECTIONS connections for ``seconds``: rps, p50, p95 (ms) and errors;
    raises SystemExit on any error or non-2xx answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(host=host, key=key))
    try:
        result = subprocess.run(
            [
                *("wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s"),
                *("-s", script.name, f"http://127.0.0.1:{port}{path}"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{result.stdout}{result.stderr}")
    figures = dict(part.split("=") for part in line.split()[1:])
    errors = sum(int(figures[k]) for k in ("connect", "read", "write", "timeout", "non2xx"))
    if errors:
        raise SystemExit(
            f"{path} on port {port}: {errors} errors or non-2xx answers in "
            f"{figures['requests']} requests, the figure would be meaningless:\n{result.stdout}"
        )
    return {
        "rps": int(figures["requests"]) / (int(figures["us"]) / 1e6),
        "p50": int(figures["p50"]) / 1000,
        "p95": int(figures["p95"]) / 1000,
        "requests": int(figures["requests"]),
    }


def fetch(port: int, path: str, *, host: str, key: str) -> object:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host, "Authorization": f"Token {key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def api_figures(*, seconds: int, rounds: int, servers: list[str] | None = None) -> None:
    """Serve the API and its plain baseline with each server in turn (see the module's
    docstring) and print the ``api_rps``, ``api_ms`` and ``api_server`` lines."""
    if not shutil.which("wrk"):
        raise SystemExit("the API bench needs wrk: apt-get install wrk")
    servers = servers or SERVERS
    for server in servers:
        server_command(server, 0)  # an unknown name fails before anything starts
    target = bench_business()
    host, key = target["host"], target["key"]
    modes = {
        "api": RATES,
        "plain": {
            "MF_PLAIN_DJANGO": "1",
            "MF_PLAIN_SCHEMA": target["schema"],
            "MF_PLAIN_USER_ID": str(target["user_id"]),
        },
    }
    best: dict[tuple[str, str, str], dict] = {}
    answers: dict[str, object] = {}
    loads: list[float] = []  # the load average as each round starts
    try:
        for round_ in range(1, rounds + 1):
            loads.append(os.getloadavg()[0])
            note(f"round {round_}/{rounds}, load average {loads[-1]:.2f}")
            for server in servers:
                # both sites up at once (the one not under wrk sits idle), so that each
                # API figure and its plain one are taken seconds apart
                procs = {mode: serve(server, extra) for mode, extra in modes.items()}
                try:
                    for proc, port in procs.values():
                        wait_for(port, host, 60, proc=proc)
                    for path in PATHS:
                        for mode, (_proc, port) in procs.items():
                            answer = fetch(port, path, host=host, key=key)
                            if answers.setdefault(path, answer) != answer:
                                raise SystemExit(
                                    f"{mode} on {server} answers {path} differently:\n"
                                    f"{json.dumps(answers[path])[:2000]}\n"
                                    f"{json.dumps(answer)[:2000]}"
                                )
                            wrk(port, path, 2, host=host, key=key)  # warm-up
                        for mode, (_proc, port) in procs.items():
                            got = wrk(port, path, seconds, host=host, key=key)
                            note(
                                f"  {server} {mode} {path}: {got['rps']:.0f}/s "
                                f"p50 {got['p50']:.1f} p95 {got['p95']:.1f} ms"
                            )
                            kept = best.get((server, mode, path))
                            if kept is None or got["rps"] > kept["rps"]:
                                best[(server, mode, path)] = got
                finally:
                    for proc, _port in procs.values():
                        stop(proc)
    finally:
        token_revoke(target["schema"], key)
    load = os.getloadavg()
    summary = {}
    for server in servers:
        for path in PATHS:
            api, plain = best[(server, "api", path)], best[(server, "plain", path)]
            pct = 100 * api["rps"] / plain["rps"]
            summary[(server, path)] = (pct, api)
            print(
                f"api_rps path={path} server={server} rps={api['rps']:.0f} "
                f"plain_rps={plain['rps']:.0f} pct={pct:.0f}",
                flush=True,
            )
            print(
                f"api_ms path={path} server={server} p50={api['p50']:.1f} p95={api['p95']:.1f} "
                f"plain_p95={plain['p95']:.1f} conns={CONNECTIONS} errors=0",
                flush=True,
            )

    def worst_rps(server: str) -> float:
        return min(summary[(server, path)][1]["rps"] for path in PATHS)

    # the server in use stays unless another serves both paths clearly faster, measured
    # on a machine that was not busy with other work (on a busy one, servers with more
    # threads than processes take a larger share of the CPUs: a fact of that machine)
    fastest = max(servers, key=worst_rps)
    busy = max(loads + [load[0]]) > (os.cpu_count() or 1)
    choice = fastest
    if INCUMBENT in servers and (busy or worst_rps(fastest) < worst_rps(INCUMBENT) * (1 + MARGIN)):
        choice = INCUMBENT
    (me_pct, me), (clients_pct, clients) = (summary[(choice, path)] for path in PATHS)
    met = min(me_pct, clients_pct) >= GOAL_PCT and max(me["p95"], clients["p95"]) < GOAL_P95_MS
    print(
        f"api_server choice={choice} fastest={fastest} "
        f"fastest_vs_choice_pct={100 * worst_rps(fastest) / worst_rps(choice):.0f} "
        f"me_pct={me_pct:.0f} clients_pct={clients_pct:.0f} "
        f"me_p95={me['p95']:.1f} clients_p95={clients['p95']:.1f} "
        f"goals={'met' if met else 'missed'} load={load[0]:.2f} "
        f"max_load={max(loads + [load[0]]):.2f} busy={'yes' if busy else 'no'}",
        flush=True,
    )
