"""The scraper's argument rules: options, defaults, limits, messages, and the error words of a
record. One module, used by all three implementations of the scrape API:

- ``python_baseline.scrape`` (urllib + threads),
- ``bridgebench.scrape`` (the facade over the pybind11 module ``bridgebench._scrape``),
- ``bridgebench.scrape.capi`` (the C ABI through ctypes),

so the same bad input raises the same exception, with the same message naming the argument
(and, for ``urls``, the index of the first bad item), whichever implementation is called. The
native layers below these checks only convert values that already passed them (the C++ side
keeps its own last-line check, ``bb::scrape::validate``, for C callers; a test keeps its limits
equal to these).

Why a package beside both (``bridgebench_rules``, see its ``__init__``): the baseline imports
nothing from ``bridgebench``, and these rules are the one thing the three are meant to share.
Standard library only.

Rules, in the order they are checked (so the first problem reported is the same everywhere):
options in signature order, then ``urls`` itself, then its items (lazily for ``scrape_iter``).

- integers (``concurrency``, ``max_body_bytes``, ``max_redirects``): ``int`` or any object with
  ``__index__`` (numpy integers), never ``bool``; a float is a ``TypeError``; out of range is a
  ``ValueError`` however large the value.
- seconds (``timeout``, ``connect_timeout``): ``float``, ``int``, or anything with ``__float__``
  or ``__index__`` (numpy scalars, ``Fraction``, ``Decimal``), never ``bool``; finite and > 0
  (NaN, infinities, 10**400 are ``ValueError``).
  ``timeout`` is the whole URL's deadline (connect, request, redirects, body).
- ``follow_redirects``: exactly ``bool``.
- ``user_agent``: ``None`` (the default) or ``str`` of tabs and printable ASCII: it is sent as an
  HTTP header value, and anything else (CR/LF, NUL, non-ASCII, a lone surrogate) would be sent
  differently by different clients, or inject a header. The index of the first bad character is
  named.
- ``ca_file``: ``None`` (the system's CA store) or a path (``str`` or ``os.PathLike``) of an
  existing file, PEM certificates of the CAs to trust for https; ``verify``: exactly ``bool``
  (``False`` accepts any certificate and host name: for tests against throw-away servers).
- ``urls``: any iterable but a single ``str``/``bytes``/``bytearray``; items ``str`` (a subclass
  counts as its plain text) that encode as UTF-8 (a lone surrogate is a ``UnicodeError``).
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

# ---- limits -----------------------------------------------------------------------------------

DEFAULT_USER_AGENT = "bridgebench-scrape/0.1"
MAX_CONCURRENCY = 10_000
MAX_REDIRECTS = 1_000
MAX_BODY_BYTES = 2**63 - 1  # the C ABI carries it as uint64 and the core as size_t

# ---- the error words a record can carry (src/scrape/record.hpp holds the same table; a test
# compares them) ---------------------------------------------------------------------------------

INVALID_URL = "invalid URL"
UNSUPPORTED_SCHEME = "unsupported scheme"  # the URL (or a redirect target) is not http/https
TIMEOUT = "timeout"  # the URL's deadline (`timeout`) or the connect timeout passed
CONNECTION_REFUSED = "connection refused"
COULD_NOT_RESOLVE = "could not resolve host"
TOO_MANY_REDIRECTS = "too many redirects"
BODY_TOO_LARGE = "body too large"
INCOMPLETE_BODY = "incomplete body"
EMPTY_REPLY = "empty reply"
CONNECTION_RESET = "connection reset"
INVALID_RESPONSE = "invalid response"  # not an HTTP/1.x or HTTP/2 reply (no status line: HTTP/0.9, garbage)
TLS_ERROR = "TLS error"
TOO_MANY_OPEN_FILES = "too many open files"  # the process is out of file descriptors (EMFILE/ENFILE)
ERROR_WORDS = (
    INVALID_URL,
    UNSUPPORTED_SCHEME,
    TIMEOUT,
    CONNECTION_REFUSED,
    COULD_NOT_RESOLVE,
    TOO_MANY_REDIRECTS,
    BODY_TOO_LARGE,
    INCOMPLETE_BODY,
    EMPTY_REPLY,
    CONNECTION_RESET,
    INVALID_RESPONSE,
    TLS_ERROR,
    TOO_MANY_OPEN_FILES,
)

# ---- options ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Checked options, with the defaults of the public signatures."""

    concurrency: int = 64  # transfers in flight at once
    timeout: float = 10.0  # seconds per URL, everything included (redirect hops too)
    connect_timeout: float = 5.0  # seconds to establish one connection
    max_body_bytes: int = 10_485_760  # body cap: beyond it the record is truncated, "body too large"
    follow_redirects: bool = True
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    ca_file: str = ""  # PEM file of the CAs to trust for https; "" = the system's store
    verify: bool = True  # False: accept any certificate and host name (testing only)


DEFAULTS = Options()


def _type_name(value: object) -> str:
    return type(value).__name__


def _shown(value: object) -> str:
    """The value for a message; a huge int by its size (its repr may be refused: Python limits
    int-to-str conversions to 4300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and int.bit_length(value) > 256:
        return f"an int of {int.bit_length(value)} bits"
    return repr(value)


def integer(value: Any, name: str, minimum: int, maximum: int) -> int:
    """An integer option: int or __index__ (not bool), within [minimum, maximum]."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be int, not {_type_name(value)}")
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be int, not {_type_name(value)}") from None
    if number > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {_shown(number)}")
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {_shown(number)}")
    return number


def _has(cls: type, method: str) -> bool:
    return any(method in vars(k) for k in cls.__mro__)


def seconds(value: Any, name: str) -> float:
    """A duration option: float, int, or anything with __float__ or __index__ (numpy scalars,
    Fraction, Decimal), never bool; finite and > 0."""
    cls = type(value)
    if cls is bool or not (issubclass(cls, (int, float)) or _has(cls, "__float__") or _has(cls, "__index__")):
        raise TypeError(f"{name} must be a number of seconds (float or int), not {_type_name(value)}")
    try:
        if issubclass(cls, float):
            number = float.__float__(value)  # its value, not its overrides
        elif issubclass(cls, int) or not _has(cls, "__float__"):
            number = float(operator.index(value))
        else:
            number = float(value)  # its own __float__; its errors reach the caller
    except OverflowError:  # an int (or Fraction) beyond the float range
        number = math.inf
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {_shown(value)}")
    return number


def flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be bool, not {_type_name(value)}")
    return value


def _header_character_ok(c: str) -> bool:
    return c == "\t" or " " <= c <= "~"


def header_text(value: object, name: str, default: str) -> str:
    """None (the default) or a str of tabs and printable ASCII: an HTTP header value."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str or None, not {_type_name(value)}")
    text = str.__str__(value)  # a subclass counts as its text, whatever its methods do
    for i, c in enumerate(text):
        if not _header_character_ok(c):
            raise ValueError(
                f"{name}[{i}] must be a printable ASCII character or tab (an HTTP header value), got {c!r}"
            )
    return text


def ca_file_path(value: object, name: str = "ca_file") -> str:
    """None (the system's CAs) or the path (str or os.PathLike) of an existing file; "" for None."""
    if value is None:
        return ""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or os.PathLike) or None, not {_type_name(value)}")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise TypeError(f"{name} must be a text path, not {_type_name(path)}")
    if "\0" in path or not path:
        raise ValueError(f"{name} must be a file path, got {path!r}")
    if not os.path.isfile(path):
        raise ValueError(f"{name} {path!r} is not a file (a PEM file of CA certificates)")
    return path


def check_options(
    *,
    concurrency: object = DEFAULTS.concurrency,
    timeout: object = DEFAULTS.timeout,
    connect_timeout: object = DEFAULTS.connect_timeout,
    max_body_bytes: object = DEFAULTS.max_body_bytes,
    follow_redirects: object = DEFAULTS.follow_redirects,
    max_redirects: object = DEFAULTS.max_redirects,
    user_agent: object = None,
    ca_file: object = None,
    verify: object = DEFAULTS.verify,
) -> Options:
    """Checks every option (in signature order) and returns them as plain values."""
    return Options(
        concurrency=integer(concurrency, "concurrency", 1, MAX_CONCURRENCY),
        timeout=seconds(timeout, "timeout"),
        connect_timeout=seconds(connect_timeout, "connect_timeout"),
        max_body_bytes=integer(max_body_bytes, "max_body_bytes", 0, MAX_BODY_BYTES),
        follow_redirects=flag(follow_redirects, "follow_redirects"),
        max_redirects=integer(max_redirects, "max_redirects", 0, MAX_REDIRECTS),
        user_agent=header_text(user_agent, "user_agent", DEFAULT_USER_AGENT),
        ca_file=ca_file_path(ca_file),
        verify=flag(verify, "verify"),
    )


R = TypeVar("R")


def takes_options(impl: Callable[[Iterable[str], Options], R]) -> Callable[..., R]:
    """The public signature of every scrape function, in one place: ``impl(urls, options)``
    becomes ``f(urls, *, concurrency=..., ...)``, whose options are checked (check_options,
    before anything else) and handed to impl as one Options. impl checks ``urls`` itself
    (url_list, or lazy_urls for a stream)."""

    def public(
        urls: Iterable[str],
        *,
        concurrency: int = DEFAULTS.concurrency,
        timeout: float = DEFAULTS.timeout,
        connect_timeout: float = DEFAULTS.connect_timeout,
        max_body_bytes: int = DEFAULTS.max_body_bytes,
        follow_redirects: bool = DEFAULTS.follow_redirects,
        max_redirects: int = DEFAULTS.max_redirects,
        user_agent: str | None = None,
        ca_file: str | os.PathLike[str] | None = None,
        verify: bool = DEFAULTS.verify,
    ) -> R:
        options = check_options(
            concurrency=concurrency,
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_body_bytes=max_body_bytes,
            follow_redirects=follow_redirects,
            max_redirects=max_redirects,
            user_agent=user_agent,
            ca_file=ca_file,
            verify=verify,
        )
        return impl(urls, options)

    # The implementation's name (also in argument errors: "scrape() got an unexpected keyword
    # argument") and documentation; no __wrapped__, so help() shows the public signature.
    public.__name__, public.__qualname__ = impl.__name__, impl.__qualname__
    public.__doc__, public.__module__ = impl.__doc__, impl.__module__
    public.__annotations__["return"] = impl.__annotations__.get("return")
    return public


# ---- urls -------------------------------------------------------------------------------------


def iterate_urls(urls: object) -> Iterator[object]:
    """An iterator over `urls` (checked at the call, before anything is fetched)."""
    if isinstance(urls, (str, bytes, bytearray)):
        # Iterable, but a list of characters is never what the caller meant.
        raise TypeError(f"urls must be an iterable of str (a list, say), not a single {_type_name(urls)}")
    try:
        return iter(urls)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"urls must be an iterable of str, not {_type_name(urls)}") from None


def url(item: object, index: int) -> str:
    """urls[index], checked: its plain text (a str subclass's methods are never called)."""
    if not isinstance(item, str):
        raise TypeError(f"urls[{index}] must be str, not {_type_name(item)}")
    text = str.__str__(item)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise UnicodeError(f"urls[{index}] cannot be encoded as UTF-8 (lone surrogate)") from None
    return text


def url_list(urls: Iterable[object]) -> list[str]:
    """Every URL, checked, in order (the batch call reads all of them before fetching)."""
    return [url(item, i) for i, item in enumerate(iterate_urls(urls))]


def lazy_urls(urls: Iterable[object]) -> Iterator[str]:
    """The URLs, checked one at a time as they are read (scrape_iter reads its input lazily).
    `urls` itself is checked now, at the call."""
    return _checked(iterate_urls(urls))


def _checked(iterator: Iterator[object]) -> Iterator[str]:
    for i, item in enumerate(iterator):
        yield url(item, i)
