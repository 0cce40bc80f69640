"""What counts as a URL this project will link to: an absolute http(s) address with a host and no
whitespace or control characters. Shared by the sidecar check (build) and the Markdown helpers
(report), so a URL the build accepted is one the report can link."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


class UnsafeURL(ValueError):
    """A URL that is not an absolute http(s) URL with a host, or holds whitespace or control characters."""


def check_url(value: object) -> str:
    """The URL itself if acceptable, else :class:`UnsafeURL` saying why."""
    if not isinstance(value, str):
        raise UnsafeURL(f"URL must be text, found {type(value).__name__}")
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise UnsafeURL(f"URL contains whitespace or control characters: {value!r}")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise UnsafeURL(f"URL cannot be parsed ({exc}): {value!r}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURL(f"URL must start with http:// or https://: {value!r}")
    if not host:
        raise UnsafeURL(f"URL has no host: {value!r}")
    return value
