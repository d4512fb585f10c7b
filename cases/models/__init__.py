"""The cases app's models, one module per feature."""

from cases.models.cases import Case, Category, Source
from cases.models.comments import Comment, CommentVote, Flag, MindChange
from cases.models.figures import PerspectiveTally, VerdictPoint
from cases.models.moderation import ModerationLog
from cases.models.translations import CaseTranslation, CategoryTranslation
from cases.models.votes import VOTE_BADGES, Vote, VoteEvent

__all__ = [
    "VOTE_BADGES",
    "Case",
    "CaseTranslation",
    "Category",
    "CategoryTranslation",
    "Comment",
    "CommentVote",
    "Flag",
    "MindChange",
    "ModerationLog",
    "PerspectiveTally",
    "Source",
    "VerdictPoint",
    "Vote",
    "VoteEvent",
]
