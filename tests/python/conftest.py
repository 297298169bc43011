import gc
import os
from pathlib import Path

import hypothesis_profiles
import pytest

from bridgebench import ledger

REPO = Path(__file__).resolve().parents[2]

# Loads the hypothesis profile for every property test (see hypothesis_profiles.py).
hypothesis_profiles.load()


@pytest.fixture
def balanced_ledger():
    """Fails the test if anything it allocated across the boundary is still outstanding."""
    with ledger.balanced() as activity:
        yield activity


@pytest.fixture(scope="session")
def build_dir() -> Path:
    """Meson build dir holding the GoogleTest and Google Benchmark executables."""
    return Path(os.environ.get("BRIDGEBENCH_BUILD_DIR", REPO / "build" / "release"))


@pytest.fixture(autouse=True)
def _collect_between_tests():
    """What a test left in reference cycles (native handles among them) is collected before the
    next test starts. The young generations only: what the test made is there, and a full
    collection walks every long-lived object of the session (the default dictionary's words,
    say), which cost about 0.7 s per test. Tests that need a full collection make one
    (bridgebench.ledger.balanced does)."""
    yield
    gc.collect(1)


@pytest.fixture(scope="session")
def scrape_site():
    """The scraper's fixture site (nginx + raw-socket endpoint on loopback), started once."""
    from bridgebench.scrape.fixture import fixture_site

    with fixture_site() as site:
        yield site
