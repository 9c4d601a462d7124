from django.urls import path

from haven.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create, name="create"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path("<int:pk>/deactivate/", views.partner_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.partner_reactivate, name="reactivate"),
]
