"""Cases, the categories they sit in, and their sources."""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.querysets import TOTAL_VOTES, CaseQuerySet, CategoryQuerySet
from outsourcing.i18n import site_languages

# Fields the site computes; never edited, never in the case's history.
DERIVED_FIELDS = [
    "votes_yes",
    "votes_no",
    "votes_depends",
    "comment_count",
    "page_version",
    "event_count",
    "moved_yes",
    "moved_no",
    "moved_depends",
    "conditions_named",
    "largest_share",
    "perspective_split",
    "rule_agrees",
    "rule_disagreement",
    "blind_yes",
    "blind_no",
    "blind_depends",
    "verdict_shift",
    "outcome_known_at",
    "foresight_yes",
    "foresight_no",
    "foresight_depends",
    "hindsight_yes",
    "hindsight_no",
    "hindsight_depends",
    "hindsight_changed",
    "hindsight_from_foresight",
    "story_html",
    "search_document",
]


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The language `name` and `description` are written in; others are CategoryTranslations.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=site_languages()),
                name="category_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        NEEDS_CHANGES = "needs_changes", _("Needs changes")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Frequency(models.TextChoices):
        ONCE = "once", _("Once")
        NOW_AND_THEN = "now_and_then", _("Now and then")
        EVERY_DAY = "every_day", _("Every day")

    # The language the texts below are written in; other languages are CaseTranslations.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    decision = models.CharField(
        _("decision"),
        max_length=160,
        help_text=_("One line, e.g. “Customer care → external call center”."),
    )
    summary = models.TextField(_("summary"), max_length=600)
    story = models.TextField(_("story"), help_text=_("Markdown."))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    decided_by = models.CharField(_("who decided"), max_length=200, blank=True)
    outsourced_what = models.CharField(_("what was outsourced"), max_length=200, blank=True)
    provider = models.CharField(_("to whom / where"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    search_terms = models.CharField(
        _("extra search words"),
        max_length=300,
        blank=True,
        help_text=_("Words people may search for that the text lacks, e.g. German terms."),
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    # Reader proposals: who proposed it, when it was (re)submitted, the curator's last word.
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("proposed by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    # The idempotency token of the proposal form: a retried POST finds this case.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    review_note = models.TextField(
        _("curator's note"),
        blank=True,
        help_text=_("Why it was sent back or rejected; the proposer sees it."),
    )
    where = models.CharField(_("where (country or region)"), max_length=120, blank=True)

    # Curation on the front page and closing the discussion.
    featured_at = models.DateTimeField(_("featured"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_reason = models.CharField(
        _("why closed"), max_length=settings.TEXT_LIMITS["reason"], blank=True
    )

    # The rule of thumb's factors, recorded by curators (None: not judged yet).
    frequency = models.CharField(
        _("how often the work is needed"), max_length=16, choices=Frequency.choices, blank=True
    )
    name_on_service = models.BooleanField(
        _("the company's own name is on the service"), null=True, blank=True
    )
    customer_data_shared = models.BooleanField(
        _("customer data passes to the provider"), null=True, blank=True
    )
    rare_expertise = models.BooleanField(
        _("rare specialist know-how is needed"), null=True, blank=True
    )
    # Blind first verdicts: until a reader votes (or asks to see it), the result is hidden.
    blind_mode = models.BooleanField(
        _("blind first verdict"),
        default=True,
        help_text=_("Hide the result from readers until they have voted."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Tallies are server-owned: changed only by services.cast_vote inside its transaction,
    # rebuilt by `manage.py recount_votes`.
    votes_yes = models.PositiveIntegerField(default=0, editable=False)
    votes_no = models.PositiveIntegerField(default=0, editable=False)
    votes_depends = models.PositiveIntegerField(default=0, editable=False)

    # Stored figures, kept current where votes, comments and perspectives change (see
    # cases/figures.py and cases/services/figures.py) and rebuilt by `manage.py recount_votes`.
    # Lists sort on them through indexes; no page aggregates votes or comments per request.
    comment_count = models.PositiveIntegerField(default=0, editable=False)  # readable ones
    # Bumped by every write that changes what the case page shows besides the case's own
    # columns (votes, comments, ratings, perspectives): with `updated_at`, the version in the
    # key of the cached page (cases/selectors/case_page.py).
    page_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Every vote cast or changed, counted: the verdict chart's x-axis (one VoteEvent each).
    event_count = models.PositiveIntegerField(default=0, editable=False)
    # Voters whose current answer differs from their first, by current answer.
    moved_yes = models.PositiveIntegerField(default=0, editable=False)
    moved_no = models.PositiveIntegerField(default=0, editable=False)
    moved_depends = models.PositiveIntegerField(default=0, editable=False)
    conditions_named = models.PositiveIntegerField(default=0, editable=False)
    # `divided`: the largest answer's share of the votes; NULL below DIVIDED_MIN_VOTES votes.
    largest_share = models.FloatField(null=True, editable=False)
    # `split`: how far the perspectives' "made sense" shares lie apart; see perspectives.py.
    perspective_split = models.FloatField(null=True, editable=False)
    # The rule of thumb beside the crowd (rule_of_thumb.agreement): NULL unless both judge.
    rule_agrees = models.BooleanField(null=True, editable=False)
    rule_disagreement = models.FloatField(null=True, editable=False)
    # The blind verdict: the first answers of voters who had not seen the result
    # (Vote.blind), and how far the current verdict lies from it (cases.figures.verdict_shift;
    # NULL below MIN_BLIND_VOTES blind votes). Kept by cast_vote in the vote's transaction.
    blind_yes = models.PositiveIntegerField(default=0, editable=False)
    blind_no = models.PositiveIntegerField(default=0, editable=False)
    blind_depends = models.PositiveIntegerField(default=0, editable=False)
    verdict_shift = models.FloatField(null=True, editable=False)
    # Hindsight (cases/services/hindsight.py): when the first outcome update was published;
    # the answers voters held then (the foresight verdict, Vote.foresight_choice); the
    # second question's tallies ("knowing what happened, did it make sense?", HindsightVote),
    # how many foresight voters answered it, and how many of them differently from their
    # foresight answer.
    outcome_known_at = models.DateTimeField(null=True, editable=False)
    foresight_yes = models.PositiveIntegerField(default=0, editable=False)
    foresight_no = models.PositiveIntegerField(default=0, editable=False)
    foresight_depends = models.PositiveIntegerField(default=0, editable=False)
    hindsight_yes = models.PositiveIntegerField(default=0, editable=False)
    hindsight_no = models.PositiveIntegerField(default=0, editable=False)
    hindsight_depends = models.PositiveIntegerField(default=0, editable=False)
    hindsight_changed = models.PositiveIntegerField(default=0, editable=False)
    hindsight_from_foresight = models.PositiveIntegerField(default=0, editable=False)
    # The story as sanitised HTML, rendered when the story is written (cases/markdown.py).
    story_html = models.TextField(blank=True, editable=False)
    # PostgreSQL: the weighted full-text document, kept current by a trigger (migration 0006);
    # always NULL on SQLite, which searches with LIKE.
    search_document = SearchVectorField(null=True, editable=False)

    objects = CaseQuerySet.as_manager()
    # Who changed what and when, for curators in the admin (figures change too often to keep).
    history = HistoricalRecords(excluded_fields=[*DERIVED_FIELDS, "submission_token"])

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="case_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "pending",
                        "needs_changes",
                        "rejected",
                        "published",
                        "archived",
                    ]
                ),
                name="case_status_valid",
            ),
            models.UniqueConstraint(
                fields=["proposer", "submission_token"], name="case_one_per_submission"
            ),
            models.CheckConstraint(
                condition=Q(language__in=site_languages()),
                name="case_language_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="case_status_pub_idx"),
            # One index per list sort, each led by the status every list filters on.
            models.Index(
                F("status"),
                TOTAL_VOTES.desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="case_top_idx",
            ),
            models.Index(
                fields=["status", "-comment_count", "-published_at", "-id"],
                name="case_discussed_idx",
            ),
            models.Index(
                F("status"),
                F("largest_share").asc(),
                TOTAL_VOTES.desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="case_divided_idx",
            ),
            models.Index(
                F("status"),
                F("perspective_split").desc(),
                TOTAL_VOTES.desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="case_split_idx",
            ),
            models.Index(
                F("status"),
                F("verdict_shift").desc(),
                TOTAL_VOTES.desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="case_shift_idx",
            ),
            models.Index(
                fields=["status", "rule_agrees", "-rule_disagreement", "-id"],
                name="case_rule_idx",
            ),
            models.Index(
                fields=["status", "-featured_at"],
                name="case_featured_idx",
                condition=Q(featured_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def vote_total(self) -> int:
        return self.votes_yes + self.votes_no + self.votes_depends

    @property
    def votes_moved(self) -> int:
        return self.moved_yes + self.moved_no + self.moved_depends

    @property
    def blind_total(self) -> int:
        return self.blind_yes + self.blind_no + self.blind_depends

    @property
    def foresight_total(self) -> int:
        return self.foresight_yes + self.foresight_no + self.foresight_depends

    @property
    def hindsight_total(self) -> int:
        return self.hindsight_yes + self.hindsight_no + self.hindsight_depends

    @property
    def outcome_known(self) -> bool:
        return self.outcome_known_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_featured(self) -> bool:
        return self.featured_at is not None

    @property
    def cache_version(self) -> str:
        """Everything that changes what the case shows, as the key part of its cached
        fragments: its votes, comments, ratings and perspectives (`page_version`), its own
        columns (`updated_at`) and its category's name (digested: the same in every process).
        """
        category = hashlib.sha256(self.category.name.encode()).hexdigest()[:12]
        return f"{self.pk}.{self.page_version}.{self.updated_at.isoformat()}.{category}"


class Source(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=300)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="de", help_text=_("e.g. de, en")
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title
