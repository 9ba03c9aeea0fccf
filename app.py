"""Router only: the sections, the pages, and the period selector every page shares."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import archive, data, overview, report, targets, upload  # noqa: E402
from vanhoa import ui  # noqa: E402


def main() -> None:
    st.set_page_config(page_title="Đời sống văn hóa - VP UBND tỉnh Sơn La", page_icon="🏛️", layout="wide")
    # Each URL path is its file's name in pages/: on a fresh server Streamlit's legacy pages/
    # mode runs that file first, and the file hands over to this router (see its last lines),
    # so a bookmark opens the right page with the sidebar, never "page not found".
    navigation = st.navigation({
        "Lãnh đạo": [
            st.Page(overview.render, title="Tổng quan", icon=":material/dashboard:", url_path="overview", default=True),
            st.Page(targets.render, title="Chỉ tiêu", icon=":material/flag:", url_path="targets"),
            st.Page(data.render, title="Dữ liệu", icon=":material/table_view:", url_path="data"),
            st.Page(report.render, title="Báo cáo", icon=":material/description:", url_path="report"),
        ],
        "Văn thư đơn vị": [
            st.Page(upload.render, title="Nộp báo cáo", icon=":material/upload_file:", url_path="upload"),
        ],
        "Quản trị": [
            st.Page(archive.render, title="Kho tệp đã tải lên", icon=":material/inventory_2:", url_path="archive"),
        ],
    })
    with st.sidebar:
        ui.busy_guard(_period_selector)
    navigation.run()


def _period_selector() -> None:
    options = ui.period_options()
    default = ui.latest_period_with_data() or options[-1]
    if st.session_state.get(ui.PERIOD_KEY) not in options:
        st.session_state[ui.PERIOD_KEY] = default
    st.selectbox("Kỳ báo cáo", options, key=ui.PERIOD_KEY, format_func=ui.period_label)


if __name__ == "__main__":
    main()
