"""Respondents (who replies), their dated names, and the people who act for them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.jobs import Job


class Respondent(models.Model):
    """A Member State, observer State, group of States or organization that replies.

    Kinds are declared in the order UN documents list them; ``KIND_ORDER`` is what lists sort by.
    """

    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", "Member State"
        OBSERVER_STATE = "observer_state", "Observer State"
        OBSERVER_ENTITY = "observer_entity", "Observer entity"
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
        """Its name today, else the last name it had (a dissolved body): never its code."""
        name = self.current_name()
        if name is None:
            names = sorted(
                self.names.all(), key=lambda n: n.valid_to or datetime.date.max, reverse=True
            )
            name = names[0] if names else None
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
    kind = models.CharField(
        "kind while this name is in force",
        max_length=20,
        choices=Respondent.Kind.choices,
        blank=True,
        default="",
        help_text="Empty: the respondent's kind. Palestine was an observer entity until "
        "28 November 2012, an observer State since.",
    )
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


LANGUAGES_CHOICES = [
    ("ar", "Arabic"),
    ("zh", "Chinese"),
    ("en", "English"),
    ("fr", "French"),
    ("ru", "Russian"),
    ("es", "Spanish"),
]


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
    # The language the person corresponds in (reminders use its text when the questionnaire
    # has one); empty: English.
    language = models.CharField(max_length=5, choices=LANGUAGES_CHOICES, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["respondent", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "respondent"], name="one_membership_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.respondent}"


LANGUAGES = LANGUAGES_CHOICES
RTL_LANGUAGES = {"ar"}


def text_in(texts: dict[str, str], language: str, fallback: str = "en") -> str:
    """A text in the language asked for, else in the fallback, else in any language."""
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()), "")


class Questionnaire(models.Model):
    """A questionnaire sent under a mandate by note verbale.

    Its sections and questions are frozen once it is dispatched: changing them afterwards is an
    explicit ``QuestionnaireRevision``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        DISPATCHED = "dispatched", "Dispatched"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=300)
    mandate_symbol = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text='e.g. "Economic and Social Council resolution 2006/27"',
    )
    mandate_title = models.CharField(max_length=500, blank=True, default="")
    reference = models.CharField(
        "note verbale reference",
        max_length=100,
        blank=True,
        default="",
        help_text="Reference of the note verbale that sends the questionnaire.",
    )
    sent_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(help_text="Replies asked for by this date.")
    cutoff = models.DateField(
        help_text="The report is based on replies received by this date.",
    )
    languages = models.JSONField(default=list, help_text='Language codes, e.g. ["en", "fr"].')
    reminder_days_before = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Send reminders this many days before the deadline (empty: none).",
    )
    reminder_texts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The reminder's text per language code, with the placeholders {respondent}, "
        "{deadline} and {link}; empty: the standard text.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-deadline", "title"]
        constraints = [
            models.CheckConstraint(
                name="questionnaire_cutoff_after_deadline",
                condition=Q(cutoff__gte=models.F("deadline")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        """Replies can be drafted, submitted and amended."""
        return self.status == self.Status.DISPATCHED


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    number = models.CharField(
        max_length=10, help_text='"A", "B": computed from the order by authoring.renumber.'
    )
    title = models.JSONField(default=dict, help_text="Title per language code.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {text_in(self.title, 'en')}"


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        YES_NO = "yes_no", "Yes / no"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        NUMBER = "number", "Number"
        TABLE = "table", "Statistical table"
        FILE = "file", "File"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    number = models.CharField(
        max_length=20,
        help_text='"1", "2 (a)": computed from the order by authoring.renumber, never typed.',
    )
    order = models.PositiveIntegerField(default=0)
    sub = models.BooleanField(
        "sub-question",
        default=False,
        help_text='A sub-question of the question before it, numbered "2 (a)", "2 (b)".',
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.JSONField(default=dict, help_text="Question text per language code.")
    help_text = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            'Choices: {"choices": [{"value": "v", "label": {"en": "…"}}]}; '
            'table: {"rows": [{"key": "2005", "label": {…}}], "columns": [...]}; '
            'number: {"min": 0, "max": null, "integer": true}.'
        ),
    )
    condition_question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependants",
        help_text="Show this question only when that earlier question …",
    )
    condition_values = models.JSONField(
        default=list, blank=True, help_text="… was answered with one of these values."
    )

    class Meta:
        ordering = ["section__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {text_in(self.text, 'en')[:60]}"


class QuestionnaireRevision(models.Model):
    """A recorded change to a dispatched questionnaire, with what it was before."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    reason = models.TextField()
    before = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["questionnaire", "number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="one_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire}, revision {self.number}"


class Reply(models.Model):
    """One respondent's reply to one questionnaire; created for every recipient at dispatch."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        REOPENED = "reopened", "Reopened for amendment"

    class ReviewState(models.TextChoices):
        RECEIVED = "received", "Received"
        CLARIFICATION = "clarification", "Clarification requested"
        ACCEPTED = "accepted", "Accepted"

    class Channel(models.TextChoices):
        PORTAL = "portal", "Filed in the portal"
        NOTE_VERBALE = "note_verbale", "Received by note verbale"
        EMAIL = "email", "Received by e-mail"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="replies"
    )
    respondent = models.ForeignKey(Respondent, on_delete=models.PROTECT, related_name="replies")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    review_state = models.CharField(
        max_length=20, choices=ReviewState.choices, blank=True, default=""
    )
    received_on = models.DateField(null=True, blank=True, help_text="Date of the first submission.")
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True, default="")
    include_after_cutoff = models.BooleanField(
        default=False,
        help_text="Received after the cut-off but included in the report all the same.",
    )
    withdrawn = models.BooleanField(default=False)
    dispatch_reference = models.CharField(max_length=100, blank=True, default="")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "respondent"]
        verbose_name_plural = "replies"
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent"], name="one_reply_per_respondent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.respondent} – {self.questionnaire}"

    @property
    def is_submitted(self) -> bool:
        return self.received_on is not None and self.status == self.Status.SUBMITTED

    @property
    def is_late(self) -> bool:
        return self.received_on is not None and self.received_on > self.questionnaire.deadline

    @property
    def in_report(self) -> bool:
        """Counts for the report: received by the cut-off, or included by the secretariat."""
        return (
            self.received_on is not None
            and not self.withdrawn
            and (self.received_on <= self.questionnaire.cutoff or self.include_after_cutoff)
        )


class Answer(models.Model):
    """The current (draft or last submitted) answer to one question.

    ``version`` increases with every save: a save that names an older version is refused, so
    two people editing the same answer never overwrite each other silently.
    """

    class State(models.TextChoices):
        ANSWERED = "answered", "Answered"
        NOT_KNOWN = "not_known", "Not known"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    state = models.CharField(max_length=20, choices=State.choices, default=State.ANSWERED)
    value = models.JSONField(null=True, blank=True)
    restricted = models.BooleanField(
        default=False, help_text="Not for publication: secretariat only, never exported or printed."
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reply", "question"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "question"], name="one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.reply} – {self.question.number}"


def attachment_path(instance: Attachment, filename: str) -> str:
    reply = instance.reply
    return f"attachments/{reply.questionnaire_id}/{reply.respondent_id}/{instance.sha256}"


class Attachment(models.Model):
    """A document attached to an answer; served only through a permission-checked view."""

    class TextStatus(models.TextChoices):
        PENDING = "pending", "text not extracted yet"
        EXTRACTED = "extracted", "text extracted"
        NONE = "none", "no text to extract"
        FAILED = "failed", "text could not be extracted"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="attachments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    extracted_text = models.TextField(blank=True, default="")
    # Extraction runs after the upload, in a worker (surveys.replies.extraction): until then
    # "pending"; a file whose text could not be read keeps its reason here, for the secretariat.
    text_status = models.CharField(
        max_length=10, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_problem = models.CharField(max_length=300, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # When the watchdog sent the text-extraction task again (its first message was lost).
    extraction_resent_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reply", "question", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Revision(models.Model):
    """What a reply said when it was submitted: written once, never changed."""

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    answers = models.JSONField(help_text="Question id → {state, value, restricted, attachments}.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=20, choices=Reply.Channel.choices)
    on_behalf = models.BooleanField(
        default=False, help_text="Entered by the secretariat for the respondent."
    )
    received_on = models.DateField()
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["reply", "number"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "number"], name="one_revision_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.reply}, revision {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A revision is immutable once written.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("A revision is immutable and is never deleted.")


class EmailLog(models.Model):
    """Every e-mail Verbale sends, visible to the secretariat.

    Written when the message is composed (``sent_at``) and queued; the ``surveys.send_email``
    task sends it, trying again on SMTP errors, and records the outcome: sent, or failed with
    the reason (``error``, which while it is queued is that of the last attempt)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        ACTIVATION = "activation", "Activation link"
        INVITATION = "invitation", "Invitation to reply"
        REMINDER = "reminder", "Reminder"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of receipt"
        CLARIFICATION = "clarification", "Clarification"
        HANDOFF = "handoff", "Ready for clearance or sent back"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    questionnaire = models.ForeignKey(
        Questionnaire, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    respondent = models.ForeignKey(
        Respondent, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    # The reply the message is about (an invitation, a reminder): the log links to it.
    reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the watchdog sent the task again because no worker had tried it (a lost message).
    resent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}"


class Activation(models.Model):
    """A one-time link by which a nominee sets a password; expires, can be sent again."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="activations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Activation for {self.membership}"


class ClarificationMessage(models.Model):
    """A message in the thread about one answer: the secretariat asks, the focal point answers."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="clarifications")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reply", "question", "created_at"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:60]}"


class Handoff(models.Model):
    """The delegation's own step before clearance: an expert hands the draft to the focal
    points ("ready for clearance"), or a focal point sends it back with a comment. Kept as a
    history; the workspace shows the last step since the last submission."""

    class Kind(models.TextChoices):
        READY = "ready", "Ready for clearance"
        RETURNED = "returned", "Sent back"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="handoffs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["reply", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by}"


# --- Reviewer workspace: search entries and export jobs ------------------------------------------


class SearchEntry(models.Model):
    """One searchable passage of what reviewers may read: a published answer of the last
    submitted revision of a reply, or the text extracted from a file published with it.

    Denormalised on purpose (respondent, questionnaire, question number) so that a search is one
    indexed query. Rebuilt by ``surveys.review.search`` whenever what is published changes: a
    submission, a change of restriction, a file's text extracted. Nothing here is ever a draft or
    a restricted answer. ``vector`` is filled on PostgreSQL only (full-text search with a GIN
    index); elsewhere the search falls back to matching ``text``.
    """

    class Source(models.TextChoices):
        ANSWER = "answer", "Answer"
        ATTACHMENT = "attachment", "Attached file"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="search_entries")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entries"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="+")
    revision_number = models.PositiveIntegerField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ANSWER)
    question_number = models.CharField(max_length=20)
    question_order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    vector = SearchVectorField(null=True, blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reply", "question_order", "pk"]
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["questionnaire", "respondent"])]

    def __str__(self) -> str:
        return f"{self.reply_id} / {self.question_number}: {self.text[:60]}"


class ExportJob(Job):
    """An export of published replies (CSV, XLSX, JSON, or their attachments as a ZIP).

    Made by a Celery task that records its progress here; ``fingerprint`` identifies the data the
    file was made from, so that asking again for unchanged data reuses the file. The
    watchdog (``portal.jobs``) fails a job whose worker is gone, with the reason.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV, one row per answer"
        CSV_WIDE = "csv_wide", "CSV, one row per reply"
        XLSX = "xlsx", "Excel (XLSX)"
        JSON = "json", "JSON"
        ZIP = "zip", "Attachments (ZIP)"

    format = models.CharField(max_length=10, choices=Format.choices)
    options = models.JSONField(default=dict, help_text="The browse filter the export was made of.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    row_count = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="exports/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True, default="")
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["format", "fingerprint", "status"])]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export {self.pk} ({self.get_status_display()})"
