app_name = "liaison_stations"
urlpatterns = []
