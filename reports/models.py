"""Reports of the Secretary-General, their text, the attribution sets they cite, and builds.

A report is edited as rows (sections, paragraphs) so that paragraphs can be reordered and moved
between sections without rewriting text; what prints is decided only when a build freezes the
rows into a snapshot (``reports.selectors.report_snapshot``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from portal.jobs import Job

# Keys an attribution set may not take because the markup gives them a meaning of their own.
RESERVED_KEYS = frozenset({"replies"})

key_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lower-case letters, digits and single hyphens, e.g. police-units.",
)


class Report(models.Model):
    """A draft document of the secretariat (a report of the Secretary-General, a note by the
    Secretariat, a background paper, a conference room paper) and its masthead."""

    class DocumentType(models.TextChoices):
        SG_REPORT = "sg_report", "Report of the Secretary-General"
        NOTE = "note", "Note by the Secretariat"
        BACKGROUND_PAPER = "background_paper", "Background paper"
        CRP = "crp", "Conference room paper"

    class Organ(models.TextChoices):
        GENERAL_ASSEMBLY = "General Assembly", "General Assembly"
        ECOSOC = "Economic and Social Council", "Economic and Social Council"
        SECURITY_COUNCIL = "Security Council", "Security Council"

    class Distribution(models.TextChoices):
        GENERAL = "General", "General"
        LIMITED = "Limited", "Limited"
        RESTRICTED = "Restricted", "Restricted"

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        LETTER = "Letter", "US Letter"

    organ = models.CharField(max_length=60, choices=Organ.choices, default=Organ.ECOSOC)
    subsidiary_body = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text='e.g. "Commission on Crime Prevention and Criminal Justice"',
    )
    session = models.CharField(
        max_length=120, blank=True, default="", help_text='e.g. "Seventeenth session"'
    )
    place_and_dates = models.CharField(
        max_length=120, blank=True, default="", help_text='e.g. "Vienna, 14–18 April 2008"'
    )
    agenda_item = models.CharField(
        "agenda item number", max_length=30, blank=True, default="", help_text='e.g. "4 (a)"'
    )
    agenda_title = models.TextField("agenda item title", blank=True, default="")
    agenda_symbol = models.CharField(
        "symbol of the provisional agenda",
        max_length=60,
        blank=True,
        default="",
        help_text='Printed as the footnote "* E/CN.15/2008/1." to the agenda item.',
    )
    document_type = models.CharField(
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.SG_REPORT,
        help_text="Shapes the masthead, the running header and the footer.",
    )
    symbol = models.CharField(
        "document symbol",
        max_length=60,
        blank=True,
        default="",
        help_text='e.g. "E/CN.15/2008/9", "E/CN.15/2009/CRP.3"; a background paper may have none.',
    )
    short_title = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="Printed in the running header of a document without a symbol.",
    )
    distribution = models.CharField(
        max_length=20, choices=Distribution.choices, default=Distribution.GENERAL
    )
    date = models.DateField(help_text="Date of the document; names are printed as on this date.")
    original_language = models.CharField(max_length=40, default="English")
    page_size = models.CharField(max_length=10, choices=PageSize.choices, default=PageSize.A4)
    job_number = models.CharField(
        max_length=40, blank=True, default="", help_text="Printed at the foot of page 1, optional."
    )
    title = models.TextField(help_text="The report's title, printed large and bold.")
    subtitle = models.CharField(
        max_length=200,
        blank=True,
        default="Report of the Secretary-General",
        help_text='Printed under the title, e.g. "Note by the Secretariat"; may be empty.',
    )
    summary = models.TextField(
        blank=True, default="", help_text="Optional summary, printed after the title (markup)."
    )
    questionnaires = models.ManyToManyField(
        "surveys.Questionnaire",
        blank=True,
        related_name="reports",
        help_text="The replies to these questionnaires are what the report is based on.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "symbol"]

    def __str__(self) -> str:
        return f"{self.label} – {self.title[:80]}"

    @property
    def label(self) -> str:
        """What names the document on the portal's pages: its symbol, else its short title."""
        return self.symbol or self.short_title or f"Document {self.pk}"

    def clean(self) -> None:
        errors = document_type_errors(self.document_type, self.symbol, self.short_title)
        if errors:
            raise ValidationError(errors)


CRP_SYMBOL = re.compile(r"/CRP\.\d+(?:/|$)")


def document_type_errors(document_type: str, symbol: str, short_title: str) -> dict[str, str]:
    """What a document of this type lacks, by field: every type but a background paper needs
    its symbol (a conference room paper's ends in /CRP.n); a document without a symbol needs a
    short title, which its running header prints instead."""
    types = Report.DocumentType
    symbol = symbol.strip()
    out: dict[str, str] = {}
    if not symbol and document_type != types.BACKGROUND_PAPER:
        label = types(document_type).label if document_type in types.values else "document"
        out["symbol"] = f"A {label[0].lower() + label[1:]} is issued under a symbol, e.g. " + (
            '"E/CN.15/2009/CRP.3".' if document_type == types.CRP else '"E/CN.15/2008/9".'
        )
    elif document_type == types.CRP and not CRP_SYMBOL.search(symbol):
        out["symbol"] = (
            'A conference room paper\'s symbol ends in "/CRP." and its number, '
            'e.g. "E/CN.15/2009/CRP.3".'
        )
    if not symbol and not short_title.strip():
        out["short_title"] = (
            "A document without a symbol needs a short title: the running header prints it."
        )
    return out


class Section(models.Model):
    """A section (I., II.), a subsection (A., B.) when it has a parent, or an annex (whose
    subsections are A., B. within it).

    Within a section its own paragraphs print first, then its subsections, as in the reports
    this series prints (paragraphs 3–4 of section II before "A."). A section may be unnumbered
    (an "Introduction" before chapter I); the composition numbers the others.
    """

    class Kind(models.TextChoices):
        BODY = "body", "Section"
        ANNEX = "annex", "Annex"

    class Generated(models.TextChoices):
        NONE = "", "Nothing generated"
        RESPONDENTS = "respondents", "List of respondents grouped by kind"

    class Numbering(models.TextChoices):
        NONE = "", "Unnumbered paragraphs"
        PARAGRAPHS = "paragraphs", "Numbered paragraphs (1, 2, … restarting in this annex)"
        RECOMMENDATIONS = "recommendations", "Numbered recommendations (Recommendation 1, 2, …)"

    class RespondentsLayout(models.TextChoices):
        COLUMNS = "columns", "Names in columns under each kind's heading"
        RUNS = "runs", "Names run on, separated by commas, under each kind's heading"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subsections"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BODY)
    title = models.CharField(max_length=300)
    generated = models.CharField(
        max_length=20,
        choices=Generated.choices,
        blank=True,
        default=Generated.NONE,
        help_text="Annexes only: content Verbale writes from the report's replies.",
    )
    numbered = models.BooleanField(
        default=True,
        help_text='Untick for an unnumbered section such as "Introduction".',
    )
    numbering = models.CharField(
        "numbering of paragraphs",
        max_length=20,
        choices=Numbering.choices,
        blank=True,
        default=Numbering.NONE,
        help_text="Annexes only: body sections share the document's paragraph numbers.",
    )
    respondents_layout = models.CharField(
        "layout of the list of respondents",
        max_length=10,
        choices=RespondentsLayout.choices,
        default=RespondentsLayout.COLUMNS,
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Paragraph(models.Model):
    """A block of a section in markup (see ``reports.markup``): a numbered or unnumbered
    paragraph, a heading (italic run-in, or "1." under "A."), or a table Verbale sums from the
    answers to a statistical-table question (``text`` is then its caption).

    ``version`` grows with each save: a save naming an older version is refused, so two editors
    never overwrite each other's text silently.
    """

    class Kind(models.TextChoices):
        TEXT = "text", "Numbered paragraph"
        PLAIN = "plain", "Unnumbered paragraph"
        HEADING = "heading", "Italic heading (unnumbered)"
        HEADING3 = "heading3", "Numbered heading (1., 2. under A.)"
        TABLE = "table", "Table summed from the replies to a statistical table"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(blank=True, default="")
    question = models.ForeignKey(
        "surveys.Question",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tables only: the statistical-table question whose answers are summed.",
    )
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        # a table without its question yet is saved (its caption is never lost): the preview
        # and the build then say which question to choose
        if self.kind == self.Kind.TABLE and self.question_id is not None:
            question = self.question
            if question.kind != "table":
                raise ValidationError(
                    {"question": f"Question {question.number} is not a statistical table."}
                )
            report = self.section.report
            if not report.questionnaires.filter(pk=question.section.questionnaire_id).exists():
                raise ValidationError(
                    {
                        "question": f"Question {question.number} is not in a questionnaire "
                        "this report is based on."
                    }
                )
        elif self.question_id is not None:
            self.question = None


class Theme(models.Model):
    """A group of attribution sets in the coding view, often mirroring a section of the report.

    Themes only organise the coder's work: nothing prints from them.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=300)
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="themes",
        help_text="The section of the report this theme mirrors, if any.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["report", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "section"],
                condition=Q(section__isnull=False),
                name="reports_one_theme_per_section",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AttributionSet(models.Model):
    """A statement and the respondents who made them: what footnotes and in-text lists print.

    Members are filed by the secretariat (each backed by passages of replies, or a manual note),
    or kept in sync with the replies by a ``rule`` over a structured question (see
    ``reports.coding.services``); a rule-based set may also hold members filed by hand.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attribution_sets")
    key = models.SlugField(
        max_length=80,
        validators=[key_validator],
        help_text="How paragraphs cite the set: {fn:key}, {list:key}, {count:key}.",
    )
    statement = models.TextField(help_text='What the members said, e.g. "had set up police units".')
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="attribution_sets"
    )
    source = models.CharField(
        "source other than replies",
        max_length=300,
        blank=True,
        default="",
        help_text='e.g. "publications of the Inter-Agency Coordination Group against Trafficking '
        'in Persons": members are cited from it on purpose, with or without a reply.',
    )
    rule = models.JSONField(
        null=True,
        blank=True,
        help_text='Members from answers, e.g. {"question": 12, "op": "includes_any", '
        '"values": ["shelter"]}; empty for sets coded by hand.',
    )
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["report", "key"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="reports_one_key_per_report"),
        ]

    def __str__(self) -> str:
        return self.key


class AttributionMember(models.Model):
    attribution_set = models.ForeignKey(
        AttributionSet, on_delete=models.CASCADE, related_name="members"
    )
    respondent = models.ForeignKey(
        "surveys.Respondent", on_delete=models.PROTECT, related_name="attributions"
    )
    note = models.TextField(
        blank=True,
        default="",
        help_text="Information from another source (no passage of a reply backs it), or why.",
    )
    by_rule = models.BooleanField(
        default=False, help_text="Kept by the set's rule: added and removed with the answers."
    )

    class Meta:
        ordering = ["attribution_set", "respondent"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribution_set", "respondent"], name="reports_member_once_per_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attribution_set}: {self.respondent}"


class Evidence(models.Model):
    """A passage of a submitted reply (or, for rule-based members, the answer's value) that
    backs a member of an attribution set.

    Written once, as quoted from ``revision_number`` of the reply; whether the passage is still
    in the reply's last submission is computed on read (``reports.coding.consistency``), so an
    amended reply flags the evidence stale and never drops it silently.
    """

    class Kind(models.TextChoices):
        PASSAGE = "passage", "Passage of an answer"
        VALUE = "value", "Answer matching the set's rule"

    member = models.ForeignKey(AttributionMember, on_delete=models.CASCADE, related_name="evidence")
    reply = models.ForeignKey("surveys.Reply", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey("surveys.Question", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PASSAGE)
    revision_number = models.PositiveIntegerField(
        help_text="The submission of the reply the passage was quoted from."
    )
    quote = models.TextField()
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "reply", "question", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                name="reports_evidence_offsets_in_order",
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(start__lt=models.F("end")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.quote[:60]}"


class AnnexNote(models.Model):
    """What the annex of respondents prints after one respondent's name in this report, e.g.
    "(on behalf of its 53 member States)" or "(Belgium)".

    Stored with the report, not the respondent: the note belongs to the document's text (a reply
    made on behalf of a group's members in one cycle may not be in the next, an NGO's seat is
    worth printing in one annex and not in another); it is edited by the report's editors and
    frozen into the build's snapshot with the rest of the text.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="annex_notes")
    respondent = models.ForeignKey(
        "surveys.Respondent", on_delete=models.CASCADE, related_name="annex_notes"
    )
    note = models.CharField(max_length=200, help_text='e.g. "on behalf of its 53 member States"')

    class Meta:
        ordering = ["report", "respondent"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "respondent"], name="reports_one_annex_note_per_respondent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.respondent}: {self.note}"


def build_file_path(instance: Build, filename: str) -> str:
    return f"reports/{instance.report_id}/builds/{instance.pk}/{filename}"


class Build(Job):
    """One compilation of a frozen snapshot of a report into PDF (and DOCX).

    Status moves queued → running → succeeded or failed (the lifecycle of ``portal.jobs``), and
    is written only by ``reports.services``; the watchdog makes sure no build stays running
    once its worker is gone.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="builds")
    snapshot = models.JSONField()
    snapshot_sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    duration = models.DurationField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    pdf_size = models.PositiveBigIntegerField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, default="")
    pdf = models.FileField(upload_to=build_file_path, blank=True, max_length=300)
    docx = models.FileField(upload_to=build_file_path, blank=True, max_length=300)
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The earlier build of the same snapshot whose files this one reuses.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Consistency warnings the person who asked for the build acknowledged.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"Build {self.pk} of {self.report.symbol} ({self.status})"
