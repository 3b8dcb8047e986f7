from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    # deputies
    path("my/", views.my_training, name="my"),
    path("my/record/", views.my_record, name="my_record"),
    path("enrolments/<int:pk>/leave/", views.request_leave, name="leave"),
    path("checkin/", views.check_in, name="check-in"),
    path("materials/", views.materials, name="materials"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    # a deputy's own record, or any record for staff
    path("records/<int:deputy_id>/<int:year>/", views.record, name="record"),
    path("records/<int:deputy_id>/<int:year>/xlsx/", views.record_xlsx, name="record_xlsx"),
    # staff
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/plans/search/", views.pick_plans, name="pick_plans"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/terms/search/", views.pick_terms, name="pick_terms"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/qr/", views.session_qr, name="session_qr"),
    path("enrolments/<int:pk>/mark/", views.mark, name="mark"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/xlsx/", views.coverage_xlsx, name="coverage_xlsx"),
    path("records/", views.records, name="records"),
    path("records/refresh/", views.records_refresh, name="records_refresh"),
    path("records/xlsx/", views.records_xlsx, name="records_xlsx"),
]
