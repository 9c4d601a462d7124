from django.urls import path

from haven.tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_create, name="create"),
    path("<int:pk>/", views.task_edit, name="edit"),
    path("<int:pk>/complete/", views.task_complete, name="complete"),
]
