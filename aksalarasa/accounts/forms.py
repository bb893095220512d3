from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.models import User
from aksalarasa.accounts.roles import GRANTABLE_BY_OFFICE, Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("Your current password is not correct."))
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", _("The two new passwords differ."))
        elif new1:
            try:
                validate_password(new1, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language", "phone"]


def _role_choices(grantable: tuple[str, ...]) -> list[tuple[str, str | Promise]]:
    return [(role.value, role.label) for role in Role if role in grantable]


class StaffForm(forms.ModelForm):
    """Create or edit a colleague in one's own office."""

    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple, required=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "nip", "phone", "section", "officer_grade", "is_active"]
        labels = {"is_active": _("Account active")}

    def __init__(self, *args, grantable: tuple[str, ...] = GRANTABLE_BY_OFFICE, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.grantable = grantable
        cast(forms.ChoiceField, self.fields["roles"]).choices = _role_choices(grantable)
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.initial.setdefault("roles", [r for r in self.instance.roles if r in grantable])
            self.initial.setdefault("version", self.instance.version)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        # Login matches usernames case-insensitively, so 'Budi' and 'budi' cannot both exist.
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(User._meta.get_field("username").error_messages["unique"])
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "").strip()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        roles = data.get("roles") or []
        if Role.SECTION_HEAD in roles and not data.get("section"):
            self.add_error("section", _("A section head needs a section (BKD or BKA)."))
        if Role.OFFICER in roles and not data.get("officer_grade"):
            self.add_error("officer_grade", _("A probation officer needs a grade."))
        return data


class StaffCreateForm(StaffForm):
    password = forms.CharField(
        label=_("First password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The person must change it at first login."),
    )

    def clean(self) -> dict:
        data = super().clean()
        password = data.get("password")
        if password:
            # The person being created, so the similarity check compares with their name and e-mail.
            candidate = User(
                **{name: data.get(name, "") for name in ("username", "full_name", "email", "nip")}
            )
            try:
                validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("What the token is for, e.g. 'laptop script'.")
    )
