from django.urls import path

from . import feeds, views

app_name = "transparency"

urlpatterns = [
    path("statistik/", views.dashboard, name="dashboard"),
    path("statistik/definisi/", views.definitions, name="definitions"),
    path("statistik/instansi/<slug:code>/", views.agency, name="agency"),
    path("statistik/wilayah/<str:code>/", views.region, name="region"),
    path("data/", views.data_page, name="data"),
    path("data/<str:day>/<str:name>", views.data_file, name="data_file"),
    path("feeds/instansi/<slug:code>/", feeds.AgencyFeed(), name="feed_agency"),
    path("feeds/wilayah/<str:code>/", feeds.RegionFeed(), name="feed_region"),
    path("feeds/kategori/<slug:code>/", feeds.CategoryFeed(), name="feed_category"),
]
