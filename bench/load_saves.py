"""Load test: 50 simulated unit people autosaving self-assessment items against a running server.

Run by hand (never part of the test suite), against 127.0.0.1 only; docs/performance.md has the recipe and
the figures. Three steps, each its own command:

    python -m bench.load_saves prepare --users 50 --plan /tmp/plan.json   # Django, on the bench database
    python -m bench.load_saves run --plan /tmp/plan.json --url http://127.0.0.1:8077 --seconds 60 --out /tmp/run.json
    python -m bench.load_saves recount --plan /tmp/plan.json --result /tmp/run.json

``prepare`` opens the self-assessment window, puts enough demo assessments back to draft (bench database
only) and gives each user (a unit's editor or head) its own items, two valid inputs per item. ``run`` signs
everyone in, runs two baselines (the same users loading a trivial signed-in page, then their home page) and
then the saves, each user alternating its items' values with the version it last saw, as the form does; it
records every latency and status, and for each item the last save the server acknowledged. ``recount`` reads the database: every
acknowledged save must be there (value and version), and the history must hold one row per acknowledged save.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CANDIDATES = ["Có", "Không", "85%", "100%", "60%", "1", "0", "0.5", "0.25", "2", "3"]
TRIVIAL = "/doi-mat-khau/xong/"
VERSION = re.compile(r'name="version" value="(\d+)" id="entry-(\d+)-version"')


def _django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django

    django.setup()


def prepare(args: argparse.Namespace) -> None:
    _django()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from appraisal.assessments.layers import entry_points_for
    from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry
    from appraisal.engine import InputError
    from appraisal.registry.models import Method, Organisation, Period, Phase, PhaseWindow

    users = get_user_model().objects
    # The demo's current period has moved past self-assessment (seed_demo puts 2023 in «Giải trình»): on the
    # bench database, put it back in self-assessment with an open window and no later windows.
    period = Organisation.current().current_period or Period.objects.get(year=2023)
    now = timezone.now()
    PhaseWindow.objects.filter(period=period).exclude(phase=Phase.SELF_ASSESSMENT).delete()
    PhaseWindow.objects.update_or_create(
        period=period,
        phase=Phase.SELF_ASSESSMENT,
        defaults={"opens_at": now - timedelta(days=7), "due_at": now + timedelta(days=7), "grace_minutes": 0},
    )
    Period.objects.filter(pk=period.pk).update(phase=Phase.SELF_ASSESSMENT)
    units = args.users // 2
    chosen = []
    for assessment in (
        Assessment.objects.filter(period=period).select_related("unit", "period").order_by("unit__code")
    ):
        if len(chosen) == units:
            break
        code = assessment.unit.code
        if users.filter(username__in=[f"{code}.editor", f"{code}.head"]).count() == 2:
            chosen.append(assessment)
    Assessment.objects.filter(pk__in=[a.pk for a in chosen]).update(state=AssessmentState.DRAFT)
    plan = []
    for assessment in chosen:
        entries = []
        for entry in ItemEntry.objects.filter(assessment=assessment).select_related("node"):
            if entry.node.method == Method.SURVEY:
                continue
            labels = [part.split("=")[0].strip() for part in entry.node.rule.split(":", 1)[-1].split(";")]
            valid = []
            for value in CANDIDATES + labels:
                try:
                    canonical = entry_points_for(entry.node, value, assessment.period)[0]
                except InputError:
                    continue
                if canonical not in valid:
                    valid.append(canonical)
            if len(valid) >= 2:
                entries.append({"id": entry.pk, "version": entry.version, "values": valid[:2]})
        for n, who in enumerate(("editor", "head")):
            plan.append(
                {
                    "username": f"{assessment.unit.code}.{who}",
                    "assessment": assessment.pk,
                    "entries": entries[n::2],
                }
            )
    Path(args.plan).write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(plan)} users, {sum(len(u['entries']) for u in plan)} items in {args.plan}")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _summary(latencies: list[float], errors: int, seconds: float) -> dict[str, Any]:
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms) + errors,
        "ok": len(ms),
        "errors": errors,
        "rps": round((len(ms) + errors) / seconds, 1),
        "p50_ms": round(_pct(ms, 50), 1),
        "p95_ms": round(_pct(ms, 95), 1),
        "p99_ms": round(_pct(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else 0.0,
        "max_ms": round(max(ms), 1) if ms else 0.0,
    }


async def _login(client: Any, base: str, username: str, password: str) -> str:
    page = await client.get(f"{base}/dang-nhap/")
    token = client.cookies.get("csrftoken")
    response = await client.post(
        f"{base}/dang-nhap/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/dang-nhap/"},
    )
    if response.status_code != 302 or page.status_code != 200:
        raise SystemExit(f"login failed for {username}: {response.status_code}")
    return str(client.cookies.get("csrftoken"))


async def run_async(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    if urlsplit(args.url).hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("This load script only targets 127.0.0.1.")
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    base = args.url.rstrip("/")
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(timeout=30, limits=limits) for _ in plan]
    tokens = [await _login(c, base, u["username"], args.password) for c, u in zip(clients, plan, strict=True)]

    async def baseline_user(client: Any, path: str, stop: float, out: list[float], errs: list[int]) -> None:
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                r = await client.get(f"{base}{path}")
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                out.append(time.perf_counter() - t)
            else:
                errs.append(1)
            if args.think:
                await asyncio.sleep(args.think)

    acked: dict[int, dict[str, Any]] = {}
    statuses: dict[str, int] = {}

    async def save_user(
        client: Any, token: str, user: dict[str, Any], stop: float, out: list[float], errs: list[int]
    ) -> None:
        entries = user["entries"]
        versions = {e["id"]: e["version"] for e in entries}
        turn = 0
        while time.perf_counter() < stop and entries:
            entry = entries[turn % len(entries)]
            value = entry["values"][(turn // len(entries)) % 2]
            turn += 1
            url = f"{base}/tu-danh-gia/{user['assessment']}/muc/{entry['id']}/luu/"
            t = time.perf_counter()
            try:
                r = await client.post(
                    url,
                    data={"value": value, "note": "", "version": versions[entry["id"]]},
                    headers={"HX-Request": "true", "X-CSRFToken": token, "Referer": f"{base}/tu-danh-gia/"},
                )
            except httpx.HTTPError as error:
                statuses[type(error).__name__] = statuses.get(type(error).__name__, 0) + 1
                errs.append(1)
                continue
            elapsed = time.perf_counter() - t
            statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
            if r.status_code == 200:
                found = {int(eid): int(v) for v, eid in VERSION.findall(r.text)}
                # A save of the value already stored is acknowledged without a new version.
                changed = int(found[entry["id"]] > versions[entry["id"]])
                versions[entry["id"]] = found[entry["id"]]
                previous = acked.get(entry["id"], {"saves": 0})
                acked[entry["id"]] = {
                    "value": value,
                    "version": found[entry["id"]],
                    "saves": previous["saves"] + changed,
                }
                out.append(elapsed)
            else:
                errs.append(1)
            if args.think:
                await asyncio.sleep(args.think)

    result: dict[str, Any] = {"users": len(plan), "seconds": args.seconds, "think_s": args.think}
    # The trivial page (session, user, template) and the person's home page (issue 14 compares a save with
    # the home page's time), each for --baseline-seconds, then the saves.
    pages = {"baseline": TRIVIAL, "home": args.home_path}
    for phase in ("baseline", "home", "saves"):
        if phase == "home" and not args.home_path:
            continue
        if phase == "saves":
            result["saves_started_at"] = datetime.now(UTC).isoformat()
        seconds = args.seconds if phase == "saves" else args.baseline_seconds
        out: list[float] = []
        errs: list[int] = []
        started = time.perf_counter()
        stop = started + seconds
        if phase != "saves":
            await asyncio.gather(*(baseline_user(c, pages[phase], stop, out, errs) for c in clients))
        else:
            await asyncio.gather(
                *(
                    save_user(c, tok, u, stop, out, errs)
                    for c, tok, u in zip(clients, tokens, plan, strict=True)
                )
            )
        result[phase] = _summary(out, len(errs), time.perf_counter() - started)
    result["save_statuses"] = statuses
    result["acknowledged"] = {str(k): v for k, v in acked.items()}
    result["ratio_p95"] = round(result["saves"]["p95_ms"] / max(result["baseline"]["p95_ms"], 0.1), 2)
    result["ratio_p50"] = round(result["saves"]["p50_ms"] / max(result["baseline"]["p50_ms"], 0.1), 2)
    if "home" in result:
        result["ratio_home_p50"] = round(result["saves"]["p50_ms"] / max(result["home"]["p50_ms"], 0.1), 2)
        result["ratio_home_p95"] = round(result["saves"]["p95_ms"] / max(result["home"]["p95_ms"], 0.1), 2)
    for c in clients:
        await c.aclose()
    return result


def run(args: argparse.Namespace) -> None:
    result = asyncio.run(run_async(args))
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    shown = {k: v for k, v in result.items() if k != "acknowledged"}
    print(json.dumps(shown, ensure_ascii=False))


def recount(args: argparse.Namespace) -> None:
    _django()
    from appraisal.assessments.models import ItemEntry, ItemHistory

    result = json.loads(Path(args.result).read_text(encoding="utf-8"))
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    start_versions = {e["id"]: e["version"] for u in plan for e in u["entries"]}
    acked = {int(k): v for k, v in result["acknowledged"].items()}
    rows = {e.pk: e for e in ItemEntry.objects.filter(pk__in=acked)}
    lost = [
        pk
        for pk, ack in acked.items()
        if (rows[pk].self_value, rows[pk].version) != (ack["value"], ack["version"])
    ]
    history = ItemHistory.objects.filter(
        entry_id__in=acked, layer="self", at__gte=datetime.fromisoformat(result["saves_started_at"])
    ).count()
    bumps = sum(rows[pk].version - start_versions[pk] for pk in acked)
    saves = sum(a["saves"] for a in acked.values())
    print(
        json.dumps(
            {
                "items_saved": len(acked),
                "acknowledged_saves": saves,
                "version_increments": bumps,
                "lost_items": lost,
                "history_rows_during_run": history,
            }
        )
    )
    if lost or bumps != saves or history != saves:
        raise SystemExit("lost writes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--plan", required=True)
    r = sub.add_parser("run")
    r.add_argument("--plan", required=True)
    r.add_argument("--url", default="http://127.0.0.1:8077")
    r.add_argument("--password", default="parindex-demo")
    r.add_argument("--seconds", type=float, default=60)
    r.add_argument("--baseline-seconds", type=float, default=30)
    r.add_argument("--home-path", default="/", help="the home page compared with a save ('' to skip)")
    r.add_argument("--think", type=float, default=0.0, help="seconds each user waits between requests")
    r.add_argument("--out", required=True)
    c = sub.add_parser("recount")
    c.add_argument("--plan", required=True)
    c.add_argument("--result", required=True)
    args = parser.parse_args()
    {"prepare": prepare, "run": run, "recount": recount}[args.command](args)


if __name__ == "__main__":
    main()
