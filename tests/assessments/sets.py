"""Index sets of any size for query-count guards and the form benchmark (every rule type, nested)."""

from __future__ import annotations

KINDS = [
    ("boolean", "1"),
    ("tiers: >=100%=1; >=80%=0.5; else=0", "1"),
    ("levels: Tốt=1; Đạt=0.5; Chưa đạt=0", "1"),
    ("proportional: min=50%", "1"),
    ("manual: step=0.25", "1"),
]


def rows_with_leaves(leaves: int, fields: int = 8) -> list[tuple[str, str, str, str, str, str]]:
    """Rows of a set with ``leaves`` leaves: appraisal leaves spread over fields → criteria → sub-criteria,
    one survey field, one bonus and one penalty item (all counted in ``leaves``)."""
    appraisal = leaves - 3
    per_field = [
        appraisal // (fields - 1) + (1 if i < appraisal % (fields - 1) else 0) for i in range(fields - 1)
    ]
    rows: list[tuple[str, str, str, str, str, str]] = []
    for f, count in enumerate(per_field, start=1):
        rows.append((str(f), f"Lĩnh vực {f}", str(count), "", "", ""))
        criteria = (count + 2) // 3
        done = 0
        for c in range(1, criteria + 1):
            n = min(3, count - done)
            rows.append((f"{f}.{c}", f"Tiêu chí {f}.{c}", str(n), "", "", ""))
            for s in range(1, n + 1):
                rule, max_points = KINDS[(done + s) % len(KINDS)]
                rows.append(
                    (f"{f}.{c}.{s}", f"Tiêu chí thành phần {f}.{c}.{s}", max_points, "appraisal", rule, "")
                )
            done += n
    rows.append((str(fields), "Tác động của CCHC", "3", "", "", ""))
    rows.append((f"{fields}.1", "Mức độ hài lòng", "3", "survey", "survey", ""))
    rows.append(("T1", "Sáng kiến CCHC", "1", "bonus", "boolean", ""))
    rows.append(("P1", "Vi phạm kỷ luật hành chính", "2", "penalty", "penalty: per=0.5", ""))
    return rows
