"""`bridgebench scrape` and `bridgebench serve`."""

import json
import signal
import socket
import subprocess
import sys
import time


def bridgebench(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "bridgebench", *args], capture_output=True, text=True, timeout=60, **kwargs
    )


def test_scrape_prints_one_line_per_url(scrape_site):
    urls = [scrape_site.url("/pages/p000.html"), scrape_site.url("/to-ftp"), "nonsense"]
    proc = bridgebench("scrape", *urls, "--concurrency", "2")
    assert proc.returncode == 1, proc.stderr  # some URLs failed
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 3
    assert any(line.startswith("200") and urls[0] in line for line in lines)
    assert any(line.startswith("unsupported scheme") for line in lines)
    assert any(line.startswith("invalid URL") for line in lines)


def test_scrape_json_from_a_file(scrape_site, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# comment\n{scrape_site.url('/small/s001.html')}\n\n{scrape_site.url('/pages/p004.png')}\n")
    proc = bridgebench("scrape", "--file", str(listing), "--json")
    assert proc.returncode == 0, proc.stderr
    records = {r["url"]: r for r in map(json.loads, proc.stdout.splitlines())}
    text = records[scrape_site.url("/small/s001.html")]
    fields = (text["status"], text["server"], text["content_type"], text["body_bytes"])
    assert fields == (200, "nginx", "text/html", 1024)
    assert len(text["body"]) == 1024
    binary = records[scrape_site.url("/pages/p004.png")]
    assert "body_base64" in binary and binary["content_type"] == "image/png"


def test_scrape_argument_errors():
    assert "give URLs or --file" in bridgebench("scrape").stderr
    proc = bridgebench("scrape", "http://127.0.0.1/", "--concurrency", "0")
    assert proc.returncode == 2 and "concurrency must be at least 1" in proc.stderr
    proc = bridgebench("scrape", "--file", "/no/such/file")
    assert proc.returncode == 2 and "no such file" in proc.stderr


def _refused(url: str) -> bool:
    host, port = url.rsplit("/", 1)[-1].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
        return False
    except OSError:
        return True


def test_serve_runs_the_site_until_terminated():
    proc = subprocess.Popen(
        [sys.executable, "-m", "bridgebench", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        base = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("nginx fixture site:"):
                base = line.split()[3]
            if line.startswith("Ctrl-C"):
                break
        assert base is not None, proc.stderr.read() if proc.poll() is not None else "no banner"
        check = bridgebench("scrape", base + "/small/s000.html")
        assert check.returncode == 0 and check.stdout.startswith("200")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    assert proc.returncode == 0
    assert _refused(base)  # nginx went down with it
