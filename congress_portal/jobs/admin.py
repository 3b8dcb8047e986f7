"""The job records, read-only (for data repair: who ran what, what it said)."""
from django.contrib import admin
from django.db.models import Q

from congress_portal.accounts import roles

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "started_by", "state", "done", "total", "created_at", "finished_at")
    list_filter = ("state", "kind")
    list_select_related = ("started_by",)
    search_fields = ("kind", "started_by__username")
    fields = ("kind", "started_by", "congress", "state", "phase", "done", "total", "params", "result", "error_count",
              "errors", "message", "input_name", "output_name", "created_at", "started_at", "heartbeat_at", "finished_at")
    readonly_fields = fields

    def get_queryset(self, request):
        """A congress's staff see their own congress's jobs and their own, never another county's."""
        jobs = super().get_queryset(request)
        return jobs.filter(Q(pk__in=roles.scope_to_congress(jobs, request.user).values("pk")) | Q(started_by=request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
