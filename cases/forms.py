from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.models import Category, Comment, Flag, Vote


class CaseFilterForm(forms.Form):
    """The list page's query string; anything it rejects is answered with 400."""

    SORTS = [
        ("new", _("Newest")),
        ("top", _("Most votes")),
        ("discussed", _("Most discussed")),
        ("divided", _("Most divided")),
        ("split", _("Perspectives disagree")),
        ("relevance", _("Best match")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
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
        max_length=200,
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


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]
    reason = forms.CharField(
        label=_("Why do you edit this comment?"),
        required=False,
        max_length=300,
        help_text=_("Curators: the moderation log keeps it."),
    )


class CommentDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Why delete it?"), required=False, max_length=300)


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
    reason = forms.CharField(label=_("Why hide these comments?"), max_length=300)


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
        max_length=300,
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
