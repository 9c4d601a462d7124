from django.urls import path

from haven.legal import views

app_name = "legal"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("new/", views.dossier_create, name="create"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/edit/", views.dossier_edit, name="edit"),
    path("<int:pk>/victims/new/", views.victim_add, name="victim_add"),
    path("<int:pk>/steps/new/", views.event_add, name="event_add"),
    path("victims/<int:pk>/", views.victim_edit, name="victim_edit"),
    path("victims/<int:pk>/remove/", views.victim_remove, name="victim_remove"),
    path("steps/<int:pk>/", views.event_edit, name="event_edit"),
    path("steps/<int:pk>/delete/", views.event_delete, name="event_delete"),
]
