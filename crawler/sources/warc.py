"""Read the HTML pages out of a WARC (or ARC) file as a stream, one record at a time.

Cheap things first: the record type, the target host (from the WARC headers, before the
payload is read), the HTTP status and Content-Type; only a wanted 200 HTML record has its
payload read, and never more than `max_bytes` of it. Records compressed one gzip member each
(the WARC norm, and CC-NEWS's) can be resumed by seeking; a file gzipped as a whole is read
through a decompressor and resumed by reading up to the offset again.

A record whose headers make no sense is skipped with a typed reason; a file that cannot be
read on (a truncated gzip member, not an archive at all) ends with one.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeadersParserException

from crawler.core.clock import is_plausible_date
from crawler.core.errors import Reason

HTML_TYPES = ("text/html", "application/xhtml+xml")
_SNIFF_BLOCK = 64 << 10
_WARC_SIGNATURE = b"WARC/"
_ARC_SIGNATURE = b"filedesc:"
_SNIFF_LIMIT = 16 << 20  # a first record bigger than this compressed is taken as per-record
_READ_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    zlib.error,
    cast(type[Exception], isal_zlib.error),  # its stub declares an instance, hence the cast
    EOFError,
    OSError,
    ValueError,
    gzip.BadGzipFile,
)


@dataclass(frozen=True)
class ArchivedPage:
    """One archived HTML response, ready to be replayed to the pipeline."""

    url: str
    captured_at: datetime | None
    headers: dict[str, str]  # the archived HTTP response's headers, names lowercased
    body: bytes
    offset: int  # where its record starts: the archive resumes here until it is settled


@dataclass(frozen=True)
class SkippedRecord:
    """A wanted record that could not be used, with why."""

    url: str
    reason: Reason
    detail: str
    offset: int


@dataclass(frozen=True)
class ArchiveEnded:
    """The archive cannot be read past `offset` (the records before it were all read)."""

    reason: Reason
    detail: str
    offset: int


ArchiveEvent = ArchivedPage | SkippedRecord | ArchiveEnded


class ArchiveReader:
    """The wanted pages of one archive, with counts of what was read on the way.

    `open_at(offset)` opens the archive positioned at a byte offset. `layout` is what an
    earlier read learnt: "per-record" (seekable), "whole-gzip" (offsets are positions in the
    decompressed stream, so a resume reads from the start and skips), or None (not known yet).
    """

    def __init__(
        self,
        open_at: Callable[[int], BinaryIO],
        *,
        start_offset: int = 0,
        layout: str | None = None,
        wanted_host: Callable[[str], bool] = lambda host: True,
        max_bytes: int = 10 << 20,
    ) -> None:
        self.open_at = open_at
        self.start_offset = start_offset
        self.layout = layout
        self.wanted_host = wanted_host
        self.max_bytes = max_bytes
        self.records_read = 0
        self.records_matched = 0
        self.next_offset = start_offset  # where a resume would start if nothing were in flight
        self.finished = False

    def __iter__(self) -> Iterator[ArchiveEvent]:
        stream = self.open_at(0 if self.layout == "whole-gzip" else self.start_offset)
        size = _size_of(stream)
        try:
            if self.layout is None and self.start_offset == 0:
                try:
                    self.layout, stream = sniff_layout(stream)
                except NotAnArchive as exc:
                    yield ArchiveEnded(Reason.ARCHIVE_UNREADABLE, str(exc), 0)
                    return
            if self.layout == "whole-gzip":
                decompressed = gzip.GzipFile(fileobj=stream, mode="rb")
                yield from self._read(decompressed, base=0, skip_before=self.start_offset)  # type: ignore[arg-type]
            else:
                yield from self._read(stream, base=self.start_offset, skip_before=0)
                if self.finished and size is not None and self.next_offset < size:
                    # warcio stops quietly at a record cut inside its headers
                    self.finished = False
                    yield ArchiveEnded(
                        Reason.ARCHIVE_UNREADABLE, "the archive ends inside a record", self.next_offset
                    )
        finally:
            stream.close()

    def _read(self, stream: BinaryIO, *, base: int, skip_before: int) -> Iterator[ArchiveEvent]:
        # no_record_parse: the HTTP headers are parsed only for a record whose host is wanted
        records = ArchiveIterator(stream, arc2warc=True, no_record_parse=True)
        if self.layout == "per-record":
            # only on gzip: warcio's "not gzip, read it plain" fallback needs the first block to
            # fail, and ISA-L defers judging a header shorter than 10 bytes (a sniffed "WARC/")
            records.reader = _IsalInflatingReader(records.fh)
        # warcio's `offset` is where the current record starts until it is read to its end, then
        # where the next one does; it counts from the stream's tell() when it has one, else 0.
        origin = records.offset
        try:
            for record in records:
                offset = base + records.offset - origin
                if offset >= skip_before:
                    self.records_read += 1
                    event = self._event(record, offset, records.loader)
                    if event is not None:
                        yield event
                    if isinstance(event, ArchiveEnded):
                        return
                _skip_payload(record, records.reader)
                records.read_to_end(record)
                self.next_offset = max(self.next_offset, base + records.offset - origin)
        except _READ_ERRORS as exc:
            yield ArchiveEnded(Reason.ARCHIVE_UNREADABLE, _one_line(exc), self.next_offset)
            return
        self.finished = True

    def _event(self, record: Any, offset: int, loader: Any) -> ArchiveEvent | None:
        if record.rec_type != "response":
            return None
        headers = record.rec_headers
        url = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
        host = (urlsplit(url).hostname or "") if url.startswith(("http://", "https://")) else ""
        if not host or not self.wanted_host(host):
            return None  # decided from the WARC headers: the payload is never read
        self.records_matched += 1
        http = loader.load_http_headers("response", url, record.raw_stream, record.length)
        record.http_headers = http  # content_stream() undoes chunking and compression by them
        if http is None:
            return SkippedRecord(url, Reason.BAD_RECORD, "no HTTP response in the record", offset)
        if http.get_statuscode() != "200":
            return None  # an archived redirect or error page is not an article
        content_type = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type and content_type not in HTML_TYPES:
            return None
        body = record.content_stream().read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            return SkippedRecord(url, Reason.TOO_LARGE, f"payload over {self.max_bytes} bytes", offset)
        missing = getattr(record.raw_stream, "limit", 0)
        if missing > 0:  # the payload ended before the length its headers declare
            return ArchiveEnded(
                Reason.ARCHIVE_UNREADABLE, f"the archive ends inside a record ({url[:200]})", offset
            )
        return ArchivedPage(
            url=url,
            captured_at=_warc_date(headers.get_header("WARC-Date")),
            headers={name.lower(): value for name, value in http.headers},
            body=body,
            offset=offset,
        )


def _skip_payload(record: Any, reader: Any) -> None:
    """Pass over what is left of a record's payload without copying it out of the reader.

    warcio's `read_to_end` reads it 16 KB at a time through three Python calls and a copy each;
    most records of a host-filtered backfill are skipped unread, so their inflated bytes are
    dropped from the reader's buffer here instead (warcio 1.7 and 1.8: a record's `raw_stream`
    is a LimitReader over the archive's reader, whose current block is the BytesIO `buff`).
    """
    stream = record.raw_stream
    if type(stream) is not LimitReader or stream.stream is not reader:
        return  # read_to_end does it the usual way
    while stream.limit > 0:
        reader._fillbuff()
        if reader.empty():
            return  # the archive ends inside this record; read_to_end finds the same
        count = min(stream.limit, reader.buff_size - reader.buff.tell())
        reader.buff.seek(count, io.SEEK_CUR)
        stream.limit -= count


class _IsalInflatingReader(DecompressingBufferedReader):
    """warcio's reader of the archive's gzip members, inflating them with ISA-L.

    Relies on warcio's ArchiveIterator reading the archive only through its `reader`, made in
    its constructor and read from the first record on, and on the reader's decompressors being
    looked up in `DECOMPRESSORS` (warcio 1.7 and 1.8); a warcio that reads otherwise needs this
    revisited. Payloads compressed by their HTTP Content-Encoding keep warcio's own reader.
    """

    DECOMPRESSORS = {
        **DecompressingBufferedReader.DECOMPRESSORS,
        "gzip": lambda: isal_zlib.decompressobj(16 + isal_zlib.MAX_WBITS),
    }


def sniff_layout(stream: BinaryIO) -> tuple[str, BinaryIO]:
    """ "per-record", "whole-gzip" or "plain", and a stream that still starts at the beginning.

    A gzip file whose first member ends within a record or two is one member per record; one
    whose first member goes on past a second WARC header is gzipped as a whole.
    """
    head = stream.read(2)
    if head != b"\x1f\x8b":
        head += stream.read(len(_WARC_SIGNATURE) - 2)
        _check_signature(head)
        return "plain", _replayed(head, stream)
    seen = bytearray(head)
    inflater = zlib.decompressobj(wbits=31)
    inflated = bytearray(inflater.decompress(head))
    while len(seen) < _SNIFF_LIMIT:
        block = _read_available(stream, _SNIFF_BLOCK)
        if not block:
            break
        seen += block
        try:
            inflated += inflater.decompress(block)
        except zlib.error:
            break  # the read itself will fail with the reason
        if len(inflated) >= len(_WARC_SIGNATURE):
            _check_signature(bytes(inflated))
        if inflated.find(b"\nWARC/1.", 8) != -1:
            return "whole-gzip", _replayed(bytes(seen), stream)
        if inflater.eof:
            return "per-record", _replayed(bytes(seen), stream)
    return "per-record", _replayed(bytes(seen), stream)


def _size_of(stream: BinaryIO) -> int | None:
    """The archive's whole length: an HTTP stream says it (Content-Length), a file by seeking."""
    declared = getattr(stream, "archive_size", None)
    if isinstance(declared, int):
        return declared
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
    except (OSError, ValueError, AttributeError):
        return None
    return int(end)


def _read_available(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes, without waiting for all of them when fewer have arrived."""
    read1 = getattr(stream, "read1", None)
    return read1(size) if callable(read1) else stream.read(size)


class NotAnArchive(ValueError):
    """The file starts like neither a WARC nor an ARC file."""


def _check_signature(start: bytes) -> None:
    if not start.startswith((_WARC_SIGNATURE, _ARC_SIGNATURE)):
        shown = start[:24].decode("latin-1").encode("unicode_escape").decode()
        raise NotAnArchive(f"not a WARC or ARC file (it starts {shown!r})")


def _replayed(prefix: bytes, rest: BinaryIO) -> BinaryIO:
    # Unbuffered on purpose: a read returns what has arrived (see archive_stream._AsItArrives).
    return cast(BinaryIO, _Replayed(prefix, rest))


class _Replayed(io.RawIOBase):
    """The sniffed bytes, then the rest of the stream."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        # warcio reads by read(); past the prefix, the stream's own bytes are handed on as they
        # are (RawIOBase.read would copy each block twice more, through readinto)
        if self._prefix or size is None or size < 0:
            return super().read(size)
        return self._rest.read(size)

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            count = min(len(buffer), len(self._prefix))
            buffer[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    return parsed if is_plausible_date(parsed) else None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:300]}"
