"""Every page of the app in one place: its title, icon, URL path, menu section and the roles that
may open it. The router (app.py) builds the menu from it and every page's render() checks its
roles through it (`@registry.page("targets")`), so a role is written once.

The declarations are streamlit-free; only the guard (`page`) reaches Streamlit, through vanhoa.ui."""

from __future__ import annotations

import functools
from dataclasses import dataclass

LEADERS = ("leader", "admin")


@dataclass(frozen=True)
class Page:
    """One page. `key` is its file's name in pages/ and its URL path: on a fresh server Streamlit's
    legacy pages/ mode runs the file of the URL first (see `page` for the hand-over)."""

    key: str
    title: str  # "{commune}" stands for the supported commune of the reference data
    icon: str
    section: str
    roles: tuple[str, ...] = ()  # none: any signed-in account
    default: bool = False
    public: bool = False  # opened without signing in (the sign-in form)

    def allows(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def title_for(self, commune: str) -> str:
        return self.title.format(commune=commune)


# The menu's order is this order; a section appears where its first page does.
PAGES: tuple[Page, ...] = (
    Page("overview", "Tổng quan", ":material/dashboard:", "Lãnh đạo", default=True),
    Page("targets", "Chỉ tiêu", ":material/flag:", "Lãnh đạo", LEADERS),
    Page("commune", "Xã {commune}", ":material/volunteer_activism:", "Lãnh đạo", LEADERS),
    Page("events", "Sự kiện", ":material/emoji_events:", "Lãnh đạo", LEADERS),
    Page("data", "Dữ liệu", ":material/table_view:", "Lãnh đạo", LEADERS),
    Page("report", "Báo cáo", ":material/description:", "Lãnh đạo", LEADERS),
    Page("approval", "Phê duyệt", ":material/task_alt:", "Lãnh đạo", LEADERS),
    Page("upload", "Nộp báo cáo", ":material/upload_file:", "Văn thư đơn vị", ("clerk", "admin")),
    Page("lists", "Danh mục", ":material/list_alt:", "Quản trị", ("admin",)),
    Page("accounts", "Tài khoản", ":material/group:", "Quản trị", ("admin",)),
    Page("audit", "Nhật ký thao tác", ":material/history:", "Quản trị", ("admin",)),
    Page("archive", "Kho tệp đã tải lên", ":material/inventory_2:", "Quản trị", ("admin",)),
    Page("history", "Lịch sử kho", ":material/manage_history:", "Quản trị", ("admin",)),
)
# What a signed-out visitor sees at every URL; not in any menu.
SIGN_IN = Page("signin", "Đăng nhập", ":material/login:", "", default=True, public=True)
_BY_KEY = {entry.key: entry for entry in PAGES + (SIGN_IN,)}


def entry(key: str) -> Page:
    return _BY_KEY[key]


def menu(role: str) -> dict[str, list[Page]]:
    """The pages `role` may open, by section, in the menu's order."""
    sections: dict[str, list[Page]] = {}
    for each in PAGES:
        if each.allows(role):
            sections.setdefault(each.section, []).append(each)
    return sections


def page(key: str):
    """Decorates a page's render(): the account must have one of the page's roles (ui.require
    stops the run otherwise), whether the page is opened from the menu or by its URL.

    It also makes the page file safe to run alone. Until a session has called st.navigation, a
    fresh server runs the file of a page's URL by itself (Streamlit's legacy pages/ mode, because
    pages/ lies beside app.py): the file is then `__main__`, and this decorator, the one line
    every page already needs for its roles, hands the run to the router, which draws the sidebar
    and the page. Imported by the router or a test, the file is `pages.<key>` and nothing happens."""
    page_entry = entry(key)

    def decorate(render):
        @functools.wraps(render)
        def guarded() -> None:
            if not page_entry.public:
                from vanhoa import ui

                ui.require(*page_entry.roles)
            render()

        if render.__module__ == "__main__":
            import app

            app.main()
        return guarded

    return decorate
