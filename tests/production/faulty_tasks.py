"""A task for the fault tests: its first attempt hangs (so its worker can be
killed mid-task); every attempt is recorded in a file."""

import time
from pathlib import Path

from django_tasks import task


@task()
def record_attempt(path: str) -> int:
    marker = Path(path)
    attempts = len(marker.read_text()) if marker.exists() else 0
    marker.write_text("x" * (attempts + 1))
    if attempts == 0:
        time.sleep(600)  # killed before it ends
    return attempts + 1
