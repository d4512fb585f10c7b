from django.urls import path

from cases import feeds, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("feeds/cases/", feeds.cases_feed, name="cases_feed"),
    path("cases/new/", views.propose, name="propose"),
    path("cases/<slug:slug>/", views.case_detail, name="detail"),
    path("cases/<slug:slug>/feed/", feeds.case_comments_feed, name="case_comments_feed"),
    path("cases/<slug:slug>/edit/", views.proposal_edit, name="proposal_edit"),
    path("cases/<slug:slug>/vote/", views.vote, name="vote"),
    path("cases/<slug:slug>/reveal/", views.reveal, name="reveal"),
    path("cases/<slug:slug>/changed-mind/", views.changed_mind, name="changed_mind"),
    path("cases/<slug:slug>/hindsight/", views.hindsight_vote, name="hindsight_vote"),
    path("cases/<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:comment_id>/", views.comment_permalink, name="comment_permalink"),
    path("comments/<int:comment_id>/reply/", views.comment_reply, name="comment_reply"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/vote/", views.comment_rate, name="comment_rate"),
    path("comments/<int:comment_id>/flag/", views.flag_comment, name="comment_flag"),
    path("moderation/", views.moderation_log, name="moderation_log"),
    path("moderation/feed/", feeds.moderation_feed, name="moderation_feed"),
    path("users/<str:username>/feed/", feeds.user_comments_feed, name="user_comments_feed"),
    path("rule-of-thumb/", views.rule_of_thumb, name="rule_of_thumb"),
    path("groups/", views.groups, name="groups"),
    # Open data (cases/open_data.py): the page, and each stored file as it is.
    path("data/", views.open_data, name="open_data"),
    path("data/cases.json", views.open_data_download, {"name": "cases"}, name="open_data_cases"),
    path(
        "data/verdicts.csv",
        views.open_data_download,
        {"name": "verdicts"},
        name="open_data_verdicts",
    ),
    path("data/votes.csv", views.open_data_download, {"name": "votes"}, name="open_data_votes"),
    path("curate/", views.review_queue, name="curate"),
    path(
        "curate/cases/<slug:slug>/publish/",
        views.decide_proposal,
        {"decision": "publish"},
        name="publish_proposal",
    ),
    path(
        "curate/cases/<slug:slug>/send-back/",
        views.decide_proposal,
        {"decision": "send_back"},
        name="send_back_proposal",
    ),
    path(
        "curate/cases/<slug:slug>/reject/",
        views.decide_proposal,
        {"decision": "reject"},
        name="reject_proposal",
    ),
    path("curate/cases/<slug:slug>/factors/", views.record_factors, name="record_factors"),
    path("curate/cases/<slug:slug>/links/add/", views.link_add, name="link_add"),
    path("curate/links/<int:link_id>/remove/", views.link_remove, name="link_remove"),
    path("curate/cases/<slug:slug>/outcomes/add/", views.outcome_add, name="outcome_add"),
    path("curate/outcomes/<int:update_id>/remove/", views.outcome_remove, name="outcome_remove"),
    path(
        "curate/cases/<slug:slug>/<str:tool>/",
        views.case_tool,
        name="case_tool",
    ),
    path("curate/groups/<int:group_id>/label/", views.group_label, name="group_label"),
    path("curate/users/<str:username>/suspend/", views.suspend_user, name="suspend_user"),
    path("curate/users/<str:username>/unsuspend/", views.unsuspend_user, name="unsuspend_user"),
]
