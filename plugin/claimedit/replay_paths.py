"""Which files a replay reads: folders walked in a stable order, staying inside the paths it was given.

A path named on the command line is read as given (a link is followed: the user named it). Inside a
folder, a file is read only when it is a regular file, inside the folder (a symbolic link that leads
out of it is not followed) and starts like an X12 interchange (an ISA segment, after an optional BOM
and whitespace, in UTF-8/ASCII or UTF-16/32). Everything else is reported as skipped, with the reason,
and never opened when it is not a regular file: a FIFO would block the replay, a device could be endless.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["SkipKind", "Skipped", "discover", "looks_like_x12", "scan"]

SkipKind = Literal["missing", "not-x12", "outside", "dangling", "special", "hidden", "linked-folder", "unreadable"]

SNIFF_BYTES = 1024
"""How much of a file the content check reads: enough for a BOM, leading whitespace and ``ISA``."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_NUL_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
"""Tried when NUL bytes appear near the start and there is no BOM."""


@dataclass(frozen=True)
class Skipped:
    """A path the replay did not read, and why (one plain sentence, no file content)."""

    path: Path
    kind: SkipKind
    reason: str
    named: bool = False
    """True when the path was given on the command line: then it counts as a file that could not be read."""


def looks_like_x12(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts like an X12 interchange: ``ISA`` after BOM/whitespace."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return _starts_with_isa(head[len(bom) :].decode(encoding, errors="ignore"))
    if b"\x00" in head[:16]:
        return any(_starts_with_isa(head.decode(encoding, errors="ignore")) for encoding in _NUL_ENCODINGS)
    return _starts_with_isa(head.decode("latin-1"))


def _starts_with_isa(text: str) -> bool:
    return text.lstrip(" \t\r\n").startswith("ISA")


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _sniff(path: Path) -> Skipped | None:
    """None when ``path`` (already known to be a regular file) starts like X12, else why it is skipped."""
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since it was examined, opening does not hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Skipped(path, "unreadable", f"cannot be opened ({exc.strerror or exc})")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return Skipped(path, "special", f"{_kind_of(os.fstat(fd).st_mode)}, not read")
        head = os.read(fd, SNIFF_BYTES)
    except OSError as exc:
        return Skipped(path, "unreadable", f"cannot be read ({exc.strerror or exc})")
    finally:
        os.close(fd)
    if not head:
        return Skipped(path, "not-x12", "empty file")
    if not looks_like_x12(head):
        return Skipped(path, "not-x12", "not X12 (it does not start with an ISA segment)")
    return None


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def _entry(path: Path, root: Path) -> Path | Skipped | None:  # noqa: PLR0911  (one return per kind of entry)
    """One entry found inside the folder ``root`` (resolved): the file to read, a skip, or None for a folder."""
    if path.name.startswith("."):
        return Skipped(path, "hidden", "hidden (its name starts with a dot), not read")
    if path.is_symlink():
        target = Path(os.path.realpath(path))  # never raises: a loop ends where it was found
        try:
            target.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return Skipped(path, "dangling", "a symbolic link in a loop, not followed")
            return Skipped(path, "dangling", "a symbolic link to nothing (dangling), not followed")
        if not _inside(target, root):
            return Skipped(path, "outside", "a symbolic link that leads outside the folder given, not followed")
        if target.is_dir():
            return Skipped(path, "linked-folder", "a symbolic link to a folder, not followed (its files are read once)")
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        return None
    if not stat.S_ISREG(mode):
        return Skipped(path, "special", f"{_kind_of(mode)}, not read")
    return _sniff(path) or path


def _walk(folder: Path, root: Path) -> Iterator[Path | Skipped]:
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        yield Skipped(folder, "unreadable", f"the folder cannot be listed ({exc.strerror or exc})")
        return
    for child in children:
        try:
            found = _entry(child, root)
        except OSError as exc:
            found = Skipped(child, "unreadable", f"cannot be examined ({exc.strerror or exc})")
        if found is None:
            yield from _walk(child, root)
        else:
            yield found


def _named(path: Path) -> Iterator[Path | Skipped]:
    """A path from the command line: a folder is walked, a file read without the content check."""
    if not os.path.lexists(path):
        yield Skipped(path, "missing", "no such file or folder", named=True)
        return
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        kind: SkipKind = "dangling" if exc.errno in (errno.ENOENT, errno.ELOOP) else "unreadable"
        reason = "a symbolic link to nothing (dangling) or in a loop" if kind == "dangling" else "cannot be examined"
        yield Skipped(path, kind, f"{reason} ({exc.strerror or exc})", named=True)
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path, path.resolve())
    elif stat.S_ISREG(mode):
        yield path
    else:
        yield Skipped(path, "special", f"{_kind_of(mode)}, not read", named=True)


def scan(paths: Iterable[Path]) -> Iterator[Path | Skipped]:
    """Every file to replay under ``paths`` (folders recursively, names sorted) and every path skipped."""
    for path in paths:
        yield from _named(path)


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Only the files to replay under ``paths``, in the order :func:`scan` gives them."""
    for found in scan(paths):
        if isinstance(found, Path):
            yield found
