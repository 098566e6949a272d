from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "hamyar.insights"
    label = "insights"

    def ready(self) -> None:
        from hamyar.core.changes import rows_changed

        from .receivers import on_rows_changed

        rows_changed.connect(on_rows_changed, dispatch_uid="insights.rollups")
