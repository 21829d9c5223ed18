"""`python -m airlock`: the command line, run by the interpreter that runs it (`serve` starts
its worker so)."""

from airlock.cli.main import app

app()
