"""User text shown through Streamlit's Markdown stays text (escape_md, escape_lines)."""

from __future__ import annotations

import re

# The characters that Streamlit's Markdown (CommonMark, GitHub's extensions, math, directives,
# emoji) reads as markup wherever they are; a backslash before one shows it as itself.
_MD_SPECIALS = frozenset("\\`*_{}[]()<>~:$&|")
_MD_ESCAPES = {ord(ch): "\\" + ch for ch in _MD_SPECIALS}
# ... and those that are markup only at the start of a line (a heading, a list, a quote, a setext
# underline): escaped there only, so an ordinary name ("Phòng Tổ chức - Hành chính") is unchanged.
_LINE_START_RE = re.compile(r"^(\s*)([-+#=]|\d+(?=\.))", re.MULTILINE)
# Backslashes are not enough: GitHub's autolinks ("https://…", "www.…", "a@b.vn"), the emoji
# (":smile:") and the icons (":material/home:") are found again in the text AFTER the escapes are
# read, so a URL escaped as "https\:\/\/…" still becomes a link. A WORD JOINER (U+2060, invisible,
# no line break, no change to the letters around it) after a ':' that something follows, between
# "www" and '.', and before '@' breaks those patterns; the reader sees exactly the same characters.
WORD_JOINER = "\u2060"
_UNLINK_RE = re.compile(r"(?<=:)(?=\S)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
_MAY_BE_MARKUP_RE = re.compile(r"[\\`*_{}\[\]()<>~:$&|@\n\r]|^\s*[-+#=\d]|www", re.IGNORECASE)


def escape_md(text) -> str:
    """User text shown through Markdown (st.markdown, captions, alerts, labels, help, toasts)
    stays text, shown exactly as typed: no link, image, autolink, emphasis, HTML, LaTeX, colour
    directive, emoji or icon, heading, list, quote, table or entity. The text's start counts as
    a line's start (it may begin a heading or a list item). See WORD_JOINER."""
    text = "" if text is None else str(text)
    if not _MAY_BE_MARKUP_RE.search(text):  # most names: nothing to do (a thousand units per page)
        return text
    text = text.translate(_MD_ESCAPES)
    text = _LINE_START_RE.sub(lambda m: m.group(1) + ("\\" + m.group(2) if not m.group(2)[0].isdigit()
                                                      else m.group(2) + "\\"), text)
    return _UNLINK_RE.sub(WORD_JOINER, text)


def escape_lines(text) -> str:
    """Several lines of user text (a return's warnings), each escaped and kept on its own line."""
    return "  \n".join(escape_md(line) for line in str(text or "").splitlines())
