"""Tổng quan: the four targets, who missed which, who has filed, and the trend since 2022."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from vanhoa import formats, registry, targets_text, ui, vocabulary
from vanhoa.views import overview as view

if TYPE_CHECKING:
    import pyarrow as pa

STATUS_BACKGROUND = {"đạt": "#E3F1E4", "chưa đạt": "#F9DEDC", "chưa nộp": "#ECECEC", "chưa phê duyệt": "#FFF1C2"}


@registry.page("overview")
def render() -> None:
    st.title("Tổng quan phong trào")
    st.caption("Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” giai đoạn 2022 - 2026 "
               "tại Văn phòng UBND tỉnh Sơn La")
    if not ui.busy_guard(ui.filed_periods):
        st.info("Chưa có báo cáo nào được nộp. Văn thư các đơn vị hãy vào mục **Nộp báo cáo** "
                "để tải biểu mẫu, điền và tải lên báo cáo của đơn vị.")
        return
    period = ui.selected_period()
    approved_only = bool(st.session_state.get(ui.APPROVED_KEY))
    st.subheader(f"Kỳ báo cáo: {ui.period_label(period)}")
    st.caption("Số liệu: chỉ các báo cáo đã được lãnh đạo phê duyệt." if approved_only
               else "Số liệu: mọi báo cáo đã nộp (bản đã phê duyệt được giữ cho đến khi bản mới được phê duyệt).")
    # The trend's Office rows of every period also hold last year's, which the cards compare
    # with: no query of a whole second period for four numbers.
    units = ("progress", {"period": period})
    filing = ("completeness", {"period": period, "today": ui.today()})
    office = ("progress", {"office_only": True})
    ui.prefetch(units, filing, office)

    # Each part is built from the query results once per data version (ui.derived), not at every
    # rerun: a province has a thousand units, each formatted in six cells.
    state = ui.derived(view.period_state, units, approved_only=approved_only)
    st.markdown(ui.derived(view.filing_rate, filing, units, today=ui.today(), approved_only=approved_only))
    if state["status"] == "chưa phê duyệt":
        st.info(targets_text.NOTHING_APPROVED)
    elif state["status"] == "chưa nộp":
        st.info(targets_text.NOTHING_FILED)
    else:
        _target_cards(period, units, office, approved_only)
    with st.container(border=True):
        st.markdown(ui.derived(_attention, units, filing))
    st.subheader("Kết quả từng đơn vị")
    _unit_table(units, filing, state["note"])
    st.subheader("Tình hình nộp báo cáo")
    _filing(filing)
    st.subheader("Diễn biến qua các kỳ (2022 - 2026)")
    _trends(office)


def _target_cards(period: str, units: tuple, office: tuple, approved_only: bool) -> None:
    previous_label = ui.period_label(view.previous_same_kind(period))
    for column, card in zip(st.columns(4), ui.derived(view.cards, units, office, period=period,
                                                      approved_only=approved_only), strict=False):
        with column:
            goal = f"mục tiêu {formats.fmt_goal(card['goal'])}"
            if card["note"]:
                # no verdict on part of the Office: the figure, what it is made of, and a grey badge
                st.metric(card["label"], card["value"], card["note"], delta_color="off", delta_arrow="off",
                          border=True, help=card["help"])
                st.badge(f"Tạm tính ({goal})", color="gray", icon=":material/hourglass_top:")
                continue
            st.metric(card["label"], card["value"], card["delta"],
                      delta_description=f"so với {previous_label}" if card["delta"] else None,
                      border=True, help=card["help"])
            met = card["status"] == "đạt"
            st.badge(f"{'Đạt' if met else 'Chưa đạt'} ({goal})",
                     color="green" if met else "red", icon=":material/check:" if met else ":material/close:")


def _attention(progress: pd.DataFrame, filing: pd.DataFrame) -> str:
    return view.attention(progress, filing, ui.escape_md)


def _unit_table(units: tuple, filing: tuple, note: str | None) -> None:
    table, options = ui.derived(_unit_cells, units, filing)
    config = {"Đơn vị": st.column_config.TextColumn(pinned=True)}
    for header, values in options.items():
        config[header] = _pills(header, values)
    st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(table)), column_config=config)
    waiting = " · Vàng: chưa phê duyệt" if any(o.startswith("chưa phê duyệt|") for v in options.values() for o in v) \
        else ""
    st.caption((f"{vocabulary.OFFICE_LABEL} — {note}. " if note else "")
               + f"Xanh: đạt · Đỏ: chưa đạt (hoặc nộp trễ hạn) · Xám: chưa nộp{waiting}. T3: đơn vị đạt chuẩn "
               "văn hóa khi đạt cả ba tiêu chuẩn.")


def _unit_cells(progress: pd.DataFrame, filing: pd.DataFrame) -> tuple[pa.Table, dict[str, list[str]]]:
    table, options = view.unit_cells(progress, filing)
    return ui.arrow_table(table), options


def _pills(header: str, options: list[str]):
    """A read-only column of pills: each "status|text" option shows its text in its status's colour."""
    return st.column_config.MultiselectColumn(
        header, options=options, color=[STATUS_BACKGROUND[o.split("|", 1)[0]] for o in options],
        format_func=lambda o: o.split("|", 1)[1])


def _filing(filing: tuple) -> None:
    summary, shown = ui.derived(_filing_table, filing)
    st.write(summary)
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))


def _filing_table(filing: pd.DataFrame) -> tuple[str, pa.Table]:
    summary, shown = view.filing_table(filing)
    return summary, ui.arrow_table(shown)


def _trends(office: tuple) -> None:
    # Two charts per row, row by row: a phone stacks a row's columns before the next row's, so
    # the charts read T1, T2, T3, T4 there too (one row of two columns read T1, T3, T2, T4).
    periods = tuple((code, p.label) for code, p in ui.reference().periods.items() if 2022 <= p.year <= 2026)
    specs = ui.derived(view.trend_specs, office, periods=periods)
    for start in range(0, len(specs), 2):
        for column, spec in zip(st.columns(2), specs[start:start + 2], strict=False):
            with column:
                st.vega_lite_chart(spec, width="stretch", height=280)
