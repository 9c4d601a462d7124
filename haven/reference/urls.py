from django.urls import path

from haven.reference import views

app_name = "reference"

urlpatterns = [
    path("nationalities/", views.nationality_list, name="nationality_list"),
    path("nationalities/new/", views.nationality_create, name="nationality_create"),
    path("nationalities/<str:pk>/", views.nationality_edit, name="nationality_edit"),
]
