"""SQL injection: every value reaches the database as a bound parameter, never as SQL text (docs/security.md).

Queries are SQLAlchemy Core/ORM statements or ``text()`` with ``:name``
placeholders. Some SQL is assembled from pieces (a column list, a ``WHERE``
made of the filters given, ``IN (:i0, :i1, ...)`` placeholders); those pieces
are literals of the code. This test is the rule's guard: it reads every
f-string of the core and the in-tree plugins that builds SQL and accepts an
interpolated expression only when it is an upper-case constant or one of the
pieces below, each read and found to hold only literal SQL and placeholders.
A new interpolation fails here until someone has read it and added it with
the reason; ``%`` and ``str.format`` on SQL are refused outright.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQL = re.compile(
    r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TEMPORARY )?TABLE|DROP TABLE|GRANT|REVOKE)\b"
)
CONSTANT = re.compile(r"_?[A-Z][A-Z0-9_]*")

#: (file, expression) pairs read and found to hold literal SQL and ``:name`` placeholders only.
REVIEWED = {
    ("src/dcmaint/store/archive_queries.py", "marks"): "placeholders :i0, :i1, ... for an IN list",
    ("src/dcmaint/store/match_queries.py", "marks"): "placeholders for an IN list",
    ("src/dcmaint/store/match_queries.py", "id_marks"): "placeholders for an IN list",
    ("src/dcmaint/store/spare_queries.py", "marks"): "placeholders for an IN list",
    ("src/dcmaint/store/ticket_queries.py", "marks"): "placeholders for an IN list",
    ("src/dcmaint/store/backup_queries.py", "where"): "WHERE of literal clauses with placeholders",
    ("src/dcmaint/store/customer_queries.py", "where"): "literal 'WHERE name = :name' or nothing",
    ("src/dcmaint/store/customer_queries.py", "site"): "literal ' AND t.site_id = :site' or nothing",
    ("src/dcmaint/store/emergency_queries.py", "where"): "WHERE of literal clauses with placeholders",
    ("src/dcmaint/store/pm_queries.py", "where"): "WHERE of literal clauses with placeholders",
    ("src/dcmaint/store/queries.py", "' AND '.join(clauses)"): "literal clauses with placeholders",
    ("src/dcmaint/store/queries.py", "table"): "a table name from a literal tuple in the loop",
    ("src/dcmaint/store/crosscheck.py", "only"): "placeholders for an IN list of action names",
    ("src/dcmaint/store/crosscheck.py", "judged.rows"): "a literal subquery of the module's own table",
    ("src/dcmaint/store/match_queries.py", "' OR '.join(clauses)"): "literal IN clauses with placeholders",
    ("src/dcmaint/store/metrics_queries.py", "where"): "literal ' AND s.name IN (:site0, ...)' or nothing",
}


def sources() -> list[Path]:
    found = [*(ROOT / "src").rglob("*.py"), *(ROOT / "plugins").glob("*/src/**/*.py")]
    return sorted(p for p in found if "migrations/versions" not in p.as_posix())


def sql_interpolations(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if SQL.search(literal):
                found += [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
    return found


def formatted_sql(tree: ast.AST) -> list[str]:
    """``"... %s" % value`` and ``"...".format(value)`` on SQL text."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            text = node.left.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
        ):
            text = node.func.value.value
        else:
            continue
        if isinstance(text, str) and SQL.search(text):
            found.append(ast.unparse(node))
    return found


def test_sql_text_holds_constants_and_reviewed_pieces_only():
    unknown, formatted = [], []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(ROOT).as_posix()
        unknown += [
            (name, e) for e in sql_interpolations(tree) if not CONSTANT.fullmatch(e) and (name, e) not in REVIEWED
        ]
        formatted += [(name, e) for e in formatted_sql(tree)]
    assert not unknown, f"SQL built from an unreviewed value (bind it as :name, or review it here): {unknown}"
    assert not formatted, f"SQL built with % or str.format: {formatted}"


def test_the_guard_sees_an_interpolated_value():
    """The scan is not blind: a value pasted into SQL is found, a constant and a bound parameter are not."""
    code = (
        "q1 = f\"SELECT * FROM devices WHERE name = '{name}'\"\n"
        'q2 = f"SELECT {COLUMNS} FROM devices WHERE name = :name"\n'
        "q3 = \"DELETE FROM sites WHERE name = '%s'\" % name\n"
    )
    tree = ast.parse(code)
    assert [e for e in sql_interpolations(tree) if not CONSTANT.fullmatch(e)] == ["name"]
    assert formatted_sql(tree) == ["\"DELETE FROM sites WHERE name = '%s'\" % name"]


def test_every_reviewed_piece_still_exists():
    """A reviewed entry whose code is gone is removed, so that the list stays the truth."""
    seen = set()
    for path in sources():
        name = path.relative_to(ROOT).as_posix()
        seen |= {(name, e) for e in sql_interpolations(ast.parse(path.read_text(encoding="utf-8")))}
    assert set(REVIEWED) <= seen, set(REVIEWED) - seen
