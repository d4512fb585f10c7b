"""The cases app's models, one module per feature."""

from cases.models.cases import Case, Category, Source
from cases.models.comments import Comment, CommentVote, Flag, MindChange
from cases.models.figures import PerspectiveTally, VerdictPoint
from cases.models.groups import GroupCaseShare, OpinionGroup, OpinionGroupRun, ReaderGroup
from cases.models.judgement import CaseLink, HindsightVote, OutcomeUpdate, VerdictReveal
from cases.models.moderation import ModerationLog
from cases.models.translations import CaseTranslation, CategoryTranslation
from cases.models.votes import VOTE_BADGES, Vote, VoteEvent

__all__ = [
    "VOTE_BADGES",
    "Case",
    "CaseLink",
    "CaseTranslation",
    "Category",
    "CategoryTranslation",
    "Comment",
    "CommentVote",
    "Flag",
    "GroupCaseShare",
    "HindsightVote",
    "MindChange",
    "ModerationLog",
    "OpinionGroup",
    "OpinionGroupRun",
    "OutcomeUpdate",
    "PerspectiveTally",
    "ReaderGroup",
    "Source",
    "VerdictPoint",
    "VerdictReveal",
    "Vote",
    "VoteEvent",
]
