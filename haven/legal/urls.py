from django.urls import path

from haven.legal import views

app_name = "legal"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
]
