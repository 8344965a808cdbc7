"""Who is asking: the client's address, as our rate limits and logs see it."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's IP address, for rate limits and logs.

    Behind a proxy every request comes from the proxy's address (``REMOTE_ADDR``),
    so one visitor's limit would be everyone's. When the proxy is trusted to set
    a header with the client's address (``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``, which
    allauth's own limits read too), that header is the answer; otherwise the header
    is ignored, as anyone can send it. A header that is missing or not an address
    falls back to ``REMOTE_ADDR``.
    """
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        address = _address(request.headers.get(header, ""))
        if address:
            return address
    return _address(request.META.get("REMOTE_ADDR", "")) or "unknown"


def _address(value: str) -> str | None:
    # a header our proxy sets holds one address; of a list (a proxy that appends),
    # only the last entry is the proxy's own: the ones before it anyone can send
    value = value.split(",")[-1].strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
