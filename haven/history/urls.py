from django.urls import path

from haven.history import views

app_name = "history"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("export.zip", views.export_download, name="export"),
]
