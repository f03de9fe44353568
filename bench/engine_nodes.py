#!/usr/bin/env python
"""Long-lived OpenSearch / Elasticsearch nodes for the search benchmark (not a
test): the same real servers as tests/engines, started in the background with
the engines' production JVM settings and a data directory that survives between
benchmark runs, so a corpus is indexed once (``bench/search.py --reuse``) and
its queries timed later, e.g. in a quiet window.

    python bench/engine_nodes.py start opensearch --heap 2g
    python bench/engine_nodes.py status
    python bench/engine_nodes.py stop opensearch     # or: stop all

bench/search.py uses a node started here (var/engines/bench-<name>.json) when
<NAME>_URL is not set. ``stop`` ends the node cleanly (its launcher stops on
end of input); its data is then removed by the OpenSearch runner, kept by the
Elasticsearch launcher.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

NAMES = ("opensearch", "elasticsearch")
DEFAULT_HEAP = "2g"
# The engines' own production defaults (G1, full JIT; their jvm.options),
# not the tests' quick start (serial GC, C1 only).
JVM_FLAGS = "-XX:+UseG1GC -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30"


def state_file(name: str) -> Path:
    return ROOT / "var" / "engines" / f"bench-{name}.json"


def read_state(name: str) -> dict | None:
    path = state_file(name)
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    if not _alive(state["pid"]):
        return None
    return state


def node_url(name: str) -> str | None:
    """The URL of a running benchmark node of this engine, if any."""
    state = read_state(name)
    return state["url"] if state and healthy(state["url"]) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def start(name: str, heap: str, flags: str) -> dict:
    running = read_state(name)
    if running:
        return running
    os.environ["ENGINE_HEAP"] = heap
    os.environ["ENGINE_JVM_FLAGS"] = flags
    from tests import engines

    command = engines.prepare(name)
    home = ROOT / "var" / "engines" / f"bench-{name}-home"
    home.mkdir(parents=True, exist_ok=True)
    port, transport = engines.free_port(), engines.free_port()
    log = ROOT / "var" / "engines" / f"bench-{name}.log"
    # The launcher stops its node when its input ends: a sleeping holder keeps
    # it open; ``stop`` ends the holder.
    holder = subprocess.Popen(
        ["sleep", "infinity"], stdout=subprocess.PIPE, start_new_session=True
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, str(home), str(port), str(transport)],
            stdin=holder.stdout,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=home,
            start_new_session=True,
        )
    holder.stdout.close()
    url = f"http://127.0.0.1:{port}"
    state = {
        "name": name,
        "pid": process.pid,
        "holder": holder.pid,
        "url": url,
        "heap": heap,
        "flags": flags,
        "home": str(home),
        "log": str(log),
        "version": engines.VERSIONS[name],
    }
    state_file(name).write_text(json.dumps(state, indent=1))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name} exited: {log.read_text()[-1500:]}")
        if "READY" in log.read_text(errors="replace") and healthy(url):
            return state
        time.sleep(1)
    sys.exit(f"{name} did not start in 300 s: {log.read_text()[-1500:]}")


def stop(name: str) -> None:
    state = read_state(name)
    if not state:
        state_file(name).unlink(missing_ok=True)
        return
    try:
        os.kill(state["holder"], signal.SIGTERM)  # end of input: a clean stop
    except OSError:
        pass
    for _ in range(60):
        if not _alive(state["pid"]):
            break
        time.sleep(1)
    else:
        os.kill(state["pid"], signal.SIGKILL)
    state_file(name).unlink(missing_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("engines", nargs="*", default=["all"])
    parser.add_argument("--heap", default=DEFAULT_HEAP)
    parser.add_argument("--jvm-flags", default=JVM_FLAGS)
    args = parser.parse_args()
    names = NAMES if args.engines in (["all"], []) else args.engines
    for name in names:
        if args.action == "start":
            state = start(name, args.heap, args.jvm_flags)
            line = f"{state['version']}: {state['url']} (pid {state['pid']})"
        elif args.action == "stop":
            stop(name)
            line = f"{name}: stopped"
        else:
            state = read_state(name)
            line = f"{name}: " + (
                f"{state['url']} pid {state['pid']} heap {state['heap']}"
                if state
                else "not running"
            )
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
