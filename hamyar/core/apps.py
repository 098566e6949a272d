from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hamyar.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from hamyar.core.middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="hamyar.core.session_started")
