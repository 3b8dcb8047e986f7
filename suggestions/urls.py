from django.urls import path

from .views import attachments, deputy, documents, letters, motions, pickers, public, staff, supervision, unit

app_name = "suggestions"
urlpatterns = [
    # public
    path("", public.public_list, name="public_list"),
    path("<int:pk>/", public.public_detail, name="public_detail"),
    path("units/", public.public_units, name="public_units"),
    path("units/search/", pickers.units, name="pick_units"),
    # deputies
    path("mine/", deputy.my_list, name="my_list"),
    path("mine/new/", deputy.create, name="create"),
    path("mine/drafts/<int:pk>/", deputy.edit_draft, name="draft"),
    path("mine/drafts/<int:pk>/delete/", deputy.delete_draft, name="delete_draft"),
    path("mine/invitations/", deputy.invitations, name="invitations"),
    path("mine/cosigners/search/", pickers.cosigners, name="pick_cosigners"),
    path("mine/<int:pk>/", deputy.my_detail, name="my_detail"),
    path("mine/letters/", letters.my_letters, name="my_letters"),
    path("mine/motions/", motions.my_motions, name="my_motions"),
    path("mine/motions/<int:pk>/", motions.my_motion, name="my_motion"),
    path("mine/letters/<int:pk>/", letters.my_letter, name="my_letter"),
    # handling units
    path("unit/", unit.unit_inbox, name="unit_inbox"),
    path("unit/figures/", unit.unit_figures, name="unit_figures"),
    path("unit/<int:pk>/", unit.unit_detail, name="unit_detail"),
    path("unit/<int:pk>/units/search/", pickers.unit_units, name="pick_unit_units"),
    path("unit/letters/", letters.unit_letters, name="unit_letters"),
    path("unit/supervision/", supervision.unit_supervision, name="unit_supervision"),
    path("unit/letters/<int:pk>/", letters.unit_letter, name="unit_letter"),
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
    path("staff/<int:pk>/units/search/", pickers.staff_units, name="pick_staff_units"),
    path("staff/<int:pk>/to-letter/", letters.staff_suggestion_to_letter, name="staff_suggestion_to_letter"),
    path("staff/<int:pk>/letter/", letters.staff_letter_of_suggestion, name="staff_letter_of_suggestion"),
    path("staff/letters/", letters.staff_letters, name="staff_letters"),
    path("staff/motions/", motions.staff_motions, name="staff_motions"),
    path("staff/documents/", documents.staff_documents, name="staff_documents"),
    path("staff/supervision/", supervision.staff_supervision, name="staff_supervision"),
    path("staff/supervision/new/", supervision.staff_new_supervision, name="staff_new_supervision"),
    path("staff/documents/assignment-letter/<int:unit_pk>.docx", documents.staff_assignment_letter,
         name="staff_assignment_letter"),
    path("staff/documents/report-<int:year>.docx", documents.staff_yearly_report, name="staff_yearly_report"),
    path("staff/motions/new/", motions.staff_new_motion, name="staff_new_motion"),
    path("staff/motions/<int:pk>/", motions.staff_motion, name="staff_motion"),
    path("staff/letters/new/", letters.staff_register, name="staff_register_letter"),
    path("staff/letters/<int:pk>/", letters.staff_letter, name="staff_letter"),
    # attachments, for those who may see the suggestion
    path("attachments/<int:pk>/", attachments.attachment, name="attachment"),
    path("reply-attachments/<int:pk>/", attachments.reply_attachment, name="reply_attachment"),
]
