"""{% page_meta as meta %}: the page's description, Open Graph and Twitter card data
(cases/seo.py), for templates/_head_meta.html."""

from django import template

from cases import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context) -> seo.PageMeta | None:
    return seo.page_meta(context)
