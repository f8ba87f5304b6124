"""``make bench``: every benchmark, each in its own process, figures merged into bench/results.json.

Figures, not assertions: compare them over time and against the targets in the README (engine ≤ 3 × floor,
end to end ≤ 10 s on the 2-core reference machine, query counts independent of size).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(module: str, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PARINDEX_DATABASE_URL"}
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=HERE.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        # A shared machine: the 1-minute load average when the run starts (2.0 = both cores busy).
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }
    for module in ("bench.bench_engine", "bench.bench_db", "bench.bench_form", "bench.bench_dashboards"):
        if not (HERE / (module.split(".")[1] + ".py")).exists():
            continue
        print(f"bench: {module} …", flush=True)
        results.update(child(module))
        print(json.dumps(results, ensure_ascii=False), flush=True)  # kept if a later benchmark fails
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
