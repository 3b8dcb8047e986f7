from django.urls import path

from . import congress_picker, login_views, views

app_name = "deputies"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("import/", views.roster_import, name="roster_import"),
    path("import/<int:pk>/confirm/", views.roster_import_confirm, name="roster_import_confirm"),
    path("staff/logins/", login_views.deputy_logins, name="logins"),
    path("staff/logins/congresses/search/", login_views.pick_congresses, name="pick_login_congresses"),
    path("staff/congresses/search/", congress_picker.pick_seen_congresses, name="pick_seen_congresses"),
    path("staff/logins/delegations/search/", login_views.pick_delegations, name="pick_login_delegations"),
]
