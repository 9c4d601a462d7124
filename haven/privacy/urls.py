from django.urls import path

from haven.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("retention/", views.retention_policy, name="retention"),
    path("clients/<int:pk>/", views.client_privacy, name="client"),
    path("clients/<int:pk>/export/", views.export, name="export"),
    path("clients/<int:pk>/erase/", views.erase, name="erase"),
]
