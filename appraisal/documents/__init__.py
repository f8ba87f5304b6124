"""Document generators: result snapshot data in, file bytes out (no Django, no ORM).

- ``build_annex(data)``: the decision's annex workbook (.xlsx).
- ``build_decision(data)``: the approval decision with its annexes (.docx, Decree 30/2020/NĐ-CP layout).
- ``build_unit_notice(data, org, kind)``: a unit's appraisal notice or shortcomings report (.docx).
- ``build_results_csv(data)``: the results, one row per unit (.csv, UTF-8 with BOM).

Inputs are the dataclasses of ``data``; see docs/documents.md for the files' layout.
"""

from .annex import build_annex
from .csvexport import build_results_csv
from .data import (
    Decision,
    DecisionData,
    ExportFile,
    FieldCol,
    GroupTable,
    HeadRow,
    Org,
    Shortfall,
    UnitDocData,
    UnitLine,
)
from .decision import build_decision
from .unit_docs import build_unit_notice

__all__ = [
    "Decision",
    "DecisionData",
    "ExportFile",
    "FieldCol",
    "GroupTable",
    "HeadRow",
    "Org",
    "Shortfall",
    "UnitDocData",
    "UnitLine",
    "build_annex",
    "build_decision",
    "build_results_csv",
    "build_unit_notice",
]
