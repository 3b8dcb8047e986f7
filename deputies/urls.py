from django.urls import path

from . import views

app_name = "deputies"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("import/", views.roster_import, name="roster_import"),
    path("import/<int:pk>/confirm/", views.roster_import_confirm, name="roster_import_confirm"),
]
