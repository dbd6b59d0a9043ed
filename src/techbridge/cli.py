"""The ``techbridge`` console script: every command-line task of the project.

Each domain keeps its commands in its own ``commands.py`` (a Typer app that calls services);
this module sets Django up and mounts them. ``manage.py`` stays for Django's own commands.
"""

from __future__ import annotations

import os

import typer


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()


def build_app() -> typer.Typer:
    _setup_django()
    from techbridge.contacts import commands as contact_commands
    from techbridge.demo import commands as demo_commands
    from techbridge.imports import commands as import_commands
    from techbridge.matching import assignment_commands
    from techbridge.matching import commands as matching_commands
    from techbridge.notifications import commands as notification_commands
    from techbridge.recommendations import commands as recommendation_commands
    from techbridge.refdata import commands as refdata_commands
    from techbridge.search import commands as search_commands

    app = typer.Typer(
        help="TechBridge (科技桥) command line.", no_args_is_help=True, add_completion=False
    )
    app.command("demo-data")(demo_commands.demo_data)
    app.add_typer(import_commands.app, name="import", help="Import researchers or demands.")
    app.add_typer(refdata_commands.app, name="refdata", help="Reference code tables.")
    app.add_typer(matching_commands.app, name="matching", help="The matching engine.")
    app.add_typer(assignment_commands.app, name="assignment", help="Two-way selection solvers.")
    app.add_typer(search_commands.app, name="search", help="The full-text search index.")
    app.add_typer(notification_commands.app, name="notifications", help="Notifications and e-mail.")
    app.add_typer(recommendation_commands.app, name="recommend", help="Recommendations.")
    app.add_typer(contact_commands.app, name="contacts", help="Invitations and interests.")

    @app.command(
        "manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
    )
    def manage(ctx: typer.Context) -> None:
        """Run a Django management command (migrate, runserver, createsuperuser …)."""
        from django.core.management import execute_from_command_line

        execute_from_command_line(["techbridge manage", *ctx.args])

    return app


def main() -> None:
    build_app()()
