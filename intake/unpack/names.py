"""Entry names: the checks a name must pass, its normal form, junk, and a safe display form."""

from __future__ import annotations

import re
import unicodedata

from intake.unpack.limits import UnpackLimits
from intake.unpack.rules import (
    ABSOLUTE_PATH,
    BACKSLASH_IN_NAME,
    INVALID_NAME,
    PATH_TRAVERSAL,
    Finding,
)

DISPLAY_CHARS = 200

_DRIVE = re.compile(r"[A-Za-z]:")
# Control characters, undecodable bytes (surrogates), line breaks, and the bidirectional
# controls that make a name display differently from what it is.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


def name_findings(raw: str, limits: UnpackLimits, *, directory: bool) -> list[Finding]:
    """Every rule the raw name breaks; empty when it is a safe relative path."""
    found: list[Finding] = []
    if len(raw.encode("utf-8", "surrogatepass")) > limits.max_name_bytes:
        found.append(Finding(INVALID_NAME, f"name longer than {limits.max_name_bytes} bytes"))
    if any(_forbidden(char) for char in raw):
        found.append(Finding(INVALID_NAME,
                             "name holds control, undecodable or bidirectional characters"))
    unified = raw.replace("\\", "/")  # Windows tools read backslashes as separators
    if unified.startswith("/") or _DRIVE.match(raw):
        found.append(Finding(ABSOLUTE_PATH, "absolute path; entries must be relative"))
    segments = unified.split("/")
    if ".." in segments:
        found.append(Finding(PATH_TRAVERSAL, "path with a '..' segment"))
    if "\\" in raw:
        found.append(Finding(BACKSLASH_IN_NAME, "backslash in the name; use '/' between folders"))
    depth = len(_kept(segments))
    if depth > limits.max_path_depth:
        found.append(Finding(INVALID_NAME, f"more than {limits.max_path_depth} folders deep"))
    if depth == 0 and not directory:
        found.append(Finding(INVALID_NAME, "empty name"))
    return found


def normalise(raw: str) -> str:
    """The relative POSIX path of a name that passed the checks: no '.' or empty segments, NFC."""
    return unicodedata.normalize("NFC", "/".join(_kept(raw.split("/"))))


def is_junk(path: str) -> bool:
    """Operating-system metadata that is no part of a dataset (macOS, Windows)."""
    segments = path.split("/")
    base = segments[-1]
    return "__MACOSX" in segments or base.startswith("._") or base.casefold() in _JUNK_NAMES


def display_name(raw: str) -> str:
    """A name as it may appear in a report: non-printable characters escaped, length capped."""
    shown = "".join(char if char.isprintable() else _escape(char)
                    for char in raw[:DISPLAY_CHARS])
    if len(raw) > DISPLAY_CHARS or len(shown) > DISPLAY_CHARS:
        return shown[:DISPLAY_CHARS - 1] + "…"
    return shown


def _kept(segments: list[str]) -> list[str]:
    return [segment for segment in segments if segment not in ("", ".")]


def _forbidden(char: str) -> bool:
    return unicodedata.category(char) in _FORBIDDEN_CATEGORIES or char in _BIDI_CONTROLS


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
