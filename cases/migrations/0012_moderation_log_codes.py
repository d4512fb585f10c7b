"""The moderation log and hidden comments keep codes and parameters, not sentences.

System texts used to be stored already translated (in the actor's language) or as raw codes:
the community's flags as moderator_name "community flags", a status change as "published →
archived", flag decisions, suspensions and flag-hidden comments as sentences. This adds
ModerationLog.params and .by_community and Comment.hidden_code and .hidden_params
(cases/moderation_texts.py puts them into words when shown), the verbose_names, and converts
the existing rows both ways (cases/migrations/_0012_conversion.py).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cases.migrations._0012_conversion import to_codes, to_texts


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_translations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # fmt: off
    operations = [
        migrations.RemoveConstraint(
            model_name='comment',
            name='comment_hidden_has_reason',
        ),
        migrations.AddField(
            model_name='comment',
            name='hidden_code',
            field=models.CharField(blank=True, choices=[('flags', "hidden by readers' flags"), ('curator_after_flags', 'hidden by a curator after flags')], max_length=24, verbose_name='hidden by the site because'),
        ),
        migrations.AddField(
            model_name='comment',
            name='hidden_params',
            field=models.JSONField(blank=True, default=dict, verbose_name='parameters of the reason'),
        ),
        migrations.AddField(
            model_name='moderationlog',
            name='by_community',
            field=models.BooleanField(default=False, verbose_name="by the community's flags"),
        ),
        migrations.AddField(
            model_name='moderationlog',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='parameters'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='author',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comments', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='body_html',
            field=models.TextField(blank=True, editable=False, verbose_name='comment as HTML'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='cases.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='depth',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='depth'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='hidden_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='hidden by'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replies', to='cases.comment', verbose_name='reply to'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='root',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.comment', verbose_name='thread'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='submission_token',
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name='submission token'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='wilson',
            field=models.FloatField(default=0.0, editable=False, verbose_name='ranking score'),
        ),
        migrations.AlterField(
            model_name='commentvote',
            name='comment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='cases.comment', verbose_name='comment'),
        ),
        migrations.AlterField(
            model_name='commentvote',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='rated'),
        ),
        migrations.AlterField(
            model_name='commentvote',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comment_votes', to=settings.AUTH_USER_MODEL, verbose_name='reader'),
        ),
        migrations.AlterField(
            model_name='commentvote',
            name='value',
            field=models.SmallIntegerField(choices=[(1, 'Convincing'), (-1, 'Not convincing')], verbose_name='rating'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='comment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='cases.comment', verbose_name='comment'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='flagged'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='resolution',
            field=models.CharField(blank=True, choices=[('kept', 'Kept'), ('hidden', 'Hidden')], max_length=8, verbose_name='resolution'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='resolved_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='resolved'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='resolved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='resolved by'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to=settings.AUTH_USER_MODEL, verbose_name='flagged by'),
        ),
        migrations.AlterField(
            model_name='mindchange',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mind_changes', to='cases.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='mindchange',
            name='change_number',
            field=models.PositiveIntegerField(verbose_name='number of the vote change'),
        ),
        migrations.AlterField(
            model_name='mindchange',
            name='comment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mind_changes', to='cases.comment', verbose_name='comment'),
        ),
        migrations.AlterField(
            model_name='mindchange',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='credited'),
        ),
        migrations.AlterField(
            model_name='mindchange',
            name='from_choice',
            field=models.CharField(choices=[('yes', 'Made sense'), ('no', 'Did not make sense'), ('depends', 'It depends')], max_length=10, verbose_name='vote before'),
        ),
        migrations.AlterField(
            model_name='mindchange',
            name='to_choice',
            field=models.CharField(choices=[('yes', 'Made sense'), ('no', 'Did not make sense'), ('depends', 'It depends')], max_length=10, verbose_name='vote after'),
        ),
        migrations.AlterField(
            model_name='mindchange',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mind_changes', to=settings.AUTH_USER_MODEL, verbose_name='voter'),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='action',
            field=models.CharField(choices=[('hide_comment', 'Hid a comment'), ('restore_comment', 'Restored a comment'), ('edit_comment', 'Edited a comment'), ('delete_comment', 'Deleted a comment'), ('resolve_flags', 'Resolved flags'), ('change_case_status', "Changed a case's status"), ('publish', 'Published a proposal'), ('send_back', 'Sent a proposal back'), ('reject', 'Rejected a proposal'), ('feature', 'Featured a case'), ('unfeature', 'Stopped featuring a case'), ('close', 'Closed a case'), ('reopen', 'Reopened a case'), ('suspend', 'Suspended a user'), ('unsuspend', 'Lifted a suspension')], max_length=32, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='comment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.comment', verbose_name='comment'),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='when'),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='moderator',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='moderator'),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='moderator_name',
            field=models.CharField(blank=True, max_length=150, verbose_name="moderator's name"),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='reason',
            field=models.TextField(blank=True, verbose_name="curator's note"),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='subject',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person acted upon'),
        ),
        migrations.AlterField(
            model_name='moderationlog',
            name='subject_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='name of the person acted upon'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(('hidden_at__isnull', True), models.Q(('hidden_reason', ''), _negated=True), models.Q(('hidden_code', ''), _negated=True), _connector='OR'), name='comment_hidden_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(('hidden_code', ''), models.Q(('hidden_code__in', ['flags', 'curator_after_flags']), ('hidden_reason', '')), _connector='OR'), name='comment_hidden_code_valid'),
        ),
        migrations.AddConstraint(
            model_name='moderationlog',
            constraint=models.CheckConstraint(condition=models.Q(('by_community', False), models.Q(('moderator__isnull', True), ('moderator_name', '')), _connector='OR'), name='modlog_community_has_no_moderator'),
        ),
        migrations.RunPython(to_codes, to_texts),
    ]
    # fmt: on
