import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.factories import ShiftFactory, UserFactory
from haven.oncall.models import Shift, ShiftRole
from haven.oncall.services import on_call_now

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def local(value: datetime.datetime) -> str:
    """A moment as the datetime-local input sends it (local time, minutes)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def next_evening() -> datetime.datetime:
    """Tomorrow 17:00 local time: a moment safely in the future whatever the clock says."""
    tomorrow = timezone.localdate() + DAY
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(17, 0)))


def shift(
    centre: Centre, user: User, start: datetime.datetime, hours: int = 16, **kw: Any
) -> Shift:
    return ShiftFactory(
        centre=centre, user=user, starts_at=start, ends_at=start + hours * HOUR, **kw
    )


@pytest.fixture
def night(centre_a: Centre) -> User:
    return UserFactory(centre=centre_a, username="nadia", first_name="Nadia", last_name="Night")


@pytest.fixture
def backup(centre_a: Centre) -> User:
    return UserFactory(centre=centre_a, username="bert", first_name="Bert", last_name="Backup")


# --- seeing the rota -------------------------------------------------------------------------


def test_staff_see_the_coming_shifts_with_a_phone_they_can_tap(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User, backup: User
) -> None:
    now = timezone.now()
    shift(centre_a, night, now - 2 * HOUR, phone="+32 470 11 22 33")
    shift(centre_a, backup, now + 3 * DAY, role=ShiftRole.BACKUP, phone="0470/99.88.77")
    ended = UserFactory(centre=centre_a, username="ended", first_name="Olga")
    shift(centre_a, ended, now - 3 * DAY)
    far = UserFactory(centre=centre_a, username="far", first_name="Fiona")
    shift(centre_a, far, now + 40 * DAY)

    page = signed_in(users[Role.PSYCHOSOCIAL]).get(reverse("oncall:rota"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Nadia Night" in html and "Bert Backup" in html
    assert 'href="tel:+32470112233"' in html and 'href="tel:0470998877"' in html
    assert "Back-up" in html
    assert "Olga" not in html, "a finished shift is hidden by default"
    assert "Fiona" not in html, "the rota looks four weeks ahead"
    assert reverse("oncall:create") not in html, "only the director is offered to add shifts"


def test_the_past_thirty_days_show_when_asked(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    shift(centre_a, night, timezone.now() - 5 * DAY)
    http = signed_in(users[Role.NIGHT_STAFF])
    assert "Nadia Night" not in http.get(reverse("oncall:rota")).content.decode()
    assert "Nadia Night" in http.get(reverse("oncall:rota"), {"past": "1"}).content.decode()


def test_the_person_on_call_is_listed_before_the_back_up_of_the_same_shift(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User, backup: User
) -> None:
    start = next_evening()
    shift(centre_a, backup, start, role=ShiftRole.BACKUP)
    shift(centre_a, night, start)
    html = signed_in(users[Role.LEGAL]).get(reverse("oncall:rota")).content.decode()
    assert html.index("Nadia Night") < html.index("Bert Backup")


def test_the_rota_shows_no_shift_of_another_centre(
    signed_in: Any, users: dict[Role, User], centre_b: Centre
) -> None:
    stranger = UserFactory(centre=centre_b, username="stranger", first_name="Sven")
    shift(centre_b, stranger, timezone.now() + DAY)
    page = signed_in(users[Role.DIRECTOR]).get(reverse("oncall:rota"))
    assert "Sven" not in page.content.decode()


# --- the director keeps the rota -------------------------------------------------------------


def test_the_director_adds_a_shift(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    start = next_evening()
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("oncall:create"),
        {
            "user": night.pk,
            "role": ShiftRole.FIRST,
            "starts_at": local(start),
            "ends_at": local(start + 16 * HOUR),
            "phone": "+32 470 12 34 56",
        },
    )

    assert response.status_code == 302 and response["Location"] == reverse("oncall:rota")
    added = Shift.objects.get(user=night)
    assert added.centre == centre_a
    assert added.starts_at == start and added.ends_at == start + 16 * HOUR
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="oncall.shift")
    assert entry.centre == centre_a and entry.actor == users[Role.DIRECTOR]


def test_the_director_edits_a_shift_and_the_change_is_audited(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User, backup: User
) -> None:
    start = next_evening()
    planned = shift(centre_a, night, start)
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("oncall:edit", kwargs={"pk": planned.pk}),
        {
            "user": backup.pk,
            "role": ShiftRole.FIRST,
            "starts_at": local(start),
            "ends_at": local(start + 16 * HOUR),
            "phone": "+32 470 00 00 99",
        },
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.user == backup
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="oncall.shift")
    assert entry.changes["user_id"] == {"from": night.pk, "to": backup.pk}


def test_the_edit_form_shows_the_shift_in_local_time(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    start = next_evening()
    planned = shift(centre_a, night, start)
    page = signed_in(users[Role.DIRECTOR]).get(reverse("oncall:edit", kwargs={"pk": planned.pk}))
    assert f'value="{local(start)}"' in page.content.decode()


def test_overlapping_on_call_shifts_are_refused_naming_the_conflict(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User, backup: User
) -> None:
    start = next_evening()
    shift(centre_a, night, start)
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("oncall:create"),
        {
            "user": backup.pk,
            "role": ShiftRole.FIRST,
            "starts_at": local(start + 8 * HOUR),
            "ends_at": local(start + 20 * HOUR),
            "phone": "+32 470 12 34 56",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and "Nadia Night is already on call" in errors[0]
    assert "Nadia Night is already on call" in response.content.decode()
    assert Shift.objects.filter(user=backup).count() == 0


def test_a_back_up_may_run_alongside_the_person_on_call(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User, backup: User
) -> None:
    start = next_evening()
    shift(centre_a, night, start)
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("oncall:create"),
        {
            "user": backup.pk,
            "role": ShiftRole.BACKUP,
            "starts_at": local(start),
            "ends_at": local(start + 16 * HOUR),
            "phone": "+32 470 12 34 56",
        },
    )
    assert response.status_code == 302
    assert Shift.objects.filter(user=backup, role=ShiftRole.BACKUP).exists()


def test_one_shift_may_start_when_the_previous_one_ends(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User, backup: User
) -> None:
    start = next_evening()
    shift(centre_a, night, start, hours=16)
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("oncall:create"),
        {
            "user": backup.pk,
            "role": ShiftRole.FIRST,
            "starts_at": local(start + 16 * HOUR),
            "ends_at": local(start + 24 * HOUR),
            "phone": "+32 470 12 34 56",
        },
    )
    assert response.status_code == 302


def test_a_person_cannot_hold_two_shifts_at_once(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    start = next_evening()
    shift(centre_a, night, start, role=ShiftRole.BACKUP)
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("oncall:create"),
        {
            "user": night.pk,
            "role": ShiftRole.BACKUP,
            "starts_at": local(start + HOUR),
            "ends_at": local(start + 2 * HOUR),
            "phone": "+32 470 12 34 56",
        },
    )
    assert response.status_code == 200
    assert "Nadia Night already has a shift" in response.content.decode()
    assert Shift.objects.filter(user=night).count() == 1


def test_a_shift_ending_before_it_starts_is_refused_and_keeps_what_was_typed(
    signed_in: Any, users: dict[Role, User], night: User
) -> None:
    start = next_evening()
    typed = {
        "user": night.pk,
        "role": ShiftRole.BACKUP,
        "starts_at": local(start),
        "ends_at": local(start - 2 * HOUR),
        "phone": "+32 470 12 34 56",
    }
    response = signed_in(users[Role.DIRECTOR]).post(reverse("oncall:create"), typed)

    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == [
        "The shift must end after it starts: check the end date and time."
    ]
    html = response.content.decode()
    assert f'value="{typed["starts_at"]}"' in html and f'value="{typed["ends_at"]}"' in html
    assert 'value="+32 470 12 34 56"' in html
    assert f'<option value="{night.pk}" selected>' in html
    assert re.search(r'<input type="radio" name="role" value="backup"[^>]*checked', html)
    assert Shift.objects.count() == 0


def test_only_active_members_of_the_centre_can_be_put_on_call(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, outsider: User
) -> None:
    gone = UserFactory(centre=centre_a, username="gone", first_name="Gone", is_active=False)
    http = signed_in(users[Role.DIRECTOR])
    form = http.get(reverse("oncall:create")).context["form"]
    offered = set(form.fields["user"].queryset)
    assert users[Role.NIGHT_STAFF] in offered
    assert gone not in offered and outsider not in offered

    start = next_evening()
    response = http.post(
        reverse("oncall:create"),
        {
            "user": outsider.pk,
            "role": ShiftRole.FIRST,
            "starts_at": local(start),
            "ends_at": local(start + HOUR),
            "phone": "+32 470 12 34 56",
        },
    )
    assert response.status_code == 200 and Shift.objects.count() == 0


def test_a_phone_number_must_be_one_that_can_be_dialled(
    signed_in: Any, users: dict[Role, User], night: User
) -> None:
    start = next_evening()
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("oncall:create"),
        {
            "user": night.pk,
            "role": ShiftRole.FIRST,
            "starts_at": local(start),
            "ends_at": local(start + HOUR),
            "phone": "ask Bert",
        },
    )
    assert response.status_code == 200 and "phone" in response.context["form"].errors


def test_night_staff_cannot_change_the_rota(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    planned = shift(centre_a, night, next_evening())
    http = signed_in(users[Role.NIGHT_STAFF])
    assert http.get(reverse("oncall:create")).status_code == 403
    assert http.post(reverse("oncall:create"), {}).status_code == 403
    assert http.post(reverse("oncall:edit", kwargs={"pk": planned.pk}), {}).status_code == 403
    assert http.post(reverse("oncall:delete", kwargs={"pk": planned.pk})).status_code == 403
    assert Shift.objects.filter(pk=planned.pk).exists()


def test_deleting_a_shift_requires_post_and_is_audited(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    planned = shift(centre_a, night, next_evening())
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("oncall:delete", kwargs={"pk": planned.pk})

    assert http.get(url).status_code == 405
    assert Shift.objects.filter(pk=planned.pk).exists()

    response = http.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("oncall:rota")
    assert not Shift.objects.filter(pk=planned.pk).exists()
    entry = AuditEntry.objects.get(action=Action.DELETE, object_type="oncall.shift")
    assert entry.object_id == str(planned.pk) and entry.changes["user_id"]["from"] == night.pk


def test_a_director_of_another_centre_cannot_delete_a_shift(
    signed_in: Any, outsider: User, centre_a: Centre, night: User
) -> None:
    planned = shift(centre_a, night, next_evening())
    response = signed_in(outsider).post(reverse("oncall:delete", kwargs={"pk": planned.pk}))
    assert response.status_code == 404
    assert Shift.objects.filter(pk=planned.pk).exists()


# --- on call now -----------------------------------------------------------------------------


def test_on_call_now_gives_the_person_on_call_then_the_back_up(
    centre_a: Centre, centre_b: Centre, night: User, backup: User
) -> None:
    moment = next_evening() + 10 * HOUR
    second = shift(centre_a, backup, moment - HOUR, role=ShiftRole.BACKUP)
    first = shift(centre_a, night, moment - 2 * HOUR)
    shift(centre_a, UserFactory(centre=centre_a, username="ended"), moment - 3 * HOUR, hours=3)
    shift(centre_b, UserFactory(centre=centre_b, username="other"), moment - HOUR)

    assert on_call_now(centre_a, moment) == [first, second]
    assert on_call_now(centre_a, moment + 30 * DAY) == []
    assert on_call_now(None, moment) == []


def test_the_home_page_shows_who_is_on_call_now_with_the_back_ups_phone(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User, backup: User
) -> None:
    now = timezone.now()
    shift(centre_a, night, now - HOUR, phone="+32 470 11 11 11")
    shift(centre_a, backup, now - HOUR, role=ShiftRole.BACKUP, phone="+32 470 22 22 22")

    page = signed_in(users[Role.NIGHT_STAFF]).get(reverse("core:home"))

    html = page.content.decode()
    assert "On call now" in html
    assert "Nadia Night" in html and "Bert Backup" in html
    assert 'href="tel:+32470222222"' in html
    assert html.index("Nadia Night") < html.index("Bert Backup")
    assert reverse("oncall:rota") in html
    assert "Nobody is on call right now." not in html


def test_the_home_page_says_so_when_nobody_is_on_call(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    shift(centre_a, night, timezone.now() + DAY)
    html = signed_in(users[Role.NIGHT_STAFF]).get(reverse("core:home")).content.decode()
    assert "Nobody is on call right now." in html
    assert "Nadia Night" not in html


def test_roles_without_the_rota_see_no_on_call_panel(
    signed_in: Any, users: dict[Role, User], centre_a: Centre, night: User
) -> None:
    shift(centre_a, night, timezone.now() - HOUR)
    html = signed_in(users[Role.VOLUNTEER]).get(reverse("core:home")).content.decode()
    assert "On call now" not in html and "Nadia Night" not in html
