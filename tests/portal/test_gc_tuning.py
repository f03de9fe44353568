"""A web process freezes its long-lived objects after its first request, so a
full garbage collection never scans them again (issue 18: the 1,000-reference
citation export and OAI lists had p95 three times their p50 from full
collections of a few hundred thousand objects)."""

import gc

from portal import gc_tuning


def test_after_a_request_the_long_lived_objects_are_frozen(client):
    client.get("/healthz")

    assert gc.get_freeze_count() > 10_000  # modules, classes, URL patterns...
    assert gc.get_threshold()[0] == gc_tuning.YOUNG_THRESHOLD


def test_only_the_first_request_collects_and_freezes(client):
    client.get("/healthz")
    frozen = gc.get_freeze_count()

    client.get("/healthz")

    assert gc.get_freeze_count() == frozen
