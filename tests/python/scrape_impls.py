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
