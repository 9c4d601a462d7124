from django.urls import path

from haven.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout, name="logout"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
    path("account/security/", views.security, name="security"),
    path("account/sessions/end/", views.sessions_end, name="sessions_end"),
    path("account/confirm/", views.confirm_password, name="reauth"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/review/", views.user_review, name="user_review"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_2fa, name="user_reset_2fa"),
]
