from django.contrib import admin

from .models import HandlingUnit


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code")
