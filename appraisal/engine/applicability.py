"""Which leaves of an index set apply to a unit (SPEC §4): the one rule, used by the engine's plan, the
self-assessment form, the entries an assessment gets (and so the imports and the council's work).

A leaf does not apply when the secretariat excluded it for the unit — itself, or any node above it (a field or a
criterion excludes every leaf under it) — or when the unit carries one of the leaf's ``excluded_tags``. The
secretariat's reason comes first; a tag gives the standard sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["LeafScope", "excluded_leaves", "leaves_under", "tag_reason"]


@dataclass(frozen=True, slots=True)
class LeafScope:
    """What applicability needs of a leaf: its code, its field's code and the tags that exclude it."""

    code: str
    field_code: str
    excluded_tags: frozenset[str] = frozenset()


def _under(leaf: LeafScope, code: str) -> bool:
    return leaf.code == code or leaf.code.startswith(code + ".") or leaf.field_code == code


def leaves_under(code: str, leaves: Iterable[LeafScope]) -> frozenset[str]:
    """The leaf ``code`` itself, or every leaf of the field or criterion ``code``."""
    return frozenset(leaf.code for leaf in leaves if _under(leaf, code))


def tag_reason(tags: Iterable[str]) -> str:
    """Why a leaf does not apply to a unit carrying these of its excluded tags."""
    return "Không áp dụng cho đơn vị có nhãn «{t}».".format(t=", ".join(sorted(tags)))


def excluded_leaves(
    *, leaves: Iterable[LeafScope], tags: frozenset[str], excluded: Mapping[str, str]
) -> dict[str, str]:
    """Leaf code → why it does not apply to the unit, for every leaf that does not (the others apply).

    ``excluded``: node code → the secretariat's reason (a leaf, or a field or criterion above leaves);
    ``tags``: the unit's tags."""
    out: dict[str, str] = {}
    for leaf in leaves:
        for code, reason in excluded.items():
            if _under(leaf, code):
                out[leaf.code] = reason
                break
        else:
            hit = leaf.excluded_tags & tags
            if hit:
                out[leaf.code] = tag_reason(hit)
    return out
