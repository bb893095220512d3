from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from aksalarasa.accounts import selectors, services
from aksalarasa.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    PreferencesForm,
    StaffCreateForm,
    StaffForm,
)
from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.accounts.models import User
from aksalarasa.accounts.roles import GRANTABLE_BY_OFFICE
from aksalarasa.core.concurrency import save_versioned_form
from aksalarasa.core.history import history_for

PENDING_USER = "aks_pending_2fa_user"
PENDING_BACKEND = "aks_pending_2fa_backend"
PENDING_NEXT = "aks_pending_next"
PENDING_FAILURES = "aks_pending_failures"
MAX_OTP_FAILURES = 5


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("core:home")


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next")
    if request.method == "POST" and form.is_valid():
        # One name per account for django-axes, whichever spelling was typed (see the selector).
        name = selectors.login_name_canonical(form.cleaned_data["username"])
        user = authenticate(request, username=name, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The username/e-mail or the password is not correct."))
        elif services.second_factor_enabled(user):
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            request.session[PENDING_NEXT] = _safe_next(request, next_url)
            request.session[PENDING_FAILURES] = 0
            return redirect("accounts:login_verify")
        else:
            login(request, user)
            return redirect(_safe_next(request, next_url))
    return render(request, "accounts/login.html", {"form": form, "next": next_url or ""})


@sensitive_post_parameters("token")
def login_verify(request: HttpRequest) -> HttpResponse:
    """Second step of login: a TOTP code or a one-time recovery code."""
    pk = request.session.get(PENDING_USER)
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            next_url = request.session.get(PENDING_NEXT) or reverse("core:home")
            login(request, user, backend=request.session.get(PENDING_BACKEND))
            otp_login(request, device)
            if device.persistent_id.startswith("otp_static"):
                messages.warning(request, _("You used a recovery code. Each code works only once."))
            return redirect(next_url)
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        # Counted by django-axes like a wrong password, so guessing codes leads to lock-out too.
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        if failures >= MAX_OTP_FAILURES:
            for key in (PENDING_USER, PENDING_BACKEND, PENDING_NEXT, PENDING_FAILURES):
                request.session.pop(key, None)
            messages.error(request, _("Too many wrong codes. Log in again."))
            return redirect("accounts:login")
        form.add_error(
            "token", _("That code is not valid. Check your authenticator app's clock and try again.")
        )
    return render(request, "accounts/login_verify.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_preferences_save(user=user, data=form.cleaned_data)
        messages.success(request, _("Preferences saved."))
        return redirect("accounts:profile")
    context = {
        "form": form,
        "second_factor": services.second_factor_enabled(user),
        "tokens": selectors.api_token_list(viewer=user),
        "token_form": ApiTokenForm(),
    }
    return render(request, "accounts/profile.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_changed(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def second_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, confirm with one code, keep the recovery codes."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if request.method == "GET" or device is None:
        device = services.totp_device_pending(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_confirm(device=device, token=form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error(
            "token", _("That code is not valid. Scan the QR code again and enter the current code.")
        )
    qr = segno.make(device.config_url, micro=False).svg_inline(
        scale=4, title=_("QR code for your authenticator app")
    )
    return render(
        request, "accounts/second_factor_setup.html", {"form": form, "qr": qr, "secret": _b32(device)}
    )


def _b32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@require_POST
@login_required
def recovery_codes_new(request: AuthedRequest) -> HttpResponse:
    if not services.second_factor_enabled(request.user):
        raise Http404
    codes = services.recovery_codes_regenerate(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@require_POST
@login_required
def second_factor_disable(request: AuthedRequest) -> HttpResponse:
    if request.user.needs_second_factor:
        messages.error(
            request, _("Your office requires two-factor login for your role; it cannot be turned off.")
        )
    else:
        services.second_factor_disable(user=request.user)
        messages.success(request, _("Two-factor login is off."))
    return redirect("accounts:profile")


@require_POST
@login_required
def api_token_create(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/api_token_created.html", {"token": token, "raw": raw})


@require_POST
@login_required
def api_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.api_token_list(viewer=request.user), pk=pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")


# Staff management (office heads and administrators of the office).


def _can_browse_staff(user: User) -> bool:
    return user.is_superuser or user.can_manage_staff or user.has_role("section_head", "national", "regional")


@login_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    if not _can_browse_staff(request.user):
        raise Http404
    # NUL cannot reach PostgreSQL (it refuses such text); nobody types one in a name.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    staff = selectors.staff_list(
        viewer=request.user, query=query, include_inactive=request.user.can_manage_staff
    )
    template = "accounts/_staff_rows.html" if request.htmx else "accounts/staff_list.html"
    return render(
        request, template, {"staff": staff[:500], "q": query, "can_manage": request.user.can_manage_staff}
    )


@login_required
def staff_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if not _can_browse_staff(request.user):
        raise Http404
    member = selectors.staff_get_for_viewer(viewer=request.user, pk=pk)
    context = {
        "member": member,
        "can_manage": selectors.staff_manageable_by(viewer=request.user, user=member),
        "history": history_for(member),
    }
    return render(request, "accounts/staff_detail.html", context)


@sensitive_post_parameters("password")
@login_required
def staff_create(request: AuthedRequest) -> HttpResponse:
    office_id = request.user.office_id
    if office_id is None or not request.user.can_manage_staff:
        raise Http404
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = services.staff_create(
            actor=request.user,
            office_id=office_id,
            data=form.cleaned_data,
            roles=form.cleaned_data["roles"],
            password=form.cleaned_data["password"],
        )
        messages.success(request, _("Account created for %(name)s.") % {"name": member.full_name})
        return redirect("accounts:staff_detail", pk=member.pk)
    return render(request, "accounts/staff_form.html", {"form": form, "member": None})


@login_required
def staff_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.staff_get_for_viewer(viewer=request.user, pk=pk)
    if not selectors.staff_manageable_by(viewer=request.user, user=member):
        raise Http404
    form = StaffForm(request.POST or None, instance=member, grantable=GRANTABLE_BY_OFFICE)

    def save(*, data: dict, expected_version: int) -> None:
        services.staff_update(
            actor=request.user,
            user=member,
            data=data,
            roles=data["roles"],
            expected_version=expected_version,
            grantable=GRANTABLE_BY_OFFICE,
        )

    if request.method == "POST" and save_versioned_form(request, form, save, success=_("Changes saved.")):
        return redirect("accounts:staff_detail", pk=member.pk)
    return render(request, "accounts/staff_form.html", {"form": form, "member": member})


@require_POST
@login_required
def staff_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.staff_get_for_viewer(viewer=request.user, pk=pk)
    if not selectors.staff_manageable_by(viewer=request.user, user=member) or member.pk == request.user.pk:
        raise Http404
    password = services.staff_reset_password(actor=request.user, user=member)
    return render(request, "accounts/staff_password_reset.html", {"member": member, "password": password})
