"""``python -m careboard.cli``: the same as the ``careboard`` command."""

from careboard.cli import main

main()
