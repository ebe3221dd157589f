"""Run the ``aduan`` command with ``python -m aduan``."""

from aduan.cli import main

main()
