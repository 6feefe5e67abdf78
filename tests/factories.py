"""factory_boy factories for the whole suite."""

from __future__ import annotations

import datetime
import unicodedata

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
    # Hashed before the first save: setting it on a saved account would be a password change
    # (which ends API tokens and is an entry of the audit trail). None: no usable password.
    password = factory.django.Password("correct-horse-battery")


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


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def renamed_respondent(
    code: str, before: str, after: str, renamed_on: datetime.date, **kwargs: object
) -> Respondent:
    """A respondent known as ``before`` until the day before ``renamed_on``, then ``after``."""
    respondent = RespondentFactory(code=code, name=False, **kwargs)
    RespondentNameFactory(
        respondent=respondent,
        list_name=before,
        text_name=before,
        sort_key=_ascii(before),
        valid_to=renamed_on - datetime.timedelta(days=1),
    )
    RespondentNameFactory(
        respondent=respondent,
        list_name=after,
        text_name=after,
        sort_key=_ascii(after),
        valid_from=renamed_on,
    )
    return respondent


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    respondent = factory.SubFactory(RespondentFactory)
    role = Membership.Role.FOCAL_POINT


def build_questionnaire(*, by: User | None = None, dispatch_to=(), **fields):  # type: ignore[no-untyped-def]
    """A questionnaire with one question of every kind (and a conditional one), built through
    the services as the secretariat would; dispatched to ``dispatch_to`` when given."""
    from surveys.questionnaires import authoring, dispatch

    by = by or SecretariatFactory()
    values = {
        "title": "Trafficking in persons: measures taken",
        "mandate_symbol": "Economic and Social Council resolution 2006/27",
        "reference": "CU 2007/212",
        "deadline": datetime.date(2007, 12, 15),
        "cutoff": datetime.date(2008, 1, 24),
        "languages": ["en", "fr"],
        "reminder_days_before": 7,
        **fields,
    }
    q = authoring.create_questionnaire(by=by, **values)
    a = authoring.add_section(
        questionnaire=q,
        by=by,
        number="A",
        title={"en": "Ratification and legislation", "fr": "Ratification"},
    )
    b = authoring.add_section(questionnaire=q, by=by, number="B", title="Enforcement")
    ratified = authoring.add_question(
        section=a,
        by=by,
        number="1",
        kind="yes_no",
        required=True,
        text={"en": "Has your State ratified the Protocol?", "fr": "Votre État a-t-il ratifié ?"},
    )
    authoring.add_question(
        section=a,
        by=by,
        number="1 (a)",
        kind="number",
        text="In which year?",
        options={"integer": True, "min": 2000, "max": 2008},
        condition_question=ratified,
        condition_values=["yes"],
        required=True,
    )
    authoring.add_question(
        section=a,
        by=by,
        number="2",
        kind="text",
        required=True,
        text="Describe the offences in your criminal code.",
    )
    authoring.add_question(
        section=a,
        by=by,
        number="3",
        kind="single_choice",
        text="Stage of legislation",
        options={
            "choices": [
                {"value": "adopted", "label": {"en": "Adopted"}},
                {"value": "draft", "label": {"en": "In draft"}},
            ]
        },
    )
    authoring.add_question(
        section=b,
        by=by,
        number="4",
        kind="multiple_choice",
        text="Which units exist?",
        options={
            "choices": [
                {"value": "police", "label": {"en": "Specialized police"}},
                {"value": "prosecution", "label": {"en": "Prosecution unit"}},
                {"value": "border", "label": {"en": "Border unit"}},
            ]
        },
    )
    authoring.add_question(
        section=b,
        by=by,
        number="5",
        kind="table",
        text="Cases by year",
        options={
            "rows": [
                {"key": "2005", "label": {"en": "2005"}},
                {"key": "2006", "label": {"en": "2006"}},
                {"key": "2007", "label": {"en": "2007"}},
            ],
            "columns": [
                {"key": "investigated", "label": {"en": "Cases investigated"}},
                {"key": "arrested", "label": {"en": "Persons arrested"}},
                {"key": "prosecuted", "label": {"en": "Persons prosecuted"}},
            ],
        },
    )
    authoring.add_question(
        section=b, by=by, number="6", kind="file", text="Attach the relevant legislation."
    )
    if dispatch_to:
        dispatch.dispatch_questionnaire(
            questionnaire=q,
            by=by,
            respondents=list(dispatch_to),
            reference="CU 2007/212",
            sent_on=datetime.date(2007, 11, 12),
        )
        q.refresh_from_db()
    return q


def question(questionnaire, number):  # type: ignore[no-untyped-def]
    from surveys.models import Question

    return Question.objects.get(section__questionnaire=questionnaire, number=number)
