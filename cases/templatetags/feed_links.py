"""{% feed_link "<kind>" object %}: the page's <link rel="alternate"> to its Atom feed
(cases/feeds.py), in templates/base.html's `feed_link` block; nothing where there is none."""

from django import template
from django.utils.html import format_html

from cases import feeds

register = template.Library()


@register.simple_tag
def feed_link(kind: str, obj=None) -> str:
    link = feeds.feed_link(kind, obj)
    if link is None:
        return ""
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        link.title,
        link.url,
    )
