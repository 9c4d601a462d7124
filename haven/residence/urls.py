from django.urls import path

from haven.residence import deadline_views, views

app_name = "residence"

urlpatterns = [
    path("deadlines/", deadline_views.deadlines, name="deadlines"),
    path("client/<int:pk>/", views.client_documents, name="client"),
    path("new/", views.document_create, name="create"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/renew/", views.renewal_create, name="renew"),
    path("renewal/<int:pk>/", views.renewal_edit, name="renewal"),
    path("renewal/<int:pk>/new-document/", views.renewal_new_document, name="new_document"),
    path("regularisation/new/", views.regularisation_create, name="regularisation_create"),
    path("regularisation/<int:pk>/", views.regularisation_edit, name="regularisation_edit"),
    path("return/new/", views.return_create, name="return_create"),
    path("return/<int:pk>/", views.return_edit, name="return_edit"),
    path("social-right/new/", views.social_right_create, name="social_right_create"),
    path("social-right/<int:pk>/", views.social_right_edit, name="social_right_edit"),
]
