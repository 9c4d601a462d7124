"""Data entered through the web interface shows up in the report: for each section, the real
forms are posted by the role that does the work, and the report's figure moves."""

import datetime
import uuid
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.guidance.models import Episode
from haven.intake.models import Intake
from haven.legal.models import Dossier
from haven.reports.figures import report
from haven.shelter.models import Stay
from haven.shelter.testing import make_room

pytestmark = pytest.mark.django_db

# A day in the past of every test run, far enough from the year's ends that every step below
# stays in its year (the report's period).
DAY = datetime.date(timezone.localdate().year - 1, 6, 15)
YEAR = (datetime.date(DAY.year, 1, 1), datetime.date(DAY.year, 12, 31))


def figures(centre: Centre, section: str) -> dict[str, Any]:
    return cast(dict[str, Any], report(centre, *YEAR)[section])


def ok(response: Any) -> None:
    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_intake_registered_screened_and_decided_on_the_web_is_counted(
    centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    ok(
        http.post(
            reverse("intake:register"),
            {
                "received_at": f"{DAY:%Y-%m-%d}T10:15",
                "channel": "in_person",
                "referrer": "social_sector",
                "referrer_organisation": "OCMW Test",
                "languages": "Tigrinya",
                "summary": "Came to the office with a social worker.",
                "urgency": "normal",
                "submission_key": str(uuid.uuid4()),
                "person-person": "anonymous",
                "person-gender": "U",
            },
        )
    )
    intake = Intake.objects.get()
    ok(
        http.post(
            reverse("intake:screening", kwargs={"pk": intake.pk}),
            {"indicators_general": ["debt"], "conclusion": "yes", "suspected_forms": ["labour"]},
        )
    )
    before = figures(centre_a, "intakes")
    assert before["total"] == 1 and before["by_outcome"]["pending"] == 1
    ok(
        http.post(
            reverse("intake:decision", kwargs={"pk": intake.pk}),
            {"outcome": "declined", "decided_on": f"{DAY:%Y-%m-%d}"},
        )
    )
    after = figures(centre_a, "intakes")
    assert after["by_channel"]["in_person"] == 1
    assert after["by_referrer"]["social_sector"] == 1
    assert after["by_outcome"]["declined"] == 1 and after["by_outcome"]["pending"] == 0
    assert after["with_indicators"] == 1
    assert after["by_year"] == {str(DAY.year): 1}


def test_a_guidance_episode_started_on_the_web_is_new_guidance(
    centre_a: Centre, users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    ok(
        signed_in(worker).post(
            reverse("guidance:create"),
            {
                "file_code": client_a.file_code,
                "start_date": f"{DAY:%Y-%m-%d}",
                "exploitation": "sexual",
                "district": "BRU",
                "psychosocial_track": "on",
                "legal_track": "on",
                "administrative_track": "on",
                "psychosocial_worker": worker.pk,
            },
        )
    )
    assert Episode.objects.filter(client=client_a).exists()
    guidance = figures(centre_a, "guidance")
    assert guidance["new"] == 1 and guidance["new_persons"] == 1
    assert guidance["new_by_exploitation"]["sexual"] == 1
    assert guidance["new_by_arrondissement"]["BRU"] == 1
    assert guidance["new_persons_by_nationality"] == {"RO": 1}
    assert guidance["active"] == 1


def test_a_check_in_and_check_out_on_the_web_are_nights_and_an_ended_stay(
    centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    room = make_room(centre_a, code="A1")
    client = cast(Client, ClientFactory(centre=centre_a, pseudonym="Lotus"))
    ok(
        signed_in(users[Role.NIGHT_STAFF]).post(
            reverse("shelter:check_in"),
            {"client": client.file_code, "room": room.pk, "day": f"{DAY:%Y-%m-%d}"},
        )
    )
    stay = Stay.objects.get(client=client)
    assert figures(centre_a, "shelter")["residents"] == 1
    left = DAY + datetime.timedelta(days=10)
    ok(
        signed_in(users[Role.PSYCHOSOCIAL]).post(
            reverse("shelter:check_out", kwargs={"pk": stay.pk}),
            {"day": f"{left:%Y-%m-%d}", "reason": "own_housing"},
        )
    )
    shelter = figures(centre_a, "shelter")
    assert shelter["nights"] == 10
    assert shelter["stays_ended"] == 1 and shelter["average_stay_days"] == 10.0


def test_a_residence_document_entered_on_the_web_is_issued_and_regularises(
    centre_a: Centre, users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    ok(
        signed_in(users[Role.DIRECTOR]).post(
            reverse("residence:create"),
            {
                "client": client_a.file_code,
                "document": "b_card",
                "issued_on": f"{DAY:%Y-%m-%d}",
                "work_access": "",
            },
        )
    )
    administrative = figures(centre_a, "administrative")
    assert administrative["documents_issued"]["b_card"] == 1
    assert administrative["regularised"] == 1
    assert administrative["regularised_by_basis"] == {"trafficking": 1, "humanitarian": 0}


def test_a_criminal_dossier_referred_and_judged_on_the_web_is_a_court_case(
    centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    victim: Any = ClientFactory(centre=centre_a)
    victim.workers.set([legal])
    http = signed_in(legal)
    opened = DAY - datetime.timedelta(days=30)
    ok(
        http.post(
            reverse("legal:create") + f"?client={victim.pk}",
            {
                "client": victim.file_code,
                "office_kind": "prosecutor",
                "office": "ANT",
                "opened_on": f"{opened:%Y-%m-%d}",
                "centre_civil_party_on": f"{DAY:%Y-%m-%d}",
            },
        )
    )
    dossier = Dossier.objects.get()
    steps = reverse("legal:event_add", kwargs={"pk": dossier.pk})
    ok(http.post(steps, {"kind": "referred", "date": f"{DAY:%Y-%m-%d}", "court": "Antwerp"}))
    assert figures(centre_a, "legal")["verdicts"]["pending"] == 1
    judged = DAY + datetime.timedelta(days=5)
    ok(
        http.post(
            steps,
            {"kind": "verdict", "date": f"{judged:%Y-%m-%d}", "verdict": "conviction"},
        )
    )
    legal_figures = figures(centre_a, "legal")
    assert legal_figures["court_cases"] == 1
    assert legal_figures["verdicts"]["conviction"] == 1
    assert legal_figures["verdicts"]["pending"] == 0


def test_an_appointment_marked_done_on_the_web_counts_its_hours(
    centre_a: Centre, users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    form = {
        "client": client_a.file_code,
        "starts_at": f"{DAY:%Y-%m-%d}T10:00",
        "duration_minutes": "90",
        "kind": "individual",
        "place": "office",
        "place_detail": "",
        "track": "psychosocial",
        "worker": str(worker.pk),
        "interpreter_language": "Tigrinya",
        "interpreter_minutes": "0",
        "status": "planned",
        "notes": "",
    }
    ok(http.post(reverse("appointments:create"), form))
    assert figures(centre_a, "psychosocial")["individual_hours"] == 0.0
    appointment = client_a.appointments.get()
    ok(
        http.post(
            reverse("appointments:edit", kwargs={"pk": appointment.pk}),
            {**form, "status": "done", "interpreter_minutes": "90"},
        )
    )
    psychosocial = figures(centre_a, "psychosocial")
    assert psychosocial["individual_hours"] == 1.5
    assert psychosocial["interpreter_hours"] == 1.5


def test_an_outreach_training_recorded_on_the_web_counts_the_professionals_trained(
    centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    ok(
        signed_in(users[Role.TRAINING]).post(
            reverse("outreach:create"),
            {
                "date": f"{DAY:%Y-%m-%d}",
                "kind": "training",
                "title": "Recognising labour exploitation",
                "participants": "23",
                "audience": "social inspection",
                "country": "",
                "notes": "",
            },
        )
    )
    outreach = figures(centre_a, "outreach")
    assert outreach["trainings"] == 1 and outreach["professionals_trained"] == 23
    assert outreach["trained_by_audience"] == {"social inspection": 23}
