"""gunicorn settings for ``careboard serve``: several processes, each reading the data itself.

The application is not loaded before the fork (no ``preload_app``): Polars' thread pool does not
survive a fork, so a worker that inherited a Polars-using parent could hang. Each worker therefore
imports Django, reads the current load and renders the first scorecard after it starts, before it
takes a request (``post_worker_init``). Nothing here imports Django or Polars at module level,
because gunicorn's master process reads this file too.
"""

from __future__ import annotations

from typing import Any

worker_class = "gthread"
preload_app = False
# Warming a worker reads the whole load and computes the worklists: allow for a busy machine.
timeout = 300
graceful_timeout = 30
# Kept-alive connections outlast a reader's pause between pages, so pages skip a TCP handshake.
keepalive = 5
accesslog = None
# No management socket in the home folder: one fewer thing listening, and two servers never clash.
control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    from careboard.web.warm import warm

    worker.log.info("careboard worker %s warmed: %s", worker.pid, "; ".join(warm()))
