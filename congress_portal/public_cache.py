"""Anonymous public pages served from the cache (Redis in production through
``CACHE_URL``; the local-memory cache in development and tests).

What is cached is the page's own part (the content block, and its title),
rendered once per URL (path and query string) and language, and for a visitor
who carries no session and no message cookie (most of the public) the whole
page, rendered with a placeholder where the CSRF token goes: each response
gets the visitor's own token put in its place (``get_token``, which also sets
the visitor's CSRF cookie), so no one receives another visitor's token. A
visitor with a session or messages gets the page around the cached part
rendered for the request (their messages shown once). A signed-in user never
reads or writes a cached copy.

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

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe

TIMEOUT = 10 * 60
# Where the CSRF token goes in a whole cached page (the token's alphabet, the token's length).
CSRF_PLACEHOLDER = "csrfPlaceholder" + "0" * 49


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


def _key(request, name):
    url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-pages:{name}:{_version(name)}:{translation.get_language()}:{url}"


def _parts(key, build):
    parts = cache.get(key)
    if parts is None:
        parts = build()
        cache.set(key, parts, timeout=TIMEOUT)
    return parts


def _render(request, template, parts, **extra):
    # The parts were rendered from templates (autoescaped); the title is plain text, escaped by the page.
    context = {"content": mark_safe(parts["content"]), "page_title": parts.get("title", ""), **extra}  # noqa: S308
    return render(request, template, context)


def page(request, name, build, template):
    """The response: ``template`` (extending base.html, showing ``content``
    and ``page_title``) around the parts ``build()`` returns, a dict with the
    rendered ``content`` and optionally a plain-text ``title``; for anonymous
    GETs from the cache (see the module's docstring)."""
    if request.method != "GET" or request.user.is_authenticated:
        return _render(request, template, build())
    key = _key(request, name)
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(CookieStorage.cookie_name):
        return _render(request, template, _parts(key, build))
    html = cache.get(f"{key}:page")
    if html is None:
        html = _render(request, template, _parts(key, build), csrf_token=CSRF_PLACEHOLDER).content.decode()
        cache.set(f"{key}:page", html, timeout=TIMEOUT)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
