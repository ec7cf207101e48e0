"""The one template system of every document: Jinja2 templates shipped inside the package.

HTML and Markdown are both drawn from ``dcmaint/forms/templates/*.j2`` (the
PDF is drawn by fpdf2 from the same ``Sheet``), read through
``PackageLoader``, i.e. ``importlib.resources``: a wheel carries them, no
path into a source tree is needed. jinja2 is imported here, when a document
is rendered, never at CLI start-up.

Escaping happens once per format, at the template's output:

- HTML autoescapes every ``{{ value }}`` (with :func:`html.escape`, the way
  the forms always wrote it: ``&quot;``, ``&#x27;``); the values reach it
  as plain text, already cleared of control characters by ``content.py``
  (``domain/text.py``'s ``escape``, which is idempotent), so nothing is
  escaped twice. Only markup made here (a chart's ``<svg>``) is passed as
  ``Markup``.
- Markdown has no autoescape of its own in Jinja2, so the environment
  *finalizes* every ``{{ value }}`` with the Markdown escape of
  ``markdown.py``; what the renderer already wrote as Markdown (a blank drawn
  as underscores, an image) is passed as :class:`Raw` and left alone.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment


class Raw(str):
    """Markdown already written by the renderer: the Markdown environment outputs it as it is."""

    __slots__ = ()


@cache
def environment(fmt: str) -> Environment:
    """The environment for ``fmt`` ("html" or "md"), built once per process."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    common: dict[str, Any] = {
        "loader": PackageLoader("dcmaint.forms", "templates"),
        "undefined": StrictUndefined,  # a misspelt name in a template is an error, not an empty string
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if fmt == "html":
        from html import escape as html_escape

        from markupsafe import Markup

        def escaped(value: object) -> object:
            """The standard library's escape (``&quot;``, as the forms always wrote), before autoescape sees it."""
            return value if hasattr(value, "__html__") else Markup(html_escape(str(value)))

        return Environment(autoescape=True, finalize=escaped, **common)
    from dcmaint.forms.markdown import escape

    def finalize(value: object) -> str:
        return value if isinstance(value, Raw) else escape(str(value))

    return Environment(autoescape=False, finalize=finalize, **common)


def render(name: str, fmt: str, **values: Any) -> str:
    """The template ``name`` rendered with ``values``."""
    return environment(fmt).get_template(name).render(**values)


__all__ = ["Raw", "environment", "render"]
