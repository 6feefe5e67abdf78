"""Accounts: people are known by their e-mail address and carry at most one office-wide role.

Focal points, experts and observers have no office-wide role: what they may do comes from
their memberships of respondents (``surveys.Membership``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", User.Role.SECRETARIAT)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        NONE = "", "Respondent staff (by membership)"
        SECRETARIAT = "secretariat", "Secretariat"
        REVIEWER = "reviewer", "Reviewer"

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True, default=Role.NONE)
    is_staff = models.BooleanField(
        default=False, help_text="May use the Django admin (secretariat administrators only)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self._password_changed = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a new password ends the API tokens obtained with the old one (and says so in
        the audit trail), whichever way it was set: activation, change, reset, the admin."""
        update_fields = kwargs.get("update_fields")
        saves_password = update_fields is None or "password" in update_fields
        changed = (
            saves_password
            and self.__dict__.get("_password_changed", False)
            and not self._state.adding  # a new account has no tokens yet
        )
        super().save(*args, **kwargs)
        if saves_password:
            self._password_changed = False
        if changed:
            from .accounts import services  # the accounts services import this module

            services.password_changed(user=self)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and self.role == self.Role.SECRETARIAT

    @property
    def is_reviewer(self) -> bool:
        return self.is_active and self.role == self.Role.REVIEWER
