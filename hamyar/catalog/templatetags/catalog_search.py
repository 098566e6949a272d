"""Search results' display: the matched words marked, as the search matched them."""

from django import template
from django.utils.safestring import SafeString

from hamyar.core.templatetags.hamyar import fa_digits

from ..search.highlight import highlight

register = template.Library()


@register.filter
def marked(value, marks) -> SafeString:
    """`value` as shown (Persian digits on a Persian page), escaped, with the search's matches in <mark>."""
    if value is None:
        return SafeString("")
    return highlight(str(fa_digits(str(value))), marks or ())
