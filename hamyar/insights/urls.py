"""The dashboard pages, each under the URL and name of the app whose rows it shows.

Needs, commerce and finance sit below insights and may not import it, so they cannot list these pages
themselves: hamyar/urls.py mounts each list below with the app's own (`needs:board`,
`commerce:scorecard`, `finance:statement_list` keep their paths and names).
"""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]

needs_pages = [
    path("board/", views.need_board, name="board"),
    path("gaps/", views.capability_gaps, name="capability_gaps"),
]
commerce_pages = [
    path("providers/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
]
finance_pages = [
    path("statements/", views.receivables, name="statement_list"),
]
