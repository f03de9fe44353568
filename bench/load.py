#!/usr/bin/env python
"""Load benchmark (not a test): gunicorn with N workers plus the task worker,
on a mature community, under a bounded mixed load on loopback (visitors,
members reading and posting, searches).

    python bench/load.py                       # 5 minutes of mixed load
    python bench/load.py --duration 60 --workers 3
    make bench-load BENCH_LOAD_ARGS="--duration 120"

It prints requests/s, p50/p95/p99 per page kind, errors, and writes
acknowledged (302 after a reply) against writes stored (found in the database
after the run), then the cached/uncached rate of visitor pages measured in two
short phases of their own. It runs on the community bench/pages.py seeds
(2,000 members, 20,000 resources, 2,000 events, 5,000 threads with 50,000
posts; portal_pages_bench, seeded on first use); the replies it posts stay
there (marked "load-write-").
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"

WORDS = (
    "census school data teacher quality governance indicator dashboard grant "
    "assessment learning standard interoperability records district survey"
).split()


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def setup_django():
    import django

    django.setup()


# --- data -----------------------------------------------------------------------


def grow(*, out=say) -> dict:
    """The mature community of bench/pages.py (2,000 members, 20,000 resources,
    2,000 events, 5,000 threads with 50,000 posts), seeded once through its bulk
    paths into the shared benchmark database and reused."""
    import pages as page_bench
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from forums.models import Post
    from knowledge.models import ResourcePage

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if page_bench.seed_state() not in (page_bench.DATA_MARK, page_bench.SEED_MARK):
        page_bench.seed(out)
    if page_bench.seed_state() != page_bench.SEED_MARK:
        page_bench.index(out)
    call_command("collectstatic", "--noinput", verbosity=0)
    return {
        "resources": ResourcePage.objects.count(),
        "posts": Post.objects.count(),
        "members": get_user_model()
        .objects.filter(username__startswith="bench")
        .count(),
    }


def sessions_for(count: int) -> list[dict]:
    """Signed-in members: a session cookie and a CSRF secret each."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    users = list(
        get_user_model()
        .objects.filter(username__startswith="bench", is_active=True)
        .order_by("pk")[:count]
    )
    out = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = secrets.token_hex(16)
        out.append(
            {
                "user_id": user.pk,
                "cookie": f"sessionid={session.session_key}; csrftoken={csrf}",
                "csrf": csrf,
            }
        )
    return out


def targets() -> dict:
    from forums.models import Thread
    from knowledge.models import ResourcePage

    public_threads = list(
        Thread.objects.filter(forum__group__isnull=True).values_list(
            "pk", "forum__slug"
        )[:200]
    ) or list(Thread.objects.values_list("pk", "forum__slug")[:200])
    resources = [
        p.url
        for p in ResourcePage.objects.live().public().filter(visibility="public")[:300]
    ]
    return {"threads": public_threads, "resources": [u for u in resources if u]}


# --- load -----------------------------------------------------------------------


class Client:
    def __init__(self, port: int):
        self.port = port
        self.connection = None

    def request(self, method, path, *, headers=None, body=None):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=60
                )
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        return None


def run_load(*, port, seconds, clients, mix, sessions, pages, writes) -> dict:
    """``clients`` threads, each sending one request at a time (bounded load),
    choosing a kind from ``mix``; returns latencies per kind and errors."""
    latencies = defaultdict(list)
    errors = defaultdict(int)
    stop = time.monotonic() + seconds
    kinds, weights = zip(*mix.items(), strict=True)
    lock = threading.Lock()

    def one(client, rng):
        kind = rng.choices(kinds, weights)[0]
        headers, method, body = {}, "GET", None
        expected = {200}
        if kind in ("visitor", "visitor_uncached"):
            path = rng.choice(
                ["/", "/knowledge/", "/forums/", *pages["resources"][:50]]
            )
            if kind == "visitor_uncached":
                # A cookie that names no session: still a visitor, but the
                # page cache (which never guesses who a cookie belongs to)
                # lets the request through to Django.
                headers["Cookie"] = "sessionid=no-such-session"
        elif kind == "member_read":
            member = rng.choice(sessions)
            headers["Cookie"] = member["cookie"]
            path = rng.choice(["/", "/knowledge/", *pages["resources"][:50]])
        elif kind == "search":
            path = "/search/?" + urlencode({"q": " ".join(rng.sample(WORDS, 2))})
        else:  # member_post
            member = rng.choice(sessions)
            thread_id, slug = rng.choice(pages["threads"])
            marker = f"load-write-{uuid.uuid4().hex}"
            path = f"/forums/{slug}/{thread_id}/reply/"
            method = "POST"
            body = urlencode(
                {"body": f"Agreed. {marker}", "csrfmiddlewaretoken": member["csrf"]}
            )
            headers.update(
                {
                    "Cookie": member["cookie"],
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{port}{path}",
                }
            )
            expected = {302}
        started = time.perf_counter()
        try:
            status = client.request(method, path, headers=headers, body=body)
        except Exception:  # noqa: BLE001 - an error of the run, counted
            status = None
        elapsed = time.perf_counter() - started
        with lock:
            latencies[kind].append(elapsed)
            if status not in expected:
                errors[kind] += 1
                errors[f"{kind} {status}"] += 1
            elif kind == "member_post":
                writes.append(marker)

    def loop(seed):
        rng = random.Random(seed)
        client = Client(port)
        while time.monotonic() < stop:
            one(client, rng)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "latencies": latencies,
        "errors": errors,
        "seconds": time.monotonic() - began,
    }


def percentile(values, q):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def report(title, result, out=say):
    seconds = result["seconds"]
    total = sum(len(v) for v in result["latencies"].values())
    out(f"\n{title}: {total} requests in {seconds:.0f} s = {total / seconds:.1f} req/s")
    out(
        f"{'kind':<12} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    unexpected = {k: v for k, v in result["errors"].items() if " " in k}
    if unexpected:
        out(f"unexpected answers: {unexpected}")
    for kind, values in sorted(result["latencies"].items()):
        out(
            f"{kind:<12} {len(values) / seconds:>7.1f} {statistics.median(values) * 1000:>8.1f} "
            f"{percentile(values, 95) * 1000:>8.1f} {percentile(values, 99) * 1000:>8.1f} "
            f"{result['errors'][kind]:>7}"
        )


def start_processes(port: int, workers: int) -> list[subprocess.Popen]:
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}")
    python = sys.executable
    web = subprocess.Popen(
        [
            python, "-m", "gunicorn", "portal.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--log-level", "warning", "--timeout", "120",
        ],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = subprocess.Popen(
        [python, "manage.py", "run_worker", "--no-reload", "--interval", "0.5", "-v", "0"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/livez") == 200:
                return [web, worker]
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=300, help="seconds of mixed load"
    )
    parser.add_argument(
        "--phase", type=int, default=30, help="seconds of each rate phase"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()

    setup_django()
    sizes = grow()
    say(f"data: {sizes}")
    from django.core.cache import caches
    from django.db import connection

    from forums.models import Post

    caches["pages"].clear()
    sessions = sessions_for(200)
    pages = targets()
    connection.close()
    processes = start_processes(args.port, args.workers)
    try:
        common = {
            "port": args.port,
            "clients": args.clients,
            "sessions": sessions,
            "pages": pages,
        }
        # Warm: every visitor page once (fills the page cache; each worker
        # loads its templates), so the cached phase times hits.
        warm = Client(args.port)
        for path in ["/", "/knowledge/", "/forums/", *pages["resources"][:50]]:
            for _ in range(2):
                warm.request("GET", path)
        load_before = os.getloadavg()
        cached = run_load(seconds=args.phase, mix={"visitor": 1}, writes=[], **common)
        uncached = run_load(
            seconds=args.phase, mix={"visitor_uncached": 1}, writes=[], **common
        )
        members = run_load(
            seconds=args.phase, mix={"member_read": 1}, writes=[], **common
        )
        load_mixed = os.getloadavg()
        writes = []
        mixed = run_load(
            seconds=args.duration,
            mix={"visitor": 55, "member_read": 20, "search": 15, "member_post": 10},
            writes=writes,
            **common,
        )
        load_after = os.getloadavg()
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    say(
        "\nload average (1, 5, 15 min): at start "
        + ", ".join(f"{v:.2f}" for v in load_before)
        + "; before the mixed phase "
        + ", ".join(f"{v:.2f}" for v in load_mixed)
        + "; at the end "
        + ", ".join(f"{v:.2f}" for v in load_after)
    )
    report("Visitors only (page cache)", cached)
    report("Visitors only, same pages, page cache bypassed", uncached)
    report("Signed-in members only (no page cache)", members)
    report(
        f"Mixed load, {args.clients} clients, {args.workers} gunicorn workers", mixed
    )
    stored = Post.objects.filter(body__contains="load-write-").values_list(
        "body", flat=True
    )
    found = {body.rsplit(" ", 1)[-1] for body in stored}
    acknowledged = set(writes)
    cached_rate = len(cached["latencies"]["visitor"]) / cached["seconds"]
    uncached_rate = len(uncached["latencies"]["visitor_uncached"]) / uncached["seconds"]
    say(
        f"\nwrites acknowledged {len(acknowledged)}, stored {len(acknowledged & found)}, "
        f"lost {len(acknowledged - found)}"
    )
    say(f"cached visitor pages {cached_rate:.1f} req/s vs uncached {uncached_rate:.1f} "
          f"req/s: {cached_rate / max(uncached_rate, 0.001):.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
