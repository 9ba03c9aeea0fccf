"""Size guard of the binary formats, .xlsb and .xls, before python-calamine sees them.

Both formats place each cell by numbers in its record, so a file of a few hundred bytes can name a
cell four billion columns away. calamine then reserves the dense range of the cells it read (in an
.xlsb, two cells 4,000,000,000 columns apart are 128 GB and Rust aborts the process; a cell at
column 100,000,000 is +3 GB), and the grid anchored at A1 costs as much again in Python. Here the
records are walked first, in bounded memory, and the far corner of the cells that hold values is
judged by the form's limits (`refusals.too_far`), naming the sheet.

- .xlsb: the BIFF12 records ([MS-XLSB] 2.1.4: type and size as 7-bit varints) of each worksheet
  part the form reads. BrtRowHdr (0) sets the row; cell records 2-11 begin with their column;
  BrtCellBlank (1) and BrtShortBlank (12) hold nothing; the short records 13-18 have no column of
  their own and take the next one. calamine caps its reservation by BrtWsDim at a million cells, so
  the declared dimension is not judged, only the cells.
- .xls: first the compound file (OLE2/CFB) as calamine reads it: the DIFAT chain, the FAT, the
  directory chain, the mini stream and mini FAT, and the Workbook stream's chain. calamine follows
  each chain to its end without noticing a loop (a loop in the directory's chain grows it to
  gigabytes), indexes the FAT without a bound check (a Rust panic) and reserves by the counts in the
  header; each of those is refused here as a damaged file. Then the BIFF8 records of the Workbook
  stream: FILEPASS means a password; DIMENSIONS is what calamine reserves for a sheet; the cell
  records give the cells. calamine parses every sheet of an .xls when it opens the file, so every
  sheet is judged: the form's sheets by their far corner from A1 (the grid the form reads), the others
  by the range calamine builds around their cells.
"""

from __future__ import annotations

import struct
import zipfile

from vanhoa.form.parts import SHEET_DIRS, SheetTargets, chunks, is_wanted, part_key, target_key
from vanhoa.form.refusals import WorkbookRejected, too_far
from vanhoa.formats import fmt_int

PASSWORD = "Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại."

# ------------------------------------------------------------------ .xlsb

_VALUE_CELLS = frozenset(range(2, 12))  # BrtCellRk ... BrtFmlaError: a column, then a value
_SHORT_VALUES = frozenset(range(13, 19))  # BrtShortRk ... BrtShortIsst: the next column, a value


def _varint(buffer: bytearray | bytes, at: int, most: int) -> tuple[int, int] | None:
    """(value, where it ends) of a 7-bit varint of at most `most` bytes; None when the bytes end first."""
    value = shift = 0
    for _ in range(most):
        if at >= len(buffer):
            return None
        byte = buffer[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, at


def record_header(buffer: bytearray | bytes, at: int) -> tuple[int, int, int] | None:
    """(type, size, where the data starts) of the record at `at`; None when the bytes end first.
    A record type is at most 2 bytes, a size at most 4."""
    if at + 1 < len(buffer) and not (buffer[at] | buffer[at + 1]) & 0x80:  # one byte each: most cell records
        return buffer[at], buffer[at + 1], at + 2
    kind = _varint(buffer, at, 2)
    size = _varint(buffer, kind[1], 4) if kind is not None else None
    return None if size is None else (kind[0], size[0], size[1])


class _XlsbSheet:
    """The far corner (1-based) of one worksheet part's value cells, fed chunk by chunk."""

    def __init__(self, sheet: str | None) -> None:
        self.sheet = sheet
        self.row, self.col = 0, -1
        self.max_row = self.max_col = 0
        self._buffer = bytearray()
        self._skip = 0  # bytes of a long record still to pass over

    def _place(self, column: int) -> None:
        row, col = self.row + 1, column + 1
        if row > self.max_row or col > self.max_col:
            self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
            refusal = too_far(self.max_row, self.max_col, self.sheet)
            if refusal:
                raise refusal

    def _record(self, kind: int, head: bytes) -> None:
        if kind == 0 and len(head) >= 4:  # BrtRowHdr
            self.row, self.col = struct.unpack_from("<I", head)[0], -1
        elif kind in _VALUE_CELLS and len(head) >= 4:
            self.col = struct.unpack_from("<I", head)[0]
            self._place(self.col)
        elif kind == 1 and len(head) >= 4:
            self.col = struct.unpack_from("<I", head)[0]
        elif kind == 12:
            self.col += 1
        elif kind in _SHORT_VALUES:
            self.col += 1
            self._place(self.col)

    def feed(self, chunk: bytes) -> None:
        if self._skip:
            passed = min(self._skip, len(chunk))
            chunk, self._skip = chunk[passed:], self._skip - passed
            if self._skip:
                return
        buffer = self._buffer
        buffer += chunk
        at = 0
        while True:
            found = record_header(buffer, at)
            if found is None:
                break
            kind, size, data_at = found
            need = min(size, 4)
            if len(buffer) < data_at + need:
                break
            self._record(kind, bytes(buffer[data_at:data_at + need]))
            end = data_at + size
            if end > len(buffer):
                self._skip, at = end - len(buffer), len(buffer)
                break
            at = end
        del buffer[:at]


def xlsb_sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part key -> sheet name, from xl/workbook.bin's BrtBundleSh records and their relationships;
    the parts that cannot be tied to a name are left out (and judged without one)."""
    parts = {part_key(info.filename): info for info in archive.infolist()}
    book = parts.get("xl/workbook.bin")
    rels = parts.get("xl/_rels/workbook.bin.rels")
    if book is None or rels is None or book.file_size > 16 * 2**20 or rels.file_size > 16 * 2**20:
        return {}
    data = b"".join(chunks(archive, book))
    sheets: dict[str, str] = {}  # relationship id -> name
    at = 0
    while (found := record_header(data, at)) is not None:
        kind, size, data_at = found
        body = data[data_at:data_at + size]
        at = data_at + size
        if kind == 0x9C and len(body) >= 12:  # BrtBundleSh: hsState, iTabID, strRelID, strName
            try:
                length = struct.unpack_from("<I", body, 8)[0]
                rid = body[12:12 + 2 * length].decode("utf-16-le")
                at_name = 12 + 2 * length
                name_length = struct.unpack_from("<I", body, at_name)[0]
                name = body[at_name + 4:at_name + 4 + 2 * name_length].decode("utf-16-le")
            except (struct.error, UnicodeDecodeError):
                continue
            sheets.setdefault(rid, name)
    targets = SheetTargets()
    try:
        targets.parse(b"".join(chunks(archive, rels)), targets.relationship)
    except Exception:  # noqa: BLE001 - an unreadable relationship part: every sheet part is judged unnamed
        return {}
    out = {}
    for rid, name in sheets.items():
        target = targets.targets.get(rid)
        if target is None:
            continue
        out.setdefault(target_key(target), name)
    return out


def check_xlsb(archive: zipfile.ZipFile) -> None:
    """Refuse an .xlsb whose sheets (those the form reads, and any part not tied to a sheet name)
    place a value cell beyond the form's limits."""
    names = xlsb_sheet_names(archive)
    for info in archive.infolist():
        key = part_key(info.filename)
        if not key.startswith(SHEET_DIRS):
            continue
        name = names.get(key)
        if name is not None and not is_wanted(name):
            continue  # calamine reads a sheet of an .xlsb only when asked for it
        walker = _XlsbSheet(name)
        for chunk in chunks(archive, info):
            walker.feed(chunk)


# ------------------------------------------------------------------ .xls: the compound file

_END_OF_CHAIN, _FREE, _DIFAT_SECTOR, _RESERVED = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFC, 0xFFFFFFFA
_XLS_ROWS, _XLS_COLUMNS = 65_536, 256  # the grid of a BIFF8 sheet


def _damaged(why: str) -> WorkbookRejected:
    return WorkbookRejected(f"Tệp bị hỏng: cấu trúc của tệp .xls không hợp lệ ({why}).")


class Compound:
    """A compound file's chains, checked as calamine will follow them (see the module's docstring)."""

    def __init__(self, raw: bytes) -> None:
        if len(raw) < 512:
            raise _damaged("tệp ngắn hơn phần đầu 512 byte")
        self.raw = raw
        shift, mini_shift = struct.unpack_from("<HH", raw, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise _damaged("kích thước khối không hợp lệ")
        self.size = 1 << shift
        self.start = 512 if shift == 9 else 4096  # where sector 0 begins (after the header)
        self.max_id = len(raw) // self.size  # calamine's bound on a sector number
        (fat_count, self.dir_start, _, _, self.mini_fat_start, self.mini_fat_count, difat_start,
         _) = struct.unpack_from("<8I", raw, 44)
        # calamine reserves room by these counts before it reads anything; the 'DIFAT length' it
        # reserves is read from bytes 62-65 (half of the mini FAT's start and half of its count).
        # The mini FAT's count is only such a reservation (its chain ends at ENDOFCHAIN), and some
        # writers overstate it (ExcelLibrary: 17 sectors in a 7-sector file, which Excel opens), so
        # it is refused only when the reservation would be large.
        reserved = struct.unpack_from("<I", raw, 62)[0]
        mini_fat_bytes = self.mini_fat_count * self.size
        if fat_count > self.max_id + 1 or mini_fat_bytes > max(len(raw), 1 << 24) or reserved > 1 << 24:
            raise _damaged("phần đầu khai báo số khối vượt quá kích thước tệp")
        difat = list(struct.unpack_from("<109I", raw, 76))
        sector, seen = difat_start, set()
        while sector < _RESERVED:
            if sector in seen or sector > self.max_id:
                raise _damaged("chuỗi khối DIFAT lặp vòng hoặc trỏ ra ngoài tệp")
            seen.add(sector)
            entries = list(struct.unpack(f"<{self.size // 4}I", self._sector(sector)))
            difat.extend(entries[:-1])
            sector = entries[-1]
        fat_sectors = [s for s in difat if s < _DIFAT_SECTOR]
        if len(fat_sectors) > self.max_id + 1 or any(s > self.max_id for s in fat_sectors):
            raise _damaged("bảng FAT trỏ ra ngoài tệp")
        fat = b"".join(self._sector(s) for s in fat_sectors)
        self.fat = struct.unpack(f"<{len(fat) // 4}I", fat[:len(fat) // 4 * 4])

    def _sector(self, number: int) -> bytes:
        start = self.start + number * self.size
        return self.raw[start:start + self.size].ljust(self.size, b"\0")

    def _chain(self, first: int, fat, limit: int, what: str, bound: int | None = None) -> list[int]:
        """The sectors of a chain as calamine follows it (up to ENDOFCHAIN, or `limit` sectors).
        `bound` is the highest sector number the chain may name: the file's sectors by default,
        the mini stream's 64-byte sectors for a chain of the mini FAT (a small file has few
        regular sectors and many more mini sectors)."""
        bound = self.max_id if bound is None else bound
        sectors, seen, sector = [], set(), first
        while sector != _END_OF_CHAIN and len(sectors) < limit:
            if sector in seen:
                raise _damaged(f"chuỗi khối của {what} lặp vòng")
            if sector >= len(fat) or sector > bound:
                raise _damaged(f"chuỗi khối của {what} trỏ ra ngoài tệp")
            seen.add(sector)
            sectors.append(sector)
            sector = fat[sector]
        return sectors

    def _read(self, first: int, size: int, what: str) -> bytes:
        count = -(-size // self.size) if size else 0
        return b"".join(self._sector(s) for s in self._chain(first, self.fat, count, what))[:size]

    def workbook(self) -> bytes | None:
        """The Workbook (or Book) stream; None when there is none (calamine says so itself)."""
        directory = b"".join(self._sector(s) for s in self._chain(self.dir_start, self.fat, 1 << 62, "thư mục"))
        if len(directory) < 128:
            raise _damaged("không có thư mục gốc")
        wide = self.size == 4096
        entries = []
        for at in range(0, len(directory) - 127, 128):
            name = directory[at:at + 64].decode("utf-16-le", "replace").split("\0", 1)[0]
            start = struct.unpack_from("<I", directory, at + 116)[0]
            size = struct.unpack_from("<Q" if wide else "<I", directory, at + 120)[0]
            entries.append((name, start, size))
        root_start, root_size = entries[0][1], entries[0][2]
        mini, mini_fat = b"", ()
        if self.mini_fat_count > 0:
            mini = self._read(root_start, min(root_size, len(self.raw)), "luồng nhỏ")
            if root_size > len(self.raw):
                raise _damaged("luồng nhỏ khai báo lớn hơn tệp")
            table = self._read(self.mini_fat_start, self.mini_fat_count * self.size, "bảng FAT nhỏ")
            mini_fat = struct.unpack(f"<{len(table) // 4}I", table[:len(table) // 4 * 4])
        for wanted in ("Workbook", "Book"):
            found = next((entry for entry in entries if entry[0] == wanted), None)
            if found is None:
                continue
            _, start, size = found
            if size > len(self.raw):
                raise _damaged(f"luồng {wanted} khai báo {fmt_int(size)} byte, lớn hơn cả tệp")
            if size >= 4096:
                return self._read(start, size, f"luồng {wanted}")
            count = -(-size // 64)
            # A mini sector past the mini stream holds nothing of the stream: the stream is damaged.
            chain = self._chain(start, mini_fat, count, f"luồng {wanted}", bound=-(-len(mini) // 64) - 1)
            return b"".join(mini[s * 64:s * 64 + 64] for s in chain)[:size]
        return None


# ------------------------------------------------------------------ .xls: the BIFF8 records

_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200
# Records whose first 4 bytes are the row and column of a cell that calamine keeps (a value):
# NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA. BLANK and MULBLANK hold nothing.
_CELL_RECORDS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006})
_MULRK = 0x00BD


def _records(stream: bytes, at: int):
    end = len(stream)
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        yield kind, stream[at + 4:at + 4 + length]
        at += 4 + length


def _sheets(stream: bytes) -> list[tuple[str, int]]:
    """(name, offset) of each BOUNDSHEET; refuses a FILEPASS (a password)."""
    records = _records(stream, 0)
    first = next(records, None)
    biff8 = first is not None and first[0] == _BOF and first[1][:2] == b"\x00\x06"
    out = []
    for kind, data in records:
        if kind == _FILEPASS:
            raise WorkbookRejected(PASSWORD)
        if kind == _BOUNDSHEET and len(data) >= 8:
            offset, count = struct.unpack_from("<I", data)[0], data[6]
            if biff8:
                wide = data[7] & 1
                name = data[8:8 + count * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1", "replace")
            else:
                name = data[7:7 + count].decode("cp1252", "replace")
            out.append((name, offset))
        elif kind == _EOF:
            break
    return out


def _judge_sheet(stream: bytes, name: str, offset: int) -> None:
    wanted = is_wanted(name)
    low_row = low_col = None
    high_row = high_col = -1
    depth, seen_bof = 0, False

    def place(row: int, col: int) -> None:
        nonlocal low_row, low_col, high_row, high_col
        low_row = row if low_row is None else min(low_row, row)
        low_col = col if low_col is None else min(low_col, col)
        high_row, high_col = max(high_row, row), max(high_col, col)

    for kind, data in _records(stream, offset):
        if depth:  # an embedded chart's substream: calamine skips its records
            depth += kind == _BOF
            depth -= kind == _EOF
            continue
        if kind == _BOF:
            if seen_bof:
                depth = 1
            seen_bof = True
        elif kind == _EOF:
            break
        elif kind == _DIMENSIONS and len(data) in (10, 14):
            if len(data) == 14:
                first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", data)
            else:
                first_row, end_row, first_col, end_col = struct.unpack_from("<HHHH", data)
            if first_col > 0xFF or end_col < first_col:
                first_col = 0
            if end_row >= 1 and end_col >= 1:
                rows, cols = end_row - first_row, end_col - first_col  # calamine: (last - first + 1)
                if rows < 0 or cols < 0 or rows * cols > _XLS_ROWS * _XLS_COLUMNS:
                    raise WorkbookRejected(
                        f"Tệp bị hỏng: trang '{name}' khai báo vùng dữ liệu từ dòng {fmt_int(first_row + 1)} "
                        f"tới dòng {fmt_int(end_row)}, cột thứ {fmt_int(first_col + 1)} tới cột thứ "
                        f"{fmt_int(end_col)}, vượt quá một trang tính .xls ({fmt_int(_XLS_ROWS)} dòng × "
                        f"{fmt_int(_XLS_COLUMNS)} cột).")
        elif kind in _CELL_RECORDS and len(data) >= 4:
            place(*struct.unpack_from("<HH", data))
        elif kind == _MULRK and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            last = max(struct.unpack_from("<H", data, len(data) - 2)[0], first + (len(data) - 6) // 6 - 1)
            place(row, first)
            place(row, last)
    if high_row < 0:
        return
    if wanted:  # the form reads the grid from A1 to the far corner
        refusal = too_far(high_row + 1, high_col + 1, name)
    else:  # calamine builds the range around the cells
        refusal = too_far(high_row - low_row + 1, high_col - low_col + 1, name)
    if refusal:
        raise refusal


def check_xls(raw: bytes) -> None:
    """Refuse an .xls whose compound file calamine could not follow safely, that has a password, or
    whose sheets reach beyond the form's limits."""
    try:
        stream = Compound(raw).workbook()
    except struct.error as exc:
        raise _damaged("cấu trúc bị cắt cụt") from exc
    if stream is None:
        return
    for name, offset in _sheets(stream):
        if offset < len(stream):
            _judge_sheet(stream, name, offset)


# ------------------------------------------------------------------ .ods: a password


def check_ods_password(archive: zipfile.ZipFile) -> None:
    """Refuse an .ods saved with a password: its manifest describes the encryption of its parts."""
    info = next((i for i in archive.infolist() if i.filename == "META-INF/manifest.xml"), None)
    if info is None:
        return
    seen, tail = 0, b""
    for chunk in chunks(archive, info):
        if b"encryption-data" in tail + chunk:
            raise WorkbookRejected(PASSWORD)
        tail = chunk[-20:]
        seen += len(chunk)
        if seen > 16 * 2**20:  # a manifest lists parts: a few KB
            return
