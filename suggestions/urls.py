from django.urls import path

from . import views

app_name = "suggestions"
urlpatterns = [
    # public
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("units/", views.public_units, name="public_units"),
    # deputies
    path("mine/", views.my_list, name="my_list"),
    path("mine/new/", views.create, name="create"),
    path("mine/drafts/<int:pk>/", views.edit_draft, name="draft"),
    path("mine/drafts/<int:pk>/delete/", views.delete_draft, name="delete_draft"),
    path("mine/invitations/", views.invitations, name="invitations"),
    path("mine/<int:pk>/", views.my_detail, name="my_detail"),
    # handling units
    path("unit/", views.unit_inbox, name="unit_inbox"),
    path("unit/figures/", views.unit_figures, name="unit_figures"),
    path("unit/<int:pk>/", views.unit_detail, name="unit_detail"),
    # committee staff
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/all/", views.staff_list, name="staff_list"),
    path("staff/export.xlsx", views.staff_export, name="staff_export"),
    path("staff/review/", views.staff_review, name="staff_review"),
    path("staff/assign/", views.staff_assign_queue, name="staff_assign_queue"),
    path("staff/overdue/", views.staff_overdue, name="staff_overdue"),
    path("staff/disclosure/", views.staff_disclosure, name="staff_disclosure"),
    path("staff/bulk/", views.staff_bulk, name="staff_bulk"),
    path("staff/followup/", views.staff_followup, name="staff_followup"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    # attachments, for those who may see the suggestion
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("reply-attachments/<int:pk>/", views.reply_attachment, name="reply_attachment"),
]
