"""What one autosave costs the server, beside the home page: ``python -m bench.save_cost --plan /tmp/plan.json``.

Run by hand on the bench database after ``python -m bench.load_saves prepare`` (docs/performance.md). In one
process, through Django's test client (no HTTP, no queueing, no other users), one of the plan's users loads
its home page and saves its items (alternating two valid values with the version it last saw, as the form
does), ``--rounds`` times each. For each kind of request: median and p95 of wall time and of this process's
CPU time, and the SQL queries. Issue 14 asks a save to cost at most twice the home page's server time and at
most 8 queries; CPU time is the measure a busy shared machine disturbs least.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

VERSION = re.compile(r'name="version" value="(\d+)" id="entry-(\d+)-version"')


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--user", type=int, default=0, help="which of the plan's users")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from bench.load_saves import _django

    _django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user_plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))[args.user]
    user = get_user_model().objects.get(username=user_plan["username"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    entries = user_plan["entries"]
    versions = {e["id"]: e["version"] for e in entries}
    out: dict[str, Any] = {"user": user.username, "rounds": args.rounds, "items": len(entries)}

    def measure(kind: str, request: Any) -> None:
        wall: list[float] = []
        cpu: list[float] = []
        queries: set[int] = set()
        for turn in range(args.rounds):
            w, c = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as ctx:
                response = request(turn)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
            queries.add(len(ctx.captured_queries))
            if response.status_code != 200:
                raise SystemExit(f"{kind}: HTTP {response.status_code}")
        out[kind] = {"wall": _stats(wall), "cpu": _stats(cpu), "queries": sorted(queries)}

    def home(turn: int) -> Any:
        return client.get("/")

    def save(turn: int) -> Any:
        entry = entries[turn % len(entries)]
        value = entry["values"][(turn // len(entries)) % 2]
        response = client.post(
            f"/tu-danh-gia/{user_plan['assessment']}/muc/{entry['id']}/luu/",
            {"value": value, "note": "", "version": versions[entry["id"]]},
            HTTP_HX_REQUEST="true",
        )
        if response.status_code == 200:
            found = {int(eid): int(v) for v, eid in VERSION.findall(response.content.decode())}
            versions[entry["id"]] = found[entry["id"]]
        return response

    measure("home", home)  # also warms the process (imports, templates, rule cache)
    measure("home", home)
    measure("save", save)
    out["ratio_cpu_median"] = round(out["save"]["cpu"]["median_ms"] / out["home"]["cpu"]["median_ms"], 2)
    out["ratio_wall_median"] = round(out["save"]["wall"]["median_ms"] / out["home"]["wall"]["median_ms"], 2)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
