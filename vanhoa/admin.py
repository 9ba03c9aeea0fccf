"""What leaders and administrators change: approval of returns and the reference lists.

Every change is one transaction together with its audit row, so the audit log answers "who
changed this and when" for everything here.
"""

from __future__ import annotations

import datetime as dt

from vanhoa import formats
from vanhoa.store import Store, now_local, write_audit
from vanhoa.text import clean_text, strip_controls

STATUS_VI = {"pending": "chờ phê duyệt", "approved": "đã phê duyệt", "returned": "trả lại"}


class ChangeRefused(ValueError):
    """The change is not allowed; the message is Vietnamese."""


def _one_line(text: str | None) -> str:
    """A name an administrator types, as every page, chart and report shows it: clean_text (as
    for every cell of a return: no control or bidi character), on one line."""
    return " ".join(clean_text(text or "").split())


def _version_row(con, unit: str, period: str, version: int):
    row = con.execute("select status from returns where unit_code = ? and period_code = ? and version = ?",
                      [unit, period, version]).fetchone()
    if row is None:
        raise ChangeRefused(f"Không có phiên bản {version} của đơn vị {unit}, kỳ {period}.")
    return row


def review(store: Store, unit: str, period: str, version: int, approve: bool, by: str, comment: str = "") -> None:
    """Approve a filed version, or return it for correction with a comment the clerk sees."""
    comment = strip_controls(comment or "").strip()
    if not approve and not comment:
        raise ChangeRefused("Khi trả lại báo cáo, hãy ghi rõ lý do để văn thư đơn vị sửa.")
    def change(con):
        status = _version_row(con, unit, period, version)[0]
        if status != "pending":
            raise ChangeRefused(f"Phiên bản {version} đã được xử lý ({STATUS_VI[status]}).")
        con.execute("update returns set status = ?, reviewed_by = ?, reviewed_at = ?, review_comment = ? "
                    "where unit_code = ? and period_code = ? and version = ?",
                    ["approved" if approve else "returned", by, now_local(), comment or None, unit, period, version])
        write_audit(con, by, "phê duyệt" if approve else "trả lại", f"{unit} {period} phiên bản {version}",
                    comment or None)

    store.write(change, by, ("phê duyệt" if approve else "trả lại") + f" {unit} {period} phiên bản {version}")


# ---------------------------------------------------------------- reference lists


def add_unit(store: Store, code: str, name: str, by: str, active_from: str) -> None:
    code, name = _one_line(code).upper(), _one_line(name)
    if not code or not name:
        raise ChangeRefused("Cần mã và tên đơn vị.")
    def change(con):
        if con.execute("select 1 from units where code = ? or lower(name) = lower(?)", [code, name]).fetchone():
            raise ChangeRefused(f"Đã có đơn vị mã {code} hoặc tên '{name}'.")
        order = con.execute("select coalesce(max(sort_order), 0) + 1 from units").fetchone()[0]
        con.execute("insert into units (code, name, short_name, kind, sort_order, active, active_from) "
                    "values (?, ?, ?, null, ?, true, ?)", [code, name, name, order, active_from])
        write_audit(con, by, "thêm đơn vị", code, f"{name}, báo cáo từ kỳ {active_from}")

    store.write(change, by, "thêm đơn vị " + code)


# The reference fields an administrator changes one at a time: (read, write) statements, written
# out in full so no SQL is ever pasted together.
_FIELDS = {
    "unit_name": ("select name from units where code = ?", "update units set name = ? where code = ?"),
    "deadline": ("select deadline from periods where code = ?", "update periods set deadline = ? where code = ?"),
    "goal": ("select goal from targets where code = ?", "update targets set goal = ? where code = ?"),
}


def _change_field(store: Store, by: str, action: str, field: str, key: str, value, missing: str,
                  shown=str) -> None:
    """One reference field (_FIELDS) changed, with the audit row "old → new" (as `shown` writes
    a value)."""
    read, write = _FIELDS[field]

    def change(con):
        old = con.execute(read, [key]).fetchone()
        if old is None:
            raise ChangeRefused(missing)
        con.execute(write, [value, key])
        write_audit(con, by, action, key, f"{shown(old[0])} → {shown(value)}")

    store.write(change, by, f"{action} {key}")


def rename_unit(store: Store, code: str, name: str, by: str) -> None:
    name = _one_line(name)
    if not name:
        raise ChangeRefused("Tên đơn vị không được để trống.")
    _change_field(store, by, "đổi tên đơn vị", "unit_name", code, name, f"Không có đơn vị mã {code}.")


def retire_unit(store: Store, code: str, from_period: str, by: str) -> None:
    """The unit no longer reports from `from_period` on; its returns and past periods stay."""
    def change(con):
        if con.execute("select 1 from units where code = ?", [code]).fetchone() is None:
            raise ChangeRefused(f"Không có đơn vị mã {code}.")
        con.execute("update units set retired_from = ?, active = false where code = ?", [from_period, code])
        write_audit(con, by, "ngừng theo dõi đơn vị", code, f"từ kỳ {from_period}")

    store.write(change, by, "ngừng theo dõi đơn vị " + code)


def set_deadline(store: Store, period: str, deadline: dt.date, by: str) -> None:
    _change_field(store, by, "đổi hạn nộp", "deadline", period, deadline, f"Không có kỳ {period}.",
                  formats.fmt_date)


def set_goal(store: Store, target: str, goal: float, by: str) -> None:
    if not 0 < goal <= 1:
        raise ChangeRefused("Mục tiêu phải lớn hơn 0 % và không quá 100 %.")
    _change_field(store, by, "đổi mục tiêu", "goal", target, round(goal, 4),
                  f"Không có chỉ tiêu {target}.", lambda value: formats.fmt_goal(float(value)))


def add_event(store: Store, name: str, series: str | None, year: int, kind: str | None, by: str) -> None:
    name, series = _one_line(name), _one_line(series)
    if not name:
        raise ChangeRefused("Tên sự kiện không được để trống.")
    def change(con):
        if con.execute("select 1 from events where name = ?", [name]).fetchone():
            raise ChangeRefused(f"Sự kiện '{name}' đã có trong danh mục.")
        con.execute("insert into events values (?, ?, ?, ?, null)", [name, series or None, year, kind or None])
        write_audit(con, by, "thêm sự kiện", name, f"năm {year}")

    store.write(change, by, "thêm sự kiện")


def set_setting(store: Store, key: str, value: str, by: str) -> None:
    value = _one_line(value)
    if not value:
        raise ChangeRefused("Giá trị không được để trống.")
    def change(con):
        old = con.execute("select value from settings where key = ?", [key]).fetchone()
        con.execute("delete from settings where key = ?", [key])
        con.execute("insert into settings values (?, ?)", [key, value])
        write_audit(con, by, "đổi cài đặt", key, f"{old[0] if old else '(trống)'} → {value}")

    store.write(change, by, "đổi cài đặt " + key)
