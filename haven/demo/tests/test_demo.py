from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import UserFactory
from haven.intake.models import Intake


def run_demo(*args: str) -> str:
    """The demo with a small history (test_history.py covers the history itself)."""
    out = StringIO()
    call_command("demo", "--scale", "0.01", *args, stdout=out)
    return out.getvalue()


def test_the_demo_builds_three_centres_with_one_account_per_role_and_prints_logins(db: Any) -> None:
    output = run_demo()
    assert set(Centre.objects.values_list("code", flat=True)) == {"BXL", "ANT", "LIE"}
    assert User.objects.filter(is_demo=True).count() == 3 * len(CENTRE_ROLES)
    assert "bxl-director" in output and "haven-demo-2026" in output
    # Twelve showcase files, and the people of the history's intakes.
    lie = Client.objects.filter(centre__code="LIE")
    assert lie.filter(intakes=None).count() == 12
    assert lie.exclude(intakes=None).exists()


def test_running_the_demo_twice_changes_nothing(db: Any) -> None:
    run_demo()
    counts = (User.objects.count(), Client.objects.count(), Intake.objects.count())
    run_demo()
    assert (User.objects.count(), Client.objects.count(), Intake.objects.count()) == counts


def test_the_demo_loads_only_into_an_empty_database_when_asked(db: Any) -> None:
    Centre.objects.create(code="OWN", name="Own centre")
    assert "not loaded" in run_demo("--if-empty")
    assert not User.objects.filter(is_demo=True).exists()


def test_reset_is_refused_on_an_installation_with_real_accounts(db: Any) -> None:
    run_demo()
    UserFactory(centre=Centre.objects.get(code="BXL"), username="real-person")
    with pytest.raises(CommandError):
        run_demo("--reset")
    assert User.objects.filter(username="real-person").exists()
