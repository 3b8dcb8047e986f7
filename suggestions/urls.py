from django.urls import path

from .views import attachments, deputy, public, staff, unit

app_name = "suggestions"
urlpatterns = [
    # public
    path("", public.public_list, name="public_list"),
    path("<int:pk>/", public.public_detail, name="public_detail"),
    path("units/", public.public_units, name="public_units"),
    # deputies
    path("mine/", deputy.my_list, name="my_list"),
    path("mine/new/", deputy.create, name="create"),
    path("mine/drafts/<int:pk>/", deputy.edit_draft, name="draft"),
    path("mine/drafts/<int:pk>/delete/", deputy.delete_draft, name="delete_draft"),
    path("mine/invitations/", deputy.invitations, name="invitations"),
    path("mine/<int:pk>/", deputy.my_detail, name="my_detail"),
    # handling units
    path("unit/", unit.unit_inbox, name="unit_inbox"),
    path("unit/figures/", unit.unit_figures, name="unit_figures"),
    path("unit/<int:pk>/", unit.unit_detail, name="unit_detail"),
    # committee staff
    path("staff/", staff.staff_dashboard, name="staff_dashboard"),
    path("staff/all/", staff.staff_list, name="staff_list"),
    path("staff/export.xlsx", staff.staff_export, name="staff_export"),
    path("staff/units.xlsx", staff.staff_units_export, name="staff_units_export"),
    path("staff/review/", staff.staff_review, name="staff_review"),
    path("staff/assign/", staff.staff_assign_queue, name="staff_assign_queue"),
    path("staff/overdue/", staff.staff_overdue, name="staff_overdue"),
    path("staff/disclosure/", staff.staff_disclosure, name="staff_disclosure"),
    path("staff/bulk/", staff.staff_bulk, name="staff_bulk"),
    path("staff/followup/", staff.staff_followup, name="staff_followup"),
    path("staff/closed-unsatisfied/", staff.staff_closed_unsatisfied, name="staff_closed_unsatisfied"),
    path("staff/<int:pk>/", staff.staff_detail, name="staff_detail"),
    # attachments, for those who may see the suggestion
    path("attachments/<int:pk>/", attachments.attachment, name="attachment"),
    path("reply-attachments/<int:pk>/", attachments.reply_attachment, name="reply_attachment"),
]
