"""Every write the site makes: small typed functions, each in one transaction.

Views call the `check_*` functions before acting so that they can answer 403 early; the
services call them again inside the transaction, on locked rows, where the answer is final.
"""

from cases.services.cases import change_case_status, editable_fields, render_case_text
from cases.services.comments import (
    add_comment,
    delete_comment,
    edit_comment,
    hide_comment,
    rate_comment,
    restore_comment,
    submitted_comment,
)
from cases.services.curation import (
    MAX_FEATURED,
    close_case,
    feature_case,
    publish_proposal,
    record_factors,
    reject_proposal,
    reopen_case,
    send_back_proposal,
    unfeature_case,
)
from cases.services.figures import TALLY_FIELDS, refresh_rule_figures
from cases.services.flags import FLAGS_TO_HIDE, check_can_flag, flag_comment, resolve_flags
from cases.services.hindsight import (
    add_outcome_update,
    cast_hindsight_vote,
    remove_outcome_update,
)
from cases.services.links import link_cases, unlink_cases
from cases.services.permissions import (
    can_delete_comment,
    can_edit_comment,
    check_can_delete_comment,
    check_can_edit_comment,
    check_can_participate,
    check_comment_is_open,
    check_is_curator,
    check_not_suspended,
    is_curator,
    suspension_message,
    within_own_edit_window,
)
from cases.services.perspectives import set_perspective
from cases.services.proposals import (
    MAX_PENDING_PROPOSALS,
    propose_case,
    resubmit_proposal,
)
from cases.services.recount import Drift, recount_votes
from cases.services.reveals import reveal_verdict, set_blind_mode
from cases.services.suspensions import lift_suspension, suspend_user
from cases.services.votes import (
    VoteOutcome,
    cast_vote,
    credit_mind_change,
    mind_change_pending,
)

__all__ = [
    "FLAGS_TO_HIDE",
    "MAX_FEATURED",
    "MAX_PENDING_PROPOSALS",
    "TALLY_FIELDS",
    "Drift",
    "VoteOutcome",
    "add_comment",
    "add_outcome_update",
    "can_delete_comment",
    "can_edit_comment",
    "cast_hindsight_vote",
    "cast_vote",
    "change_case_status",
    "check_can_delete_comment",
    "check_can_edit_comment",
    "check_can_flag",
    "check_can_participate",
    "check_comment_is_open",
    "check_is_curator",
    "check_not_suspended",
    "close_case",
    "credit_mind_change",
    "delete_comment",
    "edit_comment",
    "editable_fields",
    "feature_case",
    "flag_comment",
    "hide_comment",
    "is_curator",
    "lift_suspension",
    "link_cases",
    "mind_change_pending",
    "propose_case",
    "publish_proposal",
    "rate_comment",
    "record_factors",
    "recount_votes",
    "refresh_rule_figures",
    "reject_proposal",
    "remove_outcome_update",
    "render_case_text",
    "reopen_case",
    "resolve_flags",
    "restore_comment",
    "resubmit_proposal",
    "reveal_verdict",
    "send_back_proposal",
    "set_blind_mode",
    "set_perspective",
    "submitted_comment",
    "suspend_user",
    "suspension_message",
    "unfeature_case",
    "unlink_cases",
    "within_own_edit_window",
]
