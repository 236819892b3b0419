"""The ``careboard`` command line. Each area registers its commands here, one module each."""

from __future__ import annotations

import click

from careboard import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="careboard")
def main() -> None:
    """careboard: children's social care improvement from the data a council already holds."""


def _register() -> None:
    from careboard.cli import schema_cmd

    main.add_command(schema_cmd.schema)
    from careboard.cli import generate_cmd

    main.add_command(generate_cmd.generate)
    main.add_command(generate_cmd.calibrate)
    from careboard.cli import indicators_cmd

    main.add_command(indicators_cmd.indicators)
    from careboard.cli import data_cmd

    for command in (data_cmd.validate, data_cmd.import_, data_cmd.export):
        main.add_command(command)
    from careboard.cli import web_cmd

    for command in (web_cmd.load, web_cmd.close_month, web_cmd.users, web_cmd.serve):
        main.add_command(command)
    from careboard.cli import demo_cmd

    main.add_command(demo_cmd.demo)
    from careboard.cli import report_cmd

    main.add_command(report_cmd.report)


_register()
