"""Anonymous public pages served from the cache (Redis in production through
``CACHE_URL``; the local-memory cache in development and tests).

What is cached is the page's own part (the content block, and its title),
rendered once per URL (path and query string) and language; the page around it
(header, navigation, language form with its CSRF token, messages) is rendered
for every request, so no one receives another visitor's token or message. A
signed-in user never reads or writes a cached copy.

Invalidation is by version, never by scanning keys: each group of pages
(``"suggestions"``: the public list, detail and league table) has a version
token in the cache, part of every key; ``bump(name)`` replaces it, and the old
copies are never read again (they expire after ``TIMEOUT``). The apps bump it
when something their public pages show is written: at the write (so the same
process does not serve the old copy inside the transaction) and again after
commit (so a copy another process built from the old rows in between is
dropped too). ``TIMEOUT`` is a backstop for what no write bumps (a renamed unit)."""
import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

TIMEOUT = 10 * 60


def _version_key(name):
    return f"public-pages:{name}:version"


def bump(name):
    """A new version of the ``name`` pages: every cached copy is out of date."""
    cache.set(_version_key(name), uuid.uuid4().hex, timeout=None)


def bump_on_write(name):
    """Bump now and again after the current transaction commits."""
    bump(name)
    transaction.on_commit(lambda: bump(name))


def _version(name):
    version = cache.get(_version_key(name))
    if version is None:
        cache.add(_version_key(name), uuid.uuid4().hex, timeout=None)
        version = cache.get(_version_key(name))
    return version


def for_anonymous(request, name, build):
    """The page parts ``build()`` returns (a dict of strings), from the cache
    for an anonymous GET of this URL in this language, built and kept
    otherwise; a signed-in user's request always builds them."""
    if request.method != "GET" or request.user.is_authenticated:
        return build()
    url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"public-pages:{name}:{_version(name)}:{translation.get_language()}:{url}"
    parts = cache.get(key)
    if parts is None:
        parts = build()
        cache.set(key, parts, timeout=TIMEOUT)
    return parts
