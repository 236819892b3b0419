"""Web commands: ``careboard load``, ``close-month``, ``users create-demo`` and ``serve``.

Each sets Django up on the configured database (SQLite at var/careboard.sqlite3 unless
DATABASE_URL is set) and brings its tables up to date first, so the embedded default needs no
separate migrate step.
"""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from datetime import date, datetime
from pathlib import Path

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careboard.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _cli_name() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--allow-errors", is_flag=True, help="Load the good rows even when some rows have errors.")
def load(paths: tuple[Path, ...], allow_errors: bool) -> None:
    """Read PATHS with the engine's readers and make them the current data (all or nothing)."""
    _django()
    from careboard.web.data.ingest import read_files
    from careboard.web.data.loads import LoadRefused, store_load

    result = read_files(list(paths))
    for issue in result.issues[:50]:
        click.echo(str(issue), err=True)
    if len(result.issues) > 50:
        click.echo(f"... and {len(result.issues) - 50} more issues", err=True)
    try:
        stored = store_load(
            result.tables,
            result.issues,
            files=[str(p) for p in paths],
            by_name=_cli_name(),
            rows_read=result.rows_read,
            allow_errors=allow_errors,
        )
    except LoadRefused as refused:
        raise click.ClickException(f"{refused} - the current data has not changed") from None
    rows = sum(stored.row_counts.values())
    click.echo(f"load {stored.pk}: {rows:,} rows in {len(stored.row_counts)} tables, data to {stored.as_at}")


@click.command("close-month")
@click.option(
    "--as-at", "as_at", required=True, type=click.DateTime(["%Y-%m-%d"]), help="A day in the month."
)
@click.option(
    "--months", default=1, show_default=True, help="Also close the months before, skipping closed ones."
)
@click.option("--recompute", is_flag=True, help="Recompute a closed month (keeps the old values).")
@click.option("--reason", default="", help="Why a closed month is recomputed (required with --recompute).")
def close_month(as_at: datetime, months: int, recompute: bool, reason: str) -> None:
    """Compute and store the indicator values of the month containing AS_AT."""
    _django()
    from careboard.engine.calendar import month_end, month_ends
    from careboard.web.data.closing import CloseRefused
    from careboard.web.data.closing import close_month as close
    from careboard.web.data.values import live_close

    last = month_end(as_at.date())
    ends: list[date] = [d for d in month_ends(last, months) if d == month_end(d)]
    for period_end in ends:
        if months > 1 and not recompute and live_close(period_end) is not None:
            click.echo(f"{period_end}: already closed")
            continue
        try:
            closed = close(period_end, _cli_name(), recompute=recompute, reason=reason)
        except CloseRefused as refused:
            raise click.ClickException(str(refused)) from None
        click.echo(f"{period_end}: closed ({closed.values.count():,} values from load {closed.load_id})")


@click.group()
def users() -> None:
    """Manage careboard users."""


@users.command("create")
@click.argument("username")
@click.option(
    "--role", required=True, help="administrator, performance_lead, senior_leader, board_member, ..."
)
@click.option("--teams", default="", help="Team ids (dept_team_id), comma separated.")
@click.option("--area", default="", help="Service area id (dept_team_parent_id), for a service manager.")
@click.option("--worker", default="", help="The user's own prof_professional_id (social worker, IRO).")
def create_user(username: str, role: str, teams: str, area: str, worker: str) -> None:
    """Create a user with a role and team scope; prints a random password to hand over once."""
    _django()
    from careboard.web.accounts.models import Role, User

    if role not in Role.values:
        raise click.UsageError(f"unknown role {role!r}: one of {', '.join(Role.values)}")
    if User.objects.filter(username=username).exists():
        raise click.ClickException(f"user {username!r} already exists")
    password = secrets.token_urlsafe(12)
    User.objects.create_user(
        username,
        password=password,
        role=role,
        team_ids=[t.strip() for t in teams.split(",") if t.strip()],
        service_area_id=area,
        professional_id=worker,
    )
    click.echo(f"{username} created as {Role(role).label}. Password (shown once): {password}")


@users.command("create-demo")
def create_demo() -> None:
    """Create (or reset) one demo user per role, scoped to teams in the current data; prints the password."""
    _django()
    from careboard.web.accounts.demo import create_demo_users

    password = secrets.token_urlsafe(12)
    for user in create_demo_users(password):
        scope = ", ".join(user.team_ids) or user.service_area_id or "all teams"
        click.echo(f"{user.username:18} {user.get_role_display():32} {scope}")
    click.echo(f"\nPassword for every demo user (shown once, not stored anywhere else): {password}")


@click.command()
@click.option("--port", default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    help="Processes (gunicorn); each holds the data in memory (about 1 GB for 65,000 children).",
)
@click.option("--threads", default=4, show_default=True, help="Threads per process (gunicorn).")
@click.option(
    "--dev-server", is_flag=True, help="Django's own threaded server (one process) instead of gunicorn."
)
def serve(port: int, host: str, workers: int, threads: int, dev_server: bool) -> None:
    """Serve the web application with gunicorn (put an HTTPS proxy in front of it on a network)."""
    _django()
    if dev_server:
        from django.core.management import call_command
        from django.db import connections

        from careboard.web.warm import warm

        # Django's server starts a thread per request: kept-open connections would pile up, one
        # per thread, until PostgreSQL refuses more ("too many clients", seen under load).
        connections.settings["default"]["CONN_MAX_AGE"] = 0

        click.echo("warming: " + "; ".join(warm()))
        click.echo(f"careboard on http://{host}:{port}/ (Django's server; Ctrl+C to stop)")
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        return
    click.echo(f"careboard on http://{host}:{port}/ ({workers} x {threads} gunicorn; Ctrl+C to stop)")
    # A fresh interpreter, not a fork of this one: this process may have used Polars (migrations,
    # ``careboard demo``), and Polars' threads do not survive a fork. Workers warm themselves.
    os.execv(sys.executable, gunicorn_argv(host, port, workers, threads))


def gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:careboard.web.gunicorn_conf",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "careboard.web.wsgi:application",
    ]
