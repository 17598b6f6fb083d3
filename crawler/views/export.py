"""Export stored articles as JSON Lines, CSV or Parquet with the contract's fields."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

EXPORT_FIELDS = [
    "id",
    "url",
    "canonical_url",
    "source",
    "site",
    "title",
    "text",
    "authors",
    "published",
    "language",
    "relevance",
    "matched_terms",
    "duplicate_of",
    "content_hash",
    "first_seen",
    "fetched_at",
]
EXTRA_FIELDS = [
    "signals",
    "version_count",
    "updated_at",
    "story_id",
    "original_basis",
    "via",
    "captured_at",
    "kind",  # article | liveblog
]


def export_record(row: dict[str, Any]) -> dict[str, Any]:
    """One contract record: ISO 8601 dates, lists as lists, fields in contract order."""
    record = {name: row.get(name) for name in EXPORT_FIELDS + EXTRA_FIELDS}
    for name in ("published", "first_seen", "fetched_at", "updated_at", "captured_at"):
        value = record[name]
        record[name] = value.isoformat() if isinstance(value, datetime) else value
    record["authors"] = list(record["authors"] or [])
    record["matched_terms"] = list(record["matched_terms"] or [])
    record["relevance"] = round(float(record["relevance"] or 0.0), 4)
    return record


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(export_record(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Lists and the signals mapping are JSON-encoded inside their cells."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS + EXTRA_FIELDS)
    writer.writeheader()
    count = 0
    for row in rows:
        record = export_record(row)
        for name in ("authors", "matched_terms", "signals"):
            record[name] = json.dumps(record[name], ensure_ascii=False) if record[name] is not None else ""
        writer.writerow(record)
        count += 1
    return count


PARQUET_INSTALL = "pip install 'newswatch[parquet]'"


def parquet_available() -> bool:
    """pyarrow is an optional extra: a large wheel for one output format."""
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def write_parquet(rows: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """Parquet needs pyarrow (`pip install 'newswatch[parquet]'`; see parquet_available)."""
    try:
        import pyarrow as pa  # type: ignore[import-not-found,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise RuntimeError(f"parquet export needs pyarrow: {PARQUET_INSTALL}") from None
    records = list(_parquet_records(rows))
    pq.write_table(pa.Table.from_pylist(records), out)
    return len(records)


def _parquet_records(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        record = export_record(row)
        record["signals"] = json.dumps(record["signals"], ensure_ascii=False) if record["signals"] else None
        yield record
