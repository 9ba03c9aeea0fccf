"""User text is text everywhere (issue 12, item 5): hostile strings in a real return (event names,
activity contents, places, achievements), in a unit's name typed by an administrator, in the
report's "Người soạn" and in a leader's comment go through every page and show literally. No
element's Markdown holds a link, an image, HTML, LaTeX or a colour directive; the .docx holds them
as plain text.

What Streamlit's Markdown makes of a source is modelled by `markup_in`: CommonMark's links, images
and HTML are read from the source (a backslash escape stops them), GitHub's autolinks and e-mail
links from the text AFTER the escapes are read (remark finds them in the text nodes; only an
invisible word joiner, ui.WORD_JOINER, breaks them), math and directives from the source."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from builders import HOSTILE, hostile_return, signed_in
from streamlit.testing.v1 import AppTest

from vanhoa import admin, ui
from vanhoa.ingest import ingest
from vanhoa.report import build_report

TYPED = "Lò Thị Hoa " + " ".join(HOSTILE)  # "Người soạn", a leader's comment, a unit's new name
UNIT = "Phòng Tổng hợp " + " ".join(HOSTILE)
LEADER_PAGES = ["overview", "targets", "commune", "events", "data", "report", "approval"]
ADMIN_PAGES = ["lists", "accounts", "audit", "archive", "history", "upload"]
TEXT_FIELDS = {"body", "label", "help", "text", "placeholder"}  # what Streamlit renders as Markdown


@pytest.fixture
def hostile_store(demo_copy):
    """The demonstration store with Phòng Tổng hợp's hostile return (version 2 of 2022-H1) and the
    unit renamed by an administrator to a hostile name."""
    done = ingest(demo_copy, hostile_return(), "bao-cao.xlsx", "vanthu.th")
    assert done.status == "accepted", done.checked.problems
    assert done.checked.outcome.ret.new_events == HOSTILE
    admin.rename_unit(demo_copy, "TH", UNIT, "quantri")
    return demo_copy


def page_script(name: str):
    import importlib

    importlib.import_module(f"pages.{name}").render()


def run(name: str, role: str, unit: str | None = None) -> AppTest:
    at = AppTest.from_function(page_script, args=(name,), default_timeout=60)
    signed_in(at, role, unit)
    at.session_state[ui.PERIOD_KEY] = "2022-H1"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _strings(message, names=TEXT_FIELDS):
    for field, value in message.ListFields():
        values = list(value) if field.is_repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in values:
                yield from _strings(item, names)
        elif field.type == field.TYPE_STRING and field.name in names:
            yield from values


def markdown_sources(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown: markdown, captions, titles,
    alerts, toasts, and the labels and help of widgets, expanders, tabs and metrics."""
    found, nodes = [], [at._tree]
    while nodes:
        node = nodes.pop()
        nodes.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            found.extend(_strings(proto))
    return found


def unescaped(source: str) -> str:
    """The text Markdown reads out of `source` once its backslash escapes are done."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


def markup_in(source: str) -> list[str]:
    """What in `source` Streamlit's Markdown would render as a link, image, HTML, math or colour."""
    text = unescaped(source)
    return (re.findall(r"(?<!\\)\]\(", source)  # [x](…), ![x](…)
            + re.findall(r"(?<!\\)<[A-Za-z/!?]", source)  # HTML, <https://…>
            + re.findall(r"(?i)https?://|www\.", text)  # GitHub's autolinks, found after the escapes
            + re.findall(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", text)  # e-mail autolinks
            + re.findall(r"(?<!\\)\$", source)  # math
            # :red[…] and the other directives, but the page's own badges (st.badge)
            + re.findall(r"(?<!\\):(?![a-z]+-badge\[)[A-Za-z-]+\[", source))


def assert_text_only(at: AppTest) -> list[str]:
    sources = markdown_sources(at)
    assert sources, "no text found on the page"
    for source in sources:
        assert markup_in(source) == [], source
        for raw in HOSTILE:
            assert raw not in source, source
    return sources


def cells(at: AppTest) -> set[str]:
    """Every text cell of every table on the page (a table shows its cells as plain text)."""
    return {value for frame in at.dataframe for column in frame.value.columns
            for value in frame.value[column].tolist() if isinstance(value, str)}


def test_escape_md_leaves_no_markup_and_ordinary_text_unchanged():
    for raw in HOSTILE + [TYPED, "www.example.com", "hoa@sonla.gov.vn", ":smile: :material/home:", "&lt;b&gt;",
                          "# Tiêu đề", "- mục", "1. mục", "===", "> trích", "`mã`", "~x~", "a | b"]:
        shown = ui.escape_md(raw)
        assert markup_in(shown) == [], raw
        assert unescaped(shown).replace(ui.WORD_JOINER, "") == raw  # the reader sees exactly what was typed
    assert ui.escape_md("Phòng Tổ chức - Hành chính - Quản trị, Ban Tiếp công dân.") == (
        "Phòng Tổ chức - Hành chính - Quản trị, Ban Tiếp công dân.")
    assert ui.escape_md("https://example.com/a") == "https\\:\u2060//example.com/a"


@pytest.mark.parametrize("name", LEADER_PAGES)
def test_leader_pages_show_hostile_text_literally(hostile_store, name):
    at = run(name, "leader")
    sources = assert_text_only(at)
    shown = "\n".join(sources)
    if name == "events":
        for raw in HOSTILE:
            assert f"#### {ui.escape_md(raw)}" in sources
            assert f"- {ui.escape_md(UNIT)}: {ui.escape_md(raw)}" in shown  # its achievement
        assert set(HOSTILE) <= cells(at)
    if name == "approval":
        title = f"{ui.escape_md(UNIT)} — 6 tháng đầu năm 2022 — phiên bản 2"
        assert title in sources  # the expander's label
        warnings = next(s for s in sources if "chưa có trong danh mục" in s)
        for raw in HOSTILE:
            assert ui.escape_md(raw) in warnings
    if name == "commune":
        assert set(HOSTILE) <= cells(at)  # contents, places and results of the activities
    if name == "overview":
        assert UNIT in cells(at) or any(ui.escape_md(UNIT) in s for s in sources)


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_show_hostile_text_literally(hostile_store, name):
    at = run(name, "admin")
    assert_text_only(at)
    if name == "lists":
        assert set(HOSTILE) <= cells(at) and UNIT in cells(at)  # the event list, the units
    if name == "upload":
        assert any(s.startswith(f"Tải biểu mẫu: {ui.escape_md(UNIT)}, ") for s in markdown_sources(at))


def test_data_page_tables_hold_hostile_text_as_cells(hostile_store):
    at = AppTest.from_function(page_script, args=("data",), default_timeout=60)
    signed_in(at, "leader")
    at.session_state[ui.PERIOD_KEY] = "2022-H1"
    at.session_state["data_table"] = "events"
    at.run()
    assert_text_only(at)
    assert set(HOSTILE) <= cells(at)


def test_typed_author_and_comment_show_literally_and_are_audited(hostile_store):
    """'Người soạn' saved on Báo cáo, a comment typed on Phê duyệt: text on every page that shows
    them; saving the narrative leaves an audit row (it left none)."""
    at = run("report", "leader")
    at.text_input(key="report_by").input(TYPED)
    at.button(key="report_save_2022-H1").click().run()
    assert [s.value for s in at.success] == [
        "Đã lưu nội dung báo cáo 6 tháng đầu năm 2022; lần soạn sau sẽ bắt đầu từ nội dung này."]
    at.run()
    sources = assert_text_only(at)
    assert any(s.endswith(f" bởi {ui.escape_md(TYPED)}.") for s in sources)
    assert hostile_store.query("audit_log")[["actor", "action", "target", "details"]].values.tolist()[0] == [
        "test.leader", "lưu nội dung báo cáo", "2022-H1", f"người soạn: {TYPED}"]

    at = run("approval", "leader")
    at.text_input(key="comment-KT-2022-H1-1").input(TYPED)
    at.button(key="return-KT-2022-H1-1").click().run()
    assert [s.value for s in at.success] == [
        "Đã trả lại Phòng Kinh tế — 6 tháng đầu năm 2022 — phiên bản 1 kèm ý kiến cho văn thư đơn vị."]
    assert_text_only(at)
    assert TYPED in cells(at)  # 'Đã xử lý', column 'Ý kiến'

    clerk = run("upload", "clerk", "KT")
    assert_text_only(clerk)
    assert TYPED in cells(clerk)  # the clerk's history, 'Ý kiến lãnh đạo'
    assert_text_only(run("audit", "admin"))


def test_report_docx_holds_hostile_and_pasted_text_as_plain_text(hostile_store):
    """The .docx: every hostile string as the text of a run, no hyperlink; a vertical tab or a NUL
    pasted into the narrative (Word's line break, a broken copy) no longer stops the document."""
    narrative = {"context": "Mở đầu\x0b" + TYPED + "\x00", "signer_name": TYPED}
    raw = build_report(hostile_store, "2022-H1", narrative)
    xml = zipfile.ZipFile(io.BytesIO(raw)).read("word/document.xml").decode()
    assert "hyperlink" not in xml and "<w:drawing" not in xml
    import docx

    document = docx.Document(io.BytesIO(raw))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Mở đầu" + TYPED in paragraphs
    body = "\n".join(paragraphs)
    for text in HOSTILE:
        assert f"Ngày 15/03/2022, {UNIT}: {text}, 10 người tham gia." in body  # the commune's activities
        assert text in body
    signer = document.tables[-1].rows[0].cells[1].paragraphs[-1].text
    assert signer == TYPED


def test_names_an_administrator_types_show_literally(hostile_store):
    """Danh mục: an event and the supported commune typed with markup; the page's confirmation and
    the pages that show them afterwards keep them as text."""
    at = run("lists", "admin")
    at.text_input(key="event_add_name").input(TYPED)
    next(b for b in at.button if b.label == "Thêm sự kiện").click().run()
    assert [s.value for s in at.success] == [f"Đã thêm sự kiện {ui.escape_md(TYPED)}."]
    assert_text_only(at)
    at.text_input(key="commune_name").input("Chiềng " + HOSTILE[1])
    next(b for b in at.button if b.label == "Lưu").click().run()
    assert [s.value for s in at.success] == [f"Xã được giúp đỡ: {ui.escape_md('Chiềng ' + HOSTILE[1])}."]
    assert_text_only(at)
    commune = run("commune", "leader")
    assert [t.value for t in commune.title] == [f"Xã {ui.escape_md('Chiềng ' + HOSTILE[1])}"]
    assert_text_only(commune)
