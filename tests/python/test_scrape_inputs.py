"""Inputs: invalid URLs, unsupported schemes, empty input, duplicates, and bad arguments."""

import math

import pytest
from scrape_impls import SCRAPE, SCRAPE_ITER, comparable


@pytest.fixture(params=list(SCRAPE))
def scrape(request, balanced_ledger):
    return SCRAPE[request.param]


INVALID = [
    "",
    "nonsense",
    "http://",
    "http:///path",
    "http://127.0.0.1:99999/",
    "http://exa mple.com/",
    "http://127.0.0.1/\n",
    "://127.0.0.1/",
    "127.0.0.1/page",
]
UNSUPPORTED = ["ftp://127.0.0.1/file", "file:///etc/passwd", "gopher://127.0.0.1/", "mailto:someone@example.com"]
INVALID += ["http:/127.0.0.1/", "https:127.0.0.1"]


@pytest.mark.parametrize("url", INVALID)
def test_invalid_urls(scrape, url):
    [site] = scrape([url])
    fields = (site.url, site.error, site.status, site.final_url, site.protocol, site.port)
    assert fields == (url, "invalid URL", 0, "", "", 0)


@pytest.mark.parametrize("url", UNSUPPORTED)
def test_unsupported_schemes(scrape, url):
    [site] = scrape([url])
    assert (site.error, site.status, site.body, site.protocol) == ("unsupported scheme", 0, b"", "")


def test_empty_input(scrape):
    assert scrape([]) == []
    assert scrape(iter(())) == []


def test_one_failure_does_not_abort_the_batch(scrape, scrape_site):
    urls = ["nonsense", scrape_site.url("/pages/p000.html"), "ftp://x/", scrape_site.url("/small/s000.html")]
    sites = scrape(urls)
    assert [s.url for s in sites] == urls
    assert [s.error for s in sites] == ["invalid URL", None, "unsupported scheme", None]


def test_duplicates_each_get_a_record_in_input_order(scrape, scrape_site):
    a, b = scrape_site.url("/small/s001.html"), scrape_site.url("/delay/10")
    urls = [a, b, a, a, b, "nonsense", a]
    sites = scrape(urls, concurrency=3)
    assert [s.url for s in sites] == urls
    assert all(comparable(s) == comparable(sites[0]) for s in sites if s.url == a)
    assert all(s.body == b"delayed 10 ms\n" for s in sites if s.url == b)


def test_any_iterable(scrape, scrape_site):
    urls = (scrape_site.url(f"/small/s{i:03d}.html") for i in range(5))
    assert [s.status for s in scrape(urls)] == [200] * 5
    assert [s.status for s in scrape((scrape_site.url("/small/s000.html"),))] == [200]


def test_scheme_is_lower_cased(scrape, scrape_site):
    url = scrape_site.url("/small/s000.html").replace("http://", "HTTP://")
    [site] = scrape([url])
    assert (site.protocol, site.domain, site.status, site.url) == ("http", "127.0.0.1", 200, url)


@pytest.mark.parametrize(
    "urls,message",
    [
        (5, "urls must be an iterable of str, not int"),
        (None, "urls must be an iterable of str, not NoneType"),
        ("http://x/", "urls must be an iterable of str (a list, say), not a single str"),
        (b"http://x/", "urls must be an iterable of str (a list, say), not a single bytes"),
        (["http://x/", 3], "urls[1] must be str, not int"),
        ([b"http://x/"], "urls[0] must be str, not bytes"),
    ],
)
def test_bad_urls_argument(scrape, urls, message):
    with pytest.raises(TypeError) as info:
        scrape(urls)
    assert str(info.value) == message


def test_lone_surrogate(scrape):
    with pytest.raises(UnicodeError, match=r"urls\[1\]"):
        scrape(["http://127.0.0.1/", "http://127.0.0.1/\udc80"])


BAD_OPTIONS = [
    ({"concurrency": 0}, ValueError, "concurrency must be at least 1"),
    ({"concurrency": -5}, ValueError, "concurrency must be at least 1"),
    ({"concurrency": 10**6}, ValueError, "concurrency must be at most 10000"),
    ({"concurrency": 2.0}, TypeError, "concurrency must be int, not float"),
    ({"concurrency": True}, TypeError, "concurrency must be int, not bool"),
    ({"timeout": -1}, ValueError, "timeout must be a finite number of seconds > 0"),
    ({"timeout": 0}, ValueError, "timeout must be a finite number of seconds > 0"),
    ({"timeout": math.nan}, ValueError, "timeout must be a finite number of seconds > 0"),
    ({"timeout": math.inf}, ValueError, "timeout must be a finite number of seconds > 0"),
    ({"timeout": "1"}, TypeError, "timeout must be a number of seconds"),
    ({"connect_timeout": -0.5}, ValueError, "connect_timeout must be a finite number of seconds > 0"),
    ({"connect_timeout": None}, TypeError, "connect_timeout must be a number of seconds"),
    ({"max_body_bytes": -1}, ValueError, "max_body_bytes must be at least 0"),
    ({"max_body_bytes": 1.5}, TypeError, "max_body_bytes must be int"),
    ({"max_body_bytes": 2**70}, ValueError, "max_body_bytes must be at most"),
    ({"follow_redirects": 1}, TypeError, "follow_redirects must be bool, not int"),
    ({"max_redirects": -1}, ValueError, "max_redirects must be at least 0"),
    ({"max_redirects": "5"}, TypeError, "max_redirects must be int, not str"),
    ({"user_agent": 7}, TypeError, "user_agent must be str or None, not int"),
    ({"user_agent": "a\r\nX-Evil: 1"}, ValueError, "user_agent[1] must be a printable ASCII character or tab"),
    ({"user_agent": "caf\u00e9"}, ValueError, "user_agent[3] must be a printable ASCII character or tab"),
    ({"user_agent": "\ud800"}, ValueError, "user_agent[0] must be a printable ASCII character or tab"),
    ({"concurrency": 2**64}, ValueError, "concurrency must be at most 10000"),
    ({"max_redirects": 2**63}, ValueError, "max_redirects must be at most 1000"),
    ({"max_body_bytes": -(2**64)}, ValueError, "max_body_bytes must be at least 0"),
    ({"concurrency": math.nan}, TypeError, "concurrency must be int, not float"),
    ({"timeout": 10**400}, ValueError, "timeout must be a finite number of seconds > 0"),
    ({"timeout": True}, TypeError, "timeout must be a number of seconds"),
    ({"max_body_bytes": False}, TypeError, "max_body_bytes must be int, not bool"),
]


@pytest.mark.parametrize("options,error,message", BAD_OPTIONS, ids=lambda v: repr(v)[:40])
def test_bad_options_name_the_argument(scrape, options, error, message):
    with pytest.raises(error) as info:
        scrape(["http://127.0.0.1/"], **options)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("name", list(SCRAPE_ITER))
@pytest.mark.parametrize("options,error,message", BAD_OPTIONS[:3] + BAD_OPTIONS[5:6], ids=lambda v: repr(v)[:40])
def test_scrape_iter_checks_arguments_at_the_call(name, options, error, message, balanced_ledger):
    with pytest.raises(error) as info:
        SCRAPE_ITER[name](["http://127.0.0.1/"], **options)
    assert str(info.value).startswith(message)
    with pytest.raises(TypeError, match="urls must be an iterable of str, not int"):
        SCRAPE_ITER[name](5)


def test_positional_options_are_rejected(scrape):
    with pytest.raises(TypeError):
        scrape(["http://127.0.0.1/"], 4)
