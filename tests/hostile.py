"""Hostile workbooks as bytes, written here from the formats' specifications (no downloaded corpus).

Each builder makes the smallest file that shows one attack on a reader: a cell reference that makes
a dense reader allocate billions of cells, an OLE2 container whose sector chains loop, a password
record, an empty row at the sheet's last row. The valid parts are real enough for python-calamine
to open them, so a test can show what the file costs without the guards.

- `.xlsb`: a BIFF12 package built record by record ([MS-XLSB]): [Content_Types].xml,
  xl/workbook.bin (BrtBundleSh per sheet), xl/_rels/workbook.bin.rels, xl/worksheets/sheetN.bin.
- `.xls`: the BIFF8 Workbook stream that xlwt writes, edited record by record, inside a compound
  file (OLE2/CFB, [MS-CFB]) written by `cfb()`, so that its sector chains can be bent.
- `.ods` and `.xlsx`: real returns (conftest's grids) with one part changed.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ENDOFCHAIN, FATSECT, FREESECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


# ------------------------------------------------------------------ .xlsb (BIFF12)


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _record(kind: int, data: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(data)) + data


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_sheet(cells, dimension: tuple[int, int, int, int] | None = None, rows: tuple[int, ...] = ()) -> bytes:
    """A worksheet part: cells are (row, column, value), 0-based; str as BrtCellSt, numbers as BrtCellReal.
    `dimension` is BrtWsDim's (first row, last row, first column, last column); `rows` adds empty
    BrtRowHdr records (a formatted row without cells)."""
    out = [_record(0x81)]  # BrtBeginSheet
    if dimension is None:
        positions = [(r, c) for r, c, _ in cells] or [(0, 0)]
        dimension = (min(p[0] for p in positions), max(p[0] for p in positions),
                     min(p[1] for p in positions), max(p[1] for p in positions))
    out.append(_record(0x94, struct.pack("<4I", *dimension)))  # BrtWsDim
    out.append(_record(0x91))  # BrtBeginSheetData
    by_row: dict[int, list] = {}
    for row, col, value in cells:
        by_row.setdefault(row, []).append((col, value))
    for row in sorted(set(by_row) | set(rows)):
        # BrtRowHdr: rw, ixfe, miyRw, flags, ccolspan (0: no spans)
        out.append(_record(0x00, struct.pack("<IIHHBI", row, 0, 300, 0, 0, 0)[:17]))
        for col, value in sorted(by_row.get(row, [])):
            head = struct.pack("<II", col, 0)  # column, style (iStyleRef + flags)
            if isinstance(value, str):
                out.append(_record(0x06, head + _wide(value)))
            else:
                out.append(_record(0x05, head + struct.pack("<d", float(value))))
    out.append(_record(0x92))  # BrtEndSheetData
    out.append(_record(0x82))  # BrtEndSheet
    return b"".join(out)


def xlsb(sheets: dict[str, bytes]) -> bytes:
    """An .xlsb package of the given worksheet parts (name -> xlsb_sheet bytes)."""
    book = [_record(0x83), _record(0x8F)]  # BrtBeginBook, BrtBeginBundleShs
    rels = []
    for index, name in enumerate(sheets, start=1):
        # BrtBundleSh: hsState, iTabID, strRelID, strName
        book.append(_record(0x9C, struct.pack("<II", 0, index) + _wide(f"rId{index}") + _wide(name)))
        rels.append(f'<Relationship Id="rId{index}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/worksheet" Target="worksheets/sheet{index}.bin"/>')
    book += [_record(0x90), _record(0x84)]  # BrtEndBundleShs, BrtEndBook
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled'
            '.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"'
            '/><Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled'
            '.main"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>'))
        archive.writestr("xl/workbook.bin", b"".join(book))
        archive.writestr("xl/_rels/workbook.bin.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">' + "".join(rels) + "</Relationships>"))
        for index, data in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{index}.bin", data)
    return buffer.getvalue()


def xlsb_missing_relationship() -> bytes:
    """An .xlsb whose workbook names its sheet by a relationship id that xl/_rels/workbook.bin.rels
    does not hold: calamine 0.37 looks the id up without a check and panics ("no entry found for
    key", xlsb/mod.rs:312, as on ExcelDataReader's Test_git_issue682 and POI's Simple.xlsb)."""
    raw = xlsb({"Thông tin": xlsb_sheet([(0, 0, "Đơn vị")])})
    return rezip(raw, lambda name, data: data.replace(b'Id="rId1"', b'Id="rId7"')
                 if name == "xl/_rels/workbook.bin.rels" else data)


def xlsb_cells_far_apart(columns: int = 4_000_000_000) -> bytes:
    """Two cells of one row, A1 and the cell `columns` columns to its right: a dense range of one row."""
    return xlsb({"Thông tin": xlsb_sheet([(0, 0, "Đơn vị"), (0, columns, 1.0)])})


def xlsb_last_cell() -> bytes:
    """A1 and the cell at Excel's last row and column (XFD1048576)."""
    return xlsb({"Thông tin": xlsb_sheet([(0, 0, "Đơn vị"), (1_048_575, 16_383, 1.0)])})


def xlsb_far_column(column: int = 100_000_000) -> bytes:
    """One cell at the given (0-based) column of row 1, besides A1."""
    return xlsb({"Thông tin": xlsb_sheet([(0, 0, "Đơn vị"), (0, column, 1.0)])})


# ------------------------------------------------------------------ compound file (OLE2 / CFB, version 3)


def _directory_entry(name: str, kind: int, start: int, size: int, child: int = NOSTREAM,
                     right: int = NOSTREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size))


def cfb(streams: dict[str, bytes], bend=None) -> bytes:
    """A version-3 compound file (512-byte sectors) holding `streams`, each padded to at least 4,096
    bytes so that it lives in regular sectors (no mini stream). Layout: FAT sectors, one directory
    sector, then each stream's sectors in order. `bend(fat, header)` may edit the FAT (a list of
    sector numbers) and the header fields (a dict) before they are written, to make chains loop."""
    sector = 512
    data = [payload.ljust(4096, b"\0") for payload in streams.values()]
    data_sectors = sum(-(-len(payload) // sector) for payload in data)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + 1 + data_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "this writer keeps every FAT sector in the header's DIFAT"
    fat = [FATSECT] * fat_sectors + [ENDOFCHAIN]
    directory_sector = fat_sectors
    entries = [_directory_entry("Root Entry", 5, ENDOFCHAIN, 0, child=1 if streams else NOSTREAM)]
    starts = []
    for index, payload in enumerate(data):
        start = len(fat)
        count = -(-len(payload) // sector)
        fat += list(range(start + 1, start + count)) + [ENDOFCHAIN]
        starts.append(start)
        right = index + 2 if index + 1 < len(data) else NOSTREAM
        entries.append(_directory_entry(list(streams)[index], 2, start, len(payload), right=right))
    while len(entries) % 4:
        entries.append(b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + b"\xff" * 12 + b"\0" * 36 + b"\0" * 12)
    header = dict(dir_start=directory_sector, fat_sectors=fat_sectors, minifat_start=ENDOFCHAIN, minifat_sectors=0,
                  difat_start=ENDOFCHAIN, difat_sectors=0, difat=list(range(fat_sectors)))
    if bend is not None:
        bend(fat, header)
    fat += [FREESECT] * (fat_sectors * 128 - len(fat))
    difat = header["difat"] + [FREESECT] * (109 - len(header["difat"]))
    head = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
            + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, header["fat_sectors"], header["dir_start"], 0, 4096,
                                      header["minifat_start"], header["minifat_sectors"], header["difat_start"],
                                      header["difat_sectors"])
            + struct.pack("<109I", *difat))
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries).ljust(sector, b"\0")
    body += b"".join(payload.ljust(-(-len(payload) // sector) * sector, b"\0") for payload in data)
    return head + body


def cfb_mini(streams: dict[str, bytes], bend_mini=None) -> bytes:
    """A version-3 compound file whose streams (each under 4,096 bytes) live in the mini stream, as
    Excel and LibreOffice store a small workbook: 64-byte mini sectors chained by the mini FAT,
    the mini stream itself being the Root Entry's stream in regular sectors. Layout: one FAT sector,
    one directory sector, the mini FAT's sectors, then the mini stream's sectors. `bend_mini(mini_fat,
    starts)` may edit the mini FAT (a list) given each stream's first mini sector."""
    sector, mini = 512, 64
    assert all(len(payload) < 4096 for payload in streams.values()), "a stream of 4,096 bytes is not mini"
    mini_fat, starts, mini_data = [], [], b""
    for payload in streams.values():
        count = max(1, -(-len(payload) // mini))
        start = len(mini_fat)
        mini_fat += list(range(start + 1, start + count)) + [ENDOFCHAIN]
        starts.append(start)
        mini_data += payload.ljust(count * mini, b"\0")
    if bend_mini is not None:
        bend_mini(mini_fat, starts)
    mini_fat_sectors = -(-len(mini_fat) * 4 // sector)
    mini_stream_sectors = -(-len(mini_data) // sector)
    first_mini_fat, first_mini_stream = 2, 2 + mini_fat_sectors
    fat = [FATSECT, ENDOFCHAIN]
    for first, count in ((first_mini_fat, mini_fat_sectors), (first_mini_stream, mini_stream_sectors)):
        fat += list(range(first + 1, first + count)) + [ENDOFCHAIN]
    assert len(fat) <= 128, "this writer keeps the FAT in one sector"
    fat += [FREESECT] * (128 - len(fat))
    entries = [_directory_entry("Root Entry", 5, first_mini_stream, len(mini_data), child=1)]
    for index, (name, payload) in enumerate(streams.items()):
        right = index + 2 if index + 1 < len(streams) else NOSTREAM
        entries.append(_directory_entry(name, 2, starts[index], len(payload), right=right))
    while len(entries) % 4:
        entries.append(b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + b"\xff" * 12 + b"\0" * 36 + b"\0" * 12)
    head = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
            + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, first_mini_fat, mini_fat_sectors, ENDOFCHAIN, 0)
            + struct.pack("<109I", 0, *[FREESECT] * 108))
    mini_fat += [FREESECT] * (mini_fat_sectors * 128 - len(mini_fat))
    return (head + struct.pack("<128I", *fat) + b"".join(entries).ljust(sector, b"\0")
            + struct.pack(f"<{len(mini_fat)}I", *mini_fat) + mini_data.ljust(mini_stream_sectors * sector, b"\0"))


# ------------------------------------------------------------------ .xls (BIFF8)


def biff_records(stream: bytes) -> list[tuple[int, bytes]]:
    records, at = [], 0
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        records.append((kind, stream[at + 4:at + 4 + size]))
        at += 4 + size
    return records


def biff_stream(records: list[tuple[int, bytes]]) -> bytes:
    """The records written back, each BOUNDSHEET's stream position made to point at its sheet's BOF
    again (the n-th BOF after the globals' EOF)."""
    positions, at = [], 0
    for _, data in records:
        positions.append(at)
        at += 4 + len(data)
    sheet_bofs = [positions[i] for i, (kind, _) in enumerate(records) if kind == 0x0809][1:]
    out, sheet = [], 0
    for kind, data in records:
        if kind == 0x0085:  # BOUNDSHEET: lbPlyPos, then the rest
            data = struct.pack("<I", sheet_bofs[sheet]) + data[4:]
            sheet += 1
        out.append(struct.pack("<HH", kind, len(data)) + data)
    return b"".join(out)


def xlwt_stream(sheets: dict[str, list[tuple[int, int, object]]]) -> bytes:
    """The Workbook stream xlwt writes for the given cells (row, column, value)."""
    import olefile
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, cells in sheets.items():
        sheet = book.add_sheet(name)
        for row, col, value in cells:
            sheet.write(row, col, value)
    buffer = io.BytesIO()
    book.save(buffer)
    with olefile.OleFileIO(buffer.getvalue()) as ole:
        return ole.openstream("Workbook").read()


def grid_cells(sheets: dict[str, list[list]]):
    """(sheet name, row, column, value) of every cell that holds something."""
    for name, grid in sheets.items():
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None:
                    yield name, r, c, value


def xls_of(sheets: dict[str, list[list]]) -> bytes:
    """Grids (conftest's good_sheets) as an .xls written by xlwt, dates as dates."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    added = {name: book.add_sheet(name) for name in sheets}
    for name, r, c, value in grid_cells(sheets):
        if hasattr(value, "year"):
            added[name].write(r, c, value, date_style)
        else:
            added[name].write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls(sheets: dict[str, list[tuple[int, int, object]]], edit=None, bend=None) -> bytes:
    """An .xls of the given cells; `edit(records)` may change the BIFF8 records (a list of (type,
    data)) and `bend(fat, header)` the compound file's chains."""
    records = biff_records(xlwt_stream(sheets))
    if edit is not None:
        records = edit(records)
    return cfb({"Workbook": biff_stream(records)}, bend=bend)


def xls_in_mini_stream(bend_mini=None) -> bytes:
    """A small .xls (a Workbook stream of about 2 KB) stored in the mini stream, as Excel writes a
    workbook under 4,096 bytes; xlwt's zero padding after the last EOF is left out."""
    records = biff_records(xlwt_stream(_small_return_cells()))
    last_eof = max(i for i, (kind, _) in enumerate(records) if kind == 0x000A)
    return cfb_mini({"Workbook": biff_stream(records[:last_eof + 1])}, bend_mini=bend_mini)


def xls_mini_stream_loop() -> bytes:
    """A small .xls in the mini stream whose second mini sector points back to its first (within the
    stream's declared size, so a reader bounded by the size still goes round)."""
    def bend(mini_fat, starts):
        mini_fat[starts[0] + 1] = starts[0]
    return xls_in_mini_stream(bend)


def xls_mini_stream_out_of_range() -> bytes:
    """A small .xls whose Workbook chain goes from its second mini sector to one the mini FAT knows
    of (its sector holds 128 entries) but the mini stream does not hold."""
    def bend(mini_fat, starts):
        mini_fat[starts[0] + 1] = 100
        mini_fat += [FREESECT] * (101 - len(mini_fat))
        mini_fat[100] = ENDOFCHAIN
    return xls_in_mini_stream(bend)


def xls_mini_fat_count(count: int) -> bytes:
    """The small .xls of `xls_in_mini_stream()` whose header declares `count` mini FAT sectors (it has one)."""
    raw = bytearray(xls_in_mini_stream())
    struct.pack_into("<I", raw, 64, count)
    return bytes(raw)


def xls_sst_cut_before_empty_continue() -> bytes:
    """A small .xls whose shared-string table (SST) stops 3 bytes into its last string and goes on in
    an empty CONTINUE record: calamine 0.37 indexes the empty record and panics (xls.rs:1262, as on
    ExcelDataReader's Test_git_issue_467 file)."""
    def edit(records):
        out = []
        for kind, data in records:
            out += [(0x00FC, data[:-3]), (0x003C, b"")] if kind == 0x00FC else [(kind, data)]
        return out
    return xls(_small_return_cells(), edit=edit)


def _small_return_cells() -> dict[str, list[tuple[int, int, object]]]:
    return {"Thông tin": [(0, 0, "Đơn vị"), (0, 1, "Phòng Tổng hợp"), (1, 0, "Kỳ báo cáo"), (1, 1, "Năm 2022")],
            "Chỉ tiêu": [(0, 0, "Nhóm"), (1, 0, "Cán bộ, công chức"), (1, 1, 9)]}


def xls_last_cell() -> bytes:
    """A small .xls whose 'Chỉ tiêu' has one more cell, at IV65536 (the last cell of BIFF8)."""
    cells = _small_return_cells()
    cells["Chỉ tiêu"].append((65_535, 255, "x"))
    return xls(cells)


def xls_directory_loop() -> bytes:
    """An .xls whose directory's sector chain points back to itself: a reader that follows the chain
    to its end reads the same sector forever."""
    def bend(fat, header):
        fat[header["dir_start"]] = header["dir_start"]
    return xls(_small_return_cells(), bend=bend)


def _entry_offset(raw: bytes, index: int) -> int:
    """Where the directory's entry `index` starts in a file written by `cfb()`."""
    directory = struct.unpack_from("<I", raw, 48)[0]
    return 512 + directory * 512 + 128 * index


def xls_stream_loop() -> bytes:
    """An .xls whose Workbook stream declares 4 GB and whose last sector points back to its first."""
    def bend(fat, header):
        first = header["fat_sectors"] + 1
        last = next(i for i in range(first, len(fat)) if fat[i] == ENDOFCHAIN)
        fat[last] = first
    raw = bytearray(xls(_small_return_cells(), bend=bend))
    struct.pack_into("<I", raw, _entry_offset(raw, 1) + 120, 0xFFFFFF00)
    return bytes(raw)


def xls_difat_loop() -> bytes:
    """An .xls whose header says the DIFAT goes on in a sector whose last entry names that sector
    again: a reader that follows it adds 127 entries per turn, forever."""
    records = biff_records(xlwt_stream(_small_return_cells()))
    raw = bytearray(cfb({"Workbook": biff_stream(records), "Pad": b"\0" * 4096}))
    pad = struct.unpack_from("<I", raw, _entry_offset(raw, 2) + 116)[0]
    struct.pack_into("<II", raw, 68, pad, 1)  # DIFAT start, DIFAT sectors
    struct.pack_into("<I", raw, 512 + pad * 512 + 508, pad)
    return bytes(raw)


def xls_encrypted() -> bytes:
    """An .xls with a FILEPASS record (RC4 CryptoAPI, as Excel writes for 'Encrypt with Password')
    right after the globals' BOF; its cell records' bodies are scrambled as encryption would."""
    def edit(records):
        filepass = struct.pack("<HHH", 1, 4, 2) + os.urandom(48)
        out, globals_done = [], False
        for index, (kind, data) in enumerate(records):
            if globals_done and kind not in (0x0809, 0x000A, 0x0085):
                data = bytes(b ^ 0x5A for b in data)
            out.append((kind, data))
            if index == 0:
                out.append((0x002F, filepass))
            if kind == 0x000A:
                globals_done = True
        return out
    return xls(_small_return_cells(), edit=edit)


def xls_with_dimensions(rows: int, cols: int, sheet: str = "Chỉ tiêu") -> bytes:
    """A small .xls whose sheet's DIMENSIONS record declares rows x cols (the cells stay small)."""
    def edit(records):
        out, sheet_index, wanted = [], -1, list(_small_return_cells()).index(sheet)
        for kind, data in records:
            if kind == 0x0809:
                sheet_index += 1
            if kind == 0x0200 and sheet_index - 1 == wanted:
                data = struct.pack("<IIHHH", 0, rows, 0, cols, 0)
            out.append((kind, data))
        return out
    return xls(_small_return_cells(), edit=edit)


# ------------------------------------------------------------------ .ods and .xlsx: real returns, one part changed


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """An archive of these parts (name -> bytes), deflated, in this order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def rezip(raw: bytes, change) -> bytes:
    """The archive with each part's bytes passed through change(name, data); order and methods kept."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info)))
    return buffer.getvalue()


def ods_encrypted(plain_ods: bytes) -> bytes:
    """An .ods as LibreOffice saves it with a password: content.xml and styles.xml are ciphertext,
    and META-INF/manifest.xml describes their encryption (manifest:encryption-data)."""
    encrypted = {"content.xml", "styles.xml"}

    def change(name: str, data: bytes) -> bytes:
        if name in encrypted:
            return os.urandom(len(data))
        if name == "META-INF/manifest.xml":
            for part in encrypted:
                data = data.replace(
                    f'manifest:full-path="{part}"'.encode(),
                    f'manifest:full-path="{part}" manifest:size="{len(data)}"'.encode(), 1)
            entry = (b'<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:'
                     b'manifest:1.0#sha256-1k" manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name='
                     b'"http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="AAAA"/>'
                     b'<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" '
                     b'manifest:iteration-count="100000" manifest:salt="AAAA"/></manifest:encryption-data>')
            for part in encrypted:
                at = data.find(f'manifest:full-path="{part}"'.encode())
                if at >= 0:
                    close = data.find(b"/>", at)
                    data = data[:close] + b">" + entry + b"</manifest:file-entry>" + data[close + 2:]
        return data
    return rezip(plain_ods, change)


def xlsx_with_last_row(raw: bytes, sheet_parts: tuple[str, ...], styled_cell: bool = True) -> bytes:
    """An .xlsx whose given worksheet parts end, as LibreOffice often saves them, with an empty row at
    the sheet's last row (and, with `styled_cell`, a formatted empty cell there)."""
    tail = b'<row r="1048576" s="1" customFormat="false" ht="12.8" hidden="false" customHeight="false" ' \
           b'outlineLevel="0" collapsed="false">'
    tail += (b'<c r="A1048576" s="1"/><c r="B1048576" s="1"></c>' if styled_cell else b"") + b"</row>"

    def change(name: str, data: bytes) -> bytes:
        if name in sheet_parts:
            data = data.replace(b"</sheetData>", tail + b"</sheetData>")
            data = data.replace(b"<sheetData/>", b"<sheetData>" + tail + b"</sheetData>")
        return data
    return rezip(raw, change)


# ------------------------------------------------------------------ reading one in a small process


def read_in_a_small_process(tmp_path: Path, data: bytes, name: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """read_workbook in a child limited to 2 GB of address space, so an allocation bomb cannot
    take the test run (or the machine) with it: it prints "read" or "refused: <message>"."""
    path = tmp_path / name
    path.write_bytes(data)
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from vanhoa.form.read import WorkbookRejected, read_workbook
        try:
            read_workbook(open({str(path)!r}, "rb").read(), {name!r})
            print("read")
        except WorkbookRejected as exc:
            print("refused:", exc)
    """)
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=timeout)
