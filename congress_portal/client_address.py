"""The address of the client that sent a request: the one rule every per-IP
limit uses.

By default (``PORTAL_TRUSTED_PROXY_COUNT = 0``) the portal is reached
directly and the client is ``REMOTE_ADDR``; ``X-Forwarded-For`` is ignored,
since any client can send one. Behind ``n`` reverse proxies that each append
the address they saw to ``X-Forwarded-For``, the client is the ``n``-th entry
from the right: the entries left of it were written by the client and are
not trusted, so varying them does not change the address. (A proxy that
replaces the header instead writes one entry, which is then both the first
and the last.)"""
from django.conf import settings


def client_address(request):
    """The client's address, as a string ("" when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "PORTAL_TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through them all.
        return remote
    return forwarded[-proxies]
