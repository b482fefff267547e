"""Where a webhook may be sent: only http(s) URLs whose host resolves to public
addresses, every one of them (no loopback, private, link-local, shared, reserved,
multicast or unspecified address), unless WEBHOOK_ALLOW_PRIVATE_HOSTS is set.
Checked when an endpoint is registered and again before every attempt, which then
connects to the address that was checked."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from app.errors import Refused
from app.models.webhook import URL_MAX


class AddressRefused(Refused):
    """A URL that webhooks may not be sent to."""


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    )


def split(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL webhooks may use, else AddressRefused."""
    if len(url) > URL_MAX:
        raise AddressRefused(f"A URL has at most {URL_MAX:,} characters.", "url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise AddressRefused(f"Not a URL: {error}.", "url") from error
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("Only http:// and https:// URLs can receive webhooks.", "url")
    if not parts.hostname:
        raise AddressRefused("The URL has no host.", "url")
    if parts.username or parts.password:
        raise AddressRefused("Leave user names and passwords out of the URL.", "url")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(url: str, allow_private: bool) -> list[str]:
    """The addresses the URL's host resolves to, all checked (AddressRefused when
    any is not public and ``allow_private`` is false)."""
    _scheme, host, port = split(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"The host {host} cannot be resolved.", "url") from error
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise AddressRefused(f"The host {host} cannot be resolved.", "url")
    if not allow_private:
        for text in addresses:
            if _refused(ipaddress.ip_address(text.split("%")[0])):
                raise AddressRefused(
                    f"{host} resolves to {text}, a loopback, private, link-local or reserved "
                    "address: webhooks go to public addresses only.",
                    "url",
                )
    return addresses
