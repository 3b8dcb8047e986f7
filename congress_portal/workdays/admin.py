from django.contrib import admin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "source", "updated_at")
    list_filter = ("kind", "source", "name")
    search_fields = ("name", "date")
    date_hierarchy = "date"
    ordering = ("-date",)
