from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "congress", "handling_unit", "is_active", "last_login")
    list_filter = ("role", "congress__level", "is_active", "is_staff")
    search_fields = ("username", "display_name", "handling_unit__name")
    autocomplete_fields = ("handling_unit", "congress")
    fieldsets = BaseUserAdmin.fieldsets + ((_("门户角色"), {"fields": ("role", "congress", "display_name", "phone", "handling_unit")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("门户角色"), {"fields": ("role", "congress", "display_name", "handling_unit")}),)
