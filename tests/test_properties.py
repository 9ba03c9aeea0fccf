"""Property-based tests (hypothesis) of what clerks' files can throw at the reader, the validator
and the store:

(a) any cell value in any cell of `Chỉ tiêu`, `Hoạt động`, `Sự kiện`: `validate` never raises; an
    accepted return holds only non-negative ints, dates and clean NFC text; a refused one names a
    sheet of the form and a cell for every error;
(b) byte corruptions of a valid .xlsx, of the file itself and of the XML parts inside it:
    `read_workbook` returns or raises WorkbookRejected with one line, and `ingest` never leaves an
    invalid return in the store;
(c) random bytes, bare or behind a workbook's magic number, never crash `read_workbook`.

The bugs found here are pinned by the regression tests at the end (one Vietnamese line each, exact);
since they are fixed, the generators leave nothing out.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pytest
from builders import good_sheets, workbook_bytes
from hostile import read_in_a_small_process, zip_parts
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vanhoa.form import spec
from vanhoa.form.read import Workbook, WorkbookRejected, read_workbook
from vanhoa.form.rules import ERROR, WARNING, validate
from vanhoa.ingest import ingest
from vanhoa.reference import Reference
from vanhoa.store import Store
from vanhoa.text import clean_text

ROOT = Path(__file__).resolve().parent.parent
REF = Reference.from_csv()
BASE_SHEETS = good_sheets()
BASE_XLSX = workbook_bytes(BASE_SHEETS)
FORM_SHEETS = set(spec.REQUIRED_SHEETS + spec.OPTIONAL_SHEETS)
CELL_RE = re.compile(r"[A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?")  # a cell, or the header row's span for a missing column
INT32_MAX, INT64_MAX = 2**31 - 1, 2**63 - 1
# What clean_text promises to strip from stored text (C0 controls but the line break, DEL, C1 controls,
# bidi marks, BOM).
STRIPPED = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n"} | set(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
FAST = settings(deadline=None, max_examples=600, suppress_health_check=[HealthCheck.too_slow])  # ~1-5 ms each
SLOW = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])  # ~5-10 ms each
STORE = settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])  # ~140 ms each


# ------------------------------------------------------------------ cell values

WORDS = ["Phòng Tổng hợp", "Cán bộ, công chức", "Viên chức", "LĐHĐ", "Tổng", "Cộng", "Tổng cộng", "Có", "Không",
         "x", "✓", "Đạt", "Chưa đạt", "Tuyên truyền", "Giúp đỡ xã", "xã Chiềng Xuân", "III.3", "Mục III.1",
         "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "khoẻ", "hoà", "Ðoàn", "58", " 58 ", "1.200", "1 200",
         "1\u00a0200", "58,5", "-3", "1.20", "١٢", "１２", "05/12/2022", "5/3/2022", "2022-03-05", "31/02/2022",
         "=1+1", "@SUM(A1)", "שלום", "مرحبا", "(trống)"]
# Joints between words: spaces, line breaks, C0 and C1 controls, bidi and zero-width marks, a BOM.
GLUE = ["", " ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2003", "\x00", "\x01", "\x1f", "\x7f", "\x85", "\x9f",
        "\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff"]
# Any character but surrogates: combining marks and Hangul jamo too, which NFC joins to the
# character before them once a control or bidi mark between the two is stripped (bug 5).
free_words = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


def _join(parts: list[tuple[str, str]], tail: str, nfd: bool) -> str:
    text = "".join(glue + word for glue, word in parts) + tail
    return unicodedata.normalize("NFD", text) if nfd else text


texts = st.builds(_join, st.lists(st.tuples(st.sampled_from(GLUE), st.sampled_from(WORDS) | free_words), max_size=4),
                  st.sampled_from(GLUE), st.booleans())
numbers = (st.integers(-1_000, 1_000) | st.integers(-10**30, 10**30)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from([0, 58, 58.0, 58.5, -3, -0.0, 2.0**53 + 2, 1e308, 10**20]))
moments = (st.dates(min_value=dt.date(1, 1, 1)) | st.datetimes(min_value=dt.datetime(1, 1, 1))
           | st.times() | st.timedeltas())
cell_values = st.none() | st.just("") | st.booleans() | texts | numbers | moments

# What an .xlsx can hold and calamine gives back: finite numbers, dates from 1900-03-01, text.
xlsx_values = (st.none() | st.booleans() | texts | st.integers(-10**15, 10**15)
               | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)
               | st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))

drops = st.lists(st.tuples(st.sampled_from([spec.SHEET_STAFF, spec.SHEET_ACTIVITIES, spec.SHEET_EVENTS]),
                           st.integers(0, 6), st.integers(0, 10)), min_size=1, max_size=5)


def dropped(places: list[tuple[str, int, int]], values: list) -> dict[str, list[list]]:
    """The valid return's grids with each value written at (sheet, row, column), grids grown as needed."""
    sheets = copy.deepcopy(BASE_SHEETS)
    for (sheet, row, col), value in zip(places, values):
        grid = sheets[sheet]
        while len(grid) <= row:
            grid.append([])
        while len(grid[row]) <= col:
            grid[row].append(None)
        grid[row][col] = value
    return sheets


def clean(text: object, may_be_none: bool = True) -> bool:
    if text is None:
        return may_be_none
    return (isinstance(text, str) and text != "" and text == text.strip()
            and unicodedata.is_normalized("NFC", text) and not STRIPPED & set(text))


def count(value: object, may_be_none: bool = True) -> bool:
    if value is None:
        return may_be_none
    return type(value) is int and value >= 0


def day(value: object, may_be_none: bool = True) -> bool:
    return (value is None and may_be_none) or type(value) is dt.date


def check_outcome(outcome) -> None:
    """The properties of (a): what an accepted return holds, what a refusal names."""
    for problem in outcome.problems:
        assert problem.severity in (ERROR, WARNING)
        assert problem.sheet in FORM_SHEETS, problem
        assert problem.cell == "" or CELL_RE.fullmatch(problem.cell), problem
        assert problem.message and isinstance(problem.value, str)
    event("refused" if not outcome.ok else "accepted")
    if not outcome.ok:
        assert outcome.ret is None and outcome.errors
        return
    ret = outcome.ret
    assert not outcome.errors and ret.warnings == outcome.warnings
    assert (ret.unit_code, ret.period_code) == ("TH", "2022-H1")
    assert [s.group for s in ret.staff] == ["CBCC", "VC", "LDHD"]
    for s in ret.staff:
        assert all(count(n, False) for n in (s.total, s.ethics, s.culture, s.families, s.cultural_families)), s
        assert max(s.ethics, s.culture, s.families) <= s.total and s.cultural_families <= s.families
    assert sorted(ret.criteria) == ["C1", "C2", "C3", "C4"]
    assert all(type(met) is bool and clean(note) for met, note in ret.criteria.values())
    assert day(ret.prepared_on) and all(clean(t) for t in (ret.prepared_by, ret.phone, ret.email))
    acts, events = ret.activities, ret.events
    assert len({len(column) for column in acts.values()}) == 1 and len({len(c) for c in events.values()}) == 1
    assert all(day(d, False) for d in acts["date"])
    assert all(clean(t, False) for t in acts["content"])
    assert all(k in spec.ACTIVITY_KINDS for k in acts["kind"])
    assert all(p is None or p in {code for code, _ in spec.PLAN_ITEMS} for p in acts["plan_item"])
    assert all(clean(t) for name in ("commune", "place", "result") for t in acts[name])
    assert all(count(n) for name in ("participants", "cost") for n in acts[name])
    assert all(day(d, False) for d in events["date"])
    assert all(clean(t, False) for t in events["event"]) and all(clean(t, False) for t in ret.new_events)
    assert all(clean(t) for name in ("place", "achievement", "note") for t in events[name])
    assert all(count(n) for n in events["registered"]) and all(count(n, False) for n in events["participants"])


@FAST
@given(places=drops, data=st.data())
def test_any_cell_value_anywhere_gives_a_verdict_never_an_exception(places, data):
    values = data.draw(st.lists(cell_values, min_size=len(places), max_size=len(places)))
    check_outcome(validate(Workbook("bao-cao.xlsx", "xlsx", dropped(places, values)), REF))


@SLOW
@given(places=drops, data=st.data())
def test_any_cell_value_survives_the_round_trip_through_an_xlsx(places, data):
    values = data.draw(st.lists(xlsx_values, min_size=len(places), max_size=len(places)))
    check_outcome(validate(read_workbook(workbook_bytes(dropped(places, values)), "bao-cao.xlsx"), REF))


# ------------------------------------------------------------------ corrupted workbooks


def corrupt(data: bytes, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    """Apply (kind, position, bit, inserted bytes): 0 flips a bit, 1 truncates, 2 inserts."""
    out = bytearray(data)
    for kind, position, bit, extra in ops:
        at = position % (len(out) + 1)
        if kind == 0 and out:
            out[at % len(out)] ^= 1 << bit
        elif kind == 1:
            del out[at:]
        else:
            out[at:at] = extra
    return bytes(out)


operations = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2**20), st.integers(0, 7),
                                st.binary(min_size=1, max_size=5)), max_size=3)
PARTS = dict((name, zipfile.ZipFile(io.BytesIO(BASE_XLSX)).read(name))
             for name in zipfile.ZipFile(io.BytesIO(BASE_XLSX)).namelist())


def fits_store(ret) -> bool:
    """Every number of an accepted return fits the store's columns (INTEGER counts, BIGINT money)."""
    small = [n for s in ret.staff for n in (s.total, s.ethics, s.culture, s.families, s.cultural_families)]
    small += ret.activities["participants"] + ret.events["registered"] + ret.events["participants"]
    return all(n is None or n <= INT32_MAX for n in small) and all(n is None or n <= INT64_MAX
                                                                    for n in ret.activities["cost"])


def check_read(data: bytes):
    """read_workbook returns a Workbook or refuses with one Vietnamese line; nothing else escapes."""
    try:
        return read_workbook(data, "bao-cao.xlsx")
    except WorkbookRejected as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, message
        return None


class StoreChecker:
    """One store per test function (hypothesis shares it between examples); after each ingest the
    store holds only complete returns and one upload per file given."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="vanhoa-prop-")
        self.store = Store(Path(self.folder) / "prop.duckdb")
        self.ref = self.store.reference()
        self.ingested = 0

    def ingest(self, data: bytes, workbook) -> None:
        outcome = validate(workbook, self.ref) if workbook is not None else None
        assert outcome is None or not outcome.ok or fits_store(outcome.ret)  # bug 2
        done = ingest(self.store, data, "bao-cao.xlsx", "hypothesis", ref=self.ref)
        self.ingested += 1
        event("unreadable" if workbook is None else "refused" if not outcome.ok else "valid")
        expected = {"accepted", "unchanged"} if outcome is not None and outcome.ok else {"rejected"}
        assert done.status in expected, (done.status, [p.line() for p in done.checked.problems])
        with self.store.connect() as con:
            incomplete = con.execute("""
                select r.unit_code, r.period_code, r.version,
                       (select count(*) from return_staff s where (s.unit_code, s.period_code, s.version)
                            = (r.unit_code, r.period_code, r.version)) as staff,
                       (select count(*) from return_criteria c where (c.unit_code, c.period_code, c.version)
                            = (r.unit_code, r.period_code, r.version)) as criteria,
                       (select count(*) from files f where f.sha256 = r.sha256) as kept
                from returns r""").fetchall()
            statuses = dict(con.execute("select status, count(*) from uploads group by status").fetchall())
        assert all(row[3:] == (3, 4, 1) for row in incomplete), incomplete
        assert set(statuses) <= {"accepted", "unchanged", "rejected"}, statuses
        assert sum(statuses.values()) == self.ingested
        assert statuses.get("accepted", 0) == len(incomplete)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def test_corrupted_file_bytes_are_refused_or_read_never_stored_half():
    checker = StoreChecker()

    @STORE
    @given(ops=operations)
    def run(ops):
        data = corrupt(BASE_XLSX, ops)
        checker.ingest(data, check_read(data))

    try:
        run()
    finally:
        checker.close()


def test_corrupted_parts_inside_the_zip_are_refused_or_read_never_stored_half():
    checker = StoreChecker()
    names = sorted(PARTS)

    @STORE
    @given(part=st.sampled_from(names) | st.sampled_from([n for n in names if n.startswith("xl/")]),
           ops=operations, drop=st.booleans())
    def run(part, ops, drop):
        parts = dict(PARTS)
        if drop and not ops:
            del parts[part]
        else:
            parts[part] = corrupt(parts[part], ops)
        data = zip_parts(parts)
        checker.ingest(data, check_read(data))

    try:
        run()
    finally:
        checker.close()


# ------------------------------------------------------------------ random bytes

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PREFIXES = [b"", b"PK\x03\x04", b"PK\x05\x06", CFB_MAGIC, b"%PDF-1.7\n", b"\xef\xbb\xbf", b"<?xml"]
NAMES = ["bao-cao.xlsx", "bao-cao.xls", "bao-cao.ods", "bao-cao.xlsb", "bao-cao.csv", "bao-cao.txt", ""]
MEMBERS = ["[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml",
           "xl/sharedStrings.xml", "xl/workbook.bin", "mimetype", "content.xml", "word/document.xml"]


@FAST
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2048), name=st.sampled_from(NAMES))
def test_random_bytes_never_crash_the_reader(prefix, body, name):
    try:
        read_workbook(prefix + body, name)
    except WorkbookRejected as exc:
        assert str(exc) and "\n" not in str(exc)


@FAST
@given(members=st.dictionaries(st.sampled_from(MEMBERS), st.binary(max_size=512) | st.sampled_from(
    [b"application/vnd.oasis.opendocument.spreadsheet", PARTS["xl/workbook.xml"], PARTS["[Content_Types].xml"],
     PARTS["xl/_rels/workbook.xml.rels"]]), max_size=6))
def test_random_archives_never_crash_the_reader(members):
    data = zip_parts(members)
    try:
        read_workbook(data, "bao-cao.xlsx")
    except WorkbookRejected as exc:
        assert str(exc) and "\n" not in str(exc)


# ------------------------------------------------------------------ the bugs the properties found


def test_stored_text_is_nfc_when_a_zero_width_space_splits_a_letter_from_its_accent():
    """Bug 5: clean_text stripped control and bidi marks after NFC, so the letter and its accent
    that a zero-width space kept apart stayed unjoined."""
    sheets = good_sheets()
    sheets["Hoạt động"][1][1] = "Tuye\u0302\u200b\u0300n truyền"  # NFD "Tuyền" with a zero-width space inside
    outcome = validate(read_workbook(workbook_bytes(sheets), "bao-cao.xlsx"), REF)
    assert outcome.ok
    assert outcome.ret.activities["content"][0] == "Tuyền truyền"
    assert unicodedata.is_normalized("NFC", outcome.ret.activities["content"][0])


def test_c1_control_characters_are_stripped_like_c0_ones():
    """Bug 5: clean_text promises no control characters; C1 ones (\\x80-\\x9f) stayed."""
    assert clean_text("Giao\x85 lưu\x9f văn\x80nghệ") == "Giao lưu vănnghệ"
    assert clean_text("\x9b\x1b[31mĐạt\x9c") == "[31mĐạt"


def test_zip_version_field_out_of_range_is_refused_not_raised():
    """Bug 3: 'version needed to extract 8.4' made zipfile raise NotImplementedError."""
    data = bytearray(BASE_XLSX)
    data[data.index(b"PK\x01\x02") + 6] ^= 0x40  # one bit: 2.0 -> 8.4
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(bytes(data), "bao-cao.xlsx")
    assert str(caught.value) == "Tệp bị hỏng: không mở được gói nén của tệp Excel."


def test_count_with_thousands_of_digits_is_an_error_not_an_exception():
    """Bug 4: a whole number of 4,301+ digits typed as text raised ValueError (Python's limit on
    int() of a string) instead of the error at its cell."""
    sheets = good_sheets()
    sheets["Chỉ tiêu"][1][1] = "9" * 5000
    outcome = validate(read_workbook(workbook_bytes(sheets), "bao-cao.xlsx"), REF)
    assert [p.line() for p in outcome.errors] == [
        f"Lỗi Chỉ tiêu!B2 (giá trị: {'9' * 77}...): 'Tổng số' phải là số nguyên không âm, không quá 1.000.000."]


@pytest.mark.parametrize("sheet, row, col, value, line", [
    (spec.SHEET_STAFF, 1, 1, 10**10,
     "Lỗi Chỉ tiêu!B2 (giá trị: 10000000000): 'Tổng số' phải là số nguyên không âm, không quá 1.000.000."),
    (spec.SHEET_STAFF, 1, 4, "2.000.000",
     "Lỗi Chỉ tiêu!E2 (giá trị: 2.000.000): 'Số gia đình' phải là số nguyên không âm, không quá 1.000.000."),
    (spec.SHEET_ACTIVITIES, 1, 5, 3 * 10**9,
     "Lỗi Hoạt động!F2 (giá trị: 3000000000): 'Số người tham gia' phải là số nguyên không âm, không quá 1.000.000."),
    (spec.SHEET_ACTIVITIES, 1, 6, 10**20,
     "Lỗi Hoạt động!G2 (giá trị: 100000000000000000000): 'Kinh phí (đồng)' phải là số tiền (đồng) không âm, "
     "không quá 1.000.000.000.000.000."),
    (spec.SHEET_EVENTS, 1, 4, 1_000_001,
     "Lỗi Sự kiện!E2 (giá trị: 1000001): 'Số người tham gia' phải là số nguyên không âm, không quá 1.000.000."),
])
def test_number_too_large_for_the_store_is_refused(store, sheet, row, col, value, line):
    """Bug 2: counts above 2^31-1 (costs above 2^63-1) passed validate and crashed store.commit;
    now counts of people and families stop at 1,000,000 and money at 10^15 đồng, at the cell."""
    sheets = good_sheets()
    sheets[sheet][row][col] = value
    done = ingest(store, workbook_bytes(sheets), "bao-cao.xlsx", "hypothesis")
    assert done.status == "rejected"
    assert [p.line() for p in done.checked.errors] == [line]


@pytest.mark.parametrize("value, what, maximum, parsed", [
    (1_000_000, "số nguyên", ..., (1_000_000, None)),
    ("1.000.001", "số nguyên", ..., (None, "phải là số nguyên không âm, không quá 1.000.000")),
    (1e15, "số tiền (đồng)", ..., (10**15, None)),
    ("0" * 5000 + "7", "số nguyên", ..., (7, None)),
    ("1" + "0" * 5000, "số tiền (đồng)", ...,
     (None, "phải là số tiền (đồng) không âm, không quá 1.000.000.000.000.000")),
    ("1.600.000", "số nguyên", None, (1_600_000, None)),  # no limit: a total row, which is never stored
    (10**20, "số nguyên", None, (10**20, None)),
    ("9" * 5000, "số nguyên", None, (None, "phải là số nguyên không âm, viết như 58 hoặc 1.200")),
    (58, "số nguyên", 50, (None, "phải là số nguyên không âm, không quá 50")),
])
def test_parse_whole_limit_follows_what_unless_given(value, what, maximum, parsed):
    from vanhoa.form.cells import parse_whole

    assert (parse_whole(value, what) if maximum is ... else parse_whole(value, what, maximum)) == parsed


def test_the_largest_numbers_allowed_are_stored(store):
    """The limits of bug 2 are inclusive and fit the store: 1,000,000 people, 10^15 đồng."""
    sheets = good_sheets()
    sheets[spec.SHEET_STAFF][1][1:6] = [1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000]
    sheets[spec.SHEET_ACTIVITIES][1][5:7] = [1_000_000, 10**15]
    sheets[spec.SHEET_EVENTS][1][3:5] = ["1.000.000", 1_000_000]
    done = ingest(store, workbook_bytes(sheets), "bao-cao.xlsx", "hypothesis")
    assert done.status == "accepted", [p.line() for p in done.checked.problems]
    with store.connect() as con:
        assert con.execute("select max(total) from return_staff").fetchone() == (1_000_000,)
        assert con.execute("select max(participants), max(cost) from return_activities").fetchone() == (
            1_000_000, 10**15)


def _ods(rows: int, columns: int, empty_tail: bool = False) -> bytes:
    """An .ods of about 1 kB whose `Chỉ tiêu` table repeats one filled cell over rows x columns;
    with `empty_tail`, followed by empty columns and rows to the sheet's end, as LibreOffice does."""
    tail_cells = '<table:table-cell table:number-columns-repeated="16000"/>' if empty_tail else ""
    tail_rows = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                 'table:number-columns-repeated="16384"/></table:table-row>') if empty_tail else ""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Chỉ tiêu">'
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated='
        f'"{columns}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>{tail_cells}'
        f'</table:table-row>{tail_rows}</table:table></office:spreadsheet></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>'))
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_the_small_process_reads_a_normal_return(tmp_path):
    """The 2 GB limit of the tests below is ample for a real return, and for an .ods whose empty
    trailing rows and columns are repeated up to the sheet's end, as LibreOffice writes them."""
    assert read_in_a_small_process(tmp_path, BASE_XLSX, "bao-cao.xlsx").stdout == "read\n"
    assert read_in_a_small_process(tmp_path, _ods(3, 3), "bao-cao.ods").stdout == "read\n"
    assert read_in_a_small_process(tmp_path, _ods(3, 3, empty_tail=True), "bao-cao.ods").stdout == "read\n"


SHEET2 = "xl/worksheets/sheet2.xml"
ROW4 = PARTS[SHEET2][PARTS[SHEET2].index(b'<row r="4"'):PARTS[SHEET2].index(b"</row></sheetData>") + 6]


@pytest.mark.parametrize("part, old, new, message", [
    # an 8-digit row: not seen by the old pre-scan
    (SHEET2, b'<c r="C4"', b'<c r="C99999999"',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có dữ liệu kéo tới dòng 99.999.999, vượt giới hạn 200.000 dòng của biểu mẫu."),
    # a 7-digit row: calamine reads it (60 million cells, 3 s), the form does not
    (SHEET2, b'<c r="C4"', b'<c s="0" r="C9999999"',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có dữ liệu kéo tới dòng 9.999.999, vượt giới hạn 200.000 dòng của biểu mẫu."),
    # columns of more than 3 letters
    (SHEET2, b'<c r="C4"', b'<c r="AAAA4"',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có ô ở cột thứ 18.279, vượt quá cột cuối cùng của Excel (XFD, cột thứ "
     "16.384): tệp bị hỏng hoặc bị sửa ngoài Excel."),
    (SHEET2, b'<c r="C4"', b'<c r="ZZZZC4"',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có ô ở cột thứ 12.356.607, vượt quá cột cuối cùng của Excel (XFD, cột thứ "
     "16.384): tệp bị hỏng hoặc bị sửa ngoài Excel."),
    (SHEET2, b'<c r="C4"', b'<c r="ZZZZZZC4"',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có ô ở cột thứ 8.353.082.559, vượt quá cột cuối cùng của Excel (XFD, cột "
     "thứ 16.384): tệp bị hỏng hoặc bị sửa ngoài Excel."),
    # cells without r are placed by calamine's counters, here after row 99,999,999
    (SHEET2, ROW4, b'<row r="99999999"><c t="s"><v>16</v></c><c><v>0</v></c></row>',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có dữ liệu kéo tới dòng 99.999.999, vượt giới hạn 200.000 dòng của biểu mẫu."),
    # ... or right of column XFD
    (SHEET2, ROW4, b'<row r="4"><c r="XFD4"><v>1</v></c><c><v>0</v></c></row>',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có ô ở cột thứ 16.385, vượt quá cột cuối cùng của Excel (XFD, cột thứ "
     "16.384): tệp bị hỏng hoặc bị sửa ngoài Excel."),
    # a namespace prefix, white space before r
    (SHEET2, ROW4, b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="4">'
                   b'<x:c\n r="AZ4"><x:v>1</x:v></x:c><x:c r="B150000"><x:v>1</x:v></x:c></x:row>',
     "Tệp bị từ chối: trang 'Chỉ tiêu' có dữ liệu kéo tới dòng 150.000 và cột thứ 52, tức 7.800.000 ô, vượt giới hạn "
     "5.000.000 ô của biểu mẫu."),
    ("xl/sharedStrings.xml", b'uniqueCount="52"', b'uniqueCount="4000000000"',
     "Tệp bị từ chối: tệp khai báo 4.000.000.000 chuỗi văn bản dùng chung (xl/sharedStrings.xml), vượt giới hạn "
     "2.000.000 (tệp bị hỏng hoặc bị sửa ngoài Excel)."),
])
def test_size_hints_in_a_small_xlsx_are_refused_not_a_crash(tmp_path, part, old, new, message):
    """Bug 1: size hints that read.py's pre-scan missed made calamine allocate gigabytes; the
    allocation failed and the whole process aborted (SIGABRT)."""
    parts = dict(PARTS)
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new, 1)
    done = read_in_a_small_process(tmp_path, zip_parts(parts), "bao-cao.xlsx")
    assert (done.returncode, done.stdout) == (0, f"refused: {message}\n"), done.stderr[-300:]


def test_repeated_rows_and_columns_in_a_small_ods_are_refused_not_a_crash(tmp_path):
    """Bug 1b: an .ods was not measured before calamine read it; 1 kB repeating one cell
    100,000 x 1,000 times took >6 GB (23 s) unbounded, and aborted under 2 GB."""
    done = read_in_a_small_process(tmp_path, _ods(100_000, 1_000), "bao-cao.ods")
    assert (done.returncode, done.stdout) == (0, "refused: Tệp bị từ chối: trang 'Chỉ tiêu' có dữ liệu trải trên "
                                              "100.000 dòng × 1.000 cột = 100.000.000 ô (kể cả các ô lặp lại), vượt "
                                              "giới hạn 5.000.000 ô của biểu mẫu.\n"), done.stderr[-300:]
