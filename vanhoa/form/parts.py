"""The parts of a workbook archive as calamine finds them: names compared its way, bytes inflated
in bounded chunks, XML parsed without entities, cell references read, and the sheet name that
leads to each worksheet part.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from xml.parsers import expat

from vanhoa.form import spec
from vanhoa.form.refusals import HUGE, corrupt_part, unreadable_part
from vanhoa.text import match_key

CHUNK = 1 << 20
# What zipfile raises for a damaged archive or member (NotImplementedError is a RuntimeError:
# "zip file version 8.4", an unknown compression method).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError)
REF_RE = re.compile(rb"([A-Za-z]*)([0-9]*)")
SHEET_DIRS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/")
WANTED_SHEETS = {match_key(name) for name in spec.REQUIRED_SHEETS + spec.OPTIONAL_SHEETS}


def is_wanted(sheet: str) -> bool:
    """Whether the form reads the sheet of this name (as a header matches: case, accents folded)."""
    return match_key(sheet) in WANTED_SHEETS


def part_key(name: str) -> str:
    """A part's name as calamine compares it: case-insensitive, `\\` for `/`."""
    return name.replace("\\", "/").lstrip("/").lower()


def chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The inflated bytes of one part, 1 MB at a time; a damaged part is refused by name."""
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                yield chunk
    except ZIP_ERRORS as exc:
        raise corrupt_part(info.filename) from exc


def column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + (char - 64)
    return number


def reference(letters: bytes, digits: bytes) -> tuple[int, int]:
    """(row, column), 1-based, of a cell reference; absurd lengths count as HUGE."""
    digits = digits.lstrip(b"0")
    row = min(int(digits or b"0"), HUGE) if len(digits) <= 10 else HUGE
    return row, column_number(letters) if len(letters) <= 7 else HUGE


def xml_parser() -> expat.XMLParserType:
    """An expat parser that refuses entity declarations (nothing to expand, no billion laughs)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args) -> None:
        raise expat.ExpatError("entity declarations are not allowed")

    parser.EntityDeclHandler = refuse
    return parser


class ExpatFeeder:
    """An expat parser over one part, fed chunk by chunk; XML it refuses names the part."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser = xml_parser()

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise unreadable_part(self.name) from exc

    def close(self) -> None:
        self.feed(b"", final=True)


def xml_text(raw: bytes | None) -> str:
    return html.unescape(raw.decode("utf-8", "replace")) if raw else ""


def local_name(name: bytes | str) -> str:
    name = name.decode("utf-8", "replace") if isinstance(name, bytes) else name
    return name[name.rfind(":") + 1:]


def target_key(target: str) -> str:
    """The part key a relationship's target names: relative targets are below xl/."""
    key = part_key(target)
    if not target.replace("\\", "/").startswith("/") and not key.startswith("xl/"):
        key = "xl/" + key
    return key


class SheetTargets:
    """Sheet name -> part name, from xl/workbook.xml and its relationships, as calamine finds them
    (binguard.py reads an .xlsb's relationships with the same handler)."""

    def __init__(self) -> None:
        self.sheets: dict[str, str] = {}  # name -> relationship id
        self.targets: dict[str, str] = {}  # relationship id -> target

    @staticmethod
    def parse(data: bytes, start) -> None:
        """Parse one whole part, calling start(tag, attrs) for each element; expat's errors pass."""
        parser = xml_parser()
        parser.StartElementHandler = start
        parser.Parse(data, True)

    def sheet(self, tag: str, attrs: dict[str, str]) -> None:
        if local_name(tag) == "sheet":
            rid = next((v for k, v in attrs.items() if local_name(k) == "id"), None)
            if "name" in attrs and rid:
                self.sheets.setdefault(attrs["name"], rid)

    def relationship(self, tag: str, attrs: dict[str, str]) -> None:
        if local_name(tag) == "Relationship" and "Id" in attrs and "Target" in attrs:
            self.targets.setdefault(attrs["Id"], attrs["Target"])

    def read(self, archive: zipfile.ZipFile) -> dict[str, str]:
        parts = {part_key(info.filename): info for info in archive.infolist()}
        for key, handler in (("xl/workbook.xml", self.sheet), ("xl/_rels/workbook.xml.rels", self.relationship)):
            info = parts.get(key)
            try:
                self.parse(b"".join(chunks(archive, info)) if info is not None else b"", handler)
            except expat.ExpatError as exc:  # an entity declaration too: error cells must not hide behind one
                raise unreadable_part(info.filename if info is not None else key) from exc
        out = {}
        for name, rid in self.sheets.items():
            target = self.targets.get(rid)
            if target is not None and target_key(target) in parts:
                out[name] = parts[target_key(target)].filename
        return out
