"""Built documents, shared by the tests of this folder (built once per session: they are pure)."""

from __future__ import annotations

import dataclasses
import io

import docx
import openpyxl
import pytest

from appraisal.documents import build_annex, build_decision
from appraisal.documents.data import DecisionData

from .samples import sample_data

HYPERLINK = '=HYPERLINK("http://x","y")'


def with_unit_names(data: DecisionData, names: dict[int, str]) -> DecisionData:
    """``data`` with the first group's units at the given positions renamed (heads follow)."""
    group = data.groups[0]
    rows = list(group.rows)
    renamed = {}
    for position, name in names.items():
        line = rows[position]
        renamed[line.result.name] = name
        rows[position] = dataclasses.replace(line, result=dataclasses.replace(line.result, name=name))
    heads = tuple(
        dataclasses.replace(head, unit_name=renamed.get(head.unit_name, head.unit_name))
        for head in data.heads
    )
    groups = (dataclasses.replace(group, rows=tuple(rows)), *data.groups[1:])
    return dataclasses.replace(data, groups=groups, heads=heads)


@pytest.fixture(scope="session")
def approved_data() -> DecisionData:
    return sample_data(draft=False)


@pytest.fixture(scope="session")
def draft_data() -> DecisionData:
    return sample_data(draft=True)


@pytest.fixture(scope="session")
def approved_annex_file(approved_data):
    return build_annex(approved_data)


@pytest.fixture(scope="session")
def approved_decision_file(approved_data):
    return build_decision(approved_data)


@pytest.fixture(scope="session")
def approved_annex(approved_annex_file):
    return openpyxl.load_workbook(io.BytesIO(approved_annex_file.content))


@pytest.fixture(scope="session")
def draft_annex(draft_data):
    return openpyxl.load_workbook(io.BytesIO(build_annex(draft_data).content))


@pytest.fixture(scope="session")
def approved_decision(approved_decision_file):
    return docx.Document(io.BytesIO(approved_decision_file.content))


@pytest.fixture(scope="session")
def draft_decision(draft_data):
    return docx.Document(io.BytesIO(build_decision(draft_data).content))
