"""The ``aduan`` console command: Aduan's own commands plus Django's management commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["aduan", *sys.argv[1:]])


if __name__ == "__main__":
    main()
