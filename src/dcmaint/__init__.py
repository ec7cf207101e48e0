"""dcmaint: the working tool of a machine-room maintenance contractor."""

__version__ = "0.1.0"
