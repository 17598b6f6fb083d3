"""Installed, not cloned: the wheel alone carries the code, the entry point, the starter
configuration and the topic, and the README's two commands work outside the repository.

The wheel is built from a copy of the sources and installed with ``--no-deps`` into a fresh
virtualenv in tmp_path. Its dependencies come from the test run's own virtualenv through one
``.pth`` line (a plain path: Python adds the folder but runs none of the ``.pth`` files inside
it, so the development install's editable finder, which maps ``crawler`` to the repository,
stays off). Nothing reaches the internet: ``--no-index``, and no build isolation (setuptools
is a dev dependency). Every newswatch file the child processes import or read is therefore
the wheel's, which the test checks, with the working folder outside the repository and no
PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from crawler.core.clock import utcnow
from tests.support import REPO
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss

SOURCES = ["crawler", "spiders", "pipelines", "config", "pyproject.toml", "README.md"]


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a copy of the sources (setuptools writes build/ and *.egg-info beside them)."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-index", "--no-build-isolation", "-w", dist, source],
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("newswatch-*.whl")
    return wheel


def install_into_fresh_venv(wheel: Path, venv: Path) -> Path:
    """A virtualenv with the wheel installed; returns its bin/ folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "--python", python]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-index", wheel], check=True, timeout=300)
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site_packages) / "newswatch_test_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    return venv / "bin"


def outside_env() -> dict[str, str]:
    """The environment of a user's shell: no PYTHONPATH, no NEWSWATCH_CONFIG."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "NEWSWATCH_CONFIG")}


def run_in(folder: Path, *command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env=outside_env(),
    )


def publish(server: MockServer) -> tuple[Story, Story]:
    """An enforcement story and an off-topic one, published an hour ago."""
    when = utcnow() - timedelta(hours=1)
    raid = Story(
        path="/news/raid",
        title="ICE agents detain 40 workers in raid at a poultry plant",
        published=when,
        paragraphs=(
            "Federal immigration agents detained about 40 workers on Tuesday in a workplace raid at a "
            "poultry plant, officials with Immigration and Customs Enforcement said.",
            "Homeland Security Investigations agents executed search warrants while buses waited to take "
            "the detained workers to a processing center; advocates asked for their release.",
            "Lawyers said several of those detained had pending asylum cases in immigration court and "
            "that families had not been told where their relatives were being held.",
        ),
    )
    hockey = Story(
        path="/sports/hockey",
        title="Tigers win on the ice in overtime",
        published=when,
        paragraphs=(
            "The Tigers beat the Hawks 4-3 in overtime on Saturday night, with the winning goal coming "
            "from a rebound in front of the net after a long shift in the offensive zone.",
            "The home crowd stayed on its feet for the final minutes as both goalies made a string of "
            "saves, and the coach praised the team's resilience after a difficult week.",
        ),
    )
    for story in (raid, hockey):
        server.serve(story.path, Page(article_html(story)))
    items = [(story.title, server.url(story.path), story.published) for story in (raid, hockey)]
    server.serve(
        "/feed.xml", Page(rss("Valley Tribune", server.base, items), content_type="application/rss+xml")
    )
    return raid, hockey


@pytest.mark.slow
def test_wheel_installed_outside_the_repository_inits_and_runs_a_cycle(tmp_path: Path, server: MockServer):
    bin_dir = install_into_fresh_venv(build_wheel(tmp_path), tmp_path / "venv")
    site_packages = next((tmp_path / "venv" / "lib").glob("python3*/site-packages"))
    project = tmp_path / "project"
    project.mkdir()

    # The code and the packaged topic are the wheel's, not the repository's.
    where = run_in(
        project,
        bin_dir / "python",
        "-c",
        "import crawler, crawler.core.packaged as p; print(crawler.__file__); print(p.packaged_topic_path())",
    )
    assert where.returncode == 0, where.stderr
    module, topic = (Path(line) for line in where.stdout.split())
    assert module.is_relative_to(site_packages)
    assert topic == site_packages / "crawler" / "defaults" / "topics" / "immigration-enforcement.yaml"
    assert topic.is_file()

    made = run_in(project, bin_dir / "newswatch", "init")
    assert made.returncode == 0, made.stderr
    assert "next:  newswatch run" in made.stdout
    assert (project / "data").is_dir()

    # The starter as written lists the shipped sources; then point it at the local server.
    config_path = project / "newswatch.yaml"
    config = yaml.safe_load(config_path.read_text())
    assert "guardian-us-immigration" in [feed["name"] for feed in config["feeds"]]
    assert config["storage"]["url"] == "sqlite:///data/newswatch.db"
    assert "relevance" not in config  # the packaged topic decides
    raid, hockey = publish(server)
    config["feeds"] = [{"name": "valley", "url": server.url("/feed.xml")}]  # keep: relevant
    config["crawl"].update(allow_private_addresses=True, download_delay=0)
    config["extraction"] = {**config.get("extraction", {}), "workers": 1}
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))

    cycle = run_in(project, bin_dir / "newswatch", "run")

    assert cycle.returncode == 0, cycle.stdout + cycle.stderr
    assert "Traceback" not in cycle.stdout + cycle.stderr
    assert (project / "data" / "newswatch.db").is_file()
    exported = run_in(project, bin_dir / "newswatch", "export")
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [record["title"] for record in records] == [raid.title]  # the hockey story is off-topic
    assert records[0]["matched_terms"]
    assert server.requests_to(hockey.path), "the off-topic story was fetched and scored, not skipped"
