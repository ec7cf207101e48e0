"""The maintenance form (维护单) a customer signs after a repair, as PDF, HTML or Markdown.

``FormData`` is what the ticket code fills; ``render`` turns it into a file
in the customer's language. See docs/forms.md.
"""

from __future__ import annotations

from dcmaint.forms.labels import LANGUAGES
from dcmaint.forms.model import FormData, FormDevice, FormPart, image_type
from dcmaint.forms.render import FORMATS, render

__all__ = ["FORMATS", "LANGUAGES", "FormData", "FormDevice", "FormPart", "image_type", "render"]
