"""Shared fixtures: real lakes on disk, built by the real CLI code paths."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite expected.json of golden cases from the current output (review the diff!)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def sample_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lake built from sample_data/, once per session (read it, never write to it)."""
    from ingest.pipeline import run_ingest

    lake = tmp_path_factory.mktemp("sample") / "lake"
    run_ingest([REPO / "sample_data" / "vault"], lake, store="acme-prod")
    return lake
