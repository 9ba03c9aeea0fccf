"""Text normalisation for matching what clerks type against the form's fixed words.

Clerks' files arrive in NFD (macOS, some Vietnamese keyboards), with the old tone placement
("hoà", "khoẻ"), the Icelandic Ð typed for Đ, non-breaking spaces and stray control
characters. `match_key` folds all of these so that two spellings of one word compare equal.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Old-style tone placement (on the second vowel of oa/oe/uy) -> new style, after NFC.
_OLD_TONES = {}
for _base, _marks in (("o", "òóỏõọ"), ("u", "ùúủũụ")):
    for _second in ("a", "e") if _base == "o" else ("y",):
        _toned = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}[_second]
        for _plain_mark, _new_mark in zip(_toned, _marks):
            # "oà" -> "òa", "uý" -> "úy"
            _OLD_TONES[_base + _plain_mark] = _new_mark + _second
_OLD_TONE_RE = re.compile("|".join(sorted(_OLD_TONES, key=len, reverse=True)))

# C0 and C1 controls (but the tab and line breaks, which are white space), DEL, zero-width and
# bidi marks, BOM.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_PUNCT_RE = re.compile(r"[,.;:\-\u2010-\u2015_/]+")


def clean_text(value: str) -> str:
    """NFC, no control or bidi characters, single spaces, trimmed. What we store.

    Control and bidi characters go first, then NFC: a mark stripped from between a letter and its
    combining accent ("e\u0302\u200b\u0300") lets the two join. Called for every text cell
    (hundreds of thousands in a large return): cheap checks first."""
    text = value if value.isprintable() else _CONTROL_RE.sub("", value)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\u00d0" in text or "\u00f0" in text:
        text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")  # Ð/ð typed for Đ/đ
    if "\n" not in text and "\r" not in text:
        return " ".join(text.split())  # str.split() also splits on non-breaking spaces
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def strip_controls(value: str) -> str:
    """`value` without control, zero-width or bidi characters (clean_text's first step), its
    spacing and line breaks kept: what a person typed into a text area, made safe to write into a
    .docx (XML refuses NUL and most C0 controls) and to show (no right-to-left override)."""
    return value if value.isprintable() else _CONTROL_RE.sub("", value)


@functools.lru_cache(maxsize=8192)
def _match_key(text: str) -> str:
    text = clean_text(text).casefold()
    text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(0)], text)
    text = _PUNCT_RE.sub(" ", text)
    return " ".join(text.split())


def match_key(value: object) -> str:
    """A folded form for comparisons: case, accents' placement, punctuation and spacing ignored."""
    return _match_key(value if isinstance(value, str) else str(value))


def header_keys(value: object) -> list[str]:
    """Keys a header cell may match: the whole text, its first line, and the text without notes
    in brackets ("Tổng số\\n(người)", "Kinh phí (đồng)")."""
    text = clean_text(str(value))
    if not text:
        return []
    candidates = [text, text.split("\n")[0], re.sub(r"[\(\[][^\)\]]*[\)\]]", " ", text)]
    keys: list[str] = []
    for candidate in candidates:
        key = match_key(candidate)
        if key and key not in keys:
            keys.append(key)
    return keys


def clean_filename(name: object) -> str:
    """An uploaded file's name as it is recorded and shown: clean_text's rules (no NUL, control,
    zero-width or bidi characters, so "bao-cao\u202eslx.exe" cannot pass for "bao-caoexe.xlsx"
    on screen), path separators of another system dropped, at most 200 characters with its
    extension kept. The archive keeps the file's bytes as they came; only the name is cleaned."""
    text = clean_text(str(name or "")).replace("\n", " ")
    text = text.replace("/", "_").replace("\\", "_").strip(" .") or "tep-tai-len"
    if len(text) > 200:
        stem, dot, extension = text.rpartition(".")
        text = (stem[:199 - len(extension)] + dot + extension) if dot and len(extension) <= 10 else text[:200]
    return text
