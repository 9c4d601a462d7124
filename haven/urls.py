from django.urls import include, path

urlpatterns = [
    path("", include("haven.core.urls")),
    path("", include("haven.accounts.urls")),
    path("centres/", include("haven.centres.urls")),
    path("clients/", include("haven.clients.urls")),
    path("intakes/", include("haven.intake.urls")),
    path("on-call/", include("haven.oncall.urls")),
    path("guidance/", include("haven.guidance.urls")),
    path("journal/", include("haven.journal.urls")),
    path("appointments/", include("haven.appointments.urls")),
    path("plans/", include("haven.plans.urls")),
    path("tasks/", include("haven.tasks.urls")),
    path("groups/", include("haven.groups.urls")),
    path("partners/", include("haven.partners.urls")),
    path("residence/", include("haven.residence.urls")),
    path("dossiers/", include("haven.legal.urls")),
    path("letters/", include("haven.letters.urls")),
    path("shelter/", include("haven.shelter.urls")),
    path("deposits/", include("haven.deposits.urls")),
    path("outreach/", include("haven.outreach.urls")),
    path("history/", include("haven.history.urls")),
    path("reports/", include("haven.reports.urls")),
    path("reference/", include("haven.reference.urls")),
    path("audit/", include("haven.audit.urls")),
    path("privacy/", include("haven.privacy.urls")),
]

handler400 = "haven.core.views.bad_request"
handler403 = "haven.core.views.permission_denied"
handler404 = "haven.core.views.page_not_found"
handler500 = "haven.core.views.server_error"
