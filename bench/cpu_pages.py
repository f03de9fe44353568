#!/usr/bin/env python
"""CPU time per request of a few pages (not a test): a measure that holds on a
busy machine, where wall-clock percentiles do not.

For each path and role (visitor, member) on the seeded database of
bench/pages.py: the queries of a warm request, then over N requests the median
Python CPU time of this process (``time.process_time``) and the median CPU
time of this connection's PostgreSQL backend (read from /proc, so the embedded
server must run on this machine; parallel workers are not counted).

    python bench/cpu_pages.py / /knowledge/ "/knowledge/?q=data" -n 30
    python bench/cpu_pages.py /knowledge/ --profile      # cProfile, top 40
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pages_settings")

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    """utime + stime of a process in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("-n", "--requests", type=int, default=30)
    parser.add_argument("--who", choices=["visitor", "member", "both"], default="both")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    def write(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    visitor = Client()
    member = Client()
    member.force_login(get_user_model().objects.get(email="member@emis.example.org"))
    roles = ["visitor", "member"] if args.who == "both" else [args.who]
    write(f"load average: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    write("| path | who | status | queries | python ms | postgres ms |")
    write("|---|---|---|---|---|---|")
    for path in args.paths:
        for role in roles:
            client = visitor if role == "visitor" else member
            client.get(path)
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            queries = len(captured.captured_queries)
            reset_queries()
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile(time.process_time)
                profiler.enable()
                for _ in range(args.requests):
                    client.get(path)
                profiler.disable()
                stats = pstats.Stats(profiler)
                stats.sort_stats(args.sort).print_stats(args.top)
                continue
            python, postgres = [], []
            for _ in range(args.requests):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pid = cursor.fetchone()[0]
                db0 = backend_cpu(pid)
                t0 = time.process_time()
                client.get(path)
                python.append((time.process_time() - t0) * 1000)
                try:
                    postgres.append((backend_cpu(pid) - db0) * 1000)
                except FileNotFoundError:  # the connection closed: not measured
                    postgres.append(float("nan"))
            write(
                f"| `{path}` | {role} | {response.status_code} "
                f"| {queries} "
                f"| {statistics.median(python):.1f} "
                f"| {statistics.mean(postgres):.1f} |"
            )
    write(f"load average: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
