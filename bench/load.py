#!/usr/bin/env python
"""Load benchmark (not a test): gunicorn with N workers plus the task worker,
on the demo grown to a mature community, under a bounded mixed load on
loopback (visitors, members reading and posting, searches).

    python bench/load.py                       # 20,000 resources, 50,000 posts, 2,000 members, 5 min
    python bench/load.py --resources 2000 --posts 10000 --members 500 --duration 60
    make bench-load BENCH_LOAD_ARGS="--duration 120"

It prints requests/s, p50/p95/p99 per page kind, errors, and writes
acknowledged (302 after a reply) against writes stored (found in the database
after the run), then the cached/uncached rate of visitor pages measured in two
short phases of their own. It uses its own database (portal_load).
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


def grow(*, resources: int, posts: int, members: int, out=say) -> dict:
    """The demo plus synthetic members, discussions and resources (idempotent:
    only what is missing is added)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from forums.markdown import render_markdown
    from forums.models import Forum, Post, Thread
    from knowledge.models import ResourcePage
    from portal.demo import home_page_get_or_create
    from working_groups.models import Membership, WorkingGroupPage

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    immediate = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    with override_settings(TASKS=immediate):
        if not home_page_get_or_create().get_children().exists():
            call_command("load_demo", "--quiet-users", stdout=open(os.devnull, "w"))
    User = get_user_model()
    groups = list(WorkingGroupPage.objects.live())
    have = User.objects.filter(username__startswith="load-").count()
    if have < members:
        out(f"members: adding {members - have}")
        new = [
            User(username=f"load-{n}", email=f"load-{n}@example.org", password="!")
            for n in range(have, members)
        ]
        User.objects.bulk_create(new, batch_size=1000)
        users = list(User.objects.filter(username__startswith="load-"))
        Membership.objects.bulk_create(
            [
                Membership(user=user, group=groups[n % len(groups)], status="active")
                for n, user in enumerate(users)
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
    members_list = list(User.objects.filter(username__startswith="load-"))
    forums = list(Forum.objects.all())
    have = Post.objects.count()
    if have < posts:
        out(f"posts: adding {posts - have}")
        rng = random.Random(7)
        with transaction.atomic():
            threads = []
            for n in range((posts - have) // 10 + 1):
                threads.append(
                    Thread(
                        forum=forums[n % len(forums)],
                        title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}",
                        author=rng.choice(members_list),
                    )
                )
            Thread.objects.bulk_create(threads, batch_size=1000)
            body = "We tried this in our district: " + " ".join(WORDS)
            html = render_markdown(body)
            batch = []
            for thread in threads:
                for position in range(1, 11):
                    batch.append(
                        Post(
                            thread=thread,
                            author=rng.choice(members_list),
                            position=position,
                            body=body,
                            body_html=html,
                        )
                    )
            Post.objects.bulk_create(batch, batch_size=2000)
            for thread in threads:
                thread.reply_count = 9
            Thread.objects.bulk_update(threads, ["reply_count"], batch_size=1000)
    have = ResourcePage.objects.count()
    if have < resources:
        out(f"resources: adding {resources - have} (Wagtail pages, the slow part)")
        from knowledge.services import knowledge_index_get_or_create

        parent = knowledge_index_get_or_create()
        started = time.monotonic()
        with override_settings(TASKS=immediate):
            for n in range(have, resources):
                page = ResourcePage(
                    title=f"{WORDS[n % len(WORDS)].title()} report {n}",
                    slug=f"load-resource-{n}",
                    introduction="A report of the community: " + " ".join(WORDS[:8]),
                    format="report",
                    level="national",
                    language="en",
                    publication_year=2020 + n % 6,
                )
                parent.add_child(instance=page)
                if n % 1000 == 999:
                    out(
                        f"  {n + 1} ({(n + 1 - have) / (time.monotonic() - started):.0f}/s)"
                    )
    call_command("search_reindex", stdout=open(os.devnull, "w"))
    call_command("collectstatic", "--noinput", verbosity=0)
    return {
        "resources": ResourcePage.objects.count(),
        "posts": Post.objects.count(),
        "members": User.objects.filter(username__startswith="load-").count(),
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

    users = list(get_user_model().objects.filter(username__startswith="load-")[:count])
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
    resources = [p.url for p in ResourcePage.objects.live().public()[:300]]
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
        if kind == "visitor":
            path = rng.choice(
                ["/", "/knowledge/", "/forums/", *pages["resources"][:50]]
            )
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
            "--log-level", "warning",
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
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument(
        "--duration", type=int, default=300, help="seconds of mixed load"
    )
    parser.add_argument(
        "--phase", type=int, default=30, help="seconds of each rate phase"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()

    setup_django()
    sizes = grow(resources=args.resources, posts=args.posts, members=args.members)
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
        cached = run_load(seconds=args.phase, mix={"visitor": 1}, writes=[], **common)
        uncached = run_load(
            seconds=args.phase, mix={"member_read": 1}, writes=[], **common
        )
        writes = []
        mixed = run_load(
            seconds=args.duration,
            mix={"visitor": 55, "member_read": 20, "search": 15, "member_post": 10},
            writes=writes,
            **common,
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    report("Visitors only (page cache)", cached)
    report("Signed-in members only (no page cache)", uncached)
    report(
        f"Mixed load, {args.clients} clients, {args.workers} gunicorn workers", mixed
    )
    stored = Post.objects.filter(body__contains="load-write-").values_list(
        "body", flat=True
    )
    found = {body.rsplit(" ", 1)[-1] for body in stored}
    acknowledged = set(writes)
    cached_rate = len(cached["latencies"]["visitor"]) / cached["seconds"]
    uncached_rate = len(uncached["latencies"]["member_read"]) / uncached["seconds"]
    say(
        f"\nwrites acknowledged {len(acknowledged)}, stored {len(acknowledged & found)}, "
        f"lost {len(acknowledged - found)}"
    )
    say(f"cached visitor pages {cached_rate:.1f} req/s vs uncached {uncached_rate:.1f} "
          f"req/s: {cached_rate / max(uncached_rate, 0.001):.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
