"""The schema revision this code expects. A test keeps it equal to Alembic's head."""

HEAD = "0005"
