from django.urls import path

from haven.guidance import views

app_name = "guidance"

urlpatterns = [
    path("", views.episode_list, name="list"),
    path("new/", views.episode_create, name="create"),
    path("<int:pk>/", views.episode_detail, name="detail"),
    path("<int:pk>/edit/", views.episode_edit, name="edit"),
    path("<int:pk>/close/", views.episode_close, name="close"),
]
