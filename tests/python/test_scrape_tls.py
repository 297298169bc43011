"""HTTPS and HTTP/2 against the fixture's TLS ports (throw-away CA): pages over both protocols,
multiplexing, the ca_file/verify options, and hostile certificates giving a record error in
every implementation, never an exception or a crash."""

import os
from pathlib import Path

import pytest
from scrape_impls import SCRAPE, SCRAPE_ITER, comparable

from bridgebench.scrape import aiohttp_peer, httpx_peer, pycurl_peer, requests_peer
from bridgebench.scrape.fixture import corpus

PAGE = corpus.small_pages()[3].path
PEERS = {
    "aiohttp": aiohttp_peer.scrape,
    "httpx": httpx_peer.scrape,
    "pycurl": pycurl_peer.scrape,
    "requests": requests_peer.scrape,
}


@pytest.fixture
def tls_site(scrape_site):
    if not scrape_site.tls:
        pytest.skip(f"the fixture serves no TLS here: {scrape_site.tls_unavailable}")
    return scrape_site


@pytest.fixture(params=list(SCRAPE))
def scrape(request, balanced_ledger):
    return SCRAPE[request.param]


@pytest.mark.parametrize("port", ["tls", "tls_h1"])
def test_pages_over_https(scrape, tls_site, port):
    base = getattr(tls_site, port)
    [site] = scrape([base + PAGE], ca_file=tls_site.ca_file)
    assert (site.status, site.server, site.content_type, site.error) == (200, "nginx", "text/html", None)
    assert site.body == corpus.expected_body(PAGE)
    assert (site.protocol, site.domain, site.port) == ("https", "127.0.0.1", int(base.rsplit(":", 1)[1]))


def test_every_implementation_gives_the_same_https_records(tls_site):
    urls = [tls_site.tls + p.path for p in corpus.pages()[:12]] + [tls_site.tls + "/redirect/2"]
    answers = {name: [comparable(s) for s in f(urls, ca_file=tls_site.ca_file)] for name, f in SCRAPE.items()}
    assert answers["native"] == answers["capi"] == answers["baseline"]


def test_ca_file_takes_a_path_object(tls_site):
    [site] = SCRAPE["native"]([tls_site.tls + PAGE], ca_file=Path(tls_site.ca_file))
    assert site.error is None


def _protocols(scrape, base: str, ca_file: str, n: int) -> set[bytes]:
    return {s.body for s in scrape([base + "/echo/protocol"] * n, ca_file=ca_file)}


def test_native_speaks_http2_where_offered_and_http1_elsewhere(tls_site):
    native = SCRAPE["native"]
    assert _protocols(native, tls_site.tls, tls_site.ca_file, 4) == {b"HTTP/2.0\n"}
    assert _protocols(native, tls_site.tls_h1, tls_site.ca_file, 4) == {b"HTTP/1.1\n"}
    assert _protocols(native, tls_site.base, tls_site.ca_file, 4) == {b"HTTP/1.1\n"}


def test_http2_multiplexes_one_connection_and_http1_opens_many(tls_site):
    """nginx numbers its connections ($connection): 20 overlapping transfers (200 ms each)
    share one over HTTP/2 and need one each over HTTP/1.1."""
    native = SCRAPE["native"]
    urls = ["/echo/connection/slow"] * 20
    h2 = native([tls_site.tls + u for u in urls], concurrency=20, ca_file=tls_site.ca_file)
    assert len({s.body for s in h2}) == 1
    h1 = native([tls_site.tls_h1 + u for u in urls], concurrency=20, ca_file=tls_site.ca_file)
    assert len({s.body for s in h1}) == 20


HOSTILE = ["tls_wrong_host", "tls_expired", "no_ca"]


def _hostile_url(site, case: str) -> tuple[str, dict]:
    if case == "no_ca":  # the fixture's own certificate, but the client was not given its CA
        return site.tls + PAGE, {}
    return getattr(site, case) + PAGE, {"ca_file": site.ca_file}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_certificates_are_record_errors(scrape, tls_site, case):
    url, options = _hostile_url(tls_site, case)
    [site] = scrape([url], **options)
    assert (site.status, site.error, site.body, site.final_url) == (0, "TLS error", b"", url)
    assert (site.protocol, site.domain) == ("https", "127.0.0.1")


@pytest.mark.parametrize("case", HOSTILE)
def test_verify_false_accepts_any_certificate(scrape, tls_site, case):
    url, _ = _hostile_url(tls_site, case)
    [site] = scrape([url], verify=False)
    assert (site.status, site.error) == (200, None) and site.body == corpus.expected_body(PAGE)


@pytest.mark.parametrize("name", list(SCRAPE_ITER))
def test_scrape_iter_takes_the_tls_options(tls_site, name, balanced_ledger):
    urls = [tls_site.tls + PAGE, tls_site.tls_expired + PAGE]
    with_ca = {s.url: s.error for s in SCRAPE_ITER[name](urls, ca_file=tls_site.ca_file)}
    assert with_ca == {urls[0]: None, urls[1]: "TLS error"}
    assert {s.error for s in SCRAPE_ITER[name](urls, verify=False)} == {None}


def test_a_mixed_batch_keeps_going_past_tls_failures(tls_site, balanced_ledger):
    urls = [_hostile_url(tls_site, c)[0] for c in HOSTILE[:2]] + [tls_site.tls + PAGE] * 3
    sites = SCRAPE["native"](urls, ca_file=tls_site.ca_file)
    assert [s.error for s in sites] == ["TLS error", "TLS error", None, None, None]


@pytest.mark.parametrize(
    "value, error, match",
    [
        (1, TypeError, "ca_file must be a path"),
        (b"/etc/ssl/certs/ca-certificates.crt", TypeError, "ca_file must be a path"),
        ("", ValueError, "ca_file must be a file path"),
        ("/nonexistent/ca.pem", ValueError, "ca_file '/nonexistent/ca.pem' is not a file"),
        ("ca\0.pem", ValueError, "ca_file must be a file path"),
        (os.sep, ValueError, "is not a file"),
    ],
)
def test_bad_ca_file_raises_the_same_everywhere(scrape, value, error, match):
    with pytest.raises(error, match=match):
        scrape(["https://127.0.0.1:1/"], ca_file=value)


@pytest.mark.parametrize("value", [1, None, "yes"])
def test_verify_must_be_bool(scrape, value):
    with pytest.raises(TypeError, match="verify must be bool"):
        scrape(["https://127.0.0.1:1/"], verify=value)


@pytest.mark.parametrize("name", list(PEERS))
def test_peers_over_tls(tls_site, name):
    """The benchmark's peers take the same CA and report hostile certificates the same way."""
    scrape = PEERS[name]
    good = tls_site.tls + PAGE
    [site] = scrape([good], ca_file=tls_site.ca_file)
    assert (site.status, site.error, site.body) == (200, None, corpus.expected_body(PAGE))
    assert scrape([tls_site.tls_expired + PAGE], ca_file=tls_site.ca_file)[0].error == "TLS error"
    assert scrape([good])[0].error == "TLS error"
