"""WARC files built by the tests themselves (warcio writes them), and a server that serves them
the way archive hosts do: with Range requests, optionally stalling part-way."""

from __future__ import annotations

import gzip
import io
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.mockserver import Behaviour, Hit


@dataclass(frozen=True)
class Archived:
    """One record to write: a response unless `kind` says otherwise."""

    url: str
    body: bytes
    captured: datetime
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    kind: str = "response"  # response | request | metadata | resource | revisit


def warc_bytes(records: list[Archived], layout: str = "per-record") -> bytes:
    """per-record (one gzip member each, the WARC norm), whole-gzip (one member) or plain."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=layout == "per-record")
    for entry in records:
        writer.write_record(_record(writer, entry))
    data = buffer.getvalue()
    return gzip.compress(data) if layout == "whole-gzip" else data


def write_warc(path: Path, records: list[Archived], layout: str = "per-record") -> Path:
    path.write_bytes(warc_bytes(records, layout))
    return path


def _record(writer: WARCWriter, entry: Archived) -> object:
    date = {"WARC-Date": entry.captured.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if entry.kind == "response":
        http = StatusAndHeaders(entry.status, [("Content-Type", entry.content_type)], protocol="HTTP/1.1")
        return writer.create_warc_record(
            entry.url,
            "response",
            payload=io.BytesIO(entry.body),
            length=len(entry.body),  # known lengths: warcio then needs no temporary file
            http_headers=http,
            warc_headers_dict=date,
        )
    if entry.kind == "request":
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
        return writer.create_warc_record(
            entry.url, "request", payload=io.BytesIO(b""), length=0, http_headers=http, warc_headers_dict=date
        )
    return writer.create_warc_record(
        entry.url,
        entry.kind,
        payload=io.BytesIO(entry.body),
        length=len(entry.body),
        warc_content_type=entry.content_type,
        warc_headers_dict=date,
    )


def ranged(data: bytes, stall_after: int | None = None, release: threading.Event | None = None) -> Behaviour:
    """Serve `data`, honouring `Range: bytes=N-` with 206; with `stall_after`, send that many
    bytes of a full answer and then go silent until `release` is set (a download cut off)."""

    def behave(handler) -> None:  # type: ignore[no-untyped-def]
        wanted = handler.headers.get("Range", "")
        start = int(wanted.removeprefix("bytes=").split("-")[0]) if wanted.startswith("bytes=") else 0
        status = 206 if start else 200
        handler.server.mock.record(Hit("GET", handler.path, dict(handler.headers.items()), status))
        body = data[start:]
        handler.send_response(status)
        handler.send_header("Content-Type", "application/warc")
        handler.send_header("Content-Length", str(len(body)))
        if start:
            handler.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        handler.end_headers()
        try:
            if stall_after is None or start:
                handler.wfile.write(body)
                return
            handler.wfile.write(body[:stall_after])
            handler.wfile.flush()
            (release or handler.server.mock.closing).wait(300)
        except OSError:
            pass

    return behave
