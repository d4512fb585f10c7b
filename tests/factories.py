from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from cases.markdown import render_markdown
from cases.models import Case, Category, Comment, Source, Vote
from cases.services.figures import discussion_changed

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    # An established account by default (a month old, email verified), whose flags count
    # toward hiding; `UserFactory(new=True)` or `verified_email=False` for the other kind.
    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        new = factory.Trait(date_joined=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False and self.email:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CaseFactory(factory.django.DjangoModelFactory):
    """A published case unless told otherwise. Tallies start at zero: vote through services.

    Its result is shown before voting (`blind_mode=False`) unless a test asks for the site's
    default, `blind=True` (tests/test_blind_verdict*.py): most tests look at the result.
    """

    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Case number {n}")
    slug = factory.Sequence(lambda n: f"case-{n}")
    decision = "Customer care → an external call center"
    summary = "A firm hands its customer care to a call center."
    story = "The firm had **fifteen** people answering the phone.\n\nThen it stopped."
    story_html = factory.LazyAttribute(lambda case: render_markdown(case.story))
    category = factory.SubFactory(CategoryFactory)
    decided_by = "The owner"
    outsourced_what = "Customer care"
    provider = "A call center"
    year = 2012
    status = Case.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    blind_mode = False

    class Params:
        blind = factory.Trait(blind_mode=True)
        draft = factory.Trait(status=Case.Status.DRAFT, published_at=None)
        archived = factory.Trait(status=Case.Status.ARCHIVED)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    case = factory.SubFactory(CaseFactory)
    title = "Outsourcing – wie ich meine Kunden verkaufe"
    outlet = "A personal blog"
    language = "de"


class VoteFactory(factory.django.DjangoModelFactory):
    """A raw vote row that bypasses the tallies: use services.cast_vote for real votes."""

    class Meta:
        model = Vote

    user = factory.SubFactory(UserFactory)
    case = factory.SubFactory(CaseFactory)
    choice = Vote.Choice.YES
    first_choice = factory.SelfAttribute("choice")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}: it *depends*.")
    parent = None
    body_html = factory.LazyAttribute(lambda comment: render_markdown(comment.body))
    # A reply belongs to its parent's thread, as services.add_comment files it.
    root = factory.LazyAttribute(
        lambda comment: (comment.parent.root or comment.parent) if comment.parent else None
    )
    depth = factory.LazyAttribute(
        lambda comment: min(comment.parent.depth + 1, 2) if comment.parent else 0
    )

    @factory.post_generation
    def count_on_case(self, create, extracted, **kwargs):
        """Keep the case's stored comment count and page version as the services would
        (tests that need a drifted count write it themselves)."""
        if create:
            discussion_changed(self.case_id, comments=int(self.is_readable))
            self.case.comment_count += int(self.is_readable)
            self.case.page_version += 1
