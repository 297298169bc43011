"""CLI subcommands: one module each, discovered by bridgebench.cli.

A command module defines ``register(subparsers)``, which adds its parser and sets
``func=<callable taking the parsed args and returning an exit code>`` on it, and may set
``ORDER`` (an int) to place itself in ``--help``.
"""
