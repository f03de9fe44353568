#!/usr/bin/env python
"""Search benchmark (not a test).

Generates a realistic corpus of N search documents (EMIS vocabulary, six
languages, every kind and facet, some members-only), indexes it into each
backend — PostgreSQL (database), a real OpenSearch 2.19 and a real Elasticsearch
8.19 node started from tests/engines (or the clusters at OPENSEARCH_URL /
ELASTICSEARCH_URL when set) — and prints indexing
throughput and p50/p95/p99 latency of a fixed query mix (single word, phrase,
facet-filtered, typo, no hits) with facets and highlighting on.

    python bench/search.py                 # 10,000 documents
    python bench/search.py --docs 100000   # the README figures
    python bench/search.py --backend opensearch
    make bench BENCH_ARGS="--docs 100000 --backend database,opensearch,elasticsearch"

It uses its own database (portal_bench), never the development data.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "search_settings")

from search_cpu import CpuMeter, print_cpu  # noqa: E402  (bench/ on the path)

TOPICS = {
    "en": [
        "data governance",
        "school census",
        "teacher management",
        "interoperability",
        "learning assessment",
        "data quality",
        "open standards",
        "mobile data collection",
        "education financing",
        "school grants",
        "capacity development",
        "data use",
        "student records",
        "dashboards",
        "indicators",
        "peer learning",
        "data protection",
    ],
    "fr": [
        "gouvernance des données",
        "recensement scolaire",
        "gestion des enseignants",
        "qualité des données",
        "financement de l'éducation",
        "écoles primaires",
        "évaluation des apprentissages",
        "statistiques scolaires",
    ],
    "es": [
        "gobernanza de datos",
        "censo escolar",
        "gestión docente",
        "calidad de datos",
        "escuelas rurales",
        "financiamiento educativo",
        "estadísticas educativas",
    ],
    "ru": [
        "управление данными",
        "школьная перепись",
        "качество данных",
        "учителя и школы",
        "образовательная статистика",
    ],
    "ar": [
        "حوكمة البيانات",
        "التعداد المدرسي",
        "جودة البيانات",
        "إدارة المعلمين",
        "المدارس الابتدائية",
    ],
    "zh": ["教育管理信息系统", "数据治理", "学校普查", "数据质量", "教师管理"],
}
NOUNS = {
    "en": [
        "lessons learned",
        "guide",
        "report",
        "toolkit",
        "case study",
        "review",
        "framework",
        "handbook",
        "story",
        "webinar",
        "policy brief",
    ],
    "fr": ["leçons apprises", "guide", "rapport", "étude de cas", "cadre"],
    "es": ["lecciones aprendidas", "guía", "informe", "estudio de caso", "marco"],
    "ru": ["уроки", "руководство", "доклад", "обзор"],
    "ar": ["الدروس المستفادة", "دليل", "تقرير", "دراسة حالة"],
    "zh": ["经验教训", "指南", "报告", "案例研究"],
}
PLACES = [
    "Kenya",
    "Senegal",
    "Nepal",
    "Peru",
    "Jordan",
    "Uzbekistan",
    "Malawi",
    "Bangladesh",
    "Colombia",
    "Morocco",
    "Rwanda",
    "Viet Nam",
    "Ghana",
    "Chile",
]
# Body text: words drawn with Zipf weights (the n-th word ~ 1/n) from a
# vocabulary per language, so a few words are in most documents and most words
# in few, as in real text. Query words sit at realistic ranks.
VOCABULARY = {
    "en": (
        "data school schools ministry education system district teachers students "
        "national information management report collection quality officers census "
        "learning training indicators survey country countries development planning "
        "budget enrolment attendance records dashboard dashboards analysis policy "
        "government staff region regional capacity support process processes tools "
        "software platform platforms reporting statistics statistical annual "
        "monitoring evaluation review implementation design standards standard "
        "framework assessment performance results users user access sharing "
        "partners partner donors funding finance financing costs procurement "
        "hosting servers cloud connectivity internet mobile tablets phones paper "
        "forms digital digitisation interoperability integration exchange api "
        "identifiers registry registries unique identifier validation cleaning "
        "errors duplicates coverage timeliness accuracy completeness governance "
        "privacy protection security consent legal law regulation decree mandate "
        "ownership roles responsibilities coordination committee steering "
        "stakeholders communities parents head teachers principals inspectors "
        "inspection supervision curriculum textbooks exams examinations scores "
        "literacy numeracy early childhood primary secondary tertiary vocational "
        "girls gender equity inclusion disability refugees displacement crisis "
        "emergency pandemic closures remote radio television dropout retention "
        "transition completion repetition pupils classrooms infrastructure "
        "electricity water sanitation meals grants allocation formula payroll "
        "salaries deployment recruitment rural urban remote islands mentoring "
        "mentorship coaching workshop webinar conference peer exchange visit "
        "lessons learned story stories experience challenge solution outcome "
        "recommendation pilot scale scaling sustainability maintenance vendor "
        "contract escrow source open license licensing cost benefit value "
        "visualisation maps geospatial mapping gis coordinates household sample "
        "projection projections demographic population microplanning archive"
    ).split(),
    "fr": (
        "données école écoles ministère éducation système district enseignants "
        "élèves national information gestion rapport collecte qualité recensement "
        "apprentissage formation indicateurs enquête pays planification budget "
        "effectifs tableaux bord analyse politique gouvernement région capacités "
        "outils plateforme statistiques annuel suivi évaluation cadre partenaires "
        "financement coûts numérique interopérabilité gouvernance protection "
        "inspecteurs examens primaire secondaire filles équité leçons apprises"
    ).split(),
    "es": (
        "datos escuela escuelas ministerio educación sistema distrito docentes "
        "estudiantes nacional información gestión informe recolección calidad censo "
        "aprendizaje formación indicadores encuesta país planificación presupuesto "
        "matrícula tableros análisis política gobierno región capacidades "
        "herramientas plataforma estadísticas anual monitoreo evaluación marco "
        "socios financiamiento costos digital interoperabilidad gobernanza rurales "
        "maestras lecciones aprendidas"
    ).split(),
    "ru": (
        "данные школа школы министерство образование система район учителя "
        "учащиеся национальный информация управление доклад сбор качество перепись "
        "обучение показатели опрос страна планирование бюджет анализ политика "
        "регион инструменты платформа статистика мониторинг оценка уроки"
    ).split(),
    "ar": (
        "البيانات المدرسة المدارس الوزارة التعليم النظام المنطقة المعلمين الطلاب "
        "الوطني المعلومات الإدارة التقرير الجمع الجودة التعداد التعلم التدريب "
        "المؤشرات المسح البلد التخطيط الميزانية التحليل السياسة الدروس المستفادة"
    ).split(),
    "zh": [
        "数据",
        "学校",
        "教育部",
        "教育",
        "系统",
        "地区",
        "教师",
        "学生",
        "国家",
        "信息",
        "管理",
        "报告",
        "收集",
        "质量",
        "普查",
        "学习",
        "培训",
        "指标",
        "调查",
        "规划",
        "预算",
        "入学",
        "分析",
        "政策",
        "治理",
        "经验教训",
    ],
}
LANGUAGE_WEIGHTS = [("en", 60), ("fr", 14), ("es", 10), ("ru", 6), ("ar", 5), ("zh", 5)]
KIND_WEIGHTS = [
    ("resource", 50),
    ("post", 25),
    ("thread", 12),
    ("event", 9),
    ("group", 4),
]
FORMATS = [
    "report",
    "book",
    "article",
    "dataset",
    "training",
    "conference-paper",
    "webinar",
    "policy",
    "case-study",
    "lesson-learned",
    "story",
    "mentorship",
    "tool",
]
TACIT = {"lesson-learned", "story", "mentorship"}
LEVELS = ["international", "regional", "national", "all-levels"]
REGIONS = [
    "global",
    "africa",
    "arab-states",
    "asia-pacific",
    "europe-north-america",
    "latin-america-caribbean",
]
TAGS = [
    "data governance",
    "interoperability",
    "school census",
    "open source",
    "capacity development",
    "data quality",
    "financing",
    "mobile data collection",
    "indicators",
    "teacher management",
    "dashboards",
    "sdg 4",
    "peer learning",
    "data protection",
    "procurement",
    "learning assessment",
]
GROUPS = [101, 102, 103]

# (category, text, filters, signed-in member of group 101?)
QUERY_MIX = [
    ("single word", "data", {}, False),  # in most documents, as in real EMIS text
    ("single word", "interoperability", {}, True),
    ("single word", "payroll", {}, False),
    ("single word", "écoles", {}, False),
    ("single word", "mentorship", {}, True),
    ("words", "teacher deployment rural", {}, False),
    ("words", "school census digitisation", {}, True),
    ("words", "gender equity secondary", {}, False),
    ("phrase", '"school census"', {}, False),
    ("phrase", '"lessons learned" -vendor', {}, True),
    ("phrase", '"data governance"', {}, False),
    (
        "facet-filtered",
        "data",
        {"kind": ["resource"], "knowledge_type": ["tacit"]},
        False,
    ),
    (
        "facet-filtered",
        "lessons learned",
        {"format": ["case-study", "report"], "level": ["national"]},
        True,
    ),
    (
        "facet-filtered",
        "guide",
        {"year": ["2020", "2021"], "region": ["africa"]},
        False,
    ),
    ("facet-filtered", "budget", {"tag": ["financing"], "group": ["101"]}, True),
    ("typo", "lesons lerned", {}, False),
    ("typo", "interoperabilty", {}, True),
    ("typo", "procurment", {}, False),
    ("no hits", "xylophone quantum", {}, False),
    ("no hits", "zzqqxx", {}, True),
]


ZIPF = {
    language: [1 / rank for rank in range(1, len(words) + 1)]
    for language, words in VOCABULARY.items()
}


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def make_corpus(count: int, seed: int = 42):
    from search.documents import SearchDocument

    rng = random.Random(seed)
    start = datetime(2005, 1, 1, tzinfo=UTC)
    for n in range(1, count + 1):
        language = weighted(rng, LANGUAGE_WEIGHTS)
        kind = weighted(rng, KIND_WEIGHTS)
        topic = rng.choice(TOPICS[language])
        noun = rng.choice(NOUNS[language])
        place = rng.choice(PLACES)
        title = f"{topic.capitalize()}: {noun} ({place} {n})"
        vocabulary = VOCABULARY[language]
        weights = ZIPF[language]
        sep = "" if language == "zh" else " "
        sentences = []
        for _ in range(rng.randint(6, 14)):
            words = rng.choices(vocabulary, weights, k=rng.randint(8, 16))
            words.insert(rng.randrange(len(words)), topic)
            sentences.append(sep.join(words).capitalize() + ".")
        body = " ".join(sentences)
        summary = f"{topic.capitalize()} {noun} from {place}. {sentences[0]}"
        date = start + timedelta(days=rng.randrange(0, 7300), hours=rng.randrange(24))
        private = rng.random() < 0.15
        groups = rng.sample(GROUPS, rng.randint(0, 2))
        if private and not groups:
            groups = [rng.choice(GROUPS)]
        fmt = rng.choice(FORMATS) if kind == "resource" else ""
        yield SearchDocument(
            source=f"bench.{kind}",
            object_id=n,
            kind=kind,
            title=title,
            url=f"/bench/{kind}/{n}/",
            summary=summary,
            body=body,
            tags=rng.sample(TAGS, rng.randint(0, 4)),
            language=language,
            date=date,
            is_public=not private,
            group_ids=groups if private else [],
            knowledge_type=("tacit" if fmt in TACIT else "explicit") if fmt else "",
            format=fmt,
            level=rng.choice(LEVELS) if kind == "resource" else "",
            working_groups=groups,
            year=date.year,
            regions=rng.sample(REGIONS, rng.randint(0, 2))
            if kind == "resource"
            else [],
        )


def out(*parts, flush=False):
    """The benchmark's report goes to stdout (a script, not library code)."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    if flush:
        sys.stdout.flush()


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run_queries(backend, rounds: int):
    from search.faceted import SearchQuery
    from search.permissions import PUBLIC_SCOPE, SearchScope

    member = SearchScope(group_ids=frozenset({GROUPS[0]}))
    took = EngineTook.attach(backend)
    timings: dict[str, list[float]] = {}
    totals = {}
    searched: dict[str, str] = {}
    for warmup in (True, False):
        for _ in range(1 if warmup else rounds):
            for category, text, filters, signed_in in QUERY_MIX:
                query = SearchQuery(
                    text=text, filters={k: tuple(v) for k, v in filters.items()}
                )
                took.reset()
                started = time.perf_counter()
                try:
                    results = backend.search(
                        query, member if signed_in else PUBLIC_SCOPE
                    )
                except Exception as error:  # noqa: BLE001 - counted and shown, not fatal
                    errors = totals.setdefault("errors", {})
                    if category not in errors:
                        out(
                            f"  {category} {text!r} failed: {error!r}"[:600], flush=True
                        )
                        cause = getattr(error, "__cause__", None)
                        out(f"    {getattr(cause, 'info', '')}"[:1500], flush=True)
                    errors[category] = errors.get(category, 0) + 1
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                label = text + (" +" + "+".join(filters) if filters else "")
                if not warmup:
                    timings.setdefault(category, []).append(elapsed)
                    timings.setdefault("all", []).append(elapsed)
                    timings.setdefault(label, []).append(elapsed)
                    totals[label] = (results.total, results.total_approximate)
                    if took:
                        for name in (category, "all", label):
                            took.timings.setdefault(name, []).append(took.took)
                            took.requests.setdefault(name, []).append(took.count)
                # The floor searches the words the backend searched (a typo's
                # correction), with the same filters.
                searched[label] = results.corrected_text or text
    suggest = []
    for _ in range(rounds):
        for prefix in ("data g", "lesso", "intero", "écol", "sch"):
            started = time.perf_counter()
            backend.suggest(prefix, PUBLIC_SCOPE)
            suggest.append((time.perf_counter() - started) * 1000)
    timings["autocomplete"] = suggest
    if getattr(backend, "is_database", False):
        timings["floor"] = bare_gin_timings(rounds, searched)
    elif took:
        timings["took"] = took.timings
        timings["requests"] = took.requests
        took.detach()
        timings["floor"] = bare_engine_timings(backend, rounds, searched)
    return timings, totals


class EngineTook:
    """The engine's own time (``took``, summed over the requests of one
    search) and the number of requests, beside the client's wall-clock time."""

    def __init__(self, backend):
        self.backend = backend
        self.timings: dict[str, list[float]] = {}
        self.requests: dict[str, list[int]] = {}
        self.took = 0.0
        self.count = 0

    @classmethod
    def attach(cls, backend):
        if getattr(backend, "is_database", False):
            return None
        took = cls(backend)
        original = backend._search_raw

        def search_raw(body, **kwargs):
            response = original(body, **kwargs)
            took.took += float(response.get("took") or 0)
            took.count += 1
            return response

        backend._search_raw = search_raw
        return took

    def detach(self):
        vars(self.backend).pop("_search_raw", None)

    def reset(self):
        self.took = 0.0
        self.count = 0

    def __bool__(self):
        return True


def bare_engine_timings(backend, rounds: int, searched: dict[str, str]):
    """The engines' floor, as the database's: the same words (a typo's
    correction) as a bare simple_query_string over the same fields, AND, with
    the same filters, first 20 ids; no visibility, collapse, exact count,
    aggregations, highlighting or spelling check."""
    from search.faceted import SearchQuery

    floor: dict[str, list[float]] = {}
    for warmup in (True, False):
        for _ in range(1 if warmup else rounds):
            for category, text, filters, _signed_in in QUERY_MIX:
                label = text + (" +" + "+".join(filters) if filters else "")
                words = searched.get(label, text)
                query = SearchQuery(
                    text=words, filters={k: tuple(v) for k, v in filters.items()}
                )
                body = {
                    "query": {
                        "bool": {
                            "must": [backend._strict_query(words).to_dict()],
                            "filter": [
                                c.to_dict() for c in backend._filter_clauses(query)
                            ],
                        }
                    },
                    "size": 20,
                    "_source": False,
                }
                started = time.perf_counter()
                backend._search_raw(body)
                elapsed = (time.perf_counter() - started) * 1000
                if not warmup:
                    floor.setdefault(category, []).append(elapsed)
                    floor.setdefault("all", []).append(elapsed)
                    floor.setdefault(label, []).append(elapsed)
    return floor


def bare_gin_timings(rounds: int, searched: dict[str, str]) -> dict[str, list[float]]:
    """The floor: per query, a bare GIN match of the words the backend searched
    (a typo's correction), with the same filters, on the same corpus: ts_rank
    over every match and the first 20 ids; no visibility, grouping, counts,
    facets or highlights."""
    from django.db import connection

    from search.backends.database import DatabaseSearchBackend
    from search.backends.database.common import _Sql
    from search.faceted import SearchQuery

    floor: dict[str, list[float]] = {}
    with connection.cursor() as cursor:
        for warmup in (True, False):
            for _ in range(1 if warmup else rounds):
                for category, text, filters, _signed_in in QUERY_MIX:
                    label = text + (" +" + "+".join(filters) if filters else "")
                    words = searched.get(label, text)
                    where = _Sql()
                    DatabaseSearchBackend._filters(
                        where,
                        SearchQuery(
                            text=words,
                            filters={k: tuple(v) for k, v in filters.items()},
                        ),
                    )
                    started = time.perf_counter()
                    cursor.execute(
                        "SELECT id, ts_rank(search_vector, q) AS rank "
                        "FROM search_document, (SELECT "
                        "websearch_to_tsquery('portal_english', %s) || "
                        "websearch_to_tsquery('portal_simple', %s) AS q) query "
                        f"WHERE search_vector @@ q AND {where.sql()} "
                        "ORDER BY rank DESC LIMIT 20",
                        [words, words, *where.params],
                    )
                    cursor.fetchall()
                    elapsed = (time.perf_counter() - started) * 1000
                    if not warmup:
                        floor.setdefault(category, []).append(elapsed)
                        floor.setdefault("all", []).append(elapsed)
                        floor.setdefault(label, []).append(elapsed)
    return floor


def bench_backend(name, backend, documents, rounds):
    backend.clear()  # a full build from scratch, not an update of the last run
    started = time.perf_counter()
    result = backend.reindex(iter(documents), batch_size=1000)
    seconds = time.perf_counter() - started
    database = getattr(backend, "is_database", False)
    meter = CpuMeter(QUERY_MIX).attach(backend) if database else None
    timings, totals = run_queries(backend, rounds)
    if meter:
        meter.detach()
    relevance = corpus_relevance(backend, documents)
    return {
        "cpu": meter,
        "relevance": relevance,
        "name": name,
        "indexed": result.indexed,
        "seconds": seconds,
        "rate": result.indexed / seconds if seconds else 0,
        "timings": timings,
        "totals": totals,
    }


def corpus_mark(count: int) -> str:
    return f"search-bench:{count}"


def database_corpus_ready(count: int) -> bool:
    """--reuse: the database already holds this corpus (same seed, same size),
    indexed by an earlier run of this script."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return bool(row) and row[0] == corpus_mark(count)


def database_corpus_mark(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS '{corpus_mark(count)}'")


def bench_database_reused(name, backend, count, rounds, skip_relevance=False):
    """Queries only, on the corpus an earlier --reuse run indexed."""
    meter = CpuMeter(QUERY_MIX).attach(backend)
    timings, totals = run_queries(backend, rounds)
    meter.detach()
    return {
        "cpu": meter,
        "relevance": None
        if skip_relevance
        else corpus_relevance(backend, make_corpus(count)),
        "name": f"{name}, reused",
        "indexed": count,
        "seconds": 0.0,
        "rate": 0,
        "timings": timings,
        "totals": totals,
    }


def corpus_relevance(backend, documents):
    """nDCG@10 and MRR of the rule-judged queries (search/relevance/bench.json)."""
    from search.permissions import SearchScope
    from search.relevance import backend_titles, evaluate, judge_by_topic, load_rules

    queries = judge_by_topic(load_rules("bench"), documents)
    return evaluate(backend_titles(backend, SearchScope(all=True)), queries)


def bench_engine(
    name,
    documents,
    rounds,
    *,
    count=0,
    reuse=False,
    skip_relevance=False,
    index_only=False,
):
    """Index into and query a real engine: the cluster at <NAME>_URL, a
    long-lived node of bench/engine_nodes.py, or a node started here from
    tests/engines (1 GB heap unless ENGINE_HEAP).

    With ``reuse`` the corpus lives in its own alias (bench-<count>-documents)
    and is kept: indexed (streamed) only when the alias does not already hold
    this corpus, then only queried."""
    from engine_nodes import node_url, read_state

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
    if url:
        label = name
    elif node_url(name):
        url = node_url(name)
        state = read_state(name)
        label = f"{name} ({state['version'].split()[-1]})"
        out(
            f"Using the benchmark node {url} (heap {state['heap']}, {state['flags']})",
            flush=True,
        )
    else:
        os.environ.setdefault("ENGINE_HEAP", "1g")
        # The engines' production JVM settings, not the tests' quick start.
        os.environ.setdefault("ENGINE_JVM_FLAGS", BENCH_JVM_FLAGS)
        from tests import engines

        out(f"Starting {engines.VERSIONS[name]}…", flush=True)
        node = engines.start(name).wait()
        url = node.url
        label = f"{name} ({engines.VERSIONS[name].split()[-1]})"
    try:
        backend = engine_class(
            name,
            url=url,
            index_prefix=f"bench-{count}" if reuse else "bench",
            timeout=30,
            bulk_timeout=300,
            options={"http_compress": False},  # loopback: no gzip either way
        )
        if not reuse:
            out(conditions(f"{label} begins"), flush=True)
            out(f"Indexing into {label}…", flush=True)
            report = bench_backend(label, backend, documents, rounds)
            backend.clear()
            backend.close()
            return report
        if engine_corpus_ready(backend, count):
            out(f"Reusing the {count:,} documents already in {backend.alias}.")
            seconds = rate = 0.0
            reused = ", reused"
        else:
            out(conditions(f"{label} indexing begins"), flush=True)
            out(f"Indexing {count:,} generated documents (streamed)…", flush=True)
            backend.clear()
            started = time.perf_counter()
            result = backend.reindex(
                produced_in_thread(make_corpus(count)), batch_size=1000
            )
            seconds = time.perf_counter() - started
            rate = result.indexed / seconds
            out(
                f"  {result.indexed:,} in {seconds:.0f} s ({rate:,.0f}/s, "
                "generation included)",
                flush=True,
            )
            out(conditions(f"{label} indexed"), flush=True)
            out(f"  {engine_index_stats(backend)}", flush=True)
            reused = ""
        if index_only:
            backend.close()
            return None
        out(conditions(f"{label} queries begin"), flush=True)
        timings, totals = run_queries(backend, rounds)
        relevance = (
            None if skip_relevance else corpus_relevance(backend, make_corpus(count))
        )
        backend.close()
        return {
            "relevance": relevance,
            "name": label + reused,
            "indexed": count,
            "seconds": seconds,
            "rate": rate,
            "timings": timings,
            "totals": totals,
        }
    finally:
        if node is not None:
            from tests import engines

            engines.cleanup(node)


def produced_in_thread(documents, size: int = 2000):
    """``documents`` generated in a thread of their own: the next batch is
    made while the engine indexes the last one (the GIL is free during the
    request)."""
    import queue
    import threading

    buffer: queue.Queue = queue.Queue(maxsize=size)
    done = object()

    def produce():
        try:
            for document in documents:
                buffer.put(document)
        finally:
            buffer.put(done)

    threading.Thread(target=produce, daemon=True).start()
    while (document := buffer.get()) is not done:
        yield document


def engine_corpus_ready(backend, count: int) -> bool:
    """--reuse: the alias holds this corpus (this size, and the generator's
    first document as generated now)."""
    if not backend.alias_targets() or backend.count() != count:
        return False
    first = next(make_corpus(1))
    hits = backend._search_raw(
        {"query": {"term": {"key": first.key}}, "_source": ["title"]}
    )["hits"]["hits"]
    return bool(hits) and hits[0]["_source"]["title"] == first.title


def engine_index_stats(backend) -> str:
    rows = backend._call(
        backend._options(60).cat.indices,
        index=backend.alias,
        format="json",
        h="index,docs.count,store.size,segments.count",
    )
    return "; ".join(
        f"{row.get('index')}: {row.get('docs.count')} documents, "
        f"{row.get('store.size')}, {row.get('segments.count')} segments"
        for row in rows
    )


def print_report(reports, count, rounds):
    out()
    out(
        f"Search benchmark: {count:,} documents, {rounds} rounds of "
        f"{len(QUERY_MIX)} queries (facets and highlighting on)"
    )
    out()
    header = f"{'backend':<22}{'reindex':>10}{'docs/s':>9}  {'queries':<16}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    out(header)
    out("-" * len(header))
    for report in reports:
        first = True
        # Every kind the mix times, in the mix's order (none left out).
        kinds = list(dict.fromkeys(category for category, *_rest in QUERY_MIX))
        order = ["all", *kinds, "autocomplete"]
        for category in order:
            values = report["timings"].get(category)
            if not values:
                continue
            prefix = (
                f"{report['name']:<22}{report['seconds']:>9.1f}s{report['rate']:>9.0f}  "
                if first
                else " " * 42
            )
            out(
                f"{prefix}{category:<16}{percentile(values, 0.5):>8.1f}"
                f"{percentile(values, 0.95):>8.1f}{percentile(values, 0.99):>8.1f}"
            )
            first = False
    out()
    for report in reports:
        floor = report["timings"].get("floor")
        if not floor:
            continue
        backend_p95 = percentile(report["timings"]["all"], 0.95)
        floor_p95 = percentile(floor["all"], 0.95)
        engine = "took" in report["timings"]
        bare = (
            "bare simple_query_string of the same words and filters, no "
            "aggregations, collapse, highlights or exact count"
            if engine
            else "bare GIN websearch_to_tsquery + ts_rank"
        )
        out(
            f"{report['name']}: p95 {backend_p95:.1f} ms (facets and highlights on) "
            f"vs the floor's p95 {floor_p95:.1f} ms ({bare}, first 20 ids): "
            f"ratio {backend_p95 / max(floor_p95, 0.01):.1f}x"
        )
        out(
            f"{report['name']} beside the floor, per kind: "
            + (
                "a bare simple_query_string (AND) of the same words (a typo's "
                "correction) and filters, first 20 ids"
                if engine
                else "a bare GIN match of the same words (a typo's correction) "
                "and filters, ts_rank over every match, first 20 ids"
            )
        )
        out(
            f"{'queries':<16}{'p50 ms':>9}{'floor':>8}{'ratio':>8}"
            f"{'p95 ms':>9}{'floor':>8}{'ratio':>8}"
        )
        for category in ["all", *dict.fromkeys(c for c, *_rest in QUERY_MIX)]:
            out(ratio_line(category, report["timings"][category], floor[category]))
        out()
        out(
            f"{report['name']}: selective queries (at most {SELECTIVE:,} "
            "results, exactly counted) beside their floor"
        )
        out(
            f"{'query':<34}{'hits':>6}{'p50 ms':>9}{'floor':>8}{'ratio':>8}"
            f"{'p95 ms':>9}{'floor':>8}{'ratio':>8}"
        )
        for label, (total, approximate) in report["totals"].items():
            if label == "errors" or approximate or not total or total > SELECTIVE:
                continue
            line = ratio_line(label, report["timings"][label], floor[label], 34)
            out(line[:34] + f"{total:>6}" + line[34:])
        out()
    for report in reports:
        took = report["timings"].get("took")
        if not took:
            continue
        requests = report["timings"]["requests"]
        out(
            f"{report['name']}: the engine's own time (took, summed over the "
            "requests of a search) beside the client's, per kind"
        )
        out(
            f"{'queries':<16}{'p50 ms':>9}{'took':>8}{'p95 ms':>9}{'took':>8}"
            f"{'p99 ms':>9}{'took':>8}{'requests':>10}"
        )
        for category in ["all", *dict.fromkeys(c for c, *_rest in QUERY_MIX)]:
            values, engine = report["timings"][category], took[category]
            out(
                f"{category:<16}"
                + "".join(
                    f"{percentile(values, q):>9.1f}{percentile(engine, q):>8.1f}"
                    for q in (0.5, 0.95, 0.99)
                )
                + f"{sum(requests[category]) / len(requests[category]):>10.1f}"
            )
        out()
    out("Relevance on the benchmark corpus (search/relevance/bench.json)")
    out(f"{'backend':<26}{'queries':>8}{'nDCG@10':>10}{'MRR':>8}")
    for report in reports:
        relevance = report["relevance"]
        if relevance is None:
            out(f"{report['name']:<26}  not measured (--skip-relevance)")
            continue
        out(
            f"{report['name']:<26}{len(relevance.scores):>8}"
            f"{relevance.ndcg:>10.3f}{relevance.mrr:>8.3f}"
        )
    out()
    for report in reports:
        out(
            f"hits per query ({report['name']}): "
            + ", ".join(
                f"{label!r}={'~' if approx else ''}{total}"
                for label, (total, approx) in report["totals"].items()
                if label != "errors"
            )
        )
    for report in reports:
        out()
        print_cpu(report, out, percentile, QUERY_MIX)


BENCH_JVM_FLAGS = "-XX:+UseG1GC"
SELECTIVE = 1000  # results: the database backend's exact limit


def ratio_line(name: str, values, floor, width: int = 16) -> str:
    """p50 and p95 of ``values`` beside the floor's, and their ratios."""
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    f50, f95 = percentile(floor, 0.5), percentile(floor, 0.95)
    return (
        f"{name[: width - 1]:<{width}}{p50:>9.1f}{f50:>8.1f}{p50 / max(f50, 0.01):>7.1f}x"
        f"{p95:>9.1f}{f95:>8.1f}{p95 / max(f95, 0.01):>7.1f}x"
    )


def conditions(moment: str) -> str:
    """Machine, load average and clock: printed at the start and at the end."""
    import platform
    import subprocess

    one, five, fifteen = os.getloadavg()
    line = (
        f"{moment}: {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, load average "
        f"{one:.2f} {five:.2f} {fifteen:.2f}"
    )
    if moment == "start":
        try:
            java = subprocess.run(
                ["java", "-version"], capture_output=True, text=True, timeout=30
            ).stderr.splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            java = "no java"
        line += (
            f"; {os.cpu_count()} CPUs, {platform.machine()}, "
            f"Python {platform.python_version()}, {java}, "
            f"engine nodes started here: heap {os.environ.get('ENGINE_HEAP', '1g')}, "
            f"JVM flags {os.environ.get('ENGINE_JVM_FLAGS', BENCH_JVM_FLAGS)}"
        )
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument(
        "--rounds", type=int, default=20, help="passes over the query mix"
    )
    parser.add_argument(
        "--backend",
        "--backends",
        dest="backends",
        default="database,opensearch,elasticsearch",
        help="comma-separated: database, opensearch, elasticsearch (real nodes "
        "from tests/engines, or OPENSEARCH_URL / ELASTICSEARCH_URL)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="database: keep the corpus an earlier --reuse run indexed (index "
        "1,000,000 documents once, time the queries later)",
    )
    parser.add_argument(
        "--index-only", action="store_true", help="with --reuse: index, no queries"
    )
    parser.add_argument(
        "--skip-relevance",
        action="store_true",
        help="with --reuse: no relevance figures (judging a million generated "
        "documents takes minutes)",
    )
    args = parser.parse_args()

    import django

    out(conditions("start"), flush=True)
    django.setup()
    from django.core.management import call_command

    wanted = [name.strip() for name in args.backends.split(",") if name.strip()]
    reports = []
    if args.reuse:
        # A million documents do not fit in memory as a list: streamed, and
        # kept (portal_bench, or the engine's bench-<N>-documents alias) for
        # later runs.
        if "database" in wanted:
            from search.backends.database import DatabaseSearchBackend

            backend = DatabaseSearchBackend("database")
            if database_corpus_ready(args.docs):
                out(f"Reusing the {args.docs:,} documents already indexed.", flush=True)
            else:
                out("Preparing the benchmark database…", flush=True)
                call_command("migrate", verbosity=0)
                out(
                    f"Indexing {args.docs:,} generated documents (streamed)…",
                    flush=True,
                )
                backend.clear()
                started = time.perf_counter()
                result = backend.reindex(make_corpus(args.docs), batch_size=1000)
                seconds = time.perf_counter() - started
                out(
                    f"  {result.indexed:,} in {seconds:.0f} s "
                    f"({result.indexed / seconds:,.0f}/s, generation included)",
                    flush=True,
                )
                database_corpus_mark(args.docs)
                from django.db import connection

                with connection.cursor() as cursor:  # fresh statistics
                    cursor.execute("VACUUM ANALYZE search_document")
            if not args.index_only:
                out(conditions("database queries begin"), flush=True)
                reports.append(
                    bench_database_reused(
                        "database (PostgreSQL)",
                        backend,
                        args.docs,
                        args.rounds,
                        skip_relevance=args.skip_relevance,
                    )
                )
        for name in ("opensearch", "elasticsearch"):
            if name in wanted:
                report = bench_engine(
                    name,
                    None,
                    args.rounds,
                    count=args.docs,
                    reuse=True,
                    skip_relevance=args.skip_relevance,
                    index_only=args.index_only,
                )
                if report:
                    reports.append(report)
        if reports:
            print_report(reports, args.docs, args.rounds)
        out()
        out(conditions("end"))
        return

    out("Preparing the benchmark database (portal_bench)…", flush=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    documents = list(make_corpus(args.docs))
    out(
        f"Generated {len(documents):,} documents in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    if "database" in wanted:
        from search.backends.database import DatabaseSearchBackend

        out(conditions("database begins"), flush=True)
        out("Indexing into PostgreSQL…", flush=True)
        database_corpus_mark(0)  # the corpus is replaced: no --reuse of it
        reports.append(
            bench_backend(
                "database (PostgreSQL)",
                DatabaseSearchBackend("database"),
                documents,
                args.rounds,
            )
        )
    for name in ("opensearch", "elasticsearch"):
        if name in wanted:
            reports.append(bench_engine(name, documents, args.rounds))
    print_report(reports, len(documents), args.rounds)
    out()
    out(conditions("end"))


if __name__ == "__main__":
    main()
