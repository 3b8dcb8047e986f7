"""Words every page carries: the footer names the province (a setting, in each
language), the browser title names the page and then the site once, and every
page extending the layout has a title of its own."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.liaison_stations import factories as lf

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_the_footer_names_the_province(client, settings):
    html = client.get(reverse("home")).content.decode()
    assert "湖南省人民代表大会常务委员会代表工作委员会" in html
    settings.PORTAL_PROVINCE = "湖北省"
    assert "湖北省人民代表大会常务委员会代表工作委员会" in client.get(reverse("home")).content.decode()


def test_the_title_names_the_site_once(client):
    station = lf.StationFactory(name="芙蓉区定王台街道代表联络站")
    for url in (reverse("home"), reverse("liaison_stations:directory"), reverse("liaison_stations:station", args=[station.pk])):
        text = title(client.get(url).content.decode())
        assert text.count("代表工作门户") == 1, (url, text)
        assert not text.startswith("·"), (url, text)
    assert title(client.get(reverse("liaison_stations:station", args=[station.pk])).content.decode()) == "芙蓉区定王台街道代表联络站 · 代表工作门户"


def test_every_page_template_has_its_own_title():
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if '{% extends "base.html" %}' in text and "{% block title %}" not in text:
            missing.append(str(path.relative_to(TEMPLATES)))
        if "{% block title %}" in text and "block.super" in text.split("{% block title %}", 1)[1].split("{% endblock %}", 1)[0]:
            missing.append(f"{path.relative_to(TEMPLATES)} repeats the site name")
    assert not missing, missing
