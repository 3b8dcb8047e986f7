from django.urls import path

from . import booking_views, pickers, views

app_name = "liaison_stations"
urlpatterns = [
    # public
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.station_page, name="station"),
    path("<int:pk>/qr.<str:fmt>", views.station_qr, name="station_qr"),
    path("<int:pk>/qr/print/", views.station_qr_print, name="station_qr_print"),
    path("<int:pk>/book/", booking_views.book, name="book"),
    path("deputy/<int:pk>/", views.deputy_page, name="deputy"),
    path("deputy/<int:pk>/qr.<str:fmt>", views.deputy_qr, name="deputy_qr"),
    path("message/received/", views.message_received, name="message_received"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_status, name="track_status"),
    # keepers, stationed deputies and staff
    path("work/", views.workspace, name="workspace"),
    # The landing page's "进入联络站工作" button links here.
    path("work/", views.workspace, name="index"),
    path("work/issues/", views.issue_queue, name="issues"),
    path("work/issues/<int:pk>/", views.issue_detail, name="issue"),
    path("work/issues/<int:pk>/units/search/", pickers.issue_units, name="pick_units"),
    path("work/<int:pk>/visits/", views.visit_list, name="visits"),
    path("work/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("work/<int:pk>/rota/", views.rota, name="rota"),
    path("work/<int:pk>/ledger/<slug:kind>.xlsx", views.ledger, name="ledger"),
    # 扫码进站: the station's duty QR code (keepers print it) and the page it opens for a deputy
    path("work/<int:pk>/check-in/qr.<str:fmt>", views.check_in_qr, name="check_in_qr"),
    path("check-in/<str:token>/", views.check_in_page, name="check_in"),
    path("work/<int:pk>/bookings/", booking_views.station_bookings, name="bookings"),
    path("work/<int:pk>/bookings/<int:booking_pk>/", booking_views.decide_booking, name="decide_booking"),
    # handling units
    path("unit/issues/", views.unit_issues, name="unit_issues"),
    path("unit/issues/<int:pk>/", views.unit_issue, name="unit_issue"),
    # staff
    path("figures/", views.figures, name="figures"),
    path("rating/", views.rating, name="rating"),
    path("rating/designate/", views.designate, name="designate"),
]
