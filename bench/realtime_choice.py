"""`make bench ARGS=--realtime-choice`: the transport of real time, chosen by measurement.

    realtime_choice transport=websocket p50=… p95=… rss_mb=… clients=200
    realtime_choice transport=sse p50=… p95=… rss_mb=… clients=200

The measurement of ``bench/realtime.py`` (200 clients signed in with sessions, in two
group conversations of 100 and their coach; the coach POSTs messages through the API,
gunicorn with 2 sync workers; the time from just before the POST to the message's
arrival at each of the other 100 clients) for each transport, each time against a fresh
daphne process serving ``bench/realtime_sse.py`` (the site's ASGI application plus the
server-sent events prototype), so both see the same code loaded:

- websocket: the product's socket, ``/ws/messages/`` (Channels' consumer);
- sse: ``/sse/messages/?thread=<id>``, an async Django view on the same channel layer
  groups, one ``data:`` line per event.

``rss_mb``: the daphne process's resident memory with the 200 connections open. Not run
in CI. Each transport is measured twice (websocket, sse, sse, websocket: neither always
runs first), a line each; on a busy machine run it more than once.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

from bench.realtime import (
    _people,
    _start,
    _stop,
    latencies_ms,
    rss_mb,
    send_timed,
    server_env,
)

# each transport twice, in the order A B B A: neither always runs first on a busy machine
TRANSPORTS = ("websocket", "sse", "sse", "websocket")


async def _websocket(http, base, host, origin, session_key, thread_id, on_event):
    headers = {"Host": host, "Origin": origin, "Cookie": f"sessionid={session_key}"}
    async with http.ws_connect(f"ws://{base}/ws/messages/", headers=headers, heartbeat=None) as ws:
        await ws.send_json({"type": "subscribe", "thread": thread_id})
        async for frame in ws:
            on_event(json.loads(frame.data))


async def _sse(http, base, host, origin, session_key, thread_id, on_event):
    import aiohttp

    headers = {"Host": host, "Cookie": f"sessionid={session_key}", "Accept": "text/event-stream"}
    async with http.get(
        f"http://{base}/sse/messages/?thread={thread_id}",
        headers=headers,
        timeout=aiohttp.ClientTimeout(total=None, sock_read=None),
    ) as response:
        if response.status != 200:
            raise SystemExit(f"stream of thread {thread_id} answered {response.status}")
        async for line in response.content:
            if line.startswith(b"data: "):
                on_event(json.loads(line[6:]))


async def _measure(listen, host, key, people, web_port, server, messages, gap):
    """Connect every client (each subscribed before the next), send, collect: the
    latencies, how many subscribed, and the server's RSS with them all connected."""
    import aiohttp
    import psutil

    arrivals: dict[int, list[float]] = {}
    sent_at: dict[int, float] = {}
    ready = 0
    base, port = f"127.0.0.1:{server[1]}", server[1]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def one(thread_id: int, session_key: str, subscribed: asyncio.Event):
            def on_event(event: dict) -> None:
                nonlocal ready
                if event["type"] == "subscribed":
                    ready += 1
                    subscribed.set()
                elif event["type"] in ("refused", "error"):
                    raise SystemExit(f"thread {thread_id}: {event}")
                elif event["type"] == "message.new":
                    arrivals.setdefault(event["message"]["id"], []).append(time.perf_counter())

            await listen(
                http,
                base,
                f"{host}:{port}",
                f"http://{host}:{web_port}",
                session_key,
                thread_id,
                on_event,
            )

        listeners = []
        for thread_id, _user_id, session_key in people:
            done = asyncio.Event()
            task = asyncio.ensure_future(one(thread_id, session_key, done))
            listeners.append(task)
            waiting = asyncio.ensure_future(done.wait())
            await asyncio.wait({task, waiting}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                task.result()
            if not done.is_set():
                raise SystemExit(f"client {len(listeners)} was not subscribed within 10 s")
        memory = rss_mb(server[0].pid)
        threads_open = psutil.Process(server[0].pid).num_threads()
        await send_timed(http, host, key, people, web_port, messages, gap, sent_at)
        await asyncio.sleep(1.0)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    latencies = latencies_ms(arrivals, sent_at)
    return latencies, ready, memory, threads_open


def bench_realtime_choice(
    slug: str, *, clients: int = 200, messages: int = 30, gap: float = 0.2
) -> None:
    from bench.run import free_port, note, percentile, wait_for
    from mectofitness.dev import _wait_port

    host, key, people = _people(slug, clients)
    env = server_env()
    web_port = free_port()
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
    try:
        wait_for(web_port, host)
        for transport in TRANSPORTS:
            port = free_port()
            daphne = _start(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-v",
                    "0",
                    "bench.realtime_sse:application",
                ],
                env,
            )
            try:
                _wait_port(port, 30)
                idle = rss_mb(daphne.pid)
                listen = _websocket if transport == "websocket" else _sse
                latencies, ready, memory, threads = asyncio.run(
                    _measure(listen, host, key, people, web_port, (daphne, port), messages, gap)
                )
            finally:
                _stop(daphne)
            note(
                f"{transport}: daphne RSS idle {idle:.0f} MB, with {ready} clients"
                f" {memory:.0f} MB and {threads} threads"
            )
            print(
                f"realtime_choice transport={transport}"
                f" p50={statistics.median(latencies):.1f} p95={percentile(latencies, 95):.1f}"
                f" rss_mb={memory:.0f} clients={ready}",
                flush=True,
            )
    finally:
        _stop(web)
