"""QR codes (segno) for stations and deputies, pointing at their public pages."""
import io

import segno
from django.conf import settings
from django.urls import reverse


def station_public_url(station):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("liaison_stations:station", args=[station.pk])


def deputy_public_url(deputy):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("liaison_stations:deputy", args=[deputy.pk])


def _code(url):
    # Level M survives a little dirt on a printed notice board.
    return segno.make(url, error="m", micro=False)


def png(url, *, scale=10):
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def svg(url, *, scale=10, title=""):
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="svg", scale=scale, border=4, title=title or None, xmldecl=False, nl=False)
    return buffer.getvalue()
