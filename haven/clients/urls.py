from django.urls import path

from haven.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("new/duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/identity/", views.identity_edit, name="identity"),
    path("<int:pk>/emergency/", views.emergency_card, name="emergency_card"),
    path("<int:pk>/break-glass/", views.break_glass, name="break_glass"),
]
