from typing import Any

from django.urls import reverse

from haven.accounts.permissions import Role
from haven.privacy.models import RetentionPolicy
from haven.privacy.testing import make_full_client


def test_the_dpo_finds_a_file_by_its_code_and_sees_counts_and_who_read_it(
    centre_a: Any, users: Any, signed_in: Any
) -> None:
    client = make_full_client(centre_a)
    http = signed_in(users[Role.DPO])
    found = http.get(reverse("privacy:index"), {"code": client.file_code})
    assert found["Location"] == reverse("privacy:client", kwargs={"pk": client.pk})
    signed_in(users[Role.DIRECTOR]).get(reverse("clients:detail", kwargs={"pk": client.pk}))
    page = http.get(found["Location"]).content.decode()
    assert "a-director" in page  # the director's reading of the file, in the trail
    assert "Journal entries" in page
    assert client.legal_name not in page and client.pseudonym not in page


def test_the_dpo_changes_the_retention_policy(centre_a: Any, users: Any, signed_in: Any) -> None:
    http = signed_in(users[Role.DPO])
    response = http.post(
        reverse("privacy:retention"),
        {
            "anonymise_clients_after_years": 12,
            "close_intakes_without_guidance_after_years": 4,
            "audit_anonymise_after_years": 10,
        },
    )
    assert response.status_code == 302
    assert RetentionPolicy.objects.get(centre=centre_a).anonymise_clients_after_years == 12


def test_a_volunteer_may_not_see_the_privacy_pages(
    centre_a: Any, users: Any, signed_in: Any
) -> None:
    http = signed_in(users[Role.VOLUNTEER])
    assert http.get(reverse("privacy:index")).status_code == 403
    assert http.get(reverse("privacy:retention")).status_code == 403
