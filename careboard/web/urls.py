"""Every URL of the application; each must appear in the access matrix (tests/web/test_access_matrix.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.static import serve

from careboard.web.accounts import users
from careboard.web.accounts import views as accounts
from careboard.web.audit import views as audit
from careboard.web.children import views as children
from careboard.web.data import views as data
from careboard.web.reports import views as reports
from careboard.web.scorecard import views as scorecard
from careboard.web.settings import STATIC_DIR
from careboard.web.worklists import views as worklists

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("scorecard/", scorecard.scorecard, name="scorecard"),
    path("indicators/<str:indicator_id>/", scorecard.indicator, name="indicator"),
    path("indicators/<str:indicator_id>/children/", scorecard.indicator_children, name="indicator_children"),
    path(
        "indicators/<str:indicator_id>/children.csv",
        scorecard.indicator_children_csv,
        name="indicator_children_csv",
    ),
    path("indicators/<str:indicator_id>/commentary/", scorecard.commentary, name="commentary"),
    path("worklists/", worklists.worklists, name="worklists"),
    path("worklists/mine/", worklists.worklist_mine, name="worklist_mine"),
    path("worklists/team/<str:team_id>/", worklists.worklist_team, name="worklist_team"),
    path("children/", children.child_search, name="child_search"),
    path("children/<str:person_id>/", children.child, name="child"),
    path("data/", data.loads, name="data_loads"),
    path("data/upload/", data.upload, name="data_upload"),
    path("data/loads/<int:load_id>/", data.load_detail, name="data_load"),
    path("data/months/<str:period_end>/", data.month, name="data_month"),
    path("data/months/<str:period_end>/sign-off/", data.month_sign_off, name="data_month_sign_off"),
    path("targets/", data.targets, name="targets"),
    path("targets/<str:indicator_id>/", data.target_edit, name="target_edit"),
    path("reports/", reports.reports, name="reports"),
    path("reports/download/", reports.download, name="report_download"),
    path("audit/", audit.trail, name="audit_trail"),
    path("users/", users.user_list, name="users"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:user_id>/", users.user_edit, name="user_edit"),
    path("users/<int:user_id>/deactivate/", users.user_deactivate, name="user_deactivate"),
    path("users/<int:user_id>/reactivate/", users.user_reactivate, name="user_reactivate"),
    # The application's own CSS, served by Django so the embedded default needs no web server.
    re_path(
        r"^static/(?P<path>.*)$", login_not_required(serve), {"document_root": STATIC_DIR}, name="static"
    ),
]
