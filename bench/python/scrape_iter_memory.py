"""Memory target: `scrape_iter` over 100,000 URLs grows native memory by < 100 MB.

Streams N small pages (default 100,000) from the nginx fixture site through
bridgebench.scrape.scrape_iter and samples the process's RSS every 1,000 records; prints the
growth over the warm start and the ledger's outstanding bytes at the end.

    .venv/bin/python bench/python/scrape_iter_memory.py [N]
"""

from __future__ import annotations

import sys
import time

from bridgebench import ledger
from bridgebench import scrape as native
from bridgebench.scrape.fixture import fixture_site


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(count: int) -> int:
    with fixture_site() as site:
        list(native.scrape_iter([site.url("/small/s000.html")] * 1_000))  # warm-up: libcurl, allocator
        start = peak = rss_kib()
        began = time.perf_counter()
        urls = (site.url(f"/small/s{i % 100:03d}.html") for i in range(count))
        done = 0
        for record in native.scrape_iter(urls, concurrency=64):
            done += 1
            if record.error is not None:
                print(f"unexpected error: {record}", file=sys.stderr)
                return 1
            if done % 1_000 == 0:
                peak = max(peak, rss_kib())
        seconds = time.perf_counter() - began
    growth_mib = (peak - start) / 1024
    print(
        f"{done:,} records in {seconds:.2f} s; RSS {start / 1024:.1f} MiB at start, peak {peak / 1024:.1f} MiB, "
        f"growth {growth_mib:.1f} MiB (target < 100 MB); ledger outstanding {ledger.outstanding()} B"
    )
    return 0 if growth_mib < 100 and ledger.outstanding() == 0 else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
