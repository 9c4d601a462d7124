from django.urls import path

from haven.oncall import views

app_name = "oncall"

urlpatterns = [
    path("", views.rota, name="rota"),
    path("new/", views.shift_create, name="create"),
    path("<int:pk>/", views.shift_edit, name="edit"),
    path("<int:pk>/delete/", views.shift_delete, name="delete"),
]
