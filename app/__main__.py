"""`python -m app [web|worker|check]`.

SIGTERM is taken before anything else is imported: the SDKs take a second or more to import (more on
a busy machine), and a process manager that stops Cercle while it starts should see a clean exit (0),
as it does once the event loop has taken the signal over (app/runtime/cli.py).
"""

from __future__ import annotations

import signal
import sys


def _stop_while_starting(signum: int, frame: object) -> None:
    raise SystemExit(0)  # unwinds through main's `finally`, which stops an embedded Redis


signal.signal(signal.SIGTERM, _stop_while_starting)

from app.runtime.cli import main  # noqa: E402  (after the handler, on purpose)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
