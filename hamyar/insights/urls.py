"""The dashboard pages, each under the URL and name of the app whose rows it shows; those that show
the rollups themselves under insights' own (`insights_pages`, mounted at /insights/).

Needs, commerce and finance sit below insights and may not import it, so they cannot list these pages
themselves: hamyar/urls.py mounts each list below with the app's own (`needs:board`,
`commerce:scorecard`, `finance:statement_list` keep their paths and names).
"""

from django.urls import path

from . import growth_views, verdict_views, views

needs_pages = [
    path("board/", views.need_board, name="board"),
    path("gaps/", views.capability_gaps, name="capability_gaps"),
]
commerce_pages = [
    path("providers/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("scorecards/", views.scorecard_list, name="scorecard_list"),
]
finance_pages = [
    path("statements/", views.receivables, name="statement_list"),
]
# The insights' own pages, under /insights/ and the name `insights`.
insights_pages = [
    path("", views.dashboard, name="dashboard"),
    path("municipality/", views.municipality_dashboard, name="municipality_dashboard"),
    path("opportunities/", growth_views.opportunities, name="opportunities"),
    path("survey/", verdict_views.survey, name="survey"),
    path("survey/results/", verdict_views.survey_results, name="survey_results"),
    path("survey/open/", verdict_views.survey_open, name="survey_open"),
]
