"""Built indexes: built once, then read back from the cache folder; never trusted blindly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.core import built_index
from crawler.core.built_index import index_key, load_or_build

KEY_INPUTS = {"packages": ["crawler.core.durations"], "distributions": ["us"]}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(built_index.CACHE_DIR_ENV, str(folder))
    return folder


class CountingBuild:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, list[int]]:
        self.calls += 1
        return {"values": [1, 2, 3]}


def test_second_load_reads_the_index_instead_of_building(cache: Path) -> None:
    build = CountingBuild()
    first = load_or_build("sample", build, **KEY_INPUTS)
    second = load_or_build("sample", build, **KEY_INPUTS)
    assert first == second == {"values": [1, 2, 3]}
    assert build.calls == 1
    assert [p.name.startswith("sample-") for p in cache.iterdir()] == [True]


def test_index_key_follows_the_source_it_depends_on() -> None:
    assert index_key(["crawler.core.durations"], ["us"]) == index_key(["crawler.core.durations"], ["us"])
    assert index_key(["crawler.core.durations"], ["us"]) != index_key(["crawler.core.clock"], ["us"])
    assert index_key(["crawler.core.durations"], ["us"]) != index_key(["crawler.core.durations"], ["rich"])


def test_truncated_index_is_rebuilt_and_replaced(cache: Path) -> None:
    build = CountingBuild()
    load_or_build("sample", build, **KEY_INPUTS)
    (index,) = cache.glob("sample-*.pickle")
    index.write_bytes(index.read_bytes()[:10])
    assert load_or_build("sample", build, **KEY_INPUTS) == {"values": [1, 2, 3]}
    assert build.calls == 2
    assert load_or_build("sample", build, **KEY_INPUTS) == {"values": [1, 2, 3]}
    assert build.calls == 2


def test_index_in_a_folder_others_may_write_is_not_read(cache: Path) -> None:
    build = CountingBuild()
    load_or_build("sample", build, **KEY_INPUTS)
    os.chmod(cache, 0o777)
    load_or_build("sample", build, **KEY_INPUTS)
    assert build.calls == 2


def test_unwritable_cache_costs_a_build_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv(built_index.CACHE_DIR_ENV, str(not_a_folder / "cache"))
    build = CountingBuild()
    assert load_or_build("sample", build, **KEY_INPUTS) == {"values": [1, 2, 3]}
    assert load_or_build("sample", build, **KEY_INPUTS) == {"values": [1, 2, 3]}
    assert build.calls == 2


def test_only_the_newest_indexes_of_a_name_are_kept(cache: Path) -> None:
    cache.mkdir()
    for number in range(built_index.KEPT_PER_NAME + 2):
        old = cache / f"sample-old{number}.pickle"
        old.write_bytes(b"")
        os.utime(old, (number, number))
    load_or_build("sample", CountingBuild(), **KEY_INPUTS)
    kept = {p.name for p in cache.glob("sample-*.pickle")}
    assert len(kept) == built_index.KEPT_PER_NAME
    assert "sample-old0.pickle" not in kept and "sample-old1.pickle" not in kept


def test_a_mapped_index_gives_back_its_arrays_mapped_and_read_only(cache: Path) -> None:
    import numpy as np

    calls = []

    def build() -> dict[str, object]:
        calls.append(1)
        return {"table": np.arange(5000, dtype=np.float16).reshape(50, 100), "labels": ["en", "fr"]}

    first = built_index.load_or_build_mapped("mapped-sample", build, **KEY_INPUTS)
    second = built_index.load_or_build_mapped("mapped-sample", build, **KEY_INPUTS)
    assert calls == [1]
    assert second["labels"] == ["en", "fr"]
    assert np.array_equal(first["table"], second["table"])
    assert second["table"].dtype == np.float16
    assert not second["table"].flags.writeable  # a view of the file, not a copy
    (index,) = cache.glob("mapped-sample-*.mapped")
    with open(index, "rb") as file:  # the array's bytes start on a page, so they can be mapped
        data = file.read()
    offset = data.index(first["table"].tobytes())
    assert offset % 4096 == 0


def test_a_truncated_mapped_index_is_rebuilt(cache: Path) -> None:
    import numpy as np

    calls = []

    def build() -> object:
        calls.append(1)
        return np.ones(10_000, dtype=np.uint32)

    built_index.load_or_build_mapped("mapped-sample", build, **KEY_INPUTS)
    (index,) = cache.glob("mapped-sample-*.mapped")
    index.write_bytes(index.read_bytes()[:5000])
    assert int(built_index.load_or_build_mapped("mapped-sample", build, **KEY_INPUTS).sum()) == 10_000
    assert len(calls) == 2
    assert int(built_index.load_or_build_mapped("mapped-sample", build, **KEY_INPUTS).sum()) == 10_000
    assert len(calls) == 2
