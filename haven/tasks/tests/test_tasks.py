"""Tasks: adding one for a client, completing it, the list's order, the rules, isolation."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import UserFactory
from haven.tasks import services
from haven.tasks.models import Task
from haven.tasks.testing import make_task

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def test_a_worker_adds_a_task_for_a_client_and_completes_it_both_audited(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    form = http.get(reverse("tasks:create") + f"?client={client_a.pk}")
    assert client_a.file_code in form.content.decode()
    response = http.post(
        reverse("tasks:create") + f"?client={client_a.pk}",
        {
            "title": "Therapy referral",
            "due_on": f"{today():%Y-%m-%d}",
            "assignee": str(worker.pk),
            "client": client_a.file_code,
            "notes": "",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.client, task.assignee, task.created_by) == (client_a, worker, worker)
    created = AuditEntry.objects.get(action=Action.CREATE, object_type="tasks.task")
    assert created.object_label.startswith(client_a.file_code)

    response = http.post(reverse("tasks:complete", kwargs={"pk": task.pk}))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == worker
    assert AuditEntry.objects.filter(
        action=Action.UPDATE, object_type="tasks.task", object_id=str(task.pk)
    ).exists()
    assert 'data-testid="task"' not in http.get(reverse("tasks:list")).content.decode()
    done = http.get(reverse("tasks:list") + "?show=done").content.decode()
    assert 'data-testid="task"' in done and "Therapy referral" in done


def test_a_done_task_can_be_reopened(users: dict[Role, User], signed_in: Any) -> None:
    worker = users[Role.LEGAL]
    task = make_task(worker.centre, assignee=worker)
    services.complete_task(by=worker, task=task)
    signed_in(worker).post(reverse("tasks:edit", kwargs={"pk": task.pk}), {"reopen": "1"})
    task.refresh_from_db()
    assert task.done_at is None and task.done_by is None


def test_overdue_tasks_come_first_then_those_due_soonest(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    centre = worker.centre
    make_task(centre, assignee=worker, title="Next week", due_on=today() + datetime.timedelta(7))
    make_task(centre, assignee=worker, title="Tomorrow", due_on=today() + datetime.timedelta(1))
    make_task(centre, assignee=worker, title="Late", due_on=today() - datetime.timedelta(3))
    make_task(centre, title="A colleague's", due_on=today() - datetime.timedelta(9))
    page = signed_in(worker).get(reverse("tasks:list")).content.decode()
    assert page.index("Late") < page.index("Tomorrow") < page.index("Next week")
    assert "A colleague&#x27;s" not in page and "A colleague's" not in page
    team = signed_in(worker).get(reverse("tasks:list") + "?show=team").content.decode()
    assert team.index("A colleague") < team.index("Late")


def test_the_task_list_runs_the_same_number_of_queries_for_few_or_many_tasks(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    make_task(worker.centre, assignee=worker)
    http.get(reverse("tasks:list"))
    with CaptureQueriesContext(connection) as few:
        http.get(reverse("tasks:list"))
    for _n in range(12):
        make_task(worker.centre, assignee=worker)
    with CaptureQueriesContext(connection) as many:
        assert http.get(reverse("tasks:list")).status_code == 200
    assert len(many) == len(few)


def test_completing_a_task_answers_405_to_a_get(users: dict[Role, User], signed_in: Any) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    task = make_task(worker.centre, assignee=worker)
    response = signed_in(worker).get(reverse("tasks:complete", kwargs={"pk": task.pk}))
    assert response.status_code == 405
    task.refresh_from_db()
    assert task.done_at is None


def test_another_centres_task_answers_404_and_is_not_completed(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    task = make_task(centre_b)
    http = signed_in(users[Role.DIRECTOR])
    assert http.get(reverse("tasks:edit", kwargs={"pk": task.pk})).status_code == 404
    assert http.post(reverse("tasks:complete", kwargs={"pk": task.pk})).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_a_due_date_before_1990_is_refused(users: dict[Role, User]) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    data = {"title": "Old", "due_on": datetime.date(1989, 12, 31), "assignee": worker}
    with pytest.raises(ValidationError) as error:
        services.create_task(by=worker, centre=worker.centre, data=data)
    assert "due_on" in error.value.message_dict


def test_a_task_cannot_go_to_an_inactive_user_or_one_of_another_centre(
    users: dict[Role, User], outsider: User
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    gone = UserFactory(centre=worker.centre, role=Role.LEGAL, is_active=False)
    for assignee in (gone, outsider):
        data = {"title": "Call", "due_on": today(), "assignee": assignee}
        with pytest.raises(ValidationError) as error:
            services.create_task(by=worker, centre=worker.centre, data=data)
        assert "assignee" in error.value.message_dict
    assert not Task.objects.exists()
