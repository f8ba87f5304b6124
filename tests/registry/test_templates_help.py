"""The index-set template's help sheet explains adjustment groups (issue 11, templates and help)."""

from __future__ import annotations

import io

import openpyxl

from appraisal.registry.templates_xlsx import index_set_template


def test_index_set_template_help_describes_adjustment_groups_9_1_and_9_2():
    wb = openpyxl.load_workbook(io.BytesIO(index_set_template().content))
    texts = [str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value]
    note = next(t for t in texts if t.startswith("Nhóm điểm thưởng, điểm trừ"))
    assert "«9.1. Điểm thưởng» (Điểm tối đa 3) với các mục 9.1.1, 9.1.2… (Phương pháp: Thưởng)" in note
    assert "khai 4 điểm thưởng trong nhóm tối đa 3 thì chỉ được tính 3 điểm" in note
    code_help = next(t for t in texts if t.startswith("Bắt buộc. Lĩnh vực 1"))
    assert "9, 9.1, 9.1.1, 9.2, 9.2.1" in code_help
