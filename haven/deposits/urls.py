from django.urls import path

from haven.deposits import views

app_name = "deposits"

urlpatterns = [
    path("", views.loan_list, name="list"),
    path("new/", views.loan_create, name="create"),
    path("summary/", views.year_summary, name="summary"),
    path("<int:pk>/", views.loan_detail, name="detail"),
    path("<int:pk>/edit/", views.loan_edit, name="edit"),
    path("<int:pk>/repayment/", views.repayment_create, name="repay"),
    path("<int:pk>/write-off/", views.loan_write_off, name="write_off"),
]
