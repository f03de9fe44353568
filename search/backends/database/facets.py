"""Facet counts and grouped pages of the database backend, counted in Python
over rows read once.

A result's rows (at most the exact limit, or a candidate window of a few
hundred) are read in one statement with their facet columns; counting them
here costs less than eleven grouped aggregates over the same rows in SQL (their
planning alone takes longer), and the page, the total and the facets of a
selective query come from the same rows: the GIN index is read once.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

from ...faceted import FACET_SIZE, FACETS, SearchQuery
from .common import FACET_COLUMNS

# The facet columns, in the order of the rows read (after the leading columns:
# FACET_OFFSET of them in a result's rows, see querying._exact_rows).
FACET_FIELDS = sorted({column for column, _kind in FACET_COLUMNS.values()})
# Arrays travel as text joined by a unit separator: parsed several times
# faster than arrays, and facet values are text anyway.
SEPARATOR = "\x1f"
_ARRAYS = {column for column, kind in FACET_COLUMNS.values() if kind.endswith("[]")}
FACET_SELECT = ", ".join(
    f"array_to_string({column}, chr(31)) AS {column}" if column in _ARRAYS else column
    for column in FACET_FIELDS
)
FACET_NAMES = ", ".join(FACET_FIELDS)  # the raw columns, converted by an outer query
FACET_OFFSET = 5  # id, key, collapse_key, date, rank


def _row_filters(query: SearchQuery, offset: int):
    """[(facet name, column index, is array, accepted values as text)] of the
    query's filters, for rows whose facet columns start at ``offset``."""
    tests = []
    for name, values in query.filters.items():
        if name not in FACET_COLUMNS:
            continue
        column, kind = FACET_COLUMNS[name]
        if kind in {"int", "int[]"}:
            accepted = {str(int(value)) for value in values}
        else:
            accepted = {str(value) for value in values}
        index = offset + FACET_FIELDS.index(column)
        tests.append((name, index, kind.endswith("[]"), accepted))
    return tests


def _passes(row, test) -> bool:
    _name, index, many, accepted = test
    value = row[index]
    if many:
        return bool(value) and any(item in accepted for item in value.split(SEPARATOR))
    return value is not None and str(value) in accepted


def passing(rows, query: SearchQuery, offset: int) -> list:
    """The rows that every filter of the query keeps."""
    tests = _row_filters(query, offset)
    return [row for row in rows if all(_passes(row, test) for test in tests)]


def count_facets(rows, query: SearchQuery, *, key_index: int, offset: int) -> dict:
    """{facet: {value: groups}} over ``rows``: each facet counts the rows the
    other facets' filters keep (choosing a value shows what it counts), and a
    discussion (one collapse key) counts once. The FACET_SIZE largest values
    per facet, ties by value."""
    tests = _row_filters(query, offset)
    kept = {test[0]: [_passes(row, test) for row in rows] for test in tests}
    # Usually every row is its own discussion: plain counting, no key sets.
    unique = len({row[key_index] for row in rows}) == len(rows)
    counts: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        column, kind = FACET_COLUMNS[facet.name]
        index = offset + FACET_FIELDS.index(column)
        others = [kept[name] for name in kept if name != facet.name]
        facet_rows = rows
        if others:
            facet_rows = [
                row for row, *keep in zip(rows, *others, strict=True) if all(keep)
            ]
        if kind.endswith("[]"):
            if unique:
                values = chain.from_iterable(
                    row[index].split(SEPARATOR) for row in facet_rows if row[index]
                )
            else:
                values = (
                    item
                    for item, _key in {
                        (item, row[key_index])
                        for row in facet_rows
                        if row[index]
                        for item in row[index].split(SEPARATOR)
                    }
                )
        elif unique:
            values = (row[index] for row in facet_rows)
        else:
            values = (
                item
                for item, _key in {(row[index], row[key_index]) for row in facet_rows}
            )
        tally = Counter(values)
        tally.pop(None, None)
        tally.pop("", None)
        if tally:
            ordered = sorted(
                ((str(value), n) for value, n in tally.items()),
                key=lambda item: (-item[1], item[0]),
            )
            counts[facet.name] = dict(ordered[:FACET_SIZE])
    return counts


def grouped_page(rows, query: SearchQuery) -> tuple[list[tuple], int]:
    """The page of ``rows`` (id, key, collapse_key, date, rank, ...), one per
    collapse key (its best row), as (id, rank, groups, other matches in the
    group) like the SQL of ``DatabaseMatching._grouped_page``, and how many groups."""
    best: dict[str, tuple] = {}
    replies: dict[str, int] = {}
    for row in rows:
        collapse = row[2]
        if row[1] != collapse:
            replies[collapse] = replies.get(collapse, 0) + 1
        current = best.get(collapse)
        if current is None or _sort_key(row) > _sort_key(current):
            best[collapse] = row
    ordered = sorted(best.values(), key=_sort_key, reverse=True)
    groups = len(ordered)
    page = ordered[query.offset : query.offset + query.per_page]
    return [(row[0], row[4], groups, replies.get(row[2], 0)) for row in page], groups


def _sort_key(row):
    """Best first (reversed): rank, then newest (undated last), then id; the
    date is in seconds since 1970 (see DatabaseMatching._exact_rows)."""
    date = row[3]
    return (row[4], date is not None, date or 0.0, row[0])
