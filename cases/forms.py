import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, Comment, Flag, Source, Vote
from cases.services.proposals import SOURCE_LANGUAGE_CHOICES
from cases.translations import reader_language


class CaseFilterForm(forms.Form):
    """The list page's query string; anything it rejects is answered with 400."""

    SORTS = [
        ("new", _("Newest")),
        ("top", _("Most votes")),
        ("discussed", _("Most discussed")),
        ("divided", _("Most divided")),
        ("split", _("Perspectives disagree")),
        ("shifted", _("Verdict moved most")),
        ("relevance", _("Best match")),
    ]

    q = forms.CharField(
        label=_("Search"), required=False, max_length=settings.TEXT_LIMITS["search"]
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
        error_messages={"invalid_choice": _("There is no such category.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=SORTS,
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a way to sort.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.in_language()

    def clean_sort(self) -> str:
        """No sort given: best match when searching, else newest. Best match without a
        query means newest."""
        sort = self.cleaned_data["sort"]
        searching = bool(self.cleaned_data.get("q"))
        if not sort or (sort == "relevance" and not searching):
            return "relevance" if searching else "new"
        return sort


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Did it make sense?"),
        choices=Vote.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick an answer."),
            "invalid_choice": _("“%(value)s” is not an answer: use yes, no or depends."),
        },
    )
    condition = forms.CharField(
        label=_("If it depends: on what?"),
        required=False,
        max_length=settings.TEXT_LIMITS["condition"],
        help_text=_("Optional, e.g. “whether the employer was told”."),
        error_messages={"max_length": _("Say it in at most %(limit_value)d characters.")},
    )


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]

    body = forms.CharField(
        label=_("Your comment"),
        max_length=settings.COMMENT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown works: *emphasis*, **bold**, lists, links. Be kind."),
        error_messages={
            "required": _("Write something first."),
            "max_length": _(
                "A comment can be at most %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    # The idempotency token: a retried POST of this form (double click, retry after an error)
    # finds the comment it made instead of making another (Comment.submission_token).
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]
    reason = forms.CharField(
        label=_("Why do you edit this comment?"),
        required=False,
        max_length=settings.TEXT_LIMITS["reason"],
        help_text=_("Curators: the moderation log keeps it."),
    )


class CommentDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Why delete it?"), required=False, max_length=settings.TEXT_LIMITS["reason"]
    )


class CommentRatingForm(forms.Form):
    VALUES = {"up": 1, "down": -1, "none": None}

    value = forms.ChoiceField(
        choices=[("up", _("Convincing")), ("down", _("Not convincing")), ("none", _("No rating"))],
        error_messages={
            "required": _("Say whether the comment is convincing."),
            "invalid_choice": _("“%(value)s” is not a rating: use up, down or none."),
        },
    )

    def rating(self) -> int | None:
        return self.VALUES[self.cleaned_data["value"]]


class ChangedMindForm(forms.Form):
    comment = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("Pick the comment that changed your mind."),
            "invalid": _("That is not a comment."),
        },
    )


class HideCommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hide these comments?"), max_length=settings.TEXT_LIMITS["reason"]
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick a reason for the flag."),
            "invalid_choice": _("“%(value)s” is not a reason to flag."),
        },
    )
    note = forms.CharField(
        label=_("Note for the curators"),
        required=False,
        max_length=settings.TEXT_LIMITS["reason"],
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for “Other”."),
        error_messages={"max_length": _("Keep the note to at most %(limit_value)d characters.")},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reason") == Flag.Reason.OTHER and not cleaned.get("note"):
            self.add_error("note", _("Say in the note what is wrong with the comment."))
        return cleaned


class CaseProposalForm(forms.ModelForm):
    """What a reader proposes; status, slug and the curators' fields are not theirs to set."""

    FIRST_YEAR = 1950

    class Meta:
        model = Case
        fields = [
            "language",
            "title",
            "decision",
            "summary",
            "story",
            "category",
            "decided_by",
            "outsourced_what",
            "provider",
            "year",
            "where",
            "outcome",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "story": forms.Textarea(attrs={"rows": 10}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("Two or three sentences: who decided what, and why."),
            "story": _("What happened, in your words. Markdown works."),
            "outcome": _("Optional: how it turned out, if you know."),
            "where": _("A country or region, e.g. “Germany” or “Southeast Asia”."),
            "decided_by": _(
                "e.g. “the owner”, “the head of customer care” or “the developer himself”."
            ),
            "outsourced_what": _("e.g. “customer care” or “his own programming work”."),
            "provider": _("e.g. “a call center in Poland”; “not named” if you do not know."),
        }

    # The idempotency token (Case.submission_token): a retried POST makes no second proposal.
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        self.this_year = timezone.now().year
        year = self.fields["year"]
        year.required = True
        year.widget.attrs.update(min=self.FIRST_YEAR, max=self.this_year)
        year.help_text = _("When the decision was made.")
        # The case's facts box shows them: left empty, a published case says “Not known”.
        for name in ("decided_by", "outsourced_what", "provider", "where"):
            self.fields[name].required = True
        self.fields["category"].empty_label = _("Pick a category")
        self.fields["category"].queryset = Category.objects.in_language()
        language = self.fields["language"]
        language.label = _("Language you write in")
        language.help_text = _("Curators see it; the case can be translated later.")
        language.required = False  # not given: the language the reader reads the site in
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("language", reader_language())

    def clean_language(self) -> str:
        if self.cleaned_data["language"]:
            return self.cleaned_data["language"]
        return self.instance.language if self.instance.pk else reader_language()

    def proposal_data(self) -> dict:
        """The case's fields, for services.propose_case and resubmit_proposal."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year is not None and not self.FIRST_YEAR <= year <= self.this_year:
            raise forms.ValidationError(
                _("Give a year between %(first)d and %(last)d."),
                params={"first": self.FIRST_YEAR, "last": self.this_year},
                code="year_out_of_range",
            )
        return year


class SourceProposalForm(forms.Form):
    """One source: a link, a written description (“my own experience, 2019”), or both, and the
    language it is in: the site's languages or “another language” (SOURCE_LANGUAGES), always
    chosen, never assumed."""

    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=Source._meta.get_field("url").max_length,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a full web address, e.g. https://example.org/post.")},
    )
    description = forms.CharField(
        label=_("Or describe it"),
        required=False,
        max_length=Source._meta.get_field("title").max_length,
        strip=True,
        help_text=_("e.g. “my own experience, 2019” or “a talk at a conference”."),
        error_messages={"max_length": _("Keep it to at most %(limit_value)d characters.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the source"),
        choices=[("", _("Pick a language")), *SOURCE_LANGUAGE_CHOICES],
        error_messages={
            "required": _("Say which language the source is in."),
            "invalid_choice": _("“%(value)s” is not one of the languages."),
        },
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("url") and not cleaned.get("description"):
            raise forms.ValidationError(_("Give a link or a description."), code="source_required")
        return cleaned


class BaseSourceProposalFormSet(forms.BaseFormSet):
    """Every row is optional and a row left empty is ignored, so emptying a source removes it;
    at least one filled row is required (validate_min).

    Sources shown again for editing are pre-filled extra rows, not “initial” ones, for that.
    """

    default_error_messages = {
        "too_few_forms": _("Give at least one source: a link or a description."),
        "too_many_forms": _("Give at most %(num)d sources."),
    }

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return min(max(len(self.initial or []), self.min_num) + self.extra, self.max_num)

    def get_form_kwargs(self, index: int | None) -> dict:
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def sources(self) -> list[dict[str, str]]:
        """The filled rows, for services.propose_case / resubmit_proposal."""
        return [
            {
                "url": form.cleaned_data["url"],
                "description": form.cleaned_data["description"],
                "language": form.cleaned_data["language"],
            }
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


SourceProposalFormSet = forms.formset_factory(
    SourceProposalForm,
    formset=BaseSourceProposalFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=5,
    validate_max=True,
)
