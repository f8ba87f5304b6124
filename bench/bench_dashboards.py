"""Server time of each dashboard for a period of 150 units × 100 items (issue 12; target < 300 ms each):
``python -m bench.bench_dashboards [units] [items]``.

Loads the synthetic period of bench/synthetic.py into a throwaway database (bench_db's loader), then renders
each dashboard through Django's test client as the secretariat, twice: while the period is running (results
computed live) and after the official snapshot is stored. ``dash_<page>_<live|final>_cold_ms``: the first
request with an empty cache (the results computed and the charts drawn); ``dash_<page>_<live|final>_ms``: best
of 3 after it (the built charts come from the cache, keyed by the results' fingerprint).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time


def _time(client, url: str) -> tuple[float, float]:
    """(first request with an empty cache, best of 3 after it) in ms."""
    from django.core.cache import cache

    cache.clear()
    t = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - t
    assert response.status_code == 200, (url, response.status_code)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - t)
        assert response.status_code == 200
    return round(cold * 1000, 1), round(best * 1000, 1)


def run(units: int = 150, items: int = 100) -> dict[str, float | int]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from appraisal.registry.models import Period, UnitMembership
    from appraisal.scoring.services import score_run_create
    from bench.bench_db import _load

    year = _load(units, items)
    period = Period.objects.get(year=year)
    code = UnitMembership.objects.filter(period=period).values_list("unit__code", flat=True).first()
    admin = get_user_model().objects.create_superuser("bench.admin", "bench@example.org", "x")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(admin)
    pages = {
        "progress": f"/bang-dieu-khien/{year}/tien-do/",
        "results": f"/bang-dieu-khien/{year}/ket-qua/",
        "summary": f"/bang-dieu-khien/{year}/tong-quan/",
        "unit": f"/bang-dieu-khien/{year}/don-vi/{code}/",
    }
    out: dict[str, float | int] = {"dash_units": units, "dash_items": items}
    for name, url in pages.items():
        out[f"dash_{name}_live_cold_ms"], out[f"dash_{name}_live_ms"] = _time(client, url)
    score_run_create(period=period, by=admin, final=True)
    for name, url in pages.items():
        out[f"dash_{name}_final_cold_ms"], out[f"dash_{name}_final_ms"] = _time(client, url)
    return out


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    os.environ.setdefault("PARINDEX_DEBUG", "1")
    from bench.bench_db import _setup

    with tempfile.TemporaryDirectory(prefix="parindex-bench-") as tmp:
        _setup(os.path.join(tmp, "bench.sqlite3") if "PARINDEX_DATABASE_URL" not in os.environ else "")
        print(json.dumps(run(units, items)))


if __name__ == "__main__":
    main()
