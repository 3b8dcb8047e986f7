"""The admin stays for data repair, in the portal's language: every label it
shows goes through gettext (model and field names, column headers, actions),
and every admin page leads back to the portal."""
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise

OWN_APPS = ("deputies", "training", "voting", "liaison_stations", "accounts", "workdays", "suggestions", "notifications")


def _own_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OWN_APPS:
            yield model, model_admin


def test_model_and_field_names_go_through_gettext():
    untranslated = []
    for model, _admin in _own_admins():
        opts = model._meta
        if not isinstance(opts.verbose_name, Promise) or not isinstance(opts.verbose_name_plural, Promise):
            untranslated.append(opts.label)
        for field in opts.concrete_fields:
            key = (opts.app_label, opts.model_name, field.name)
            if field.name != "id" and not isinstance(field.verbose_name, Promise):
                untranslated.append(".".join(key))
    assert not untranslated, untranslated


def test_columns_and_actions_have_translated_descriptions():
    untranslated = []
    for model, model_admin in _own_admins():
        fields = {f.name for f in model._meta.get_fields()}
        for item in model_admin.list_display:
            if item in fields:
                continue  # its verbose_name, checked above
            shown = item if callable(item) else getattr(type(model_admin), item, None)
            if callable(shown) and item != "__str__" and not isinstance(getattr(shown, "short_description", None), Promise):
                untranslated.append(f"{model._meta.label}: {item}")
        for action in model_admin.actions or ():
            fn = getattr(model_admin, action) if isinstance(action, str) else action
            if not isinstance(getattr(fn, "short_description", None), Promise):
                untranslated.append(f"{model._meta.label}: action {action}")
    assert not untranslated, untranslated


@pytest.mark.django_db
def test_every_admin_page_leads_back_to_the_portal(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert f'<a class="portal-link" href="{reverse("home")}">' in page and "返回代表工作门户" in page
    assert isinstance(admin.site.site_header, Promise) and "代表工作门户 · 管理后台" in page
