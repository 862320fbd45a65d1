"""Input bytes to text in bounded pieces, decoded as :func:`claimedit.x12.tokens.decode_input` decodes them.

The encoding is decided from the first bytes, as the whole-input decoder decides it: a byte order mark,
the NUL pattern of UTF-16/UTF-32 without one, else UTF-8. The text is then decoded incrementally, one
read at a time, so that a file of any size is never held whole:

- UTF-8 that turns out not to be UTF-8 continues as Latin-1 from the undecodable read on (the whole-input
  decoder reads the whole input as Latin-1 then; both agree on every ASCII byte, which is all an X12
  interchange should hold);
- UTF-16/UTF-32 text is checked whole first (one pass over the file, nothing kept); when it is not valid,
  the input is decoded whole, as before, so that its SYN006 finding says exactly what it said.

Leading byte order marks and blanks are left out, as :func:`~claimedit.x12.tokens.decode_input` leaves them out.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from claimedit.x12.tokens import Decoded, decode_input, sniff_encoding

__all__ = ["READ_SIZE", "TextStream", "text_stream"]

READ_SIZE = 1 << 20
"""Bytes read (and characters handed on) at a time."""
_LEADING = "\ufeff \t\r\n"


@dataclass
class TextStream:
    """The input as text in pieces, with how it was decoded (``decoded.text`` stays empty unless it failed)."""

    decoded: Decoded
    """Encoding, how it was detected, and the decoding error (with the whole text) when there was one."""
    pieces: Iterator[str]


def text_stream(data: bytes | str | BinaryIO) -> TextStream:
    """The text of ``data``: a string, bytes, or a binary file read :data:`READ_SIZE` bytes at a time."""
    if isinstance(data, str | bytes):
        decoded = decode_input(data)
        if decoded.error is not None:
            return TextStream(decoded, iter(()))
        return TextStream(_without_text(decoded), _slices(decoded.text))
    return _file_stream(data)


def _without_text(decoded: Decoded) -> Decoded:
    return Decoded("", decoded.encoding, decoded.detected_by, decoded.error)


def _slices(text: str) -> Iterator[str]:
    for start in range(0, len(text), READ_SIZE):
        yield text[start : start + READ_SIZE]


def _file_stream(file: BinaryIO) -> TextStream:
    head = file.read(4)
    encoding, detected_by, skip = sniff_encoding(head)
    if encoding and encoding != "utf-8":
        start = file.tell() - len(head)
        if not _decodes(file, encoding):  # decoded whole, as before: its finding names the byte
            file.seek(start)
            decoded = decode_input(file.read())
            return TextStream(decoded, iter(()))
        file.seek(start + skip)
        return TextStream(Decoded("", encoding, detected_by), _leading_stripped(_decoded(file, b"", encoding)))
    return TextStream(Decoded("", "utf-8"), _leading_stripped(_utf8_or_latin1(file, head[skip:])))


def _decodes(file: BinaryIO, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while block := file.read(READ_SIZE):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decoded(file: BinaryIO, first: bytes, encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    if first:
        yield decoder.decode(first)
    while block := file.read(READ_SIZE):
        yield decoder.decode(block)
    yield decoder.decode(b"", final=True)


def _utf8_or_latin1(file: BinaryIO, first: bytes) -> Iterator[str]:
    """UTF-8 while it is UTF-8; from the first read that is not, Latin-1 (which decodes every byte)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    block = first + file.read(READ_SIZE)
    while block:
        try:
            yield decoder.decode(block)
        except UnicodeDecodeError:
            pending = decoder.getstate()[0]
            yield (pending + block).decode("latin-1")
            while rest := file.read(READ_SIZE):
                yield rest.decode("latin-1")
            return
        block = file.read(READ_SIZE)
    try:
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        yield decoder.getstate()[0].decode("latin-1")


def _leading_stripped(pieces: Iterator[str]) -> Iterator[str]:
    """``pieces`` without the byte order marks and blanks before the first character of text."""
    for piece in pieces:
        stripped = piece.lstrip(_LEADING)
        if stripped:
            yield stripped
            break
    yield from (piece for piece in pieces if piece)
