"""Data that takes seconds to build and milliseconds to load, built once and kept on disk.

The gazetteer behind the place facts is assembled from ~50,000 GeoNames records; every
extraction worker of every cycle would otherwise pay for that again. `load_or_build` keeps
the built value as a pickle in the cache folder, keyed by everything its output depends on:
the source of the packages that build it, the versions of the distributions it reads and the
Python version (a pickle of compiled patterns is only valid where it was written). Any change
to one of them gives a new key, so a stale index is never read; the oldest files go.

The folder is ``$NEWSWATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/newswatch``, else
``~/.cache/newswatch``, created private to the user. A pickle runs code when loaded, so only a
file owned by this user in a folder nobody else may write is read. A missing, foreign or
unreadable index, or a folder that cannot be written, costs a build, never a failure.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import mmap
import os
import pickle
import stat
import struct
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar, cast

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "NEWSWATCH_CACHE_DIR"
# Indexes kept per name: one per install that shares the folder (two virtualenvs, a new
# version beside the old), without letting them pile up.
KEPT_PER_NAME = 4
_T = TypeVar("_T")


def cache_dir() -> Path:
    """Where built indexes are kept (see the module docstring)."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newswatch"


def load_or_build(
    name: str,
    build: Callable[[], _T],
    *,
    packages: Sequence[str],
    distributions: Sequence[str],
    inputs: Sequence[bytes] = (),
) -> _T:
    """The value `build()` returns, read from ``<cache>/<name>-<key>.pickle`` when present.

    `packages` are the import names whose source decides the output, `distributions` the
    installed projects whose data it reads, `inputs` any other bytes it is built from.
    """
    path = _index_path(name, packages, distributions, inputs)
    loaded = _load(path)
    if loaded is not None:
        return cast("_T", loaded)
    value = build()
    _store(path.parent, name, path, value)
    return value


def load_or_build_mapped(
    name: str,
    build: Callable[[], _T],
    *,
    packages: Sequence[str],
    distributions: Sequence[str],
    inputs: Sequence[bytes] = (),
) -> _T:
    """Like `load_or_build`, but the value's numpy arrays are mapped from the file, not read.

    Pages of an array that nothing reads stay on disk, and forked processes share the ones read
    through the page cache. The arrays come back read-only. The file is
    ``<cache>/<name>-<key>.mapped``: the pickle (protocol 5), then each array's bytes, page-aligned.
    """
    path = cache_dir() / f"{name}-{index_key(packages, distributions, inputs)}{_MAPPED_SUFFIX}"
    loaded = _load_mapped(path)
    if loaded is not None:
        return cast("_T", loaded)
    value = build()
    _store(path.parent, name, path, value, mapped=True)
    return value


def load_built(
    name: str, *, packages: Sequence[str], distributions: Sequence[str], inputs: Sequence[bytes] = ()
) -> object | None:
    """What `load_or_build` (or `keep_built`) kept under this key, or None; nothing is built."""
    return _load(_index_path(name, packages, distributions, inputs))


def keep_built(
    name: str,
    value: object,
    *,
    packages: Sequence[str],
    distributions: Sequence[str],
    inputs: Sequence[bytes] = (),
) -> None:
    """Keep `value` under this key for `load_built`, unless it is already there."""
    path = _index_path(name, packages, distributions, inputs)
    if _load(path) is None:
        _store(path.parent, name, path, value)


def _index_path(
    name: str, packages: Sequence[str], distributions: Sequence[str], inputs: Sequence[bytes]
) -> Path:
    return cache_dir() / f"{name}-{index_key(packages, distributions, inputs)}.pickle"


def index_key(packages: Sequence[str], distributions: Sequence[str], inputs: Sequence[bytes] = ()) -> str:
    """A digest of the Python version, the packages' source files, the distributions' versions
    and the inputs."""
    digest = hashlib.sha256(sys.version.encode())
    for data in inputs:
        digest.update(hashlib.sha256(data).digest())
    for package in packages:
        for source in _source_files(package):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    for distribution in distributions:
        digest.update(f"{distribution}=={importlib.metadata.version(distribution)}".encode())
    return digest.hexdigest()[:20]


def _source_files(package: str) -> list[Path]:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"no module named {package!r}")
    origin = Path(spec.origin)
    if spec.submodule_search_locations is None:  # a plain module
        return [origin]
    return sorted(origin.parent.rglob("*.py"))


def _load(path: Path) -> object | None:
    try:
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            if not _trusted(path.parent, info):
                logger.warning(
                    "ignoring %s: not owned by this user, or its folder is writable by others", path
                )
                return None
            return pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception:  # truncated or otherwise unreadable: build again and replace it
        logger.warning("ignoring unreadable index %s", path, exc_info=True)
        return None


_MAPPED_SUFFIX = ".mapped"
_MAPPED_MAGIC = b"NWMAP001"
_MAPPED_HEAD = struct.Struct("<8sQQ")  # magic, pickle length, number of buffers
_MAPPED_BUFFER = struct.Struct("<QQ")  # offset, length


def _load_mapped(path: Path) -> object | None:
    try:
        with open(path, "rb") as file:
            if not _trusted(path.parent, os.fstat(file.fileno())):
                logger.warning(
                    "ignoring %s: not owned by this user, or its folder is writable by others", path
                )
                return None
            # The mapping outlives the file object: the arrays keep it alive.
            mapping = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            view = memoryview(mapping)
        magic, pickle_length, count = _MAPPED_HEAD.unpack_from(view)
        if magic != _MAPPED_MAGIC:
            raise ValueError("not a mapped index")
        start = _MAPPED_HEAD.size + count * _MAPPED_BUFFER.size
        buffers = []
        for number in range(count):
            place = _MAPPED_HEAD.size + number * _MAPPED_BUFFER.size
            offset, length = _MAPPED_BUFFER.unpack_from(view, place)
            if offset + length > len(view):
                raise ValueError("truncated")
            buffers.append(view[offset : offset + length])
        return pickle.loads(view[start : start + pickle_length], buffers=buffers)
    except FileNotFoundError:
        return None
    except Exception:  # truncated or otherwise unreadable: build again and replace it
        logger.warning("ignoring unreadable index %s", path, exc_info=True)
        return None


def _write_mapped(file: BinaryIO, value: object) -> None:
    buffers: list[pickle.PickleBuffer] = []
    pickled = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    start = _MAPPED_HEAD.size + len(buffers) * _MAPPED_BUFFER.size
    offset = start + len(pickled)
    places = []
    for buffer in buffers:
        offset = -(-offset // mmap.PAGESIZE) * mmap.PAGESIZE
        length = buffer.raw().nbytes
        places.append((offset, length))
        offset += length
    file.write(_MAPPED_HEAD.pack(_MAPPED_MAGIC, len(pickled), len(buffers)))
    for place in places:
        file.write(_MAPPED_BUFFER.pack(*place))
    file.write(pickled)
    for buffer, (offset, _) in zip(buffers, places, strict=True):
        file.write(b"\0" * (offset - file.tell()))
        file.write(buffer.raw())


def _trusted(folder: Path, info: os.stat_result) -> bool:
    folder_info = folder.stat()
    others_write = stat.S_IWGRP | stat.S_IWOTH
    return (
        info.st_uid == os.getuid()
        and folder_info.st_uid == os.getuid()
        and not info.st_mode & others_write
        and not folder_info.st_mode & others_write
    )


def _store(folder: Path, name: str, path: Path, value: object, *, mapped: bool = False) -> None:
    """Write atomically: a reader sees the old file or the whole new one, never part of one."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                if mapped:
                    _write_mapped(file, value)
                else:
                    pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        _drop_oldest(folder, name, path.suffix)
    except OSError as exc:
        logger.info("could not keep the %s index in %s (%s); it is built again next time", name, folder, exc)


def _drop_oldest(folder: Path, name: str, suffix: str) -> None:
    indexes = sorted(folder.glob(f"{name}-*{suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in indexes[KEPT_PER_NAME:]:
        stale.unlink(missing_ok=True)
