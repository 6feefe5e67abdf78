"""The demo dataset: accounts for every role, on the 2007 questionnaire cycle.

Idempotent: running it again updates what it made and creates nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from surveys.models import Membership, Respondent

from .models import User

DEMO_PASSWORD = "demo-verbale-2008"  # noqa: S105 - printed on purpose: demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str = ""
    respondent_code: str = ""
    membership_role: str = ""
    what: str = ""


DEMO_ACCOUNTS = [
    DemoAccount(
        "secretariat@verbale.test",
        "Amina Haddad",
        role=User.Role.SECRETARIAT,
        what="secretariat: questionnaires, coding, reports",
    ),
    DemoAccount(
        "reviewer@verbale.test",
        "Lars Nilsson",
        role=User.Role.REVIEWER,
        what="reviewer: submitted replies only",
    ),
    DemoAccount(
        "focal.point@elsalvador.verbale.test",
        "Carmen Rivas",
        respondent_code="SLV",
        membership_role=Membership.Role.FOCAL_POINT,
        what="focal point of El Salvador",
    ),
    DemoAccount(
        "expert@elsalvador.verbale.test",
        "Jorge Molina",
        respondent_code="SLV",
        membership_role=Membership.Role.EXPERT,
        what="expert of El Salvador (drafts)",
    ),
    DemoAccount(
        "observer@elsalvador.verbale.test",
        "Lucía Ferrer",
        respondent_code="SLV",
        membership_role=Membership.Role.OBSERVER,
        what="observer of El Salvador (reads)",
    ),
    DemoAccount(
        "focal.point@estonia.verbale.test",
        "Kadri Tamm",
        respondent_code="EST",
        membership_role=Membership.Role.FOCAL_POINT,
        what="focal point of Estonia",
    ),
]


def ensure_demo_allowed() -> None:
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "The demo data has known passwords: it loads only with DJANGO_DEBUG on."
        )


@transaction.atomic
def load_demo_accounts() -> list[User]:
    users = []
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            email=account.email,
            defaults={
                "full_name": account.full_name,
                "role": account.role,
                "is_active": True,
                "is_staff": account.role == User.Role.SECRETARIAT,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if account.respondent_code:
            respondent = Respondent.objects.get(code=account.respondent_code)
            Membership.objects.update_or_create(
                user=user,
                respondent=respondent,
                defaults={
                    "role": account.membership_role,
                    "is_active": True,
                    "nomination_reference": "Demo nomination",
                },
            )
        users.append(user)
    return users


def login_lines() -> list[str]:
    width = max(len(a.email) for a in DEMO_ACCOUNTS)
    return [f"  {a.email.ljust(width)}  {DEMO_PASSWORD}   {a.what}" for a in DEMO_ACCOUNTS]
