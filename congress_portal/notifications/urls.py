from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "notifications"

router = SimpleRouter()
router.register("inbox", api.InboxViewSet, basename="api-inbox")

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachment/", views.attachment, name="attachment"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("<int:pk>/unread/", views.mark_unread, name="mark_unread"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("api/", include(router.urls)),
]
