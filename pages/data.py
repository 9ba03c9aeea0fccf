"""Dữ liệu: every table of the command line's `export`, filtered, shown, and downloaded as shown.

The rows on screen and the rows in the CSV / Excel files come from the same query (same rows,
same order): the filters go to the SQL as bound parameters, and the screen and the files format
the values from the same description of the table (vanhoa.tables), so the CSV has the screen's
cells and the Excel file the same headers with numbers and dates typed. The command line's
`export` of the same table keeps the spec's machine columns.
The screen shows the first PAGE_ROWS of them and says how many there are; the files, written
when a download button is clicked, have every row (a province has a million activities, which
no script run can fetch and format in a fraction of a second).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import formats, registry, tables, ui, vocabulary
from vanhoa.export import EXTRA_COLUMNS, HEADERS_VI, TABLES
from vanhoa.form.spec import ACTIVITY_KINDS
from vanhoa.formats import MISSING
from vanhoa.store import load_sql
from vanhoa.views import PAGE_ROWS  # the screen shows this many rows (tests make it smaller)

# export name -> the name people see, and what one row is
TABLE_NAMES = {
    "progress": "Tiến độ chỉ tiêu",
    "completeness": "Tình hình nộp báo cáo",
    "activities": "Hoạt động",
    "events": "Sự kiện",
    "returns": "Các phiên bản báo cáo",
}
TABLE_NOTES = {
    "progress": f"Mỗi dòng là một chỉ tiêu của một đơn vị; dòng “{vocabulary.OFFICE_LABEL}” là kết quả chung "
                "của Văn phòng UBND tỉnh.",
    "completeness": "Mỗi dòng là một đơn vị phải báo cáo trong kỳ: đúng hạn, trễ hạn hay chưa nộp.",
    "activities": "Mỗi dòng là một hoạt động trong báo cáo hiện hành của đơn vị.",
    "events": "Mỗi dòng là một lượt tham gia sự kiện trong báo cáo hiện hành của đơn vị.",
    "returns": "Mỗi dòng là một phiên bản báo cáo đã lưu; phiên bản mới nhất là phiên bản hiện hành.",
}
# The filters each table offers: exactly the parameters its query accepts.
FILTERS = {
    "progress": ("period", "unit"),
    "completeness": ("period", "unit"),
    "activities": ("period", "unit", "kind", "commune", "date_from", "date_to", "search"),
    "events": ("period", "unit", "event", "search"),
    "returns": ("period", "unit"),
}
SEARCH_HINTS = {
    "activities": "Tìm trong nội dung, địa điểm, kết quả, xã/phường",
    "events": "Tìm trong tên sự kiện, địa điểm, thành tích, ghi chú",
}
# tables whose query takes $limit (and counts its rows): a province has a million activities and
# 40.000 progress rows over every period, too many to fetch and format at each script run
LIMITED = {"activities", "events", "progress"}
ALL = "Tất cả"
EVERYTHING = ""  # the choice "Tất cả …" of a filter: no filter
EMPTY_STORE = ("Chưa có báo cáo nào được nộp, nên chưa có dữ liệu để xem và tải xuống. Văn thư các đơn vị "
               "hãy vào mục **Nộp báo cáo** để tải biểu mẫu, điền và tải lên báo cáo của đơn vị.")
NO_ROWS = "Không có dòng nào khớp với bộ lọc đã chọn. Hãy bỏ bớt điều kiện lọc."
FILES_NOTE = ("Tệp CSV và Excel có đúng các cột, các dòng và thứ tự của bảng trên (luôn có cột Kỳ báo cáo); "
              "ô “—” (không có số liệu) để trống trong tệp; trong tệp Excel, số và ngày tháng là số và ngày "
              "tháng thực, tính toán được.")
_FOLLOWED = "data_period_followed"  # the sidebar period this page last followed


@registry.page("data")
def render() -> None:
    st.title("Dữ liệu")
    st.caption("Xem, lọc và tải xuống các bảng dữ liệu của phong trào.")
    if not ui.busy_guard(ui.filed_periods):  # ten codes, not every version of the province
        st.info(EMPTY_STORE)
        return
    name = st.selectbox("Bảng dữ liệu", list(TABLE_NAMES), key="data_table", format_func=TABLE_NAMES.get,
                        placeholder="Chọn bảng dữ liệu") or "progress"
    st.caption(TABLE_NOTES[name])
    filters = ui.busy_guard(lambda: _filters(name))
    frame, total = ui.busy_guard(lambda: first_rows(name, filters))

    st.markdown(f"**{formats.fmt_int(total)} dòng**")
    if frame.empty:
        st.info(NO_ROWS)
        return
    if total > len(frame):
        st.caption(f"Hiển thị {formats.fmt_int(len(frame))} dòng đầu trong {formats.fmt_int(total)} dòng; "
                   "tải về để có đủ.")
    shown = display_frame(frame, name)
    # One period chosen: its name is in the filter above, so the column is left out on screen
    # (it stays in the files); a phone then shows the unit and the figures without scrolling as far.
    order = [c for c in shown.columns if not (filters.get("period") and c == HEADERS_VI["period"])]
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)),
                 column_order=order, column_config=_column_config(name), placeholder=MISSING)
    st.caption(FILES_NOTE)
    ui.download_buttons_later(every_row(name, filters), file_stem(name, filters), key="data_download", table=name)


# ---------------------------------------------------------------- the data


def table(name: str, **filters) -> pd.DataFrame:
    """vanhoa.export.table_frame through the app's cached queries: the spec's columns, then
    the extra ones for people. A filter left at None is no filter."""
    query, columns = TABLES[name]
    params = dict(filters)
    if name == "completeness":
        params.setdefault("today", ui.today())  # "days after the deadline" counted from today in Việt Nam
    return ui.query(query, **params)[columns + EXTRA_COLUMNS[name]]


def first_rows(name: str, filters: dict) -> tuple[pd.DataFrame, int]:
    """The rows the screen shows (the first PAGE_ROWS, in the files' order) and how many rows
    match the filters. The long tables are cut by the query itself ($limit), so a script run
    never fetches a million rows; the others are small enough to fetch whole."""
    if name not in LIMITED:
        frame = table(name, **filters)
        return frame.head(PAGE_ROWS), len(frame)
    query, columns = TABLES[name]
    frame = ui.query(query, **filters, limit=PAGE_ROWS)
    total = int(frame["total_rows"].iloc[0]) if len(frame) else 0
    return frame[columns + EXTRA_COLUMNS[name]], total


def every_row(name: str, filters: dict):
    """A function that returns every row matching the filters, as `python -m vanhoa export`
    writes them. A download button calls it when clicked, outside the script run, so the
    store, today's date and the sidebar's "approved only" are taken now."""
    query, columns = TABLES[name]
    params = dict(filters)
    if name == "completeness":
        params.setdefault("today", ui.today())
    if "$approved_only" in load_sql(query):
        params["approved_only"] = bool(st.session_state.get(ui.APPROVED_KEY, False))
    store = ui.view_store()  # the store now, or as it stood at the moment an administrator chose
    return lambda: store.query(query, **params)[columns + EXTRA_COLUMNS[name]]


# The files' names: the table's Vietnamese name without marks (the files are the people's
# tables; `python -m vanhoa export NAME` writes the machine ones)
FILE_NAMES = {"progress": "tien-do-chi-tieu", "completeness": "tinh-hinh-nop-bao-cao", "activities": "hoat-dong",
              "events": "su-kien", "returns": "cac-phien-ban-bao-cao"}


def file_stem(name: str, filters: dict) -> str:
    """hoat-dong_2022-Y, tien-do-chi-tieu_tat-ca-cac-ky, hoat-dong_2022-Y_loc (other filters set)."""
    stem = f"{FILE_NAMES[name]}_{filters.get('period') or 'tat-ca-cac-ky'}"
    if any(value is not None for key, value in filters.items() if key != "period"):
        stem += "_loc"
    return stem


# ---------------------------------------------------------------- filters


def _filters(name: str) -> dict:
    """The widgets of the filters that apply to this table; returns the query's parameters
    (None: no filter)."""
    ref = ui.reference()
    wanted = FILTERS[name]
    filters: dict = {}
    left, right = st.columns(2)
    with left:
        filters["period"] = _period_filter()
    filters["unit"] = _choice(right, "Đơn vị", list(ref.units), "data_unit", "Tất cả đơn vị", ref.unit_name)
    if "kind" in wanted:
        left, right = st.columns(2)
        filters["kind"] = _choice(left, "Loại hoạt động", _kinds(), "data_kind", ALL)
        filters["commune"] = _choice(right, "Xã/phường", _communes(ref.supported_commune), "data_commune", ALL)
    if "date_from" in wanted:
        first = min(p.start for p in ref.periods.values())
        last = max(p.end for p in ref.periods.values())
        left, right = st.columns(2)
        filters["date_from"] = left.date_input("Từ ngày", value=None, min_value=first, max_value=last,
                                               format="DD/MM/YYYY", key="data_date_from")
        filters["date_to"] = right.date_input("Đến ngày", value=None, min_value=first, max_value=last,
                                              format="DD/MM/YYYY", key="data_date_to")
        if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
            st.warning("“Từ ngày” đang sau “Đến ngày”: không có hoạt động nào trong khoảng này.")
    if "event" in wanted:
        filters["event"] = _choice(st, "Sự kiện", _events(ref.events), "data_event", "Tất cả sự kiện")
    if "search" in wanted:
        text = st.text_input("Tìm kiếm", key="data_search", placeholder=SEARCH_HINTS[name])
        filters["search"] = text.strip() or None
    return filters


def _choice(where, label: str, options: list[str], key: str, everything: str, format_func=str) -> str | None:
    """A selectbox whose first choice, EVERYTHING, means no filter (returned as None). The
    sentinel is a string, not None: a None option makes the browser offer to 'clear' it."""
    value = where.selectbox(label, [EVERYTHING, *options], key=key, placeholder=everything,
                            format_func=lambda o: everything if o == EVERYTHING else format_func(o))
    return None if value in (EVERYTHING, None) else value


def _period_filter() -> str | None:
    """Follows the sidebar's period (ui.selected_period) until the person picks another here,
    'Tất cả các kỳ' included; a new choice in the sidebar is followed again."""
    options = ui.period_options()
    shared = ui.selected_period()
    if "data_period" not in st.session_state or st.session_state.get(_FOLLOWED) != shared:
        st.session_state[_FOLLOWED] = shared
        st.session_state["data_period"] = shared if shared in options else EVERYTHING
    return _choice(st, "Kỳ báo cáo", options, "data_period", "Tất cả các kỳ", ui.period_label)


def _kinds() -> list[str]:
    """The form's kinds: validation lets no other kind into the store."""
    return list(ACTIVITY_KINDS)


def _found(field: str) -> set[str]:
    values = ui.query("filter_values")
    return set(values[values["field"] == field]["value"])


def _communes(supported: str) -> list[str]:
    """The supported commune first, then the other communes found in the stored rows."""
    return [supported, *sorted(_found("commune") - {supported})]


def _events(reference_events: list[str]) -> list[str]:
    """Events someone took part in (all periods), in the reference list's order."""
    order = {name: index for index, name in enumerate(reference_events)}
    return sorted(_found("event"), key=lambda e: (order.get(e, len(order)), e))


# ---------------------------------------------------------------- display

_WIDE = {"content", "event", "result", "warnings", "achievement", "target_name"}


def display_frame(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The rows as shown, and as the files have them (vanhoa.tables): Vietnamese headers,
    Vietnamese numbers and dates, same rows and order."""
    return tables.screen_frame(frame, name, tables.period_labels(ui.reference()))


def _column_config(name: str) -> dict:
    config = {}
    for column in tables.columns_of(name):
        header = column.header
        if tables.KINDS[column.kind].number:
            config[header] = st.column_config.TextColumn(header, alignment="right")
        elif column.name in _WIDE:
            config[header] = st.column_config.TextColumn(header, width="large")
        elif column.name == "unit":  # "Phòng Tổ chức - Hành chính - Quản trị" (almost) whole
            config[header] = st.column_config.TextColumn(header, width=230)
    return config
