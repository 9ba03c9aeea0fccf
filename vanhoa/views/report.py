"""Báo cáo, computed: the narrative a period's report starts from (the saved draft, else the
office's defaults) and the line saying which it is (pages/report.py lays out the form)."""

from __future__ import annotations

from collections.abc import Callable

from vanhoa import formats
from vanhoa.reference import Period
from vanhoa.report_narrative import period_words

FIELDS = ("number", "context", "tasks", "recipients", "signer_title", "signer_name")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def starting_words(saved: dict | None, defaults: dict) -> dict[str, str]:
    """Each field as saved for the period, or the default where the draft has none (or is empty)."""
    return {name: (saved or {}).get(name) or defaults[name] for name in FIELDS}


def draft_caption(saved: dict | None, period: Period, escape: Callable[[str], str]) -> str:
    """Who saved the draft and when, or that the words are the office's template. The name is
    what a person typed, shown as Markdown: `escape` is the page's (ui.escape_md)."""
    if saved:
        return (f"Nội dung lưu lần cuối lúc {formats.fmt_time(saved['saved_at'])} bởi "
                f"{escape(saved['saved_by'] or '(không rõ)')}.")
    return (f"Nội dung dưới đây được điền sẵn cho báo cáo {period_words(period)} theo mẫu báo cáo của "
            "Văn phòng; hãy sửa rồi lưu lại.")
