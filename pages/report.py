"""Báo cáo: the official report (.docx) and its appendix (.xlsx), drafted from the data; the
narrative that no return holds is edited here and kept per period."""

from __future__ import annotations

import streamlit as st

from vanhoa import registry, ui
from vanhoa.report import (
    build_appendix,
    build_report,
    default_narrative,
    next_period_words,
    report_filenames,
    summary_lines,
)
from vanhoa.views import nothing_filed
from vanhoa.views import report as view


@registry.page("report")
def render() -> None:
    account = ui.current_account()
    st.title("Báo cáo gửi Sở Văn hóa, Thể thao và Du lịch")
    if not ui.busy_guard(ui.filed_periods):  # ten codes, not every version of the province
        st.info(nothing_filed("của các đơn vị, nên chưa thể soạn báo cáo của Văn phòng"))
        return
    store = ui.get_store()
    period_code = ui.selected_period()
    ref = ui.reference()
    period = ref.periods[period_code]
    st.subheader(f"Kỳ báo cáo: {period.label}")
    saved = store.report_draft(period_code)
    start = view.starting_words(saved, default_narrative(period, ref.supported_commune))
    st.caption(view.draft_caption(saved, period, ui.escape_md))

    st.markdown("**Số liệu lấy từ báo cáo của các đơn vị** (không sửa ở đây; giống hệt trang Tổng quan):")
    reader = ui.view_store()  # the store now, or as it stood at the moment an administrator chose
    # the sidebar's "approved only", as every page's figures: the report is the screen's
    approved_only, today = bool(st.session_state.get(ui.APPROVED_KEY, False)), ui.today()
    lines = _summary(*ui.store_key(reader), reader.data_version(), period_code, approved_only, today)
    st.markdown("\n".join(f"- {ui.escape_md(line)}" for line in lines))

    words = _narrative(start, period_code, period)
    by = st.text_input("Người soạn", key="report_by", placeholder="Họ tên người lưu nội dung")
    if st.button("Lưu nội dung", icon=":material/save:", key=f"report_save_{period_code}"):
        # the audit row names the account; "Người soạn" is what the person typed (kept, shown as text)
        ui.busy_guard(lambda: store.save_report_draft(period_code, words, by.strip() or None, actor=account.name))
        st.success(f"Đã lưu nội dung báo cáo {period.label}; lần soạn sau sẽ bắt đầu từ nội dung này.")
    _downloads(reader, period_code, dict(words), approved_only, today)


def _narrative(start: dict[str, str], period_code: str, period) -> dict[str, str]:
    """The fields no return holds, as the person edits them (keyed per period)."""
    words = {}
    words["number"] = st.text_input("Số văn bản (để trống nếu chưa lấy số)", start["number"],
                                    key=f"report_number_{period_code}", placeholder="ví dụ: 125")
    words["context"] = st.text_area("Đoạn mở đầu", start["context"], height=140, key=f"report_context_{period_code}")
    words["tasks"] = st.text_area(f"III. Nhiệm vụ trọng tâm {next_period_words(period)} (mỗi dòng một nhiệm vụ)",
                                  start["tasks"], height=260, key=f"report_tasks_{period_code}")
    left, right = st.columns(2)
    words["recipients"] = left.text_area("Nơi nhận (mỗi dòng một nơi)", start["recipients"], height=160,
                                         key=f"report_recipients_{period_code}")
    words["signer_title"] = right.text_area("Chức danh người ký", start["signer_title"], height=80,
                                            key=f"report_signer_title_{period_code}")
    words["signer_name"] = right.text_input("Người ký", start["signer_name"], key=f"report_signer_name_{period_code}")
    return words


def _downloads(reader, period_code: str, narrative: dict[str, str], approved_only: bool, today) -> None:
    # Both files are written when their button is clicked (Streamlit's deferred download): at
    # province scale the report lists thousands of activities and takes seconds to write, which
    # every rerun of the page (each keystroke in the narrative) would otherwise wait for.
    docx_name, xlsx_name = report_filenames(period_code)
    left, right = st.columns(2)
    left.download_button(
        "Tải báo cáo (.docx)", lambda: build_report(reader, period_code, narrative, approved_only, today),
        file_name=docx_name, mime=view.DOCX, icon=":material/description:", key="report_docx", width="stretch",
        type="primary")
    right.download_button(
        "Tải phụ lục (.xlsx)", lambda: build_appendix(reader, period_code, approved_only), file_name=xlsx_name,
        mime=view.XLSX, icon=":material/table:", key="report_xlsx", width="stretch")
    st.caption("Báo cáo dùng nội dung đang hiển thị ở trên (kể cả khi chưa lưu). Khổ A4, phông Times New Roman, "
               "lề trên/dưới 20 mm, trái 30 mm, phải 15 mm theo Nghị định 30/2020/NĐ-CP.")


@st.cache_data(show_spinner=False, max_entries=16)
def _summary(target: str, moment: str | None, data_version: str, period_code: str, approved_only: bool,
             today) -> list[str]:
    # Pure: the sentences depend only on the store's data (its version), the period, the toggle
    # and the day (the filing sentence counts the days to the deadline).
    return summary_lines(ui.store_from_key(target, moment), period_code, approved_only, today)
