"""Tổng quan: the four targets and who has filed, for the period chosen in the sidebar."""

from __future__ import annotations

import streamlit as st

from vanhoa import ui

OFFICE = "Toàn Văn phòng"


def render() -> None:
    st.title("Tổng quan phong trào")
    st.caption("Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” giai đoạn 2022 - 2026 "
               "tại Văn phòng UBND tỉnh Sơn La")
    if ui.busy_guard(lambda: ui.query("returns")).empty:
        st.info("Chưa có báo cáo nào được nộp. Văn thư các đơn vị hãy vào mục **Nộp báo cáo** "
                "để tải biểu mẫu, điền và tải lên báo cáo của đơn vị.")
        return
    period = ui.selected_period()
    st.subheader(f"Kỳ báo cáo: {ui.period_label(period)}")

    progress = ui.query("progress", period=period)
    office = progress[progress["unit"] == OFFICE].set_index("target")
    columns = st.columns(4)
    for column, (target, row) in zip(columns, office.iterrows()):
        status = "đạt" if row["met"] else "chưa đạt"
        column.metric(
            f"{target}. {row['target_name']}",
            ui.fmt_pct(row["ratio"]),
            f"{status} (mục tiêu {ui.fmt_pct(row['goal'], 0)})",
            delta_color="normal" if row["met"] else "inverse",
            help=f"{ui.fmt_int(row['numerator'])} / {ui.fmt_int(row['denominator'])}",
        )

    st.subheader("Tình hình nộp báo cáo")
    filing = ui.query("completeness", period=period)
    counts = filing["status"].value_counts()
    st.write(
        f"Đúng hạn: **{counts.get('đúng hạn', 0)}** · Trễ hạn: **{counts.get('trễ hạn', 0)}** · "
        f"Chưa nộp: **{counts.get('chưa nộp', 0)}** (trên {len(filing)} đơn vị)"
    )
    shown = filing.assign(
        filed=filing["filed_at"].map(ui.fmt_time),
        deadline_text=filing["deadline"].map(ui.fmt_date),
    )[["unit", "status", "filed", "version", "deadline_text"]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "unit": "Đơn vị", "status": "Tình trạng", "filed": "Thời gian nộp",
            "version": st.column_config.NumberColumn("Phiên bản", format="%d"),
            "deadline_text": "Hạn nộp",
        },
    )


if __name__ == "__main__":
    # Run directly (Streamlit's legacy mode on a fresh server): go through the app's router.
    import app

    app.main()
