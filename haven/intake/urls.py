from haven.intake.views import queue, register, screening

app_name = "intake"

urlpatterns = [*queue.urls, *register.urls, *screening.urls]
