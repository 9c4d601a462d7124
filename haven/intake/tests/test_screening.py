from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.factories import IntakeFactory
from haven.intake.decisions import screen
from haven.intake.models import Intake, Screening


@pytest.fixture
def intake(centre_a: Centre) -> Intake:
    return IntakeFactory(centre=centre_a)


def checklist(**overrides: Any) -> dict[str, Any]:
    """A screening as the form posts it."""
    return {
        "indicators_general": ["documents_withheld", "debt"],
        "indicators_labour": ["wages_withheld"],
        "conclusion": "yes",
        "methods_of_control": ["debt_bondage", "withholds_documents"],
        "suspected_forms": ["labour"],
        "place": "ANT",
        "recruitment": "friends",
        "notes": "Met through a cousin at a car wash.",
        **overrides,
    }


def url(intake: Intake) -> str:
    return reverse("intake:screening", kwargs={"pk": intake.pk})


def test_a_psychosocial_worker_screens_an_intake(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    assert http.get(url(intake)).status_code == 200

    response = http.post(url(intake), checklist())

    assert response.status_code == 302
    screening = Screening.objects.get(intake=intake)
    assert screening.indicators == ["documents_withheld", "debt", "wages_withheld"]
    assert screening.conclusion == "yes"
    assert screening.methods_of_control == ["debt_bondage", "withholds_documents"]
    assert screening.suspected_forms == ["labour"]
    assert (screening.place, screening.recruitment) == ("ANT", "friends")
    assert screening.screened_by == worker
    entry = AuditEntry.objects.get(object_type="intake.screening", action=Action.CREATE)
    assert entry.actor == worker
    assert entry.object_label == intake.code
    assert entry.changes["indicators"]["to"] == ["documents_withheld", "debt", "wages_withheld"]


def test_screening_again_updates_the_screening_and_audits_only_what_changed(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    screen(by=users[Role.PSYCHOSOCIAL], intake=intake, data=checklist() | {"indicators": ["debt"]})
    legal = users[Role.LEGAL]

    page = signed_in(legal).get(url(intake))
    assert b'value="debt" class="form-check-input" id="id_indicators_general_2" checked' in (
        page.content
    )
    signed_in(legal).post(url(intake), checklist(conclusion="unclear", place="BRU"))

    screening = Screening.objects.get(intake=intake)
    assert (screening.conclusion, screening.place, screening.screened_by) == (
        "unclear",
        "BRU",
        legal,
    )
    update = AuditEntry.objects.get(object_type="intake.screening", action=Action.UPDATE)
    assert set(update.changes) == {"indicators", "conclusion", "place", "screened_by_id"}
    assert update.changes["place"] == {"from": "ANT", "to": "BRU"}


def test_the_intake_keeps_a_copy_of_the_screenings_conclusion_for_the_figures(
    users: dict[Role, User], intake: Intake
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    assert Intake.objects.get(pk=intake.pk).indicators == ""

    screen(by=worker, intake=intake, data=checklist(conclusion="unclear"))
    assert Intake.objects.get(pk=intake.pk).indicators == "unclear"

    screen(by=worker, intake=intake, data=checklist(conclusion="yes"))
    assert Intake.objects.get(pk=intake.pk).indicators == "yes"
    assert Intake.objects.filter(indicators="yes").count() == 1


def test_an_unknown_indicator_code_is_refused_and_what_was_typed_is_kept(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        url(intake), checklist(indicators_general=["debt", "made_up_code"])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["indicators_general"]
    assert b"Met through a cousin at a car wash." in response.content
    assert b'value="wages_withheld" class="form-check-input"' in response.content
    assert b'id="id_indicators_labour_1" checked' in response.content
    assert not Screening.objects.filter(intake=intake).exists()


def test_the_screening_service_refuses_codes_that_are_not_on_the_lists(
    users: dict[Role, User], intake: Intake
) -> None:
    data = checklist(
        indicators=["debt", "invented"], methods_of_control=["mind_control"], place="PARIS"
    )
    with pytest.raises(ValidationError) as refused:
        screen(by=users[Role.PSYCHOSOCIAL], intake=intake, data=data)

    assert set(refused.value.message_dict) == {"indicators", "methods_of_control", "place"}
    assert "invented" in refused.value.message_dict["indicators"][0]
    assert not Screening.objects.exists()
    assert not AuditEntry.objects.filter(object_type="intake.screening").exists()


def test_a_screening_needs_a_conclusion(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(url(intake), checklist(conclusion=""))

    assert response.status_code == 200
    assert "conclusion" in response.context["form"].errors
    assert not Screening.objects.exists()


def test_night_staff_cannot_screen_an_intake(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])

    assert http.get(url(intake)).status_code == 403
    assert http.post(url(intake), checklist()).status_code == 403
    assert not Screening.objects.exists()


def test_another_centres_intake_cannot_be_screened(
    signed_in: Any, users: dict[Role, User], centre_b: Centre
) -> None:
    theirs = IntakeFactory(centre=centre_b)

    response = signed_in(users[Role.DIRECTOR]).post(url(theirs), checklist())

    assert response.status_code == 404
    assert not Screening.objects.exists()


def test_the_screening_page_answers_only_get_and_post(
    signed_in: Any, users: dict[Role, User], intake: Intake
) -> None:
    assert signed_in(users[Role.PSYCHOSOCIAL]).put(url(intake)).status_code == 405


def test_if_the_audit_write_fails_no_screening_is_saved(
    signed_in: Any, users: dict[Role, User], intake: Intake, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("haven.audit.services.record", broken)

    with pytest.raises(RuntimeError):
        signed_in(users[Role.PSYCHOSOCIAL]).post(url(intake), checklist())

    assert not Screening.objects.filter(intake=intake).exists()


def test_the_screening_panel_shows_labels_not_codes(
    users: dict[Role, User], intake: Intake
) -> None:
    screen(by=users[Role.PSYCHOSOCIAL], intake=intake, data=checklist() | {"indicators": ["debt"]})
    intake = Intake.objects.get(pk=intake.pk)

    html = render_to_string(
        "intake/_screening_panel.html", {"intake": intake, "user": users[Role.LEGAL]}
    )

    for label in (
        "Indicators of trafficking present",
        "Owes a debt to the recruiter or employer that keeps growing",
        "Debt bondage",
        "Withholds documents",
        "Labour exploitation",
        "Antwerp",
        "Through friends or social events",
    ):
        assert label in html
    assert "debt_bondage" not in html
    assert reverse("intake:screening", kwargs={"pk": intake.pk}) in html


def test_the_screening_panel_offers_the_checklist_only_to_roles_that_may_screen(
    users: dict[Role, User], intake: Intake
) -> None:
    html = render_to_string(
        "intake/_screening_panel.html", {"intake": intake, "user": users[Role.NIGHT_STAFF]}
    )

    assert "Not screened yet." in html
    assert reverse("intake:screening", kwargs={"pk": intake.pk}) not in html
