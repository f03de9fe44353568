#!/usr/bin/env python
"""CPU time per request under gunicorn (not a test): what bounds requests/s
on a machine of C cores, measured in a way the machine's other work does not
change much.

Starts ``gunicorn --workers W`` on the seeded database of bench/pages.py,
warms every worker, then sends N requests for each path over a few keep-alive
connections and reads, from /proc, the CPU time the gunicorn processes and the
embedded PostgreSQL server (its backends, and what the postmaster collected
from backends that ended) spent meanwhile. The client's own CPU is not
counted. ``cores × 1000 / (CPU ms per request)`` is the throughput the machine
could reach with the pages alone (wrk's own cost aside).

    python bench/cpu_load.py /knowledge/ / "/knowledge/?q=data" -n 300
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return found


def tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid``, its children that ended (collected) and its
    live children."""
    fields = _stat(pid)
    total = sum(int(value) for value in fields[11:15])
    for child in children(pid):
        try:
            fields = _stat(child)
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def postmaster_pid() -> int:
    return int((ROOT / "var" / "pgdata" / "postmaster.pid").read_text().split()[0])


def send(port: int, path: str, count: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("-n", "--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    def write(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}")
    env["DJANGO_SETTINGS_MODULE"] = "pages_settings"
    env.setdefault("BENCH_PAGE_CACHE_SECONDS", "0")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "portal.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    postmaster = postmaster_pid()
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/livez", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        write(f"load average: {load}")
        write(
            "| path | requests | gunicorn CPU ms/request | PostgreSQL CPU ms/request "
            "| total | bound on 2 cores (requests/s) |"
        )
        write("|---|---|---|---|---|---|")
        for path in args.paths:
            send(args.port, path, args.workers * 6)  # warm every worker
            python0, postgres0 = tree_cpu(server.pid), tree_cpu(postmaster)
            share = args.requests // args.connections
            threads = [
                threading.Thread(target=send, args=(args.port, path, share))
                for _ in range(args.connections)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            count = share * args.connections
            python = (tree_cpu(server.pid) - python0) * 1000 / count
            postgres = (tree_cpu(postmaster) - postgres0) * 1000 / count
            write(
                f"| `{path}` | {count} | {python:.1f} | {postgres:.1f} "
                f"| {python + postgres:.1f} | {2000 / (python + postgres):.0f} |"
            )
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        write(f"load average: {load}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
