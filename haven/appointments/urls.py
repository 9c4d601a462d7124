from django.urls import path

from haven.appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.week, name="week"),
    path("new/", views.appointment_create, name="create"),
    path("<int:pk>/", views.appointment_edit, name="edit"),
    path("hours/", views.hours, name="hours"),
]
