"""`bridgebench scrape URL... | --file urls.txt`: fetch sites concurrently (libcurl multi)
and print one line (or one JSON object) per URL as it completes."""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from bridgebench import textfiles
from bridgebench.errors import UsageError

ORDER = 60


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("scrape", help="fetch URLs concurrently (libcurl multi)", description=__doc__)
    parser.add_argument("urls", nargs="*", metavar="URL", help="http:// or https:// URLs")
    parser.add_argument(
        "--file",
        type=Path,
        help="read URLs from this file, one a line ('-' for stdin; blank lines and # comments skipped)",
    )
    parser.add_argument("--concurrency", type=int, default=64, help="transfers in flight (default 64)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per transfer (default 10)")
    parser.add_argument("--connect-timeout", type=float, default=5.0, help="seconds to connect (default 5)")
    parser.add_argument("--max-body-bytes", type=int, default=10_485_760, help="body cap (default 10 MiB)")
    parser.add_argument("--no-redirects", action="store_true", help="do not follow redirects")
    parser.add_argument("--max-redirects", type=int, default=5)
    parser.add_argument("--user-agent", default=None)
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per line; the body as text when it is UTF-8, else base64"
    )
    parser.set_defaults(func=main)


def _urls_in(path: Path) -> Iterator[str]:
    """URLs of a file, read lazily (a file of millions of URLs is fine): blank lines and
    # comments skipped."""
    for line in textfiles.iter_lines(path, "--file"):
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def _as_json(site) -> str:
    record = {
        "url": site.url,
        "final_url": site.final_url,
        "domain": site.domain,
        "port": site.port,
        "protocol": site.protocol,
        "status": site.status,
        "server": site.server,
        "content_type": site.content_type,
        "body_bytes": len(site.body),
        "truncated": site.truncated,
        "elapsed": round(site.elapsed, 6),
        "error": site.error,
    }
    try:
        record["body"] = site.body.decode("utf-8")
    except UnicodeDecodeError:
        record["body_base64"] = base64.b64encode(site.body).decode("ascii")
    return json.dumps(record, ensure_ascii=False)


def _as_line(site) -> str:
    outcome = site.error if site.error else f"{site.status}"
    server = site.server or "-"
    ctype = site.content_type or "-"
    return f"{outcome:<18} {len(site.body):>9} B  {site.elapsed * 1000:8.1f} ms  {server:<16} {ctype:<28} {site.url}"


def main(args: argparse.Namespace) -> int:
    from bridgebench.scrape import scrape_iter

    textfiles.check_arguments(args.urls, "URL")
    sources: list[Iterable[str]] = [args.urls]
    if args.file is not None:
        if str(args.file) != "-" and not args.file.is_file():
            raise UsageError(f"--file {str(args.file)!r}: no such file")
        sources.append(_urls_in(args.file))
    if not args.urls and args.file is None:
        raise UsageError("give URLs or --file")
    urls = (url for source in sources for url in source)
    try:
        stream = scrape_iter(
            urls,
            concurrency=args.concurrency,
            timeout=args.timeout,
            connect_timeout=args.connect_timeout,
            max_body_bytes=args.max_body_bytes,
            follow_redirects=not args.no_redirects,
            max_redirects=args.max_redirects,
            user_agent=args.user_agent,
        )
    except (TypeError, ValueError) as e:
        raise UsageError(str(e)) from None
    failures = 0
    with stream:
        for site in stream:
            failures += site.error is not None
            print(_as_json(site) if args.json else _as_line(site), flush=True)
    return 1 if failures else 0
