"""CPU of the bare loop over a gzip-per-record WARC: warcio with zlib, warcio with ISA-L, fastwarc.

    .venv/bin/python bench/warc_inflate.py FILE.warc.gz

Each loop reads every response record's payload and nothing else, in a fresh process (so one
loop's inflater cannot leak into the next), and prints its CPU seconds and the payload bytes it
read (the same for all three, or a loop is wrong). fastwarc is measured only where it is
installed (`pip install fastwarc`); newswatch does not use it (it reads no ARC files).
bench/backfill.py builds a suitable file (`--keep DIR`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def warcio_loop(path: Path, inflater: str) -> tuple[float, int]:
    from warcio.archiveiterator import ArchiveIterator

    if inflater == "isal":  # as crawler.sources.warc does, on a subclass
        from crawler.sources.warc import _IsalInflatingReader

        make_reader = _IsalInflatingReader
    started, payload = time.process_time(), 0
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        if inflater == "isal":
            records.reader = make_reader(records.fh)
        for record in records:
            if record.rec_type == "response":
                payload += len(record.content_stream().read())
    return time.process_time() - started, payload


def fastwarc_loop(path: Path) -> tuple[float, int]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    started, payload = time.process_time(), 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=False):
            record.parse_http()  # as warcio's content_stream() does: the payload after the headers
            payload += len(record.reader.read())
    return time.process_time() - started, payload


def main() -> None:
    if len(sys.argv) == 3:  # one loop, in this process
        path, loop = Path(sys.argv[1]), sys.argv[2]
        cpu, payload = fastwarc_loop(path) if loop == "fastwarc" else warcio_loop(path, loop)
        print(f"{loop:8} {cpu:6.2f} s CPU  {payload} payload bytes")
        return
    path = Path(sys.argv[1])
    for loop in ("zlib", "isal", "fastwarc"):
        if loop == "fastwarc" and subprocess.run([sys.executable, "-c", "import fastwarc"]).returncode:
            print("fastwarc not installed")
            continue
        subprocess.run([sys.executable, __file__, str(path), loop], check=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
