"""Respondents (who replies), their dated names, and the people who act for them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Respondent(models.Model):
    """A Member State, observer State, group of States or organization that replies.

    Kinds are declared in the order UN documents list them; ``KIND_ORDER`` is what lists sort by.
    """

    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", "Member State"
        OBSERVER_STATE = "observer_state", "Observer State"
        GROUP_OF_STATES = "group_of_states", "Group of States"
        UN_ENTITY = "un_entity", "United Nations entity"
        IGO = "igo", "Intergovernmental organization"
        NGO = "ngo", "Non-governmental organization"

    class RegionalGroup(models.TextChoices):
        AFRICAN = "african", "African States"
        ASIA_PACIFIC = "asia_pacific", "Asia-Pacific States"
        EASTERN_EUROPEAN = "eastern_european", "Eastern European States"
        LATIN_AMERICAN_CARIBBEAN = "latin_american_caribbean", "Latin American and Caribbean States"
        WESTERN_EUROPEAN_OTHER = "western_european_other", "Western European and other States"

    STATE_KINDS = (Kind.MEMBER_STATE, Kind.OBSERVER_STATE)

    code = models.CharField(
        max_length=32,
        unique=True,
        help_text="Stable key: ISO 3166 alpha-3 for States, a short upper-case key otherwise.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    regional_group = models.CharField(
        max_length=30, choices=RegionalGroup.choices, blank=True, default=""
    )
    m49 = models.CharField("M49 code", max_length=3, blank=True, default="")
    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, blank=True, default="")
    count_singular = models.CharField(
        max_length=80,
        blank=True,
        default="",
        help_text='Noun used when counting this respondent, e.g. "regional organization".',
    )
    count_plural = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="respondent_count_noun_pair",
                condition=(Q(count_singular="") & Q(count_plural=""))
                | (~Q(count_singular="") & ~Q(count_plural="")),
            ),
        ]

    def __str__(self) -> str:
        name = self.current_name()
        return name.list_name if name else self.code

    @property
    def is_state(self) -> bool:
        return self.kind in self.STATE_KINDS

    def name_on(self, on: datetime.date) -> RespondentName | None:
        """The name in force on a date; uses prefetched ``names`` when present."""
        for name in self.names.all():
            if name.is_valid_on(on):
                return name
        return None

    def current_name(self) -> RespondentName | None:
        return self.name_on(timezone.localdate())


class RespondentName(models.Model):
    """One name of a respondent and the dates it was in force (both inclusive)."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="names")
    list_name = models.CharField(max_length=200, help_text='As printed in a bare list: "Niger".')
    text_name = models.CharField(
        max_length=210, help_text='As printed inside a sentence: "the Niger".'
    )
    short_name = models.CharField(
        max_length=120, blank=True, default="", help_text='Later mentions: "United Kingdom".'
    )
    abbreviation = models.CharField(max_length=40, blank=True, default="")
    sort_key = models.CharField(
        max_length=200, help_text="What UN lists sort this name by (data, not a computation)."
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(
        max_length=300, blank=True, default="", help_text="Where the dates come from."
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["respondent", "valid_from"]
        constraints = [
            models.CheckConstraint(
                name="respondent_name_dates_in_order",
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
            ),
        ]

    def __str__(self) -> str:
        return self.list_name

    def is_valid_on(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


class Membership(models.Model):
    """A person nominated by a respondent, with the role they play inside it."""

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", "Focal point"
        EXPERT = "expert", "Expert"
        OBSERVER = "observer", "Observer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    respondent = models.ForeignKey(Respondent, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    nomination_reference = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="The note verbale or letter by which the government nominated this person.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["respondent", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "respondent"], name="one_membership_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.respondent}"
