"""Every fixture case through every implementation: status, headers, body, error."""

import pytest
from scrape_impls import SCRAPE, comparable

from bridgebench.scrape.fixture import REDIRECT_CHAIN, corpus, raw_endpoint

IMPLS = list(SCRAPE)


@pytest.fixture(params=IMPLS)
def scrape(request, balanced_ledger):
    return SCRAPE[request.param]


def one(scrape, url, **options):
    [site] = scrape([url], **options)
    assert site.url == url
    return site


@pytest.mark.parametrize("page", corpus.pages()[::7] + corpus.pages()[-1:], ids=lambda p: p.path)
def test_pages_of_every_type_and_size(scrape, scrape_site, page):
    site = one(scrape, scrape_site.url(page.path))
    assert (site.status, site.server, site.content_type, site.error) == (200, "nginx", page.content_type, None)
    assert site.body == corpus.expected_body(page.path)
    assert len(site.body) == page.size and not site.truncated
    assert site.final_url == scrape_site.url(page.path)
    assert site.protocol == "http" and site.domain == "127.0.0.1"
    assert site.port == int(scrape_site.base.rsplit(":", 1)[1])
    assert site.elapsed >= 0


def test_versioned_server_header(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/v/p001.json"))
    assert site.server.startswith("nginx/") and site.status == 200
    assert site.body == corpus.expected_body("/pages/p001.json")


@pytest.mark.parametrize("name", list(raw_endpoint.SERVERS))
def test_other_server_headers(scrape, scrape_site, name):
    site = one(scrape, f"{scrape_site.raw}/server/{name}")
    assert site.server == (raw_endpoint.SERVERS[name] or "")
    assert site.content_type == "text/plain; charset=utf-8"
    assert site.body == raw_endpoint.server_body(name)


def test_empty_body(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/pages/empty.txt"))
    assert (site.status, site.body, site.error, site.truncated) == (200, b"", None, False)


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_responses(scrape, scrape_site, status):
    site = one(scrape, scrape_site.url(f"/status/{status}"))
    assert site.status == status and site.error is None
    assert str(status).encode() in site.body and site.content_type == "text/html"


def test_not_found(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/no/such/page"))
    assert (site.status, site.error, site.server) == (404, None, "nginx")
    assert b"404 Not Found" in site.body


@pytest.mark.parametrize("hops", [1, 3, 5])
def test_redirect_chain(scrape, scrape_site, hops):
    site = one(scrape, scrape_site.url(f"/redirect/{hops}"))
    assert (site.status, site.error) == (200, None)
    assert site.final_url == scrape_site.url("/pages/p000.html")
    assert site.body == corpus.expected_body("/pages/p000.html")


def test_redirect_chain_longer_than_limit(scrape, scrape_site):
    assert REDIRECT_CHAIN > 5
    site = one(scrape, scrape_site.url(f"/redirect/{REDIRECT_CHAIN}"))
    assert site.error == "too many redirects" and site.status in (301, 302, 303, 307, 308)
    assert site.body == b""
    ok = one(scrape, scrape_site.url(f"/redirect/{REDIRECT_CHAIN}"), max_redirects=REDIRECT_CHAIN)
    assert ok.error is None and ok.status == 200


def test_redirect_loop(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/loop/a"))
    assert (site.status, site.error) == (302, "too many redirects")


def test_redirects_not_followed(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/redirect/2"), follow_redirects=False)
    assert site.error is None and site.status in (301, 302, 303, 307, 308)
    assert site.final_url == scrape_site.url("/redirect/2")


def test_zero_redirects_allowed(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/redirect/1"), max_redirects=0)
    assert (site.status, site.error) == (302, "too many redirects")


@pytest.mark.parametrize("path", ["/to-ftp", "/to-file"])
def test_redirect_to_non_http_scheme_is_refused(scrape, scrape_site, path):
    site = one(scrape, scrape_site.url(path))
    assert (site.status, site.error, site.body) == (302, "unsupported scheme", b"")
    assert site.final_url == scrape_site.url(path)


def test_redirect_to_another_server(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/to-raw"))
    assert (site.status, site.server, site.error) == (200, "Apache/2.4.57 (Debian)", None)
    assert site.final_url == f"{scrape_site.raw}/server/apache"
    # domain/port/protocol describe the URL that was asked for
    assert site.port == int(scrape_site.base.rsplit(":", 1)[1])


def test_relative_redirect(scrape, scrape_site):
    site = one(scrape, f"{scrape_site.raw}/relative-redirect")
    assert (site.status, site.server, site.final_url) == (200, "Caddy", f"{scrape_site.raw}/server/caddy")


def test_delayed_endpoint(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/delay/50"))
    assert (site.status, site.body, site.error) == (200, b"delayed 50 ms\n", None)
    assert site.elapsed >= 0.04


def test_timeout(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/delay/2000"), timeout=0.2)
    assert (site.status, site.error, site.body) == (0, "timeout", b"")


def test_oversized_body_is_capped(scrape, scrape_site):
    site = one(scrape, scrape_site.url("/big/oversized.bin"))
    assert (site.status, site.error, site.truncated) == (200, "body too large", True)
    assert len(site.body) == 10_485_760


def test_small_body_cap(scrape, scrape_site):
    page = corpus.pages()[0]
    site = one(scrape, scrape_site.url(page.path), max_body_bytes=100)
    assert (site.error, site.truncated, site.body) == ("body too large", True, corpus.expected_body(page.path)[:100])
    exact = one(scrape, scrape_site.url(page.path), max_body_bytes=page.size)
    assert (exact.error, exact.truncated, len(exact.body)) == (None, False, page.size)


def test_response_cut_mid_body(scrape, scrape_site):
    site = one(scrape, f"{scrape_site.raw}/cut")
    assert (site.status, site.error, site.truncated) == (200, "incomplete body", False)
    assert site.body == raw_endpoint.cut_body()


def test_empty_reply(scrape, scrape_site):
    site = one(scrape, f"{scrape_site.raw}/empty-reply")
    assert (site.status, site.error, site.body) == (0, "empty reply", b"")


def test_connection_refused(scrape, scrape_site):
    site = one(scrape, scrape_site.refused + "/")
    assert (site.status, site.error, site.server) == (0, "connection refused", "")


def test_user_agent(scrape, scrape_site):
    assert one(scrape, scrape_site.url("/echo/user-agent")).body == b"bridgebench-scrape/0.1\n"
    assert one(scrape, scrape_site.url("/echo/user-agent"), user_agent="probe/1").body == b"probe/1\n"


def test_all_cases_in_one_batch_agree_across_implementations(scrape_site, balanced_ledger):
    urls = [scrape_site.url(p.path) for p in corpus.pages()[:20]] + [
        scrape_site.url("/redirect/3"),
        scrape_site.url("/loop/a"),
        scrape_site.url("/to-ftp"),
        scrape_site.url("/status/500"),
        scrape_site.url("/nope"),
        scrape_site.url("/big/oversized.bin"),
        f"{scrape_site.raw}/cut",
        f"{scrape_site.raw}/server/none",
        scrape_site.refused + "/x",
        "ftp://127.0.0.1/",
        "not a url",
        "http://127.0.0.1:99999/",
    ]
    results = {name: [comparable(s) for s in fn(urls, concurrency=8)] for name, fn in SCRAPE.items()}
    assert results["native"] == results["capi"] == results["baseline"]
