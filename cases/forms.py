from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.models import Category, Comment, Vote


class CaseFilterForm(forms.Form):
    """The list page's query string; anything it rejects is answered with 400."""

    SORTS = [
        ("new", _("Newest")),
        ("top", _("Most votes")),
        ("discussed", _("Most discussed")),
        ("divided", _("Most divided")),
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
        return self.cleaned_data["sort"] or "new"


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


class HideCommentForm(forms.Form):
    reason = forms.CharField(label=_("Why hide these comments?"), max_length=300)
