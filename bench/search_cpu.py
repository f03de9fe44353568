"""CPU time and statements per query of the database backend, beside its
floor's, for bench/search.py (not a test).

Wall-clock latency means little while other work shares the machine; CPU time
does not depend on the load: this process's (``time.process_time``) plus the
PostgreSQL backend's own (its ``/proc/<pid>/schedstat`` run time, in
nanoseconds; the same machine), and the number of statements sent. The meter
wraps the backend's ``search`` and watches the floor's statements (see
``bare_gin_timings``), so run_queries is measured as it runs; the first pass
over the mix (the warm-up) is not counted.
"""

from __future__ import annotations

import time

FLOOR_SQL = "SELECT id, ts_rank(search_vector, q)"


def _label(text: str, filters) -> str:
    return text + (" +" + "+".join(filters) if filters else "")


class CpuMeter:
    def __init__(self, mix):
        self.mix = mix  # QUERY_MIX: (category, text, filters, signed in)
        self.categories = {_label(text, f): c for c, text, f, _s in mix}
        self.cpu: dict[str, list[tuple[float, float, int]]] = {}
        self.floor: dict[str, list[tuple[float, float, int]]] = {}
        self.searches = 0
        self.floors = 0
        self.statements = 0

    def attach(self, backend):
        from django.db import connection

        connection.ensure_connection()
        self.backend = backend
        original = backend.search

        def search(query, scope, *args, **kwargs):
            self.searches += 1
            start = self._start()
            try:
                return original(query, scope, *args, **kwargs)
            finally:
                if self.searches > len(self.mix):  # after the warm-up
                    self._record(self.cpu, _label(query.text, query.filters), start)

        backend.search = search
        connection.execute_wrappers.append(self._execute)
        return self

    def detach(self):
        from django.db import connection

        vars(self.backend).pop("search", None)
        if self._execute in connection.execute_wrappers:
            connection.execute_wrappers.remove(self._execute)

    def _execute(self, execute, sql, params, many, context):
        self.statements += 1
        if not sql.startswith(FLOOR_SQL):
            return execute(sql, params, many, context)
        # The floor: its queries come in the mix's order, warm-up first.
        position = self.floors % len(self.mix)
        self.floors += 1
        start = self._start()
        try:
            return execute(sql, params, many, context)
        finally:
            if self.floors > len(self.mix):
                _category, text, filters, _signed_in = self.mix[position]
                self._record(self.floor, _label(text, filters), start)

    @staticmethod
    def _server_ns() -> int:
        from django.db import connection

        pid = connection.connection.info.backend_pid
        try:
            with open(f"/proc/{pid}/schedstat") as stat:
                return int(stat.read().split()[0])
        except OSError:  # PostgreSQL on another machine: no server figure
            return 0

    def _start(self):
        return time.process_time(), self._server_ns(), self.statements

    def _record(self, into, label, start):
        client, server, statements = start
        spent = (
            (time.process_time() - client) * 1000,
            (self._server_ns() - server) / 1e6,
            self.statements - statements,
        )
        for name in (self.categories.get(label, label), "all", label):
            into.setdefault(name, []).append(spent)


def print_cpu(report, out, percentile, mix) -> None:
    """Median CPU time per query kind and per query, statements, and the
    ratio to the floor's CPU time."""
    meter = report.get("cpu")
    if meter is None or not meter.cpu or not meter.floor:
        return
    cpu, floor = meter.cpu, meter.floor
    out(
        f"{report['name']}: CPU time per query (median ms; this process plus "
        "the PostgreSQL backend, whatever the load), statements, and the "
        "floor's CPU time"
    )
    out(
        f"{'queries':<34}{'client':>8}{'server':>8}{'total':>8}{'stmts':>6}"
        f"{'floor':>8}{'ratio':>8}"
    )
    labels = ["all", *dict.fromkeys(c for c, *_rest in mix)]
    labels += [_label(text, filters) for _c, text, filters, _s in mix]
    for label in labels:
        if label not in cpu or label not in floor:
            continue
        client = percentile([c for c, _s, _n in cpu[label]], 0.5)
        server = percentile([s for _c, s, _n in cpu[label]], 0.5)
        total = percentile([c + s for c, s, _n in cpu[label]], 0.5)
        statements = max(n for _c, _s, n in cpu[label])
        base = percentile([c + s for c, s, _n in floor[label]], 0.5)
        out(
            f"{label[:33]:<34}{client:>8.1f}{server:>8.1f}{total:>8.1f}"
            f"{statements:>6}{base:>8.1f}{total / max(base, 0.01):>7.1f}x"
        )
    out()
