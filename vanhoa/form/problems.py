"""What the validator says about a file: each Problem names the sheet, the cell, the value found
and the rule, in Vietnamese. An error (lỗi) blocks storing; a warning (cảnh báo) is stored with
the return.
"""

from __future__ import annotations

from dataclasses import dataclass

from vanhoa.form.cells import show
from vanhoa.form.refusals import CellError

ERROR = "lỗi"
WARNING = "cảnh báo"


@dataclass(frozen=True)
class Problem:
    sheet: str
    cell: str
    value: str
    message: str
    severity: str = ERROR

    @property
    def where(self) -> str:
        if not self.cell:
            return self.sheet
        return f"{self.sheet}!{self.cell}" if self.sheet else self.cell

    def line(self) -> str:
        value = f" (giá trị: {self.value})" if self.value else ""
        where = f" {self.where}" if self.where else ""
        return f"{self.severity.capitalize()}{where}{value}: {self.message}"

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "value": self.value,
                "message": self.message, "severity": self.severity}


NO_VALUE = object()  # a problem about a cell or a sheet, not about the value in it


class Collector:
    """Every problem of one file, in the order the rules meet them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, sheet: str, cell: str, value: object, message: str) -> None:
        self.problems.append(Problem(sheet, cell, show(value) if value is not NO_VALUE else "", message, ERROR))

    def warning(self, sheet: str, cell: str, value: object, message: str) -> None:
        self.problems.append(Problem(sheet, cell, show(value) if value is not NO_VALUE else "", message, WARNING))


def formula_problem(header: str, value: object) -> str | None:
    """A text cell that holds an Excel error or a formula without its result: the reader gives its
    text ("#REF!", "=A1&B1"), which must not be stored as if the clerk had typed it."""
    if not isinstance(value, CellError):
        return None
    if value.startswith("#"):
        return f"'{header}' có lỗi công thức {value}; hãy sửa công thức hoặc nhập giá trị."
    return f"'{header}' là công thức chưa được tính; hãy mở tệp bằng Excel, lưu lại rồi tải lên."
