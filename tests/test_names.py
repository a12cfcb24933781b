"""Short labels: bracketed asides removed the same way in findings, report labels and the MSEL matcher."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drillsim.analysis.messages import short_name
from drillsim.names import without_asides
from drillsim.report.vocab import short_description


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Công an tỉnh (cơ quan thường trực Ban Chỉ đạo)", "Công an tỉnh"),
        ("学校保卫处（校园安保）", "学校保卫处"),
        ("Đội (A) cứu hộ", "Đội cứu hộ"),
        ("Tổ (phản ứng (nhanh)) cơ động", "Tổ cơ động"),
        ("Trạm y tế (xã", "Trạm y tế"),
        ("no brackets", "no brackets"),
        ("stray ) closing", "stray ) closing"),
    ],
)
def test_without_asides(text: str, expected: str) -> None:
    assert without_asides(text) == expected


def test_a_name_that_is_all_aside_is_kept_whole() -> None:
    assert short_name("(chưa đặt tên)") == "(chưa đặt tên)"


def test_a_variant_label_is_its_first_sentence_without_asides() -> None:
    assert (
        short_description("Thêm 2 xe cứu thương (dự phòng). Giả định của huấn luyện viên.")
        == "Thêm 2 xe cứu thương"
    )
    assert short_description("增加一名值班员（指挥中心）。其他不变。") == "增加一名值班员"


@given(st.text(alphabet="ab ()（）", max_size=30))
def test_asides_leave_no_brackets_that_they_opened(text: str) -> None:
    out = without_asides(text)
    assert "(" not in out and "（" not in out
    assert out == " ".join(out.split())
