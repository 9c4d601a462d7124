"""The demo's shelter: rooms, stays consistent with the guidance episodes and with the rules the
app applies (one client a room a night, one room a client a night), the waiting list, today's
board, and the rental deposit fund."""

import datetime
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count, DateField, Exists, F, Max, Min, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.test import override_settings

from haven.accounts.models import User
from haven.centres.models import Centre
from haven.demo import shelter
from haven.demo.services import FAMILY, GIVEN
from haven.demo.tests.test_history import NOW, run_demo
from haven.deposits.models import Loan, Repayment
from haven.guidance.models import EndReason, Episode
from haven.partners.models import PartnerKind
from haven.shelter.models import (
    Assignment,
    CheckOutReason,
    House,
    LogEntry,
    OutOfService,
    PlannedArrival,
    Room,
    Stay,
    WaitingEntry,
    WaitingStatus,
    Wing,
)

TODAY = datetime.date(2026, 3, 4)  # NOW in Brussels
FAR = Value(datetime.date(9999, 12, 31), output_field=DateField())
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo at scale 1, generated once for this module's tests and rolled back after
    (with the test settings of haven/conftest.py, which apply per test only)."""
    test_settings = override_settings(
        FIELD_KEYS=["MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), transaction.atomic():
        with test_settings:
            run_demo("--scale", "1")
        yield
        transaction.set_rollback(True)


def overlapping(same: str) -> Any:
    """Assignments sharing a night with another assignment of the same ``same`` (a self-join
    on overlapping half-open intervals, in SQL)."""
    others = (
        Assignment.objects.filter(**{same: OuterRef(same)})
        .exclude(pk=OuterRef("pk"))
        .filter(start__lt=Coalesce(OuterRef("end"), FAR))
        .filter(Q(end__isnull=True) | Q(end__gt=OuterRef("start")))
    )
    return Assignment.objects.filter(Exists(others))


def occupancy(code: str, year: int) -> float:
    first, last = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)

    def nights(start: datetime.date, end: datetime.date | None) -> int:
        return max(0, (min(end or last, last) - max(start, first)).days)

    taken = sum(
        nights(start, end)
        for start, end in Assignment.objects.filter(centre__code=code).values_list("start", "end")
    )
    rooms = sum(
        nights(opened, closed)
        for opened, closed in Room.objects.filter(centre__code=code).values_list(
            "opened_on", "closed_on"
        )
    )
    return taken / rooms


def test_brussels_has_21_rooms_five_of_them_in_the_autonomy_wing_opened_in_2022(
    demo: None, db: Any
) -> None:
    house = House.objects.get(centre__code="BXL")
    assert house.name == "Main house"
    rooms = Room.objects.filter(centre__code="BXL", closed_on=None)
    assert rooms.count() == 21
    autonomy = rooms.filter(wing__name="Autonomy wing")
    assert autonomy.count() == 5
    assert set(autonomy.values_list("opened_on", flat=True)) == {datetime.date(2022, 3, 1)}
    assert set(rooms.filter(wing__name="Main wing").values_list("opened_on", flat=True)) == {
        datetime.date(1995, 1, 1)
    }
    # One more room of the main wing was closed in the past.
    assert Room.objects.filter(centre__code="BXL").exclude(closed_on=None).count() == 1
    for code in ("ANT", "LIE"):
        assert 0 < Room.objects.filter(centre__code=code, closed_on=None).count() < 21
    assert Wing.objects.filter(house=house).count() == 2


def test_no_room_holds_two_clients_on_the_same_night(demo: None, db: Any) -> None:
    assert Assignment.objects.count() > 1000
    assert not overlapping("room").exists()


def test_no_client_sleeps_in_two_rooms_on_the_same_night(demo: None, db: Any) -> None:
    assert not overlapping("stay__client").exists()
    assert not Stay.objects.values("client").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_the_overlap_checks_find_an_overlap(demo: None, db: Any) -> None:
    """The two checks above can fail: a client put into an occupied room, or into a second
    room during their stay, is found."""
    taken = Assignment.objects.filter(end=None).first()
    assert taken is not None
    intruder = Stay.objects.exclude(check_out=None).first()
    assert intruder is not None and intruder.check_out is not None
    Assignment.objects.create(
        centre=taken.centre, stay=intruder, room=taken.room, start=TODAY, end=TODAY + 2 * DAY
    )
    assert set(overlapping("room").values_list("room", flat=True)) == {taken.room_id}
    assert not overlapping("stay__client").exists()
    other = Room.objects.filter(centre=intruder.centre).exclude(pk=taken.room_id).first()
    Assignment.objects.create(
        centre=intruder.centre, stay=intruder, room=other, start=intruder.check_out - DAY
    )
    assert overlapping("stay__client").exists()


def test_every_stay_runs_from_its_first_assignment_to_its_last_as_one_chain(
    demo: None, db: Any
) -> None:
    stays = Stay.objects.annotate(
        first=Min("assignments__start"),
        last=Max("assignments__end"),
        open=Count("assignments", filter=Q(assignments__end=None)),
        rooms=Count("assignments"),
    )
    for stay in stays:
        assert stay.rooms >= 1
        assert stay.check_in == stay.first
        if stay.check_out is None:
            assert stay.open == 1
        else:
            assert stay.open == 0 and stay.check_out == stay.last
            assert stay.check_out_reason
    # A move is no new stay: every later assignment starts on the day the one before ends.
    follows = Assignment.objects.filter(stay=OuterRef("stay"), end=OuterRef("start"))
    later = Assignment.objects.exclude(start=F("stay__check_in"))
    assert later.count() > 100
    assert not later.exclude(Exists(follows)).exists()
    assert later.filter(room__wing__name="Autonomy wing").count() > 50


def test_assignments_lie_within_their_rooms_opening_dates_and_outside_repairs(
    demo: None, db: Any
) -> None:
    assert not Assignment.objects.filter(start__lt=F("room__opened_on")).exists()
    closed = Assignment.objects.exclude(room__closed_on=None)
    assert closed.exists()
    assert not closed.filter(Q(end=None) | Q(end__gt=F("room__closed_on"))).exists()
    repairs = OutOfService.objects.filter(
        room=OuterRef("room"), start__lt=Coalesce(OuterRef("end"), FAR)
    ).filter(Q(end__isnull=True) | Q(end__gt=OuterRef("start")))
    assert OutOfService.objects.count() > 10
    assert not Assignment.objects.filter(Exists(repairs)).exists()


def test_stays_follow_the_guidance_episodes(demo: None, db: Any) -> None:
    episodes = {e.client_id: e for e in Episode.objects.exclude(client__stays=None)}
    stays = list(Stay.objects.all())
    assert len(episodes) == len(stays) > 1500
    for stay in stays:
        episode = episodes[stay.client_id]
        assert episode.residential
        assert episode.start_date <= stay.check_in <= episode.start_date + 17 * DAY
        if episode.end_date is not None:
            assert stay.check_out is not None and stay.check_out <= episode.end_date
        if stay.check_out is None:
            assert episode.end_date is None
        if stay.check_out is not None and stay.check_out == episode.end_date:
            expected = {
                EndReason.AUTONOMY: CheckOutReason.OWN_HOUSING,
                EndReason.VOLUNTARY_RETURN: CheckOutReason.RETURNED_HOME,
                EndReason.LEFT_WITHOUT_NOTICE: CheckOutReason.LEFT_WITHOUT_NOTICE,
                EndReason.TRANSFERRED: CheckOutReason.PARTNER_SHELTER,
            }.get(EndReason(episode.end_reason), CheckOutReason.OTHER)
            assert stay.check_out_reason == expected
    assert not Episode.objects.filter(residential=True, client__stays=None).exists()
    days = [(s.check_out - s.check_in).days for s in stays if s.check_out]
    assert 120 <= sum(days) / len(days) <= 185  # four to six months


def test_the_main_house_is_nearly_full_in_recent_years(demo: None, db: Any) -> None:
    for year in (2023, 2024, 2025):
        assert 0.85 <= occupancy("BXL", year) <= 0.99, year


def test_today_the_board_has_residents_free_rooms_arrivals_a_departure_and_a_waiting_list(
    demo: None, db: Any
) -> None:
    living = Stay.objects.filter(client=OuterRef("client"), check_out=None)
    for centre in Centre.objects.filter(code__in=["BXL", "ANT", "LIE"]):
        here = {"centre": centre}
        residents = Stay.objects.filter(**here, check_out=None)
        assert residents.count() >= 3
        assert residents.filter(planned_departure=TODAY).exists()
        waiting = WaitingEntry.objects.filter(**here, status=WaitingStatus.WAITING)
        assert 2 <= waiting.count() <= 4, centre.code
        assert not waiting.exclude(closed_on=None).exists()
        assert not waiting.filter(Exists(living)).exists()
        arrivals = PlannedArrival.objects.filter(**here, arrives_on__gte=TODAY)
        assert arrivals.filter(arrives_on=TODAY).exists()
        assert not arrivals.filter(Exists(living)).exists()
        occupied = set(
            Assignment.objects.filter(**here, end=None).values_list("room_id", flat=True)
        )
        repaired = set(
            OutOfService.objects.filter(**here, start__lte=TODAY, end__gt=TODAY).values_list(
                "room_id", flat=True
            )
        )
        reserved = set(arrivals.values_list("room_id", flat=True))
        assert not reserved & (occupied | repaired)
        free = Room.objects.filter(**here, closed_on=None).exclude(
            pk__in=occupied | repaired | reserved
        )
        assert free.exists(), centre.code
    assert OutOfService.objects.filter(start__lte=TODAY, end__gt=TODAY).exists()


def test_the_house_log_has_notes_of_the_last_days_with_pseudonyms_only(demo: None, db: Any) -> None:
    bxl = LogEntry.objects.filter(centre__code="BXL")
    assert bxl.count() >= 5
    assert not bxl.filter(at__gt=NOW).exists()
    assert not bxl.filter(at__lt=NOW - datetime.timedelta(days=8)).exists()
    assert set(bxl.values_list("author__role", flat=True)) >= {"night_staff"}
    residents = set(
        Stay.objects.filter(centre__code="BXL", check_out=None).values_list(
            "client__pseudonym", flat=True
        )
    )
    texts = list(bxl.values_list("text", flat=True))
    assert any(name in text for text in texts for name in residents)
    assert not any(name in text for text in texts for name in (*GIVEN, *FAMILY))


def test_past_waiting_list_entries_were_admitted_referred_or_withdrawn(demo: None, db: Any) -> None:
    statuses = Counter(WaitingEntry.objects.values_list("status", flat=True))
    assert statuses[WaitingStatus.ADMITTED] and statuses[WaitingStatus.WITHDRAWN]
    assert statuses[WaitingStatus.REFERRED]
    referred = WaitingEntry.objects.filter(status=WaitingStatus.REFERRED)
    assert not referred.exclude(referred_to__kind=PartnerKind.PARTNER_CENTRE).exists()
    assert not referred.exclude(referred_to__centre=F("centre")).exists()
    closed = WaitingEntry.objects.exclude(status=WaitingStatus.WAITING)
    assert not closed.filter(Q(closed_on=None) | Q(closed_on__lt=F("since"))).exists()
    admitted = WaitingEntry.objects.filter(status=WaitingStatus.ADMITTED)
    check_in = Stay.objects.filter(client=OuterRef("client"), check_in=OuterRef("closed_on"))
    assert not admitted.exclude(Exists(check_in)).exists()
    assert (
        not WaitingEntry.objects.exclude(status=WaitingStatus.ADMITTED)
        .filter(client__stays__isnull=False)
        .exists()
    )


def test_deposit_loans_are_never_repaid_beyond_their_amount(demo: None, db: Any) -> None:
    loans = Loan.objects.annotate(repaid=Coalesce(Sum("repayments__amount"), Decimal(0)))
    assert loans.count() > 100
    assert not loans.filter(repaid__gt=F("amount")).exists()
    assert loans.filter(repaid=F("amount")).count() > loans.count() / 2
    assert loans.exclude(written_off_on=None).filter(repaid__lt=F("amount")).exists()
    assert loans.filter(written_off_on=None, repaid__lt=F("amount")).exists()  # still running
    assert not loans.filter(
        Q(amount__lt=800) | Q(amount__gt=1800) | Q(monthly_instalment__lt=50)
    ).exists()
    assert not loans.filter(monthly_instalment__gt=150).exists()
    assert not Repayment.objects.filter(
        Q(received_on__gt=TODAY) | Q(received_on__lt=F("loan__paid_on"))
    ).exists()
    # For people who moved to housing of their own, shortly before they left the shelter.
    moved = Stay.objects.filter(
        client=OuterRef("client"),
        check_out_reason=CheckOutReason.OWN_HOUSING,
        check_out__gt=OuterRef("paid_on"),
        check_out__lte=OuterRef("paid_on") + datetime.timedelta(days=25),
    )
    assert not Loan.objects.exclude(Exists(moved)).exists()


def shelter_rows(code: str) -> dict[str, list[tuple[Any, ...]]]:
    """The centre's generated shelter, by codes rather than ids."""
    here = {"centre__code": code}
    return {
        "rooms": sorted(
            Room.objects.filter(**here).values_list(
                "wing__house__name", "wing__name", "code", "opened_on", "closed_on"
            )
        ),
        "assignments": sorted(
            Assignment.objects.filter(**here).values_list(
                "stay__client__file_code", "room__code", "start", "end"
            )
        ),
        "stays": sorted(
            Stay.objects.filter(**here).values_list(
                "client__file_code",
                "check_in",
                "check_out",
                "check_out_reason",
                "planned_departure",
            )
        ),
        "repairs": sorted(
            OutOfService.objects.filter(**here).values_list("room__code", "start", "end", "reason")
        ),
        "waiting": sorted(
            WaitingEntry.objects.filter(**here).values_list(
                "client__file_code", "since", "status", "closed_on", "referred_to__name"
            )
        ),
        "arrivals": sorted(
            PlannedArrival.objects.filter(**here).values_list(
                "client__file_code", "room__code", "arrives_on"
            )
        ),
        "log": sorted(LogEntry.objects.filter(**here).values_list("at", "text")),
        "loans": sorted(
            Loan.objects.filter(**here).values_list(
                "client__file_code", "amount", "paid_on", "monthly_instalment", "written_off_on"
            )
        ),
        "repayments": sorted(
            Repayment.objects.filter(**here).values_list(
                "loan__client__file_code", "received_on", "amount"
            )
        ),
    }


def regenerate(code: str, *, seed: int, child_process: bool = False) -> shelter.Shelter:
    """Remove the centre's shelter and generate it again."""
    centre = Centre.objects.get(code=code)
    for model in reversed(shelter.WRITTEN):
        model._default_manager.filter(centre=centre).delete()
    users = {user.role: user.pk for user in User.objects.filter(centre=centre, is_demo=True)}
    with time_machine.travel(NOW, tick=False):
        return shelter.stays(
            centre, users=users, seed=seed, now=NOW, scale=1, child_process=child_process
        )


def test_the_same_seed_gives_the_same_shelter_in_a_child_process_or_not(
    demo: None, db: Any
) -> None:
    first = shelter_rows("LIE")
    assert first["stays"] and first["loans"] and first["log"]
    regenerate("LIE", seed=2026)
    assert shelter_rows("LIE") == first
    summary = regenerate("LIE", seed=2026, child_process=True)
    assert shelter_rows("LIE") == first
    assert summary.stays == len(first["stays"])
    regenerate("LIE", seed=2027)
    assert shelter_rows("LIE")["stays"] != first["stays"]
