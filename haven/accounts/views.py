"""Sign-in with password and second factor, sign-out, own password, and account management."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import PasswordChangeView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from haven.accounts import ratelimit, reauth, services, sessions, twofactor
from haven.accounts.access import password_only, public, requires, signed_in
from haven.accounts.forms import CodeForm, ConfirmPasswordForm, NewUserForm, SignInForm, UserForm
from haven.accounts.middleware import SESSION_MARKER_COOKIE
from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.accounts.reauth import requires_recent_auth
from haven.audit import services as audit
from haven.audit.models import Action

NEXT_KEY = "haven_next"


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@public
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and twofactor.is_verified(request):
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth.login(request, user)
        request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
        if user.language:
            request.session["_language"] = user.language
        if twofactor.is_verified(request):  # demo accounts when the demo setting allows it
            response = HttpResponseRedirect(request.session.pop(NEXT_KEY))
        else:
            response = redirect(twofactor.next_step(user))
        response.set_cookie(
            SESSION_MARKER_COOKIE,
            "1",
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
    return render(request, "accounts/login.html", {"form": form})


@password_only
def verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if twofactor.is_verified(request):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not twofactor.has_authenticator(user):
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["code"]):
            request.session.pop("haven_code_failures", None)
            audit.record(Action.LOGIN, actor=user, note="second factor")
            return HttpResponseRedirect(request.session.pop(NEXT_KEY, reverse("core:home")))
        failures = request.session.get("haven_code_failures", 0) + 1
        request.session["haven_code_failures"] = failures
        audit.record(Action.LOGIN_FAILED, actor=user, note="wrong second-factor code")
        if failures >= settings.AXES_FAILURE_LIMIT:
            auth.logout(request)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("accounts:login")
        form.add_error(
            "code",
            _(
                "This code is not right. Codes change every 30 seconds: "
                "check your phone's clock and try the newest code."
            ),
        )
    return render(request, "accounts/verify.html", {"form": form})


@password_only
def enrol(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if twofactor.is_verified(request):
        return redirect(settings.LOGIN_REDIRECT_URL)  # a new phone: the administrator resets
    if twofactor.has_authenticator(user):
        return redirect("accounts:verify")  # a password alone never replaces a device
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            audit.record(Action.LOGIN, actor=user, note="second factor enrolled")
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": request.session.pop(NEXT_KEY, None)},
            )
        form.add_error(
            "code",
            _(
                "This code is not right. Scan the QR code again, or type "
                "the key by hand, then enter the newest code."
            ),
        )
    context = {
        "form": form,
        "qr_svg": twofactor.qr_svg(device),
        "secret": twofactor.secret_base32(device),
    }
    return render(request, "accounts/enrol.html", context)


@signed_in
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        codes = twofactor.new_recovery_codes(user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    current = sessions.current_id(request)
    listed = [
        {
            "session": session,
            "browser": sessions.describe(session.user_agent),
            "current": session.pk == current,
        }
        for session in sessions.active(user)
    ]
    return render(
        request,
        "accounts/security.html",
        {
            "remaining": twofactor.remaining_recovery_codes(user),
            "sessions": listed,
            "others": sum(1 for s in listed if not s["current"]),
        },
    )


@require_POST
@signed_in
def sessions_end(request: HttpRequest) -> HttpResponse:
    """End one other session of one's own (``session=<id>``) or all others (``session=others``)."""
    user: User = request.user  # type: ignore[assignment]
    choice = request.POST.get("session", "")
    if choice == "others":
        count = sessions.end_others(request, user, note="other sessions ended by the user")
        messages.success(
            request,
            ngettext("%(count)d other session ended.", "%(count)d other sessions ended.", count)
            % {"count": count},
        )
    else:
        current = sessions.current_id(request)
        session = get_object_or_404(
            sessions.active(user).exclude(pk=current or 0),
            pk=int(choice) if choice.isdigit() else 0,
        )
        sessions.end(by=user, session=session, note="session ended by the user")
        messages.success(request, _("The session has been ended."))
    return redirect("accounts:security")


@signed_in
def confirm_password(request: HttpRequest) -> HttpResponse:
    """Type the password again before a sensitive action, then go on to it."""
    target = reauth.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    target = target or reverse(settings.LOGIN_REDIRECT_URL)
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST":
        if ratelimit.exceeded(request, "accounts:reauth"):
            return ratelimit.too_many_requests(request, "accounts:reauth")
        if form.is_valid():
            if reauth.confirm(request, form.cleaned_data["password"]):
                return HttpResponseRedirect(target)
            if not request.user.is_authenticated:  # locked out by too many wrong passwords
                return redirect(settings.LOGIN_URL)
            form.add_error("password", _("This is not your password. Try again."))
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": target, "minutes": reauth.max_age_seconds() // 60},
    )


@require_POST
@signed_in
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.success(request, _("You are signed out."))
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    response.delete_cookie(SESSION_MARKER_COOKIE)
    return response


@signed_in
class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session signed in (new key)
        sessions.touch(self.request)
        sessions.end_others(self.request, form.user, note="other sessions ended: password changed")
        messages.success(self.request, _("Your password has been changed."))
        return response


@requires(Permission.USER_MANAGE)
def user_list(request: HttpRequest) -> HttpResponse:
    admin: User = request.user  # type: ignore[assignment]
    users = User.objects.manageable_by(admin).select_related("centre")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    with_device = set(
        twofactor.TOTPDevice.objects.filter(confirmed=True, user__in=page.object_list).values_list(
            "user_id", flat=True
        )
    )
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "query": query,
            "page_query": urlencode({"q": query}) if query else "",
            "with_device": with_device,
        },
    )


@requires(Permission.USER_MANAGE)
@requires_recent_auth
def user_create(request: HttpRequest) -> HttpResponse:
    admin: User = request.user  # type: ignore[assignment]
    form = NewUserForm(request.POST or None, admin=admin)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password"}
        user = services.create_user(by=admin, data=data, password=form.cleaned_data["password"])
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@requires(Permission.USER_MANAGE)
@requires_recent_auth
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin: User = request.user  # type: ignore[assignment]
    user = get_object_or_404(User.objects.manageable_by(admin), pk=pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk), admin=admin)
    if request.method == "POST" and form.is_valid():
        services.update_user(by=admin, user=user, data=form.cleaned_data)
        messages.success(request, _("Account %(name)s saved.") % {"name": user.username})
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": user, "has_device": twofactor.has_authenticator(user)},
    )


@require_POST
@requires(Permission.USER_MANAGE)
@requires_recent_auth
def user_reset_2fa(request: HttpRequest, pk: int) -> HttpResponse:
    admin: User = request.user  # type: ignore[assignment]
    user = get_object_or_404(User.objects.manageable_by(admin), pk=pk)
    services.reset_second_factor(by=admin, user=user)
    messages.success(
        request,
        _(
            "The second factor of %(name)s has been removed: they will set up a new one "
            "at their next sign-in."
        )
        % {"name": user.username},
    )
    return redirect("accounts:user_edit", pk=user.pk)


@requires(Permission.USER_MANAGE)
def user_review(request: HttpRequest) -> HttpResponse:
    """Accounts to look at: open without a second factor, or not used for 90 days."""
    admin: User = request.user  # type: ignore[assignment]
    return render(request, "accounts/user_review.html", {"review": services.review(admin)})
