from django.urls import path

from . import login_views, views

app_name = "deputies"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("staff/logins/", login_views.deputy_logins, name="logins"),
    path("staff/logins/congresses/search/", login_views.pick_congresses, name="pick_login_congresses"),
    path("staff/logins/delegations/search/", login_views.pick_delegations, name="pick_login_delegations"),
]
