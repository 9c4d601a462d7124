from django.urls import path

from haven.letters import views

app_name = "letters"

urlpatterns = [
    path("<int:pk>/", views.letter_create, name="create"),
]
