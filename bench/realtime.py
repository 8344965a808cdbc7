"""`make bench` real-time figure, one parsable line:

    message_latency_ms p50=… p95=… clients=200
        200 sockets connected to daphne (the ASGI server `make run` starts beside the
        web server), each a client signed in with a session, in two group conversations
        of 100 clients and their coach. The coach POSTs messages through the API
        (gunicorn, 2 sync workers); the time is from just before the POST to the
        message's arrival at each of the other 100 clients of that conversation
        (n = messages x 100 arrivals).

Runs in one business of the bench database (``warm-0``). The sockets and the POSTs
are aiohttp clients in this process, on loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUP_SIZE = 100


def _people(slug: str, clients: int) -> tuple[str, str, list[tuple[int, int, str]]]:
    """A coach with an API token, ``clients`` clients with sessions in groups of 100:
    (host, token, [(thread id, user id, session key)])."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from accounts.services import api_token_create
    from clients.models import Client
    from messaging.services import group_thread_create
    from tenants.models import Business

    business = Business.objects.get(slug=slug)
    host = business.domains.first().domain
    with tenant_context(business):
        coach = User.objects.create_user(
            email="rt.coach@example.test", first_name="Rita", is_staff=True
        )
        coach.groups.add(Group.objects.get(name="coach"))
        _token, key = api_token_create(user=coach, name="bench")
        client_role = Group.objects.get(name="client")
        users = []
        for n in range(clients):
            user = User.objects.create_user(email=f"rt{n}@example.test", first_name=f"Client{n}")
            user.groups.add(client_role)
            users.append(user)
        records = Client.objects.bulk_create(
            Client(
                first_name=f"Client{n}",
                last_name="Bench",
                email=f"rt{n}@example.test",
                user=user,
                primary_coach=coach,
            )
            for n, user in enumerate(users)
        )
        out = []
        for start in range(0, clients, GROUP_SIZE):
            members = records[start : start + GROUP_SIZE]
            thread = group_thread_create(
                title=f"Bench group {start // GROUP_SIZE}", clients=members, by=coach
            )
            for record in members:
                session = SessionStore()
                session[SESSION_KEY] = str(record.user.pk)
                session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
                session[HASH_SESSION_KEY] = record.user.get_session_auth_hash()
                session.create()
                out.append((thread.pk, record.user_id, session.session_key))
    return host, key, out


def _start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def server_env() -> dict:
    # the bench coach sends faster than a person may (the limits are not what is timed)
    return dict(os.environ) | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "MESSAGE_RATE_LIMIT_PER_MINUTE": "100000",
        "API_RATE_PER_USER": "100000/min",
        "API_RATE_PER_BUSINESS": "100000/min",
        "CHANNEL_LAYER_PREFIX": "mf-bench",
    }


async def send_timed(http, host, key, people, web_port, messages, gap, sent_at) -> None:
    """POST ``messages`` messages through the API, round the people's threads, ``gap``
    seconds apart, after three that warm the processes up; ``sent_at`` gets each timed
    one's id and when its POST began."""
    threads = sorted({thread_id for thread_id, _u, _s in people})
    api = {"Host": f"{host}:{web_port}", "Authorization": f"Token {key}"}
    for n in range(messages + 3):
        thread_id = threads[n % len(threads)]
        started = time.perf_counter()
        async with http.post(
            f"http://127.0.0.1:{web_port}/api/v1/threads/{thread_id}/messages/",
            json={"body": f"Bench message {n}"},
            headers=api,
        ) as response:
            if response.status != 201:
                raise SystemExit(f"POST answered {response.status}: {await response.text()}")
            message_id = (await response.json())["id"]
        if n >= 3:  # the first ones warm up the processes
            sent_at[message_id] = started
        await asyncio.sleep(gap)


def latencies_ms(arrivals: dict, sent_at: dict) -> list[float]:
    """Each timed message's arrival at each listener, in ms after its POST began; says
    on stderr how many arrivals never came."""
    latencies = [
        (arrived - sent_at[mid]) * 1000
        for mid, times in arrivals.items()
        if mid in sent_at
        for arrived in times
    ]
    expected = len(sent_at) * GROUP_SIZE
    if len(latencies) < expected:
        print(f"# {expected - len(latencies)} arrivals missing", file=sys.stderr)
    return latencies


async def _measure(host, key, people, web_port, socket_port, messages, gap) -> tuple[list, int]:
    import aiohttp

    arrivals: dict[int, list[float]] = {}
    sent_at: dict[int, float] = {}
    ready = 0
    # no cap on connections (aiohttp's default is 100)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def listen(thread_id: int, session_key: str, subscribed: asyncio.Event):
            nonlocal ready
            headers = {
                "Host": f"{host}:{socket_port}",
                "Origin": f"http://{host}:{web_port}",
                "Cookie": f"sessionid={session_key}",
            }
            url = f"ws://127.0.0.1:{socket_port}/ws/messages/"
            async with http.ws_connect(url, headers=headers, heartbeat=None) as ws:
                await ws.send_json({"type": "subscribe", "thread": thread_id})
                async for frame in ws:
                    event = json.loads(frame.data)
                    if event["type"] == "subscribed":
                        ready += 1
                        subscribed.set()
                    elif event["type"] in ("refused", "error"):
                        raise SystemExit(f"socket of thread {thread_id}: {event}")
                    elif event["type"] == "message.new":
                        arrivals.setdefault(event["message"]["id"], []).append(time.perf_counter())

        listeners = []
        for thread_id, _user_id, session_key in people:
            done = asyncio.Event()
            task = asyncio.ensure_future(listen(thread_id, session_key, done))
            listeners.append(task)
            waiting = asyncio.ensure_future(done.wait())
            await asyncio.wait({task, waiting}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                task.result()  # the socket failed: say why
            if not done.is_set():
                raise SystemExit(f"socket {len(listeners)} was not subscribed within 10 s")
        await send_timed(http, host, key, people, web_port, messages, gap, sent_at)
        await asyncio.sleep(1.0)
        for task in listeners:
            task.cancel()
    latencies = latencies_ms(arrivals, sent_at)
    return latencies, ready


def bench_messages(slug: str, *, clients: int = 200, messages: int = 30, gap: float = 0.2):
    from bench.run import free_port, note, percentile, wait_for

    host, key, people = _people(slug, clients)
    env = server_env()
    web_port, socket_port = free_port(), free_port()
    web = _start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{web_port}",
            "--log-level",
            "warning",
            "mectofitness.wsgi",
        ],
        env,
    )
    sockets = _start(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(socket_port),
            "-v",
            "0",
            "mectofitness.asgi:application",
        ],
        env,
    )
    try:
        wait_for(web_port, host)
        from mectofitness.dev import _wait_port

        _wait_port(socket_port, 30)
        latencies, ready = asyncio.run(
            _measure(host, key, people, web_port, socket_port, messages, gap)
        )
        note(f"daphne RSS with {ready} sockets: {rss_mb(sockets.pid):.0f} MB")
    finally:
        _stop(web)
        _stop(sockets)
    print(
        f"message_latency_ms p50={statistics.median(latencies):.1f}"
        f" p95={percentile(latencies, 95):.1f} clients={ready}",
        flush=True,
    )
