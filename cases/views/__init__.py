"""Thin views: validate, check, call a service, then redirect (plain) or render a partial (htmx)."""

from cases.views.cases import case_detail, case_list
from cases.views.comments import (
    comment_create,
    comment_delete,
    comment_edit,
    comment_permalink,
    comment_rate,
    comment_reply,
)
from cases.views.curation import case_tool, decide_proposal, record_factors, review_queue
from cases.views.flags import flag_comment
from cases.views.groups import group_label, groups
from cases.views.hindsight import hindsight_vote, outcome_add, outcome_remove
from cases.views.links import link_add, link_remove
from cases.views.moderation import moderation_log, suspend_user, unsuspend_user
from cases.views.open_data import open_data, open_data_download
from cases.views.proposals import proposal_edit, propose
from cases.views.rule import rule_of_thumb
from cases.views.votes import changed_mind, reveal, vote

__all__ = [
    "case_detail",
    "case_list",
    "case_tool",
    "changed_mind",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_permalink",
    "comment_rate",
    "comment_reply",
    "decide_proposal",
    "flag_comment",
    "group_label",
    "groups",
    "hindsight_vote",
    "link_add",
    "link_remove",
    "moderation_log",
    "open_data",
    "open_data_download",
    "outcome_add",
    "outcome_remove",
    "proposal_edit",
    "propose",
    "record_factors",
    "reveal",
    "review_queue",
    "rule_of_thumb",
    "suspend_user",
    "unsuspend_user",
    "vote",
]
