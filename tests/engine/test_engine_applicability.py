"""The one applicability rule (SPEC §4), shared by the engine, the form and the entries."""

from __future__ import annotations

from appraisal.engine import LeafScope, excluded_leaves, leaves_under

LEAVES = (
    LeafScope("1.1", "1"),
    LeafScope("1.2", "1", frozenset({"no_tthc"})),
    LeafScope("2.1", "2", frozenset({"no_tthc", "xa"})),
    LeafScope("2.1.1", "2"),
    LeafScope("9.1.1", "9"),
    LeafScope("T1", "T1"),
)


def test_a_field_or_criterion_excludes_every_leaf_under_it_with_the_secretariats_reason():
    reasons = excluded_leaves(
        leaves=LEAVES, tags=frozenset(), excluded={"2": "Không có TTHC.", "T1": "Không xét."}
    )
    assert reasons == {"2.1": "Không có TTHC.", "2.1.1": "Không có TTHC.", "T1": "Không xét."}


def test_tags_exclude_with_the_standard_sentence_after_the_secretariats_reason():
    reasons = excluded_leaves(
        leaves=LEAVES, tags=frozenset({"no_tthc", "xa"}), excluded={"2.1": "Lý do riêng."}
    )
    assert reasons == {
        "1.2": "Không áp dụng cho đơn vị có nhãn «no_tthc».",
        "2.1": "Lý do riêng.",
        "2.1.1": "Lý do riêng.",
    }


def test_leaves_under_a_code():
    assert leaves_under("2", LEAVES) == {"2.1", "2.1.1"}
    assert leaves_under("9", LEAVES) == {"9.1.1"}
    assert leaves_under("1.1", LEAVES) == {"1.1"}
    assert leaves_under("4", LEAVES) == frozenset()
