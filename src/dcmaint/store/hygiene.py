"""`dcmaint db check`'s look for secrets kept in clear: a device endpoint holding a password.

``device add``, ``edit`` and ``import`` refuse such an endpoint
(:func:`dcmaint.domain.urls.refuse_password_in_url`), but a store written
before that rule, or a row edited with SQL, may still hold one. Each is one
problem naming the device, with the password blanked: the cure is to rotate
the password and register the clean URL (docs/database.md, "A password in an
endpoint").
"""

from __future__ import annotations

from dcmaint.i18n import _
from dcmaint.secrets import redact_url, url_password
from dcmaint.store.reader import Reader

#: The check's name in ``db check`` lines and its JSON ``check`` key.
SECRETS = "secrets"


def password_problems(reader: Reader) -> list[str]:
    """One line per device whose stored endpoint holds a password, by site and name."""
    rows = reader.rows(
        "SELECT s.name AS site, d.name AS device, d.endpoint AS endpoint FROM devices d "
        "JOIN sites s ON s.id = d.site_id WHERE d.endpoint LIKE :at ORDER BY s.name, d.name",
        {"at": "%@%"},
    )
    return [
        _(
            "device {site}/{device}: the endpoint {url!r} holds a password in clear: change it on the device, "
            "then `dcmaint device edit {device} --site {site} --endpoint URL` with the URL alone"
        ).format(site=row["site"], device=row["device"], url=redact_url(row["endpoint"]))
        for row in rows
        if url_password(row["endpoint"]) is not None
    ]
