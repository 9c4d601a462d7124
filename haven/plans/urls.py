from django.urls import path

from haven.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.goal_list, name="list"),
    path("new/", views.goal_create, name="create"),
    path("<int:pk>/", views.goal_edit, name="edit"),
    path("<int:pk>/history/", views.goal_history, name="history"),
]
