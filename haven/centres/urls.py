from django.urls import path

from haven.centres import views

app_name = "centres"

urlpatterns = [
    path("", views.centre_list, name="list"),
    path("new/", views.centre_create, name="create"),
    path("<int:pk>/", views.centre_edit, name="edit"),
]
