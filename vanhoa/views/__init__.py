"""What each page computes, free of Streamlit: one module per page that computes something
(pages/<name>.py lays out what vanhoa/views/<name>.py builds), tested without running a page."""

from __future__ import annotations


def nothing_filed(consequence: str) -> str:
    """The line a page shows while no unit has filed a return: why it has nothing, then what to do."""
    return (f"Chưa có báo cáo nào {consequence}. Văn thư các đơn vị hãy vào mục **Nộp báo cáo** để tải lên "
            "báo cáo của đơn vị.")


PAGE_ROWS = 1_000  # rows a long table shows on screen; its downloads have every row that matches


def in_sentence(label: str) -> str:
    """'Năm 2022' in the middle of a sentence: 'năm 2022'."""
    return label[:1].lower() + label[1:]
