"""`bridgebench serve`: run the scraper's fixture site (nginx + raw-socket endpoint on
loopback) until Ctrl-C, and print its URLs, for trying `bridgebench scrape` by hand."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

ORDER = 61


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the scraper's fixture site (nginx on loopback)", description=__doc__
    )
    parser.add_argument("--workers", type=int, default=1, help="nginx worker processes (default 1)")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from bridgebench.scrape.fixture import DELAYS_MS, NginxUnavailable, fixture_site

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with fixture_site(workers=args.workers) as site:
            print(f"nginx fixture site:  {site.base}   (config, corpus and logs in {site.root})")
            print(f"raw-socket endpoint: {site.raw}")
            examples = [
                "/pages/p000.html",
                "/v/p001.json",
                "/small/s000.html",
                "/redirect/3",
                "/loop/a",
                "/to-ftp",
                "/status/500",
                "/nope",
                f"/delay/{DELAYS_MS[1]}",
                "/big/oversized.bin",
            ]
            print("try:  bridgebench scrape " + " ".join(site.url(p) for p in examples[:4]) + " \\")
            print("        " + " ".join(site.url(p) for p in examples[4:]) + f" {site.raw}/cut")
            print("Ctrl-C to stop.", flush=True)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    except NginxUnavailable as e:
        print(f"bridgebench serve: {e}", file=sys.stderr)
        return 1
    print("stopped")
    return 0
