"""Admin of the deputies app (committee staff only: the admin is the one place
where ID numbers and phones are shown in full). Import and export of the
deputies sheet go through django-import-export with DeputyMandateResource,
whose import is the same bulk service as ``manage.py import_deputies``."""
from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm
from simple_history.admin import SimpleHistoryAdmin

from congress_portal.accounts.models import User
from congress_portal.notifications.models import ChannelPreference, Delivery, Notification
from congress_portal.xlsx_reader import SpreadsheetRefused, limits

from . import admin_scope
from .models import (
    AdministrativeArea,
    Congress,
    Delegation,
    Deputy,
    DeputyGroup,
    DeputyGroupMembership,
    DeputyImport,
    ElectoralUnit,
    HandlingUnit,
    Mandate,
    Session,
    Term,
    UnitContact,
)
from .resources import DeputyMandateResource, GuardedXLSX
from .scoping import units_visible_to

# How many row errors a refused confirmation lists in the messages.
ERRORS_SHOWN = 50


class SheetImportForm(ImportForm):
    def clean_import_file(self):
        # Refused here, before django-import-export copies the upload into memory.
        upload = self.cleaned_data["import_file"]
        limit = limits()["max_bytes"]
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件大小%(size).1f MB超过上限%(limit).1f MB，请拆分后分批导入。")
                % {"size": upload.size / 2**20, "limit": limit / 2**20}
            )
        return upload


class SheetConfirmForm(ConfirmImportForm):
    confirm_changes = forms.BooleanField(
        required=False, label=_("我已核对，确认修改以上已登记代表的信息"),
    )


class DeputySheetMixin(ImportExportModelAdmin):
    """xlsx import/export of the deputies sheet; the export is masked for
    anyone who is not committee staff (see resources.sees_personal_data).
    The import reads the file through the guarded reader (GuardedXLSX) and
    lists changes to people already in the roster in its preview; they are
    written only when the officer ticks the confirmation."""

    resource_classes = [DeputyMandateResource]
    formats = [GuardedXLSX]
    import_form_class = SheetImportForm
    confirm_form_class = SheetConfirmForm
    import_template_name = "admin/deputies/sheet_import.html"

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetRefused):
            for message in e.messages:
                form.add_error("import_file", message)
        else:
            form.add_error("import_file", _("无法读取该文件，请上传 .xlsx 格式的 Excel 文件。"))

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        if isinstance(form, SheetConfirmForm):
            kwargs["confirm_changes"] = form.cleaned_data.get("confirm_changes", False)
        return kwargs

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except SpreadsheetRefused as refused:  # the stored file no longer passes (limits changed)
            for message in refused.messages:
                messages.error(request, message)
            return self._back_to_import()

    def _back_to_import(self):
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import",
                                            current_app=self.admin_site.name))

    def process_result(self, result, request):
        # The confirmed import can still be refused (changes not confirmed,
        # the roster edited since the preview): say so, do not report success.
        if result.has_validation_errors() or result.has_errors():
            for row in result.invalid_rows[:ERRORS_SHOWN]:
                for column, errors in row.error_dict.items():
                    for message in errors:
                        messages.error(request, _("第%(row)d行「%(column)s」：%(message)s")
                                       % {"row": row.number, "column": column, "message": message})
            messages.error(request, _("文件被拒绝，未写入任何数据。"))
            return self._back_to_import()
        return super().process_result(result, request)

    def get_resource_kwargs(self, request, **kwargs):
        return {"actor": request.user}

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"actor": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"actor": request.user}


@admin.register(AdministrativeArea)
class AdministrativeAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ("number", "start_date", "end_date")


@admin.register(Congress)
class CongressAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "area")
    list_filter = ("level",)
    search_fields = ("name", "area__name", "area__code")
    autocomplete_fields = ("area",)
    list_select_related = ("area",)
    inlines = [TermInline]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ("number", "year", "start_date", "end_date", "handling_period_end")


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0
    fields = ("name", "area", "head", "contact")
    autocomplete_fields = ("area", "head", "contact")


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("__str__", "number", "start_date", "end_date")
    list_filter = ("congress__level", "number")
    search_fields = ("congress__name", "congress__area__code")
    autocomplete_fields = ("congress",)
    list_select_related = ("congress",)
    inlines = [SessionInline, DelegationInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "start_date", "end_date", "handling_period_end")
    list_filter = ("year", "term__congress__level")
    search_fields = ("term__congress__name",)
    autocomplete_fields = ("term",)
    list_select_related = ("term__congress",)


@admin.register(ElectoralUnit)
class ElectoralUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "congress", "electing_congress", "area")
    list_filter = ("kind", "congress__level")
    search_fields = ("name", "congress__name")
    autocomplete_fields = ("congress", "electing_congress", "area")
    list_select_related = ("congress", "electing_congress", "area")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("name", "term", "area")
    list_filter = ("term__congress__level",)
    search_fields = ("name", "term__congress__name")
    autocomplete_fields = ("term", "area")
    list_select_related = ("term__congress", "area")


class MandateInline(admin.StackedInline):
    model = Mandate
    extra = 0
    fields = (("congress", "term"), ("electoral_unit", "delegation"), ("card_number", "status", "first_term"),
              ("start_date", "end_date"), "level")
    readonly_fields = ("level",)
    autocomplete_fields = ("congress", "term", "electoral_unit", "delegation")


class GroupMembershipInline(admin.TabularInline):
    model = DeputyGroupMembership
    extra = 0
    fields = ("group", "joined_on")
    autocomplete_fields = ("group",)
    verbose_name = _("所在代表小组")
    verbose_name_plural = _("所在代表小组")


@admin.register(Deputy)
class DeputyAdmin(DeputySheetMixin, SimpleHistoryAdmin):
    list_display = ("name", "gender", "ethnicity", "party", "occupation", "work_unit", "title", "phone")
    list_filter = ("mandates__level", "mandates__status", "gender", "party", "occupation")
    search_fields = ("name", "=id_number", "=phone", "work_unit")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": (("name", "gender", "ethnicity"), ("birth_date", "party", "occupation"), ("work_unit", "title"), "photo")}),
        (_("个人信息（仅工作人员可见）"), {"fields": (("id_number", "phone"),)}),
        (_("账号"), {"fields": ("user", ("created_at", "updated_at"))}),
    )
    inlines = [MandateInline, GroupMembershipInline]

    def get_data_for_export(self, request, queryset, **kwargs):
        # The sheet has a row per mandate: export the mandates of the deputies listed.
        return super().get_data_for_export(request, Mandate.objects.filter(deputy__in=queryset.values("pk")), **kwargs)


@admin.register(Mandate)
class MandateAdmin(DeputySheetMixin, SimpleHistoryAdmin):
    list_display = ("deputy", "level", "congress", "term", "delegation", "card_number", "status", "start_date", "end_date")
    list_filter = ("level", "status", "first_term", "term__number")
    search_fields = ("deputy__name", "card_number", "congress__name", "delegation__name")
    autocomplete_fields = ("deputy", "congress", "term", "electoral_unit", "delegation")
    readonly_fields = ("level",)
    list_select_related = ("deputy", "congress", "term__congress", "delegation")


class MembershipInline(admin.TabularInline):
    model = DeputyGroupMembership
    extra = 0
    fields = ("deputy", "joined_on")
    autocomplete_fields = ("deputy",)


@admin.register(DeputyGroup)
class DeputyGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "is_mixed", "leader")
    list_filter = ("is_mixed", "area__kind")
    search_fields = ("name", "area__name", "leader__name")
    autocomplete_fields = ("area", "leader")
    list_select_related = ("area", "leader")
    inlines = [MembershipInline]


@admin.register(DeputyGroupMembership)
class DeputyGroupMembershipAdmin(admin.ModelAdmin):
    list_display = ("group", "deputy", "joined_on")
    list_filter = ("joined_on",)
    search_fields = ("group__name", "deputy__name")
    autocomplete_fields = ("group", "deputy")
    list_select_related = ("group", "deputy")


class UnitContactInline(admin.TabularInline):
    model = UnitContact
    extra = 0
    fields = ("name", "position", "phone", "email", "user", "receives_notices")
    autocomplete_fields = ("user",)


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent", "area")
    list_select_related = ("parent",)
    inlines = [UnitContactInline]


@admin.register(UnitContact)
class UnitContactAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "position", "phone", "email", "receives_notices")
    list_filter = ("receives_notices", "unit__kind")
    search_fields = ("name", "unit__name", "unit__short_name", "email")
    autocomplete_fields = ("unit", "user")
    list_select_related = ("unit",)


@admin.register(DeputyImport)
class DeputyImportAdmin(admin.ModelAdmin):
    """The record of each sheet import (read-only)."""

    list_display = ("created_at", "file_name", "actor", "rows", "deputies_created", "deputies_updated",
                    "mandates_created", "mandates_updated")
    list_filter = ("created_at",)
    search_fields = ("file_name", "actor__username", "actor__display_name")
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The admin scoped like the portal (deputies/admin_scope.py): staff of a congress
# see the deputies, mandates, delegations and units of their congress (and those
# below), the accounts and notices of those, never another county's.
def _notices(queryset, user):
    return queryset.filter(
        Q(recipient_user__in=admin_scope.accounts(User.objects.all(), user).values("pk"))
        | Q(recipient_unit__in=units_visible_to(user).values("pk"))
        | Q(recipient_deputy__in=admin_scope.by_deputy("pk")(Deputy.objects.all(), user).values("pk"))
    )


admin_scope.scope_admins(admin.site, {
    User: admin_scope.accounts,
    Notification: _notices,
    Delivery: lambda queryset, user: queryset.filter(notification__in=_notices(Notification.objects.all(), user).values("pk")),
    ChannelPreference: lambda queryset, user: queryset.filter(user__in=admin_scope.accounts(User.objects.all(), user).values("pk")),
    Deputy: admin_scope.by_deputy("pk"),
    Mandate: admin_scope.by_congress(supervise=True),
    Delegation: admin_scope.by_congress("term__congress", supervise=True),
    ElectoralUnit: admin_scope.by_congress(supervise=True),
    DeputyGroupMembership: admin_scope.by_deputy(),
    HandlingUnit: admin_scope.by_unit("pk"),
    UnitContact: admin_scope.by_unit(),
})
