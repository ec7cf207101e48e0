"""The command line: one Typer app per noun, joined in :mod:`dcmaint.cli.main`.

CLI modules import only typer and dcmaint's light modules at the top; stores,
services and drivers are imported inside the commands that use them, so
``dcmaint --help`` pays for none of them.
"""
