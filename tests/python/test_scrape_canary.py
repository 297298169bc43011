"""The scraper's planted leak (audit builds only): the ledger must see it on both paths."""

import pytest

from bridgebench import ledger
from bridgebench import scrape as native
from bridgebench.scrape import capi

pytestmark = pytest.mark.skipif(not ledger.canaries_compiled_in(), reason="needs a -Dcanaries=true build")


@pytest.fixture
def scrape_record_canary():
    ledger.set_canaries("scrape_record")
    try:
        yield
    finally:
        ledger.set_canaries("")


@pytest.mark.parametrize("fn,site", [(native.scrape, "scrape.scrape"), (capi.scrape, "capi.bb_scrape")])
def test_ledger_sees_the_planted_leak(fn, site, scrape_site, scrape_record_canary):
    with pytest.raises(ledger.LedgerImbalance) as info:
        with ledger.balanced():
            fn([scrape_site.url("/small/s000.html"), "nonsense"])
    assert site in info.value.sites


def test_no_canary_no_imbalance(scrape_site):
    with ledger.balanced():
        native.scrape([scrape_site.url("/small/s000.html")])
