"""The MSEL columns: what export writes and the headers (in English, Vietnamese, Chinese) import reads."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    """One MSEL column: its key, the header export writes, its width, and other headers import reads."""

    key: str
    header: str
    width: int
    synonyms: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "number",
        "Event No.",
        8,
        (
            "No",
            "#",
            "Seq",
            "Seq No",
            "Sequence",
            "MSEL No",
            "MSEL #",
            "Number",
            "Event number",
            "Event #",
            "Inject No",
            "Inject #",
            "STT",
            "Số TT",
            "Số thứ tự",
            "序号",
            "编号",
        ),
    ),
    Column(
        "time",
        "Scenario time",
        12,
        (
            "Time",
            "Date/Time",
            "Date time",
            "Datetime",
            "Inject time",
            "Delivery time",
            "Planned time",
            "Thời gian",
            "Thời điểm",
            "时间",
            "时刻",
            "想定时间",
        ),
    ),
    Column(
        "synopsis",
        "Synopsis",
        30,
        (
            "Event synopsis",
            "Event",
            "Scenario event",
            "Tình huống",
            "Diễn biến",
            "Tóm tắt",
            "概要",
            "事件",
            "事件概要",
            "情况",
        ),
    ),
    # "Description" is the inject text when the sheet has no Inject column (see _assign).
    Column(
        "inject",
        "Inject",
        40,
        (
            "Inject description",
            "Inject text",
            "Description",
            "Message",
            "Content",
            "Nội dung",
            "Nội dung tình huống",
            "Nội dung thông tin",
            "内容",
            "注入内容",
            "信息内容",
        ),
    ),
    Column(
        "from",
        "From",
        18,
        (
            "Originator",
            "Sender",
            "Source",
            "Simulated sender",
            "Từ",
            "Nơi gửi",
            "Người gửi",
            "Đơn vị gửi",
            "发送方",
            "发出方",
            "来源",
        ),
    ),
    Column(
        "to",
        "To",
        18,
        (
            "Recipient",
            "Recipients",
            "Player",
            "Players",
            "Intended player",
            "Receiver",
            "Đến",
            "Nơi nhận",
            "Người nhận",
            "Đơn vị nhận",
            "接收方",
            "接收单位",
            "参演方",
        ),
    ),
    Column(
        "method",
        "Method",
        12,
        (
            "Delivery method",
            "Delivery",
            "Mode",
            "Means",
            "Phương thức",
            "Hình thức",
            "方式",
            "传递方式",
            "发送方式",
        ),
    ),
    Column(
        "controller",
        "Responsible controller",
        18,
        (
            "Controller",
            "Responsible",
            "Người phụ trách",
            "Đạo diễn",
            "Kiểm soát viên",
            "负责人",
            "导调员",
            "控制员",
        ),
    ),
    Column(
        "expected_action",
        "Expected action",
        36,
        (
            "Expected player action",
            "Expected player response",
            "Expected response",
            "Expected outcome",
            "Hành động mong đợi",
            "Hoạt động mong đợi",
            "Dự kiến xử lý",
            "Yêu cầu xử lý",
            "预期行动",
            "预期处置",
            "预期响应",
        ),
    ),
    Column("objective", "Objective", 36, ("Objectives", "Mục tiêu", "目标")),
    Column(
        "capability",
        "Core capability",
        28,
        ("Core capabilities", "Capability", "Năng lực cốt lõi", "核心能力"),
    ),
    Column("median", "Expected by (median)", 14),
    Column("p90", "Expected by (p90)", 14),
    # The drillsim columns: what the engine needs to rebuild the incident exactly.
    Column("id", "Incident id", 16, ("Incident", "Inject id", "Mã tình huống", "事件标识")),
    Column("zone", "Zone", 14, ("Khu vực", "区域")),
    Column(
        "detected_by",
        "Detected by",
        16,
        ("Detector", "Đơn vị phát hiện", "Phát hiện bởi", "发现方"),
    ),
    Column(
        "detection",
        "Detection",
        20,
        ("Detection time", "Detection delay", "Thời gian phát hiện", "发现用时"),
    ),
    Column("red", "Casualties red", 9, ("Red", "Đỏ", "红")),
    Column("yellow", "Casualties yellow", 9, ("Yellow", "Vàng", "黄")),
    Column("green", "Casualties green", 9, ("Green", "Xanh", "绿")),
    Column("black", "Casualties black", 9, ("Black", "Đen", "黑")),
    Column("triggers", "Triggers", 30, ("Tasks", "Triggered tasks", "Nhiệm vụ", "任务")),
    Column("description", "Description", 40, ("Incident description", "Mô tả", "描述")),
)
"""Every column, in export order; the synonym table of import (one place, all languages)."""

PLANNER_COLUMNS = 13
"""The first columns are the planners'; the rest (from ``Incident id``) are drillsim's."""


def header_key(text: Any) -> str:
    """A header as compared: NFC, case-folded, without spaces, dots, colons, dashes or underscores."""
    folded = unicodedata.normalize("NFC", str(text)).casefold()
    return re.sub(r"[\s._:\-*]+", "", folded)


def _synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for col in COLUMNS:
        for name in (col.header, *col.synonyms):
            table[header_key(name)] = (*table.get(header_key(name), ()), col.key)
    return table


SYNONYMS = _synonyms()
"""Normalised header -> the column keys it may mean (in ``COLUMNS`` order)."""


def column_letter(index: int) -> str:
    """Spreadsheet name of a 0-based column index: 0 -> A, 26 -> AA."""
    name, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        name = chr(65 + rem) + name
    return name
