"""People-facing names of record fields, for key/value tables.

JSON and CSV keep the stable English keys; only the table view shows these.
"""

from __future__ import annotations

from dcmaint.i18n import _


def field_labels() -> dict[str, str]:
    return {
        # sites
        "name": _("Name"),
        "customer": _("Customer"),
        "address": _("Address"),
        "contract_no": _("Contract"),
        "signed_on": _("Signed"),
        "sla_restore_hours": _("SLA restore hours"),
        "depot_deadline_days": _("Depot deadline (working days)"),
        "timezone": _("Time zone"),
        "calendar": _("Calendar"),
        # devices
        "site": _("Site"),
        "kind": _("Kind"),
        "vendor": _("Vendor"),
        "model": _("Model"),
        "serial": _("Serial"),
        "room": _("Room"),
        "rack": _("Rack"),
        "rack_unit": _("U"),
        "covered": _("Covered"),
        "driver": _("Driver"),
        "endpoint": _("Endpoint"),
        "username": _("Username"),
        "credential": _("Credential"),
        "tls_verify": _("Verify TLS"),
        "ca_file": _("CA file"),
        "fingerprint": _("Fingerprint"),
        "notes": _("Notes"),
        "options": _("Driver options"),
        # staff
        "role": _("Role"),
        "skills": _("Skills"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "active": _("Active"),
        # configuration
        "config_file": _("Configuration file"),
        "user.actor": _("Actor (user.actor)"),
        "database.url": _("Database (database.url)"),
        "plugins.load": _("Plugins loaded (plugins.load)"),
        "plugins.disable": _("Plugins disabled (plugins.disable)"),
        "plugins.strict": _("Strict plugin loading (plugins.strict)"),
        "plugins.load_timeout": _("Plugin load timeout, s (plugins.load_timeout)"),
        "runner.concurrency": _("Devices polled at once (runner.concurrency)"),
        "runner.timeout": _("Deadline per device, s (runner.timeout)"),
        "runner.workers": _("Worker processes, 0 = automatic (runner.workers)"),
    }
