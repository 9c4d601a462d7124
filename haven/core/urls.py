from django.urls import path

from haven.core import exports, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("exports/download/", exports.download, name="export_download"),
]
