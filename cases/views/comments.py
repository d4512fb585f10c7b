"""Comments: post and reply, edit, delete, rate. Plain requests redirect; htmx gets a partial."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from cases import services
from cases.decorators import back_to_case, back_to_comment, login_required
from cases.forms import CommentDeleteForm, CommentEditForm, CommentForm, CommentRatingForm
from cases.http import HtmxHttpRequest, form_errors, refuse, take_draft
from cases.models import Case, Comment
from cases.selectors.case_page import case_page, single_comment
from cases.selectors.comments import default_order, page_of_comment
from cases.translations import show_case_titles
from outsourcing.limits import rate_limited


def get_visible_comment(request: HtmxHttpRequest, comment_id: int) -> Comment:
    """A comment on a case the viewer may see; otherwise 404."""
    visible_cases = Case.objects.visible_to(request.user)
    return get_object_or_404(
        Comment.objects.select_related("case", "author"), pk=comment_id, case__in=visible_cases
    )


def comment_redirect(request: HtmxHttpRequest, comment: Comment) -> HttpResponse:
    order = default_order()
    viewer_id = request.user.pk if request.user.is_authenticated else None
    page = page_of_comment(comment.case, comment, order=order, viewer_id=viewer_id)
    suffix = f"?page={page}" if page > 1 else ""
    return redirect(f"{comment.case.get_absolute_url()}{suffix}#comment-{comment.pk}")


def render_one_comment(
    request: HtmxHttpRequest, comment: Comment, *, posted: str = ""
) -> HttpResponse:
    """The comment as the thread shows it, for htmx to swap in place. `posted`: the message
    after a new comment, sent with the comment count and a fresh form out of band."""
    context = single_comment(request, comment)
    if context is None:
        # Deleted without replies: nothing stays in the thread, so the swap removes it.
        return HttpResponse("")
    if posted:
        comment.case.refresh_from_db(fields=["comment_count"])
        context.update(comment_message=posted, comment_form=CommentForm(), posted=True)
        context["case"] = comment.case
    return render(
        request, "cases/_comment_posted.html" if posted else "cases/_comment.html", context
    )


def back_to_form(request: HttpRequest, *, slug: str) -> str:
    """After a login, a reply goes back to its reply form, a comment to the case."""
    parent_id = _as_int(request.POST.get("parent", ""))
    if parent_id:
        return reverse("cases:comment_reply", kwargs={"comment_id": parent_id})
    return back_to_case(request, slug=slug)


@require_POST
@login_required(back=back_to_form)
@rate_limited("comment")
def comment_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.visible_to(request.user), slug=slug)
    # The same form again (a double click, a retry after a lost answer): answered as the first
    # time, even if the case closed in between.
    earlier = services.submitted_comment(author=request.user, token=request.POST.get("token"))
    if earlier is not None and earlier.case_id == case.pk:
        return _posted(request, earlier)
    # 403 with the reason (suspended, closed), the text given back (cases/views/errors.py).
    services.check_can_participate(user=request.user, case=case)
    parent = None
    if request.POST.get("parent"):
        parent = Comment.objects.filter(pk=_as_int(request.POST["parent"]), case=case).first()
        if parent is None:
            return refuse(request, _("You can only reply to a comment on this case."), status=400)
        services.check_comment_is_open(parent)  # 403 with the reason

    form = CommentForm(request.POST)
    comment = None
    if form.is_valid():
        try:
            comment = services.add_comment(
                author=request.user,
                case=case,
                body=form.cleaned_data["body"],
                parent=parent,
                token=form.cleaned_data["token"],
            )
        except ValidationError as error:
            form.add_error("body", error)

    if comment is None:
        # Back to the form, with the error and everything the user typed.
        if parent is not None:
            template = "cases/comment_reply.html" + ("#reply-form" if request.htmx else "")
            show_case_titles([parent.case])
            return render(request, template, {"parent": parent, "form": form})
        if request.htmx:
            return render(request, "cases/_comment_form.html", {"case": case, "comment_form": form})
        return render(
            request, "cases/case_detail.html", case_page(request, case, comment_form=form)
        )

    return _posted(request, comment)


def _posted(request: HtmxHttpRequest, comment: Comment) -> HttpResponse:
    message = _("Your reply is posted.") if comment.parent_id else _("Your comment is posted.")
    if request.htmx:
        return render_one_comment(request, comment, posted=message)
    messages.success(request, message)
    return comment_redirect(request, comment)


def _as_int(value: str) -> int:
    """A comment id from the form, or 0 (no such comment) for anything else: "²" and "٣" are
    digits to str.isdigit() but not to int()."""
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 19 else 0


@require_safe
def comment_permalink(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    """A comment's lasting address: the case page that holds its thread, at the comment
    (the highlights above the thread link here, as their comment may be on another page)."""
    return comment_redirect(request, get_visible_comment(request, comment_id))


@vary_on_headers("HX-Request")  # a fragment for htmx, a page otherwise
@require_http_methods(["GET"])
@login_required
def comment_reply(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    """The reply form: its own page without JavaScript, a fragment under the comment with htmx.
    A reply written before a login round trip comes back in it."""
    parent = get_visible_comment(request, comment_id)
    services.check_can_participate(user=request.user, case=parent.case)
    services.check_comment_is_open(parent)
    template = "cases/comment_reply.html"
    if request.htmx:
        template += "#reply-form"
    # A per-parent id: several reply forms may be open on one page.
    draft = take_draft(request, request.path)
    form = CommentForm(
        auto_id=f"id_reply_{parent.pk}_%s", initial={"body": draft} if draft else None
    )
    show_case_titles([parent.case])
    return render(request, template, {"parent": parent, "form": form})


@vary_on_headers("HX-Request")  # a fragment for htmx, a page otherwise
@require_http_methods(["GET", "POST"])
@login_required(back=back_to_comment)
@rate_limited("comment_edit")
def comment_edit(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    comment = get_visible_comment(request, comment_id)
    services.check_can_edit_comment(user=request.user, comment=comment)
    needs_reason = not services.within_own_edit_window(request.user, comment)
    if request.method == "GET":
        form = CommentEditForm(initial={"body": comment.body})
    else:
        form = CommentEditForm(request.POST)
        if form.is_valid():
            try:
                services.edit_comment(
                    editor=request.user,
                    comment=comment,
                    body=form.cleaned_data["body"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error("reason" if needs_reason else "body", error)
            else:
                if request.htmx:
                    return render_one_comment(request, comment)
                messages.success(request, _("Your changes are saved."))
                return comment_redirect(request, comment)
    template = "cases/comment_edit.html" + ("#edit-form" if request.htmx else "")
    show_case_titles([comment.case])
    context = {"comment": comment, "form": form, "needs_reason": needs_reason}
    return render(request, template, context)


@require_POST
@login_required(back=back_to_comment)
@rate_limited("comment_edit")
def comment_delete(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    comment = get_visible_comment(request, comment_id)
    services.check_can_delete_comment(user=request.user, comment=comment)
    form = CommentDeleteForm(request.POST)
    if not form.is_valid():
        return refuse(
            request,
            form_errors(form),
            status=400,
            back_url=back_to_comment(request, comment_id=comment.pk),
        )
    try:
        services.delete_comment(
            actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), status=400)
    if request.htmx:
        return render_one_comment(request, comment)
    messages.success(request, _("The comment is deleted. Replies to it stay."))
    return redirect(f"{comment.case.get_absolute_url()}#comment-{comment.pk}")


@require_POST
@login_required(back=back_to_comment)
@rate_limited("rating", per="comment_id")
def comment_rate(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    """Convincing or not: up, down, or none to take one's rating back."""
    comment = get_visible_comment(request, comment_id)
    form = CommentRatingForm(request.POST)
    if not form.is_valid():
        return refuse(request, form_errors(form), status=400)
    services.rate_comment(user=request.user, comment=comment, value=form.rating())
    if request.htmx:
        return render_one_comment(request, comment)
    messages.success(request, _("Your rating is saved."))
    return redirect(f"{comment.case.get_absolute_url()}#comment-{comment.pk}")
