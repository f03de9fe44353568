"""Shared parts of the database backend: columns, SQL fragments, helpers."""

from __future__ import annotations

import re

from ...documents import (
    LANGUAGE_CONFIGS,
    MARK_END,
    MARK_START,
    SIMPLE_CONFIG,
    SearchDocument,
    cjk_bigrams,
    has_cjk,
)

CONFIGS = sorted({*LANGUAGE_CONFIGS.values(), SIMPLE_CONFIG})
RANK_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D, C, B, A
HEADLINE_TITLE = f'HighlightAll=true, StartSel="{MARK_START}", StopSel="{MARK_END}"'
HEADLINE_BODY = (
    f'MaxFragments=2, MaxWords=28, MinWords=10, ShortWord=2, FragmentDelimiter=" … ", '
    f'StartSel="{MARK_START}", StopSel="{MARK_END}"'
)
SNIPPET_SOURCE_CHARS = 20_000
CORRECTION_THRESHOLD = 5  # below this many hits, look for a better spelling
SUGGEST_CANDIDATES = 200

# Columns written by bulk(), with their SQL casts; search_vector and
# title_folded are computed by the search_document_prepare trigger.
WRITE_COLUMNS = [
    ("key", ""),
    ("source", ""),
    ("object_id", ""),
    ("kind", ""),
    ("title", ""),
    ("summary", ""),
    ("body", ""),
    ("tags", "::varchar[]"),
    ("url", ""),
    ("language", ""),
    ("search_config", ""),
    ("date", "::timestamptz"),
    ("year", "::int"),
    ("knowledge_type", ""),
    ("format", ""),
    ("level", ""),
    ("working_groups", "::int[]"),
    ("regions", "::varchar[]"),
    ("countries", "::varchar[]"),
    ("collapse_key", ""),
    ("forum", ""),
    ("is_public", ""),
    ("group_ids", "::int[]"),
    ("cjk_title", ""),
    ("cjk_text", ""),
    ("first_indexed_at", "::timestamptz"),
    ("updated_at", "::timestamptz"),
]
# Everything but the key and the first-indexed time; an unchanged document is
# not rewritten (no trigger, no dead row), which makes reindexing cheap.
COMPARED_COLUMNS = [
    name
    for name, _cast in WRITE_COLUMNS
    if name not in {"key", "first_indexed_at", "updated_at"}
]
UPSERT_SQL = (
    f"INSERT INTO search_document ({', '.join(n for n, _ in WRITE_COLUMNS)}) "
    "VALUES %s ON CONFLICT (key) DO UPDATE SET "
    + ", ".join(
        f"{n} = EXCLUDED.{n}"
        for n, _ in WRITE_COLUMNS
        if n not in {"key", "first_indexed_at"}
    )
    + f" WHERE ({', '.join('search_document.' + n for n in COMPARED_COLUMNS)}) "
    f"IS DISTINCT FROM ({', '.join('EXCLUDED.' + n for n in COMPARED_COLUMNS)})"
)
UPSERT_TEMPLATE = "(" + ", ".join(f"%s{cast}" for _n, cast in WRITE_COLUMNS) + ")"
HIT_COLUMNS = (
    "id, key, source, object_id, kind, title, url, summary, date, tags, language, "
    "is_public, knowledge_type, format, level, working_groups"
)
FACET_COLUMNS = {
    "kind": ("kind", "varchar"),
    "knowledge_type": ("knowledge_type", "varchar"),
    "format": ("format", "varchar"),
    "level": ("level", "varchar"),
    "language": ("language", "varchar"),
    "year": ("year", "int"),
    "group": ("working_groups", "int[]"),
    "tag": ("tags", "varchar[]"),
    "region": ("regions", "varchar[]"),
    "country": ("countries", "varchar[]"),
    "forum": ("forum", "varchar"),
}


def document_row(document: SearchDocument, now) -> tuple:
    cjk_title = cjk_bigrams(document.title) if has_cjk(document.title) else ""
    text = f"{document.summary} {document.body}"
    cjk_text = cjk_bigrams(text) if has_cjk(text) else ""
    return (
        document.key,
        document.source,
        document.object_id,
        document.kind,
        document.title,
        document.summary,
        document.body,
        document.tags,
        document.url,
        document.language,
        document.search_config,
        document.date,
        document.year,
        document.knowledge_type,
        document.format,
        document.level,
        document.working_groups,
        document.regions,
        document.countries,
        document.collapse_key,
        document.forum,
        document.is_public,
        document.group_ids if not document.is_public else [],
        cjk_title,
        cjk_text,
        now,
        now,
    )


def prepare_text(text: str) -> str:
    """Chinese/Japanese/Korean runs become bigrams, as in the indexed text."""
    if not has_cjk(text):
        return text
    return re.sub(
        r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+",
        lambda m: " " + cjk_bigrams(m.group(0)) + " ",
        text,
    )


class _Sql:
    """A WHERE clause under construction, with its parameters."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, *params):
        self.parts.append(sql)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "TRUE"

    def extend(self, other: _Sql) -> None:
        self.parts.extend(other.parts)
        self.params.extend(other.params)

    def copy(self) -> _Sql:
        other = _Sql()
        other.parts = list(self.parts)
        other.params = list(self.params)
        return other


def _cjk_highlight(text: str, query: str) -> str:
    """Mark the query's CJK runs (and their bigrams) in ``text``."""
    if not text:
        return ""
    runs = re.findall(
        r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+", query
    )
    pieces = sorted(
        {*runs, *cjk_bigrams(" ".join(runs)).split()}, key=len, reverse=True
    )
    pieces = [p for p in pieces if len(p) >= 2 or len(runs) == 1]
    if not pieces:
        return text
    pattern = re.compile("|".join(re.escape(p) for p in pieces))
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)
