"""The scraper's argument rules (src/bridgebench_rules/scrape.py): one table shared by the three
implementations, and equal to what the native side enforces and reports."""

import ctypes
import fractions

import numpy as np
import pytest
from scrape_impls import SCRAPE, SCRAPE_ITER

from bridgebench import _scrape
from bridgebench.scrape import capi
from bridgebench_rules import scrape as rules


def test_error_words_are_one_table():
    assert _scrape.ERROR_WORDS == rules.ERROR_WORDS


def test_native_limits_and_defaults_are_the_rules():
    assert (_scrape.MAX_CONCURRENCY, _scrape.MAX_REDIRECTS, _scrape.MAX_BODY_BYTES) == (
        rules.MAX_CONCURRENCY,
        rules.MAX_REDIRECTS,
        rules.MAX_BODY_BYTES,
    )
    assert _scrape.DEFAULT_USER_AGENT == rules.DEFAULT_USER_AGENT
    native = capi.bb_scrape_options()
    capi._lib.bb_scrape_options_init(ctypes.byref(native))
    d = rules.DEFAULTS
    assert (native.concurrency, native.timeout, native.connect_timeout, native.max_body_bytes) == (
        d.concurrency,
        d.timeout,
        d.connect_timeout,
        d.max_body_bytes,
    )
    assert (bool(native.follow_redirects), native.max_redirects) == (d.follow_redirects, d.max_redirects)


@pytest.mark.parametrize("name", list(SCRAPE))
def test_index_integers_and_real_seconds_are_accepted(name, balanced_ledger):
    [site] = SCRAPE[name](
        ["nonsense"],
        concurrency=np.int64(2),
        max_redirects=np.uint8(1),
        max_body_bytes=np.int32(10),
        timeout=np.float32(1.5),
        connect_timeout=fractions.Fraction(1, 2),
    )
    assert site.error == rules.INVALID_URL


class SneakyStr(str):
    """A str subclass whose methods lie: only its text may count."""

    def encode(self, *args, **kwargs):
        raise AssertionError("encode() of a str subclass was called")

    def __str__(self):
        return "ftp://elsewhere/"

    def isascii(self):
        return False


@pytest.mark.parametrize("name", list(SCRAPE))
def test_str_subclasses_count_as_their_text(name, balanced_ledger):
    [site] = SCRAPE[name]([SneakyStr("nonsense")], user_agent=SneakyStr("agent"))
    assert (site.url, type(site.url), site.error) == ("nonsense", str, rules.INVALID_URL)


@pytest.mark.parametrize("name", list(SCRAPE_ITER))
def test_scrape_iter_checks_urls_lazily_with_their_index(name, balanced_ledger):
    stream = SCRAPE_ITER[name](iter(["nonsense", "ftp://x/", 7]), concurrency=1)
    with pytest.raises(TypeError, match=r"^urls\[2\] must be str, not int$"):
        for _ in stream:
            pass


def test_the_first_bad_option_in_signature_order_is_reported():
    for scrape in SCRAPE.values():
        with pytest.raises(TypeError, match="^urls must be an iterable of str, not int$"):
            scrape(5)
        with pytest.raises(ValueError, match="^concurrency must be at least 1, got 0$"):
            scrape(5, concurrency=0, timeout="x")  # options are checked before urls
        with pytest.raises(TypeError, match="^timeout must be"):
            scrape([], timeout="x", user_agent="\n")
