"""Container health check: GET /livez as the front server would send it (an
allowed host name, HTTPS already terminated), so production settings answer."""

import os
import sys
import urllib.request

host = (
    os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0] or "localhost"
).strip()
port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/livez",
    headers={"Host": host.lstrip("."), "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:  # noqa: BLE001 - any failure is "unhealthy"
    sys.exit(1)
