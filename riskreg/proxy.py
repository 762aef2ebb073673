"""Who is asking: the client's address, as the trusted proxy in front of riskreg saw it.

Behind a TLS-terminating proxy every request comes from the proxy's own address, and the
client's is in X-Forwarded-For. Anyone can send that header, so it counts only when the
request came from an address in TRUSTED_PROXIES (DJANGO_TRUSTED_PROXIES). The login
lockout (axes), the security log and the forwarded-headers middleware all ask here.
"""

import ipaddress

from django.conf import settings


def valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def is_trusted_proxy(address: str) -> bool:
    if not valid(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_address(request) -> str | None:
    """REMOTE_ADDR; or, when that is a trusted proxy, the last address X-Forwarded-For
    names that is not a trusted proxy itself.

    Each proxy appends the address it was reached from, so what stands right of the first
    untrusted address was written by our proxies, and what stands left of it by whoever
    sent the request: that part is never read.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    if is_trusted_proxy(address):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            if not valid(hop.strip()):
                break
            address = hop.strip()
            if not is_trusted_proxy(address):
                break
    return address if valid(address) else None
