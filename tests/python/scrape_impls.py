"""The three scrape implementations the scraper tests run against, by name."""

import python_baseline.scrape as baseline
from bridgebench import scrape as native
from bridgebench.scrape import capi

SCRAPE = {"native": native.scrape, "capi": capi.scrape, "baseline": baseline.scrape}
SCRAPE_ITER = {"native": native.scrape_iter, "baseline": baseline.scrape_iter}


def comparable(site):
    """Every field except the timing."""
    return (
        site.url,
        site.final_url,
        site.domain,
        site.port,
        site.protocol,
        site.status,
        site.server,
        site.content_type,
        site.body,
        site.truncated,
        site.error,
    )


def isolated(code: str, *args: str, timeout: float = 60.0) -> str:
    """Runs `code` in a fresh interpreter (with this folder importable) and returns its
    output. A crash (a signal) or any failure fails the calling test instead of killing pytest."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.dirname(__file__), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout, env=env)
    assert done.returncode == 0, f"exit status {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout
