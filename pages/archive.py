"""Kho tệp đã tải lên: every uploaded file, accepted or rejected, can be found and downloaded again."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from vanhoa import ui

STATUS_VI = {"accepted": "đã lưu", "unchanged": "không thay đổi", "rejected": "bị từ chối"}


def render() -> None:
    ui.require("admin")
    st.title("Kho tệp đã tải lên")
    st.caption("Mọi tệp được tải lên, kể cả tệp bị từ chối, đều được giữ nguyên bản cùng mã SHA-256, "
               "người nộp và thời gian.")
    ref = ui.busy_guard(ui.reference)
    left, right = st.columns(2)
    status = left.selectbox("Tình trạng", [None, "accepted", "unchanged", "rejected"], key="archive_status",
                            format_func=lambda s: "Tất cả" if s is None else STATUS_VI[s])
    unit = right.selectbox("Đơn vị", [None, *ref.units], key="archive_unit",
                           format_func=lambda u: "Tất cả" if u is None else ref.unit_name(u))
    uploads = ui.busy_guard(lambda: ui.query("uploads", unit=unit, status=status))
    if uploads.empty:
        st.info("Chưa có tệp nào được tải lên.")
        return
    table = pd.DataFrame({
        "Thời gian": uploads["uploaded_at"].map(ui.fmt_time),
        "Tệp": uploads["filename"],
        "Người nộp": uploads["uploaded_by"].fillna(""),
        "Tình trạng": uploads["status"].map(STATUS_VI),
        "Đơn vị": uploads["unit"].fillna(""),
        "Kỳ": uploads["period"].fillna(""),
        "Phiên bản": uploads["version"],
        "Kích thước (byte)": uploads["size"].map(ui.fmt_int),
        "SHA-256": uploads["sha256"],
    })
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Phiên bản": st.column_config.NumberColumn(format="%d")})
    ui.download_buttons(table, "kho-tep", key="archive")

    st.subheader("Xem một tệp")
    pick = st.selectbox(
        "Tệp", list(range(len(uploads))), key="archive_pick",
        format_func=lambda i: f"{table['Thời gian'].iloc[i]} — {uploads['filename'].iloc[i]} ({table['Tình trạng'].iloc[i]})",
    )
    row = uploads.iloc[pick]
    raw = ui.get_store().file_bytes(row["sha256"])
    st.download_button("Tải tệp gốc", raw or b"", file_name=row["filename"] or "tep.xlsx",
                       key="archive_original", disabled=raw is None)
    problems = json.loads(row["problems"] or "[]")
    if problems:
        st.dataframe(pd.DataFrame(problems).rename(columns={
            "sheet": "Trang", "cell": "Ô", "value": "Giá trị", "message": "Nội dung", "severity": "Mức"}),
            hide_index=True, width="stretch")


if __name__ == "__main__":
    # Run directly (Streamlit's legacy mode on a fresh server): go through the app's router.
    import app

    app.main()
