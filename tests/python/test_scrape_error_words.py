"""Error words that say what happened, the same from the three implementations, and `timeout`
as the whole URL's deadline (against servers that break HTTP on purpose)."""

import time

import pytest
from misbehaving_server import HOP_DELAY, MisbehavingServer
from scrape_impls import SCRAPE, isolated

from bridgebench_rules import scrape as rules


@pytest.fixture(scope="module")
def server():
    with MisbehavingServer() as s:
        yield s


@pytest.fixture(params=list(SCRAPE))
def scrape(request, balanced_ledger):
    return SCRAPE[request.param]


def test_a_reply_without_status_line_is_an_invalid_response(scrape, server):
    [site] = scrape([server.url("/http09")], timeout=5.0)
    assert (site.error, site.status, site.body) == (rules.INVALID_RESPONSE, 0, b"")


def test_timeout_is_a_deadline_for_a_slowloris_server(scrape, server):
    start = time.monotonic()
    [site] = scrape([server.url("/slowloris")], timeout=1.0)
    elapsed = time.monotonic() - start
    assert site.error == rules.TIMEOUT
    assert elapsed < 1.0 + 2.0, f"a 1 s timeout took {elapsed:.1f} s"


def test_timeout_covers_every_redirect_hop(scrape, server):
    # Each hop answers within the timeout; the chain does not.
    timeout = 2.5 * HOP_DELAY
    start = time.monotonic()
    [site] = scrape([server.url("/slow-redirect")], timeout=timeout, max_redirects=8)
    elapsed = time.monotonic() - start
    assert site.error == rules.TIMEOUT
    assert elapsed < timeout + 2 * HOP_DELAY, f"a {timeout} s timeout took {elapsed:.1f} s"


_OUT_OF_DESCRIPTORS = """
import os, resource, socket, sys
from scrape_impls import SCRAPE
listener = socket.create_server(("127.0.0.1", 0))
url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
scrape = SCRAPE[sys.argv[1]]
scrape(["nonsense"])  # imports and first-use set-up done while descriptors are left
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 256), hard))
held = []
try:
    while True:
        held.append(os.open("/dev/null", os.O_RDONLY))
except OSError:
    pass
os.close(held.pop())  # one left: a first connection may get it, the others cannot
print(sorted({s.error for s in scrape([url] * 4, timeout=1.0, concurrency=4)}))
"""


@pytest.mark.parametrize("name", list(SCRAPE))
def test_out_of_file_descriptors_says_so(name):
    output = isolated(_OUT_OF_DESCRIPTORS, name)
    assert repr(rules.TOO_MANY_OPEN_FILES) in output
    assert repr(rules.CONNECTION_REFUSED) not in output
