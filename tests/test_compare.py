"""The version diff (vanhoa/compare.py): figures are merged on the spec's keys, and the spec's
labels only name them, so a renamed header marks nothing "changed"."""

from __future__ import annotations

import importlib
from dataclasses import replace

from builders import good_sheets, workbook_bytes

from vanhoa import compare
from vanhoa.form import spec
from vanhoa.form.read import read_workbook
from vanhoa.form.rules import validate
from vanhoa.ingest import ingest


def _return(ref, sheets=None):
    outcome = validate(read_workbook(workbook_bytes(sheets or good_sheets()), "bao-cao.xlsx"), ref)
    assert outcome.ok
    return outcome.ret


def test_a_renamed_header_marks_no_figure_changed(ref, monkeypatch):
    ret = _return(ref)
    before = compare.figures_of_return(ret)  # the version as it was figured before the rename
    renamed = tuple(replace(c, header="Tham gia các hoạt động văn hóa") if c.field == "culture" else c
                    for c in spec.STAFF_COLUMNS)
    monkeypatch.setattr(spec, "STAFF_COLUMNS", renamed)
    monkeypatch.setattr(spec, "STAFF_HEADERS", spec.headers(renamed))
    monkeypatch.setattr(spec, "LIST_FIGURES", {**spec.LIST_FIGURES, "count": "Tổng số hoạt động"})
    try:
        importlib.reload(compare)  # a module that copied the labels at import takes the new ones too
        diff = compare.compare_figures(before, compare.figures_of_return(ret))
    finally:
        monkeypatch.undo()
        importlib.reload(compare)
    assert len(diff) == 5 * 3 + 4 + 3 and not diff["changed"].any()
    assert diff[diff["item"] == "Cán bộ, công chức"]["figure"].tolist() == [
        "Gia đình văn hóa", "Số gia đình", "Tham gia các hoạt động văn hóa",
        "Thực hiện tốt chuẩn mực đạo đức, văn hóa công sở", "Tổng số"]
    assert diff[diff["item"] == "Hoạt động"][["figure", "current", "new"]].values.tolist() == [
        ["Kinh phí (đồng)", 1500000, 1500000], ["Tổng số hoạt động", 2, 2]]


def test_the_stored_version_against_a_new_file(store, ref):
    """The store's figures (queries/return_figures.sql) and a new file's meet on the same keys."""
    assert ingest(store, workbook_bytes(good_sheets()), "v1.xlsx", "A").result.version == 1
    current = store.query("return_figures", unit="TH", period="2022-H1", version=1)
    same = compare.compare_figures(current, compare.figures_of_return(_return(ref)))
    assert len(same) == 22 and not same["changed"].any()
    changed = good_sheets()
    changed["Chỉ tiêu"][1][3] = 7  # culture 6 -> 7
    changed["Hoạt động"].pop()  # one activity fewer, of 0 đồng: the cost stays
    diff = compare.compare_figures(current, compare.figures_of_return(_return(ref, changed)))
    assert diff[diff["changed"]][["item", "figure", "current", "new"]].values.tolist() == [
        ["Cán bộ, công chức", "Tham gia hoạt động văn hóa", 6, 7],
        ["Hoạt động", "Số hoạt động", 2, 1],
    ]


def test_a_first_version_shows_every_figure_as_new(ref):
    diff = compare.compare_figures(None, compare.figures_of_return(_return(ref)))
    assert diff["changed"].all() and diff["current"].isna().all()
    assert diff.head(2)[["item", "figure", "new"]].values.tolist() == [
        ["Cán bộ, công chức", "Gia đình văn hóa", 8], ["Cán bộ, công chức", "Số gia đình", 8]]
