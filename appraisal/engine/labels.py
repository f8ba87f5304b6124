"""Vietnamese labels of the codes the engine returns."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["BAND_LABELS", "HEAD_RATING_LABELS", "LAYER_LABELS", "METHOD_LABELS"]

BAND_LABELS: Mapping[str, str] = {
    "xuat_sac": "Xuất sắc",
    "tot": "Tốt",
    "kha": "Khá",
    "trung_binh": "Trung bình",
    "yeu": "Yếu",
}

HEAD_RATING_LABELS: Mapping[str, str] = {
    "htxs": "Hoàn thành xuất sắc nhiệm vụ",
    "htt": "Hoàn thành tốt nhiệm vụ",
    "ht": "Hoàn thành nhiệm vụ",
    "kht": "Không hoàn thành nhiệm vụ",
}

METHOD_LABELS: Mapping[str, str] = {
    "appraisal": "Thẩm định (TĐ)",
    "survey": "Điều tra XHH",
    "bonus": "Điểm thưởng",
    "penalty": "Điểm trừ",
}

LAYER_LABELS: Mapping[str, str] = {
    "self": "tự đánh giá",
    "round1": "thẩm định vòng 1",
    "round2": "thẩm định vòng 2",
    "survey": "điều tra XHH",
}
