"""The record one scraped URL gives (shared by the pybind11 module and the C ABI wrapper)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Site:
    url: str
    final_url: str  # the last URL requested, after redirects ("" if none was)
    domain: str  # host of `url`, lower case
    port: int  # port of `url`, explicit or the scheme's default
    protocol: str  # "http" / "https" ("" when the URL is invalid)
    status: int  # last HTTP status received, 0 when no response
    server: str  # Server header, "" when absent
    content_type: str  # Content-Type header, "" when absent
    body: bytes  # at most max_body_bytes
    truncated: bool  # body stopped at max_body_bytes
    elapsed: float  # seconds
    error: str | None  # None, or a short message ("timeout", "body too large", ...)

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        return (
            f"Site(url={self.url!r}, status={self.status}, server={self.server!r}, "
            f"content_type={self.content_type!r}, body=<{len(self.body)} bytes>, "
            f"truncated={self.truncated}, error={self.error!r})"
        )
