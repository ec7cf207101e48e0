"""The one rule for URLs typed into dcmaint: a password never travels inside one.

``redfish://admin:S3cret@10.0.0.5`` would put the BMC password in the store,
in the audit log, in every backup and in every ``device list``. So every entry
that takes a URL (``device add``, ``device edit``, ``device import``,
``health --target``) asks :func:`refuse_password_in_url` first, before the URL
is probed, stored or audited, and the refusal shows the URL with the password
blanked. The login has its own fields: the user name (``--username``) and a
credential reference (``env:NAME``, ``file:PATH``, ``keyring:SERVICE/USER``).

A user name alone (``https://admin@vc01.example/sdk``) is not a secret and is
kept as written: whether it means anything is the driver's business (the
Redfish driver refuses it at its first poll: its login is ``--username``).

The database URL is the one exception, and the docs say so: libpq accepts a
password there, the configuration file that holds it is owner-only, and every
message shows it blanked (:meth:`dcmaint.store.urls.DatabaseUrl.redacted`).
"""

from __future__ import annotations

from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.secrets import redact_url, url_password


def refuse_password_in_url(url: str | None, field: str) -> None:
    """Raise UsageError (exit 2) naming ``field`` and the URL with its password blanked, if it carries one.

    >>> refuse_password_in_url("redfish://admin@10.0.0.5", "endpoint")  # a user name alone passes
    >>> refuse_password_in_url("redfish://admin:S3cret@10.0.0.5", "endpoint")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dcmaint.errors.UsageError: endpoint 'redfish://admin:********@10.0.0.5' holds a password: ...
    """
    if url and url_password(url) is not None:
        raise UsageError(
            _(
                "{field} {url!r} holds a password: give the URL without it, the user name on its own and the "
                "password as a credential reference (env:NAME, file:PATH or keyring:SERVICE/USER)"
            ).format(field=field, url=redact_url(url))
        )
