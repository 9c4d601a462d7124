import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit import services as audit
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import IntakeFactory
from haven.guidance.models import Episode
from haven.intake.decisions import decide
from haven.intake.models import Intake, Outcome, Screening

# IntakeFactory's intakes arrive on 4 March 2026 (11:30 in Brussels).
RECEIVED = datetime.date(2026, 3, 4)
DECIDED = datetime.date(2026, 3, 6)


@pytest.fixture
def intake(centre_a: Centre, client_a: Client) -> Intake:
    return IntakeFactory(centre=centre_a, client=client_a)


@pytest.fixture
def anonymous_intake(centre_a: Centre) -> Intake:
    return IntakeFactory(centre=centre_a, client=None, languages="Romanian")


def url(intake: Intake) -> str:
    return reverse("intake:decision", kwargs={"pk": intake.pk})


def decision(outcome: str, **fields: Any) -> dict[str, Any]:
    return {"outcome": outcome, "decided_on": DECIDED.isoformat(), **fields}


def test_a_psychosocial_worker_screens_and_decides_guidance_started_which_opens_an_episode(
    signed_in: Any, users: dict[Role, User], intake: Intake, client_a: Client
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    screened = http.post(
        reverse("intake:screening", kwargs={"pk": intake.pk}),
        {"indicators_general": ["debt"], "conclusion": "yes", "suspected_forms": ["labour"]},
    )
    assert screened.status_code == 302
    assert Screening.objects.filter(intake=intake, conclusion="yes").exists()

    response = http.post(url(intake), decision("guidance_started"))

    assert response["Location"] == reverse("intake:detail", kwargs={"pk": intake.pk})
    intake.refresh_from_db()
    assert (intake.outcome, intake.decided_on, intake.decided_by) == (
        Outcome.GUIDANCE_STARTED,
        DECIDED,
        worker,
    )
    assert not intake.is_open
    episode = Episode.objects.get(intake=intake)
    assert (episode.client, episode.centre, episode.start_date, episode.created_by) == (
        client_a,
        intake.centre,
        DECIDED,
        worker,
    )
    assert AuditEntry.objects.filter(object_type="guidance.episode", action=Action.CREATE).exists()
    page = http.get(response["Location"]).content.decode()
    assert "Owes a debt to the recruiter or employer that keeps growing" in page
    assert "Guidance episode opened on 03/06/2026." in page


def test_deciding_guidance_for_an_anonymous_intake_creates_the_client_inline(
    signed_in: Any, users: dict[Role, User], anonymous_intake: Intake
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    form = http.get(url(anonymous_intake))
    assert b'name="pseudonym"' in form.content

    response = http.post(
        url(anonymous_intake), decision("guidance_started", pseudonym="Willow", gender="F")
    )

    assert response.status_code == 302
    anonymous_intake.refresh_from_db()
    client = anonymous_intake.client
    assert client is not None
    assert (client.pseudonym, client.gender, client.centre) == (
        "Willow",
        "F",
        anonymous_intake.centre,
    )
    assert client.languages == "Romanian"
    assert client.file_code.startswith("AAA-")
    assert Episode.objects.get(intake=anonymous_intake).client == client
    assert AuditEntry.objects.filter(object_type="clients.client", action=Action.CREATE).exists()
    change = AuditEntry.objects.get(object_type="intake.intake", action=Action.UPDATE)
    assert change.changes["client_id"]["to"] == client.pk


def test_guidance_for_an_anonymous_intake_needs_a_pseudonym(
    signed_in: Any, users: dict[Role, User], anonymous_intake: Intake
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        url(anonymous_intake), decision("guidance_started", gender="F")
    )

    assert response.status_code == 200
    assert "pseudonym" in response.context["form"].errors
    assert not Client.objects.exists()
    assert not Episode.objects.exists()


def test_a_person_can_be_given_a_file_with_any_decision(
    signed_in: Any, users: dict[Role, User], anonymous_intake: Intake
) -> None:
    signed_in(users[Role.LEGAL]).post(
        url(anonymous_intake),
        decision("first_meeting", first_meeting_on="2026-03-10", pseudonym="Ash"),
    )

    anonymous_intake.refresh_from_db()
    assert anonymous_intake.client is not None and anonymous_intake.client.pseudonym == "Ash"
    assert not Episode.objects.exists()


def test_referred_to_a_partner_centre_requires_the_centres_name(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])

    refused = http.post(url(intake), decision("referred_partner_centre"))
    assert refused.status_code == 200
    assert refused.context["form"].errors["outcome_detail"] == [
        "Write which partner centre the person was referred to."
    ]
    intake.refresh_from_db()
    assert intake.outcome == ""

    http.post(
        url(intake), decision("referred_partner_centre", outcome_detail="PAG-ASA, shelter full")
    )
    intake.refresh_from_db()
    assert (intake.outcome, intake.outcome_detail) == (
        Outcome.REFERRED_PARTNER_CENTRE,
        "PAG-ASA, shelter full",
    )


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("referred_other_service", "Write which service the person was referred to."),
        ("no_follow_up", "Write why there is no follow-up."),
    ],
)
def test_a_referral_to_another_service_and_no_follow_up_say_which_and_why(
    outcome: str, message: str, users: dict[Role, User], intake: Intake
) -> None:
    with pytest.raises(ValidationError) as refused:
        decide(
            by=users[Role.PSYCHOSOCIAL],
            intake=intake,
            data={"outcome": outcome, "decided_on": DECIDED, "outcome_detail": "  "},
        )
    assert refused.value.message_dict == {"outcome_detail": [message]}


def test_a_decision_date_before_the_intake_is_refused_with_typed_values_kept(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        url(intake),
        decision(
            "referred_other_service",
            decided_on="2026-03-01",
            outcome_detail="CAW Brussel, housing service",
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["decided_on"] == [
        "The decision date cannot be before the intake was received (03/04/2026)."
    ]
    assert b'value="2026-03-01"' in response.content
    assert b'value="CAW Brussel, housing service"' in response.content
    assert re.search(rb'value="referred_other_service"[^>]*checked', response.content)
    intake.refresh_from_db()
    assert intake.outcome == "" and intake.decided_on is None
    assert not AuditEntry.objects.filter(object_type="intake.intake").exists()


def test_a_decision_date_in_the_future_is_refused(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        url(intake), decision("declined", decided_on=tomorrow.isoformat())
    )

    assert response.context["form"].errors["decided_on"] == [
        "The decision date cannot be in the future."
    ]


def test_the_decision_date_is_today_unless_changed(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    form = signed_in(users[Role.PSYCHOSOCIAL]).get(url(intake))

    assert form.context["form"]["decided_on"].value() == timezone.localdate()


def test_a_first_meeting_needs_its_date_which_may_be_in_the_future_and_keeps_the_intake_open(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    refused = http.post(url(intake), decision("first_meeting"))
    assert "first_meeting_on" in refused.context["form"].errors

    next_week = timezone.localdate() + datetime.timedelta(days=7)
    http.post(url(intake), decision("first_meeting", first_meeting_on=next_week.isoformat()))

    intake.refresh_from_db()
    assert (intake.outcome, intake.first_meeting_on) == (Outcome.FIRST_MEETING, next_week)
    assert intake.is_open
    assert Intake.objects.open().filter(pk=intake.pk).exists()


def test_declined_is_recorded_as_the_persons_own_choice(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    assert b"The person declined the procedure (their own choice)" in http.get(url(intake)).content

    http.post(url(intake), decision("declined"))

    intake.refresh_from_db()
    assert intake.outcome == Outcome.DECLINED
    assert not intake.is_open
    panel = render_to_string(
        "intake/_decision_panel.html", {"intake": intake, "user": users[Role.NIGHT_STAFF]}
    )
    assert "The person declined the procedure (their own choice)" in panel


def test_night_staff_cannot_decide(signed_in: Any, users: dict[Role, User], intake: Intake) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])

    assert http.get(url(intake)).status_code == 403
    assert http.post(url(intake), decision("declined")).status_code == 403
    intake.refresh_from_db()
    assert intake.outcome == ""


def test_another_centres_intake_cannot_be_decided(
    signed_in: Any, users: dict[Role, User], centre_b: Centre
) -> None:
    theirs = IntakeFactory(centre=centre_b)

    response = signed_in(users[Role.DIRECTOR]).post(url(theirs), decision("declined"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.outcome == ""


def test_the_decision_page_answers_only_get_and_post(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    assert signed_in(users[Role.PSYCHOSOCIAL]).delete(url(intake)).status_code == 405


def test_a_decided_intake_can_be_decided_again_and_the_form_shows_the_current_decision(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    decide(
        by=users[Role.PSYCHOSOCIAL],
        intake=intake,
        data={"outcome": "no_follow_up", "decided_on": DECIDED, "outcome_detail": "Unreachable"},
    )
    director = users[Role.DIRECTOR]
    http = signed_in(director)

    page = http.get(url(intake))
    assert b"No follow-up" in page.content and b"Unreachable" in page.content
    assert page.context["form"]["outcome"].value() == "no_follow_up"
    assert page.context["form"]["decided_on"].value() == DECIDED

    http.post(url(intake), decision("referred_other_service", outcome_detail="OCMW Anderlecht"))

    intake.refresh_from_db()
    assert (intake.outcome, intake.outcome_detail, intake.decided_by) == (
        Outcome.REFERRED_OTHER_SERVICE,
        "OCMW Anderlecht",
        director,
    )
    change = AuditEntry.objects.filter(object_type="intake.intake").latest("at")
    assert change.changes["outcome"] == {"from": "no_follow_up", "to": "referred_other_service"}


def test_changing_away_from_guidance_started_is_refused_while_the_episode_exists(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    decide(
        by=users[Role.PSYCHOSOCIAL],
        intake=intake,
        data={"outcome": "guidance_started", "decided_on": DECIDED},
    )

    response = signed_in(users[Role.DIRECTOR]).post(
        url(intake), decision("no_follow_up", outcome_detail="Entered by mistake")
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["outcome"]
    assert "close the episode in guidance" in message
    intake.refresh_from_db()
    assert intake.outcome == Outcome.GUIDANCE_STARTED
    assert Episode.objects.filter(intake=intake).count() == 1


def test_deciding_guidance_again_keeps_the_one_episode(
    users: dict[Role, User], intake: Intake
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    data = {"outcome": "guidance_started", "decided_on": DECIDED}
    decide(by=worker, intake=intake, data=data)

    decide(by=worker, intake=intake, data=data | {"outcome_detail": "Residential"})

    assert Episode.objects.filter(intake=intake).count() == 1
    with pytest.raises(ValidationError) as refused:
        decide(by=worker, intake=intake, data=data | {"decided_on": RECEIVED})
    assert "the decision keeps that date" in refused.value.message_dict["decided_on"][0]


def test_guidance_is_refused_while_the_person_is_already_in_guidance(
    signed_in: Any, users: dict[Role, User], intake: Intake, client_a: Client
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    Episode.objects.create(
        centre=client_a.centre,
        client=client_a,
        start_date=datetime.date(2025, 6, 1),
        created_by=worker,
    )

    response = signed_in(worker).post(url(intake), decision("guidance_started"))

    assert response.status_code == 200
    [message] = response.context["form"].non_field_errors()
    assert f"{client_a.file_code} has been in guidance since" in message
    intake.refresh_from_db()
    assert intake.outcome == ""
    assert not AuditEntry.objects.filter(object_type="intake.intake").exists()


def test_if_the_audit_write_fails_nothing_of_the_decision_is_saved(
    signed_in: Any, users: dict[Role, User], anonymous_intake: Intake, monkeypatch: Any
) -> None:
    record = audit.record

    def fails_on_the_episode(action: Action, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("obj"), Episode):
            raise RuntimeError("audit log unavailable")
        return record(action, **kwargs)

    monkeypatch.setattr("haven.audit.services.record", fails_on_the_episode)

    with pytest.raises(RuntimeError):
        signed_in(users[Role.PSYCHOSOCIAL]).post(
            url(anonymous_intake), decision("guidance_started", pseudonym="Willow")
        )

    anonymous_intake.refresh_from_db()
    assert (anonymous_intake.outcome, anonymous_intake.client) == ("", None)
    assert not Client.objects.exists()
    assert not Episode.objects.exists()
    assert not AuditEntry.objects.filter(
        object_type__in=["clients.client", "intake.intake", "guidance.episode"]
    ).exists()


def test_the_decision_panel_shows_the_decision_and_the_episode(
    users: dict[Role, User], intake: Intake
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    decide(by=worker, intake=intake, data={"outcome": "guidance_started", "decided_on": DECIDED})
    intake = Intake.objects.get(pk=intake.pk)

    for_worker = render_to_string("intake/_decision_panel.html", {"intake": intake, "user": worker})
    for_night = render_to_string(
        "intake/_decision_panel.html", {"intake": intake, "user": users[Role.NIGHT_STAFF]}
    )

    assert "Guidance started" in for_worker
    assert "Guidance episode opened on 03/06/2026." in for_worker
    assert str(worker) in for_worker
    assert url(intake) in for_worker
    assert url(intake) not in for_night


def test_an_undecided_intake_shows_that_it_is_open(
    users: dict[Role, User], anonymous_intake: Intake
) -> None:
    html = render_to_string(
        "intake/_decision_panel.html",
        {"intake": anonymous_intake, "user": users[Role.LEGAL]},
    )

    assert "No decision yet: the intake is open." in html
    assert "Decide" in html
