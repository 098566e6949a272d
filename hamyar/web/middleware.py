"""Persian first: the page language is the user's explicit choice, never the browser's guess."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PersianFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores Accept-Language.

    Many clerks in Iran run browsers set to English; they should still get the
    Persian interface until they pick English with the language switch (the
    set_language cookie). Machines calling the API state their language on purpose,
    so Accept-Language is honoured there.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
