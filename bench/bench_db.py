"""End-to-end figures from a real database: ``python -m bench.bench_db [units] [items]``.

Builds a throwaway SQLite database (or the one PARINDEX_DATABASE_URL names) holding the synthetic period of
bench/synthetic.py as ordinary rows (index nodes, units, memberships, assessments, item entries with every
layer), then measures:
- ``compute_seconds`` / ``compute_queries``: ``compute_results --year Y --json`` end to end (read the period,
  run the engine, render the JSON);
- ``snapshot_seconds`` / ``snapshot_cpu_seconds``: storing the snapshot rows (``score_run_create``), wall and
  CPU time (``time.process_time``: on a shared, loaded machine the wall time mostly measures the wait for a CPU);
  ``snapshot_items_trace_bytes``: what its rows' items and derivations take in the database;
- ``annex_seconds`` / ``annex_cpu_seconds``: building the annex workbook from that snapshot, read back as a
  page or a job reads it; ``load_average``: the 1-minute load average around these two;
- ``import_seconds`` / ``import_rows`` / ``import_queries_per_row``: ``scores_import`` of a round-1 scores file
  for every unit and every item but the survey ones (3,300 × 92 rows for 3,300 × 100), with new values on
  most rows; queries counted by an execution wrapper (a batched ``executemany`` counts once).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from io import StringIO


def _setup(db_path: str) -> None:
    os.environ.setdefault("PARINDEX_DATABASE_URL", f"sqlite:///{db_path}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(units: int, items: int) -> int:
    from django.db import transaction

    from appraisal.assessments.models import Assessment, ItemEntry
    from appraisal.registry.models import Group, IndexNode, IndexSet, Period, Phase, Unit, UnitMembership
    from bench import synthetic

    data = synthetic.period(units_count=units, items=items)
    year = data.year
    with transaction.atomic():
        period = Period.objects.create(year=year, name=f"Bench {year}", phase=Phase.REAPPRAISAL)
        for g_order, g in enumerate(data.groups):
            group = Group.objects.create(code=f"bench-{g.code.lower()}", name=g.name, order=g_order)
            iset = IndexSet.objects.create(period=period, group=group)
            nodes = {}
            position = 0
            for f in g.index_set.fields:
                nodes[f.code] = IndexNode.objects.create(
                    index_set=iset,
                    code=f.code,
                    title=f.title,
                    max_points=f.max_points,
                    position=position,
                    is_leaf=False,
                )
                position += 1
            leaf_rows = []
            for leaf in g.index_set.leaves:
                leaf_rows.append(
                    IndexNode(
                        index_set=iset,
                        parent=nodes.get(leaf.field_code) if leaf.field_code != leaf.code else None,
                        code=leaf.code,
                        title=leaf.title,
                        max_points=leaf.max_points,
                        method=leaf.method,
                        rule=leaf.rule.text,
                        excluded_tags=",".join(sorted(leaf.excluded_tags)),
                        position=position,
                        depth=leaf.code.count("."),
                    )
                )
                position += 1
            leaves = {n.code: n for n in IndexNode.objects.bulk_create(leaf_rows)}
            unit_objs = Unit.objects.bulk_create(
                [
                    Unit(code=f"bench-{u.code.lower()}", name=u.name, tags=",".join(sorted(u.tags)))
                    for u in g.units
                ]
            )
            UnitMembership.objects.bulk_create(
                [UnitMembership(period=period, unit=uo, group=group) for uo in unit_objs]
            )
            assessments = Assessment.objects.bulk_create(
                [Assessment(period=period, unit=uo, state="appraised") for uo in unit_objs]
            )
            entries = []
            for a, u in zip(assessments, g.units, strict=True):
                for code, v in u.values.items():
                    entries.append(
                        ItemEntry(
                            assessment=a,
                            node=leaves[code],
                            self_value=v.self_value or "",
                            round1_value=v.round1 or "",
                            round2_value=v.round2 or "",
                            survey_value=v.survey or "",
                        )
                    )
            ItemEntry.objects.bulk_create(entries, batch_size=5000)
    return year


def _scores_file(units: int, items: int) -> bytes:
    """A round-1 CSV for every unit and non-survey item of the bench period, values from another seed."""
    from bench import synthetic

    lines = ["unit,item,value,note"]
    data = synthetic.period(units_count=units, items=items)
    for number, g in enumerate(data.groups):
        tags = {leaf.code: leaf.excluded_tags for leaf in g.index_set.leaves}
        fresh = synthetic.units(g.index_set, len(g.units), seed=4049 + number, prefix=g.code)
        for stored, u in zip(g.units, fresh, strict=True):
            for code, v in u.values.items():
                if v.round1 is not None and not tags[code] & stored.tags:
                    # A rate over 100 % is refused when typed or imported (the synthetic inputs have a few).
                    value = "100%" if v.round1.startswith("100,") else v.round1
                    lines.append(f'bench-{u.code.lower()},{code},"{value}",Nhập lại')  # no quote in any value
    return ("\n".join(lines) + "\n").encode()


def _import(units: int, items: int) -> dict[str, float | int]:
    from django.db import connection

    from appraisal.council.importing import NATIONAL_LIMITS, scores_import
    from appraisal.registry.models import Period

    content = _scores_file(units, items)
    period = Period.objects.get(year=2023)
    count = 0

    def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        t = time.perf_counter()
        report = scores_import(
            period=period,
            layer="round1",
            file_name="r1.csv",
            content=content,
            by=None,
            limits=NATIONAL_LIMITS,
        )
        seconds = time.perf_counter() - t
    assert report.ok, report.problems[:5]
    return {
        "import_rows": report.rows,
        "import_written": report.written,
        "import_seconds": round(seconds, 3),
        "import_queries": count,
        "import_queries_per_row": float(f"{count / report.rows:.2g}"),
    }


def run(units: int = 3300, items: int = 100) -> dict[str, float | int]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appraisal.documents.annex import build_annex
    from appraisal.registry.models import Period
    from appraisal.scoring.adapters import decision_data_from_run
    from appraisal.scoring.services import score_run_create

    t = time.perf_counter()
    year = _load(units, items)
    load_seconds = time.perf_counter() - t

    best = float("inf")
    queries = 0
    for _ in range(2):
        out = StringIO()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            call_command("compute_results", "--year", str(year), "--json", stdout=out)
            best = min(best, time.perf_counter() - t)
        queries = len(ctx)
    payload = json.loads(out.getvalue())
    assert sum(len(g["units"]) for g in payload["groups"]) == units

    period = Period.objects.get(year=year)
    load_before = os.getloadavg()[0]
    t, cpu = time.perf_counter(), time.process_time()
    snapshot = score_run_create(period=period, by=None)
    snapshot_seconds, snapshot_cpu = time.perf_counter() - t, time.process_time() - cpu
    snapshot = type(snapshot).objects.get(pk=snapshot.pk)  # as a page or a job reads it
    t, cpu = time.perf_counter(), time.process_time()
    annex = build_annex(decision_data_from_run(snapshot))
    annex_seconds, annex_cpu = time.perf_counter() - t, time.process_time() - cpu
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(LENGTH(items) + LENGTH(trace)) FROM scoring_unitresultrow WHERE run_id = %s",
            [snapshot.pk],
        )
        items_bytes = cursor.fetchone()[0]
    return {
        "db_units": units,
        "db_items": items,
        "db_load_seconds": round(load_seconds, 3),
        "compute_seconds": round(best, 3),
        "compute_queries": queries,
        "snapshot_seconds": round(snapshot_seconds, 3),
        "snapshot_cpu_seconds": round(snapshot_cpu, 3),
        "snapshot_items_trace_bytes": items_bytes,
        "annex_seconds": round(annex_seconds, 3),
        "annex_cpu_seconds": round(annex_cpu, 3),
        "load_average": round(max(load_before, os.getloadavg()[0]), 1),
        "annex_bytes": len(annex.content),
        **_import(units, items),
    }


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 3300
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory(prefix="parindex-bench-") as tmp:
        if "PARINDEX_DATABASE_URL" not in os.environ:
            _setup(os.path.join(tmp, "bench.sqlite3"))
        else:
            _setup("")
        print(json.dumps(run(units, items)))


if __name__ == "__main__":
    main()
