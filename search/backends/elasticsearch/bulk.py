"""Bulk writes: chunks of a few MB, retried with back-off when the engine is
busy (429) or failing (5xx), documents that fail permanently reported and
skipped (never retried for ever). An engine still busy after the retries, or
refusing every write (blocked index, credentials), fails the write as a whole:
it waits in the retry queue (PendingIndexOperation) instead of being skipped.

Documents are serialised once, chunk by chunk, from whatever iterable the
caller passes: the whole body is never held twice in memory."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..base import IndexMissing, SearchEngineUnavailable

logger = logging.getLogger(__name__)

CHUNK_BYTES = 4 * 1024 * 1024
CHUNK_ACTIONS = 1000
RETRIES = 4
BACKOFF_SECONDS = 0.5
RETRY_STATUSES = {429, 502, 503, 504}
# Item failures that are the engine's state, not the document's fault.
ENGINE_STATUSES = {401, 403}
ENGINE_ERRORS = {"cluster_block_exception", "security_exception"}


@dataclass
class BulkReport:
    ok: int = 0
    # (document key, engine error) of documents the engine refused for good.
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Chunk:
    lines: list[bytes] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    size: int = 0


def _encode(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def chunks(
    actions: Iterable[tuple[dict, dict | None]],
    *,
    max_bytes: int = CHUNK_BYTES,
    max_actions: int = CHUNK_ACTIONS,
) -> Iterator[_Chunk]:
    """NDJSON chunks of (action, source-or-None) pairs, each at most
    ``max_bytes`` (a larger single document goes alone)."""
    chunk = _Chunk()
    for action, source in actions:
        lines = [_encode(action)]
        if source is not None:
            lines.append(_encode(source))
        size = sum(len(line) + 1 for line in lines)
        if chunk.keys and (
            chunk.size + size > max_bytes or len(chunk.keys) >= max_actions
        ):
            yield chunk
            chunk = _Chunk()
        chunk.lines.extend(lines)
        chunk.keys.append(next(iter(action.values()))["_id"])
        chunk.size += size
    if chunk.keys:
        yield chunk


def send(
    post: Callable[[bytes], dict],
    actions: Iterable[tuple[dict, dict | None]],
    *,
    retries: int = RETRIES,
    backoff: float = BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    max_bytes: int = CHUNK_BYTES,
) -> BulkReport:
    """Send ``actions`` through ``post`` (one _bulk request: NDJSON bytes in, the
    parsed response out; raises SearchEngineUnavailable with ``status``)."""
    report = BulkReport()
    for chunk in chunks(actions, max_bytes=max_bytes):
        _send_chunk(post, chunk, report, retries=retries, backoff=backoff, sleep=sleep)
    if report.failed:
        logger.error(
            "search engine refused %d document(s) for good (skipped): %s",
            len(report.failed),
            report.failed[:5],
        )
    return report


def _send_chunk(post, chunk: _Chunk, report: BulkReport, *, retries, backoff, sleep):
    pending = list(range(len(chunk.keys)))
    # The NDJSON lines of each action: one (delete) or two (index).
    spans, line = [], 0
    for _key in chunk.keys:
        action = json.loads(chunk.lines[line])
        width = 1 if "delete" in action else 2
        spans.append((line, line + width))
        line += width
    for attempt in range(retries + 1):
        body = b"".join(
            chunk.lines[i] + b"\n"
            for position in pending
            for i in range(*spans[position])
        )
        try:
            response = post(body)
        except SearchEngineUnavailable as error:
            if getattr(error, "status", None) in RETRY_STATUSES and attempt < retries:
                sleep(backoff * 2**attempt)
                continue
            raise
        retry = []
        for position, item in zip(pending, response.get("items", []), strict=False):
            ((operation, result),) = item.items()
            status = int(result.get("status", 500))
            if status < 300 or (operation == "delete" and status == 404):
                report.ok += 1
            elif status in RETRY_STATUSES and attempt < retries:
                retry.append(position)
            else:
                error = result.get("error") or {}
                reason = (
                    f"{error.get('type', status)}: {error.get('reason', '')}"
                    if isinstance(error, dict)
                    else str(error)
                )
                if isinstance(error, dict) and error.get("type") in {
                    "index_not_found_exception",
                    "aliases_not_found_exception",
                }:
                    # No alias yet (require_alias): the write as a whole waits.
                    raise IndexMissing(f"bulk: {reason}"[:500])
                if (
                    status >= 500
                    or status in RETRY_STATUSES
                    or status in ENGINE_STATUSES
                    or (isinstance(error, dict) and error.get("type") in ENGINE_ERRORS)
                ):
                    # The engine, not the document: still busy after the
                    # retries, a blocked index (full disk), refused credentials.
                    # The write as a whole waits in the retry queue.
                    raise SearchEngineUnavailable(f"bulk: {reason}"[:500])
                report.failed.append((chunk.keys[position], reason[:300]))
        if not retry:
            break
        pending = retry
        sleep(backoff * 2**attempt)
