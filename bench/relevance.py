#!/usr/bin/env python
"""Relevance benchmark (not a test): nDCG@10 and MRR of the judged query set
(search/relevance/demo.json) on the demo content, per backend.

Loads the demo into a database of its own (portal_relevance), indexes it into
PostgreSQL and into real OpenSearch 2.19 / Elasticsearch 8.19 nodes started
from tests/engines (or the clusters at OPENSEARCH_URL / ELASTICSEARCH_URL), and
prints the figures with the worst queries. The benchmark corpus's figures come
from bench/search.py (``make bench`` runs both).

    python bench/relevance.py --backend database,opensearch,elasticsearch
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relevance_settings")


def out(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def report_line(name, report, *, worst=3):
    out(f"{name:<26}{len(report.scores):>8}{report.ndcg:>10.3f}{report.mrr:>8.3f}")
    for score in report.worst(worst):
        out(f"    {score.ndcg:.2f}  {score.query.text!r} → {score.titles[:2]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backend",
        "--backends",
        dest="backends",
        default="database,opensearch,elasticsearch",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from search.backends.database import DatabaseSearchBackend
    from search.models import IndexedDocument
    from search.permissions import SearchScope
    from search.relevance import backend_titles, evaluate, load

    out("Loading the demo content (portal_relevance)…")
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-users", stdout=open(os.devnull, "w"))
    documents = [row.as_search_document() for row in IndexedDocument.objects.all()]
    queries = load("demo")
    everything = SearchScope(all=True)
    wanted = [name.strip() for name in args.backends.split(",") if name.strip()]
    out()
    out(f"Relevance on the demo content ({len(documents)} documents)")
    out(f"{'backend':<26}{'queries':>8}{'nDCG@10':>10}{'MRR':>8}")
    if "database" in wanted:
        backend = DatabaseSearchBackend("database")
        report_line(
            "database (PostgreSQL)",
            evaluate(backend_titles(backend, everything), queries),
        )
    for name in ("opensearch", "elasticsearch"):
        if name not in wanted:
            continue
        backend, node = start_engine(name)
        try:
            backend.reindex(iter(documents))
            report_line(name, evaluate(backend_titles(backend, everything), queries))
            backend.clear()
        finally:
            backend.close()
            if node is not None:
                from tests import engines

                engines.cleanup(node)


def start_engine(name):
    from search.backends.elasticsearch import (
        ElasticsearchSearchBackend,
        OpenSearchSearchBackend,
    )

    engine_class = {
        "opensearch": OpenSearchSearchBackend,
        "elasticsearch": ElasticsearchSearchBackend,
    }[name]
    url = os.environ.get(f"{name.upper()}_URL")
    node = None
    if not url:
        from tests import engines

        node = engines.start(name).wait()
        url = node.url
    backend = engine_class(
        name, url=url, index_prefix="relevance", timeout=30, refresh=True
    )
    return backend, node


if __name__ == "__main__":
    main()
