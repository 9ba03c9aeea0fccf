"""Kho tệp đã tải lên: every uploaded file, accepted or rejected, can be found and downloaded again.

At province scale there are tens of thousands of uploads: the screen lists the newest PAGE_ROWS
that match the filters and says how many match; the downloads, written when clicked, have them all.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from vanhoa import formats, registry, tables, ui
from vanhoa.formats import MISSING
from vanhoa.tables import Column
from vanhoa.text import clean_filename

STATUS_VI = {"accepted": "đã lưu", "unchanged": "không thay đổi", "rejected": "bị từ chối"}
PAGE_ROWS = 1_000  # uploads listed on screen, newest first
# The list of uploads, on screen and in its files (vanhoa.tables): the uploads query's columns.
UPLOADS = [Column("uploaded_at", "Thời gian", "time"), Column("filename", "Tệp"),
           Column("uploaded_by", "Người nộp"), Column("status", "Tình trạng", "words", STATUS_VI),
           Column("unit", "Đơn vị"), Column("period", "Kỳ", "period"), Column("version", "Phiên bản", "count"),
           Column("size", "Kích thước (byte)", "count"), Column("sha256", "SHA-256")]


@registry.page("archive")
def render() -> None:
    st.title("Kho tệp đã tải lên")
    st.caption("Mọi tệp được tải lên, kể cả tệp bị từ chối, đều được giữ nguyên bản cùng mã SHA-256, "
               "người nộp và thời gian.")
    ref = ui.busy_guard(ui.reference)
    left, middle, right = st.columns(3)
    status = left.selectbox("Tình trạng", [None, "accepted", "unchanged", "rejected"], key="archive_status",
                            format_func=lambda s: "Tất cả" if s is None else STATUS_VI[s])
    unit = middle.selectbox("Đơn vị", [None, *ref.units], key="archive_unit",
                            format_func=lambda u: "Tất cả" if u is None else ref.unit_name(u))
    search = right.text_input("Tìm theo tên tệp, người nộp", key="archive_search").strip() or None
    filters = {"unit": unit, "status": status, "search": search}
    uploads = ui.busy_guard(lambda: ui.query("uploads", **filters, limit=PAGE_ROWS))
    if uploads.empty:
        st.info("Chưa có tệp nào được tải lên.")
        return
    total = int(uploads["total_rows"].iloc[0])
    table = _table(uploads)
    if total > len(uploads):
        st.caption(f"Hiển thị {formats.fmt_int(len(uploads))} tệp mới nhất trong {formats.fmt_int(total)}; "
                   "lọc để tìm tệp khác.")
    right_aligned = {c.header: st.column_config.TextColumn(c.header, alignment="right")
                     for c in UPLOADS if tables.KINDS[c.kind].number}
    st.dataframe(table, hide_index=True, width="stretch", column_config=right_aligned, placeholder=MISSING)
    reader = ui.view_store()  # the downloads read the store the page shows, when clicked
    ui.download_buttons_later(lambda: _rows(reader.query("uploads", **filters)), "kho-tep", key="archive",
                              table=UPLOADS)

    st.subheader("Xem một tệp")
    labels = (table["Thời gian"] + " — " + table["Tệp"] + " (" + table["Tình trạng"] + ")").tolist()
    pick = st.selectbox("Tệp", list(range(len(uploads))), key="archive_pick", format_func=labels.__getitem__)
    if pick is None or pick >= len(uploads):
        pick = 0
    row = uploads.iloc[pick]
    sha256 = row["sha256"]
    # The bytes are read when the button is clicked; a file whose bytes are kept has a size.
    st.download_button("Tải tệp gốc", lambda: reader.file_bytes(sha256) or b"",
                       file_name=clean_filename(row["filename"] or "tep.xlsx"), key="archive_original",
                       disabled=pd.isna(row["size"]))
    problems = json.loads(row["problems"] or "[]")
    if problems:
        st.dataframe(pd.DataFrame(problems).rename(columns={
            "sheet": "Trang", "cell": "Ô", "value": "Giá trị", "message": "Nội dung", "severity": "Mức"}),
            hide_index=True, width="stretch", placeholder=MISSING)  # a problem of the whole file names no cell


def _rows(uploads: pd.DataFrame) -> pd.DataFrame:
    """The uploads as listed: names recorded before they were cleaned (clean_filename) are shown
    cleaned too."""
    return uploads.assign(filename=uploads["filename"].map(clean_filename, na_action="ignore"))


def _table(uploads: pd.DataFrame) -> pd.DataFrame:
    """The uploads as shown (and as the files have them)."""
    return tables.screen_frame(_rows(uploads), UPLOADS, tables.period_labels(ui.reference()))
