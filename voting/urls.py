from django.urls import path

from . import pickers, rule_views, views

app_name = "voting"
urlpatterns = [
    path("", views.index, name="index"),
    path("results/", views.results, name="results"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("results/<int:pk>/export.xlsx", views.result_export, name="result_export"),
    path("receipt/", views.receipt, name="receipt"),
    path("calls/<int:pk>/propose/", views.propose, name="propose"),
    path("calls/<int:pk>/rate/", views.rate, name="rate"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("progress-photos/<int:pk>/", views.progress_photo, name="progress_photo"),
    path("projects/<int:pk>/report/", views.report_progress, name="report_progress"),
    path("unit/projects/", views.unit_projects, name="unit_projects"),
    path("unit/projects/<int:pk>/", views.unit_project, name="unit_project"),
    path("ballots/<int:pk>/vote/", views.vote, name="vote"),
    path("staff/", views.staff_overview, name="staff_overview"),
    path("staff/rules/", rule_views.staff_rules, name="staff_rules"),
    path("staff/areas/search/", pickers.areas, name="pick_areas"),
    path("staff/comparison.xlsx", views.staff_comparison_export, name="staff_comparison_export"),
    path("staff/calls/<int:pk>/", views.staff_call, name="staff_call"),
    path("staff/calls/<int:pk>/ballots/new/", views.staff_new_ballot, name="staff_new_ballot"),
    path("staff/ballots/<int:pk>/", views.staff_ballot, name="staff_ballot"),
    path("staff/ballots/<int:pk>/<slug:action>/", views.staff_ballot_action, name="staff_ballot_action"),
]
