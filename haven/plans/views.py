"""The future plan's pages: a client's plan, goals due for review, a goal, its evolution."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.core.paging import page_of
from haven.plans import services
from haven.plans.forms import EditGoalForm, NewGoalForm
from haven.plans.models import Goal, LifeDomain

PAGE_SIZE = 30


def _client_of(request: HttpRequest) -> Client | None:
    pk = request.GET.get("client", "").strip()
    return scoped_or_404(Client, request.user, pk=pk) if pk else None


def _values(goal: Goal) -> dict[str, Any]:
    return {
        "domain": goal.domain,
        "text": goal.text,
        "status": goal.status,
        "next_review": goal.next_review,
        "written_with_client": goal.written_with_client,
    }


@requires(Permission.PLAN_READ)
@require_safe
def goal_list(request: HttpRequest) -> HttpResponse:
    """With ``?client=``: the client's plan by life domain; otherwise goals due for review."""
    user: Any = request.user
    client = _client_of(request)
    context: dict[str, Any] = {
        "client": client,
        "may_write": user.can(Permission.PLAN_WRITE),
    }
    if client is not None:
        context["domains"] = services.plan_by_domain(user, client)
    else:
        context["page"] = page_of(services.due_for_review(user), request.GET.get("page"), PAGE_SIZE)
        context["horizon"] = services.REVIEW_HORIZON.days
    return render(request, "plans/list.html", context)


@requires(Permission.PLAN_WRITE)
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _client_of(request)
    domain = request.GET.get("domain", "")
    initial = {"domain": domain} if domain in LifeDomain.values else {}
    form = NewGoalForm(
        request.POST if request.method == "POST" else None,
        user=user,
        client=client,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        assert form.client is not None
        goal = services.create_goal(by=user, client=form.client, data=form.cleaned_data)
        messages.success(request, _("Goal saved."))
        return redirect(f"{_list_url()}?client={goal.client_id}")
    return render(request, "plans/form.html", {"form": form, "client": client})


@requires(Permission.PLAN_WRITE)
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a goal; refused, with the other person's version shown, if it changed meanwhile."""
    user: Any = request.user
    goal = scoped_or_404(Goal, user, pk=pk)
    initial = {**_values(goal), "version": goal.version}
    form = EditGoalForm(request.POST if request.method == "POST" else None, initial=initial)
    current = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            goal = services.update_goal(by=user, goal=goal, data=data, version=version)
        except services.StaleVersion as stale:
            current = stale.current
            messages.error(
                request,
                _(
                    "Someone else saved this goal while you were editing it. Their version "
                    "is shown below; your text is kept in the form. Check both, then save again."
                ),
            )
            # The form keeps what was typed, and now carries the stored version.
            posted = request.POST.copy()
            posted["version"] = str(current.version)
            form = EditGoalForm(posted)
            form.is_valid()
        else:
            messages.success(request, _("Goal saved."))
            return redirect(f"{_list_url()}?client={goal.client_id}")
    return render(
        request,
        "plans/form.html",
        {"form": form, "goal": goal, "client": goal.client, "current": current, "editing": True},
    )


@requires(Permission.PLAN_READ)
@require_safe
def goal_history(request: HttpRequest, pk: int) -> HttpResponse:
    """How the goal evolved: every saved version, newest first."""
    goal = scoped_or_404(Goal, request.user, pk=pk)
    revisions = goal.revisions.select_related("changed_by").order_by("-version")
    return render(
        request,
        "plans/history.html",
        {"goal": goal, "client": goal.client, "revisions": revisions},
    )


def _list_url() -> str:
    return reverse("plans:list")
