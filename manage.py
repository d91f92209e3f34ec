#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not any(os.environ.get(name) for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DATABASE_URL")):
        # Nothing configured at all: this is a developer's checkout on the embedded SQLite database.
        # Any production set-up names its database and secret key, and then nothing is assumed.
        os.environ["DJANGO_DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
