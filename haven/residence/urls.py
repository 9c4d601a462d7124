from django.urls import path

from haven.residence import deadline_views, views

app_name = "residence"

urlpatterns = [
    path("deadlines/", deadline_views.deadlines, name="deadlines"),
    path("client/<int:pk>/", views.client_documents, name="client"),
]
