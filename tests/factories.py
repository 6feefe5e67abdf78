"""factory_boy factories for the whole suite."""

from __future__ import annotations

import datetime

import factory

from portal.models import User
from surveys.models import Membership, Respondent, RespondentName


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@verbale.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            obj.save()


class SecretariatFactory(UserFactory):
    role = User.Role.SECRETARIAT


class ReviewerFactory(UserFactory):
    role = User.Role.REVIEWER


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:02d}")
    kind = Respondent.Kind.MEMBER_STATE
    regional_group = Respondent.RegionalGroup.WESTERN_EUROPEAN_OTHER

    @factory.post_generation
    def name(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        """RespondentFactory(name="Ruritania") gives it one open-ended name; name=False none."""
        if create and extracted is not False:
            label = extracted or f"Testland {obj.code}"
            RespondentNameFactory(respondent=obj, list_name=label, text_name=label, sort_key=label)


class RespondentNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RespondentName

    respondent = factory.SubFactory(RespondentFactory, name=False)
    list_name = "Ruritania"
    text_name = "Ruritania"
    sort_key = "Ruritania"
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    respondent = factory.SubFactory(RespondentFactory)
    role = Membership.Role.FOCAL_POINT
