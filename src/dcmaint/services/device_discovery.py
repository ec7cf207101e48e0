"""Registering every device a manager endpoint knows about (``dcmaint device import --from URL``).

A vCenter knows its ESXi hosts, an array controller its shelves: the driver
that serves the URL's scheme is asked (``Driver.discover``, under the run's
deadline and isolation: :func:`dcmaint.drivers.runner.run_discovery`) and
every device it lists that the site does not have yet is added through the
register's own :func:`dcmaint.services.devices.add`, in ONE transaction, with
the discovering driver, the login (the credential *reference*, never its
value) and the TLS settings given for the source.

Everything the user typed is checked first, exactly as ``device add``
checks it, and a source that cannot be asked is one error: either way
nothing is written. What the manager answers is judged per device: one the
register refuses, or whose name another device of the site already has, is
skipped with a reason; registered devices of the same driver behind the same
manager that it no longer lists are reported as gone, never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from sqlalchemy import select

from dcmaint.domain import parse
from dcmaint.domain.devices import normalise
from dcmaint.domain.records import Device, Record
from dcmaint.errors import EXIT_FAILURE, DcmaintError, SecretError, UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.store.unit import UnitOfWork


@dataclass(frozen=True)
class DiscoveryRequest:
    """What ``device import --from`` is asked.

    :param source: the manager's URL, e.g. ``vsphere://vc01.example/``; its scheme names the driver
    :param site: where the devices are registered (it must exist)
    :param username: the login on the manager, stored with every device added
    :param credential: a reference (``env:NAME``, ``file:PATH``, ``keyring:SERVICE/USER``), resolved to log in
        and stored as the reference
    :param insecure: do not verify the manager's certificate (excludes ``ca_file`` and ``fingerprint``)
    :param ca_file: a CA bundle to verify it against
    :param fingerprint: its SHA-256 fingerprint, pinned
    :param timeout: seconds the manager may take to answer (None: ``runner.timeout``)
    :param dry_run: ask the manager and check everything, write nothing
    """

    source: str
    site: str
    username: str | None = None
    credential: str | None = None
    insecure: bool = False
    ca_file: str | None = None
    fingerprint: str | None = None
    timeout: float | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class Listed(Record):
    """One device of a discovery report; its ``as_json`` keys are documented in docs/import.md."""

    name: str
    kind: str
    endpoint: str
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    note: str | None = None  # the driver's one line about it ("in cluster C0")
    reason: str | None = None  # why it is skipped, or gone


@dataclass(frozen=True)
class DiscoveryReport:
    """What an import from a manager did (or, with ``dry_run``, would do)."""

    source: str
    site: str
    driver: str
    dry_run: bool
    added: tuple[Listed, ...]
    unchanged: tuple[Listed, ...]
    gone: tuple[Listed, ...]
    skipped: tuple[Listed, ...]

    def summary(self) -> DiscoverySummary:
        return DiscoverySummary(
            self.source,
            self.site,
            self.driver,
            len(self.added),
            len(self.unchanged),
            len(self.gone),
            len(self.skipped),
            self.dry_run,
        )


@dataclass(frozen=True)
class DiscoverySummary(Record):
    """The counts of a :class:`DiscoveryReport`, as one record."""

    source: str
    site: str
    driver: str
    added: int
    unchanged: int
    gone: int
    skipped: int
    dry_run: bool


class DiscoveryFailed(DcmaintError):
    """The manager could not be asked (unreachable, login refused, no answer in time, an answer the driver cannot
    read): nothing was written. ``kind`` is the contract's :class:`~dcmaint.drivers.errors.ErrorKind`."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after every device was added and checked."""

    def __init__(self, report: DiscoveryReport) -> None:
        super().__init__("dry run")
        self.report = report


def endpoint_match_key(endpoint: str) -> str:
    """An endpoint compared as the register compares them: scheme and host in lower case, the default port as
    written, path without a trailing ``/``, query kept, login dropped.

    >>> endpoint_match_key("VSphere://admin@VC01.Example/?host=host-12")
    'vsphere://vc01.example?host=host-12'
    >>> endpoint_match_key("vsphere://vc01.example/") == endpoint_match_key("vsphere://VC01.example")
    True
    """
    from dcmaint.drivers.target import endpoint_key

    text = endpoint.strip()
    parts = urlsplit(text)
    base = endpoint_key(text, text.lower() if not parts.scheme else text)
    return base + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def _template(context: Context, request: DiscoveryRequest) -> Device:
    """The source as a device of the site (its driver, login and TLS settings), checked as ``device add`` checks
    one: what every device found is registered with."""
    from dcmaint.services.health_targets import driver_for_url

    source = request.source.strip()
    info, host = driver_for_url(source, context.drivers(), "--from")
    if "discover" not in info.capabilities:
        raise UsageError(
            _(
                "driver {driver!r} cannot list the devices behind {scheme}:// endpoints "
                "(it does not implement discover)"
            ).format(driver=info.name, scheme=urlsplit(source).scheme.lower())
        )
    if request.insecure and (request.ca_file or request.fingerprint):
        raise UsageError(_("--insecure cannot be combined with --ca-file or --fingerprint"))
    template = Device(
        site=request.site,
        name=host,
        kind=info.kinds[0].value,
        vendor=None,
        model=None,
        serial=None,
        room=None,
        rack=None,
        rack_unit=None,
        covered=True,
        driver=info.name,
        endpoint=source,
        username=request.username,
        credential=request.credential,
        tls_verify=not request.insecure,
        ca_file=request.ca_file,
        fingerprint=request.fingerprint,
        notes=None,
    )
    return normalise(template)


def discover_devices(context: Context, request: DiscoveryRequest) -> DiscoveryReport:
    """Ask the manager at ``request.source`` for its devices and register the new ones in one transaction
    (entry point).

    Bad input raises UsageError (nothing asked, nothing written); a manager that cannot be asked raises
    :class:`DiscoveryFailed` (nothing written).
    """
    from dcmaint.store import queries

    timeout = parse.seconds_in_range(
        request.timeout if request.timeout is not None else context.config.runner.timeout, "--timeout"
    )
    template = _template(context, request)
    with context.read() as reader:  # a wrong --site is one error, before the manager is asked
        queries.site(reader, template.site)
    found = _ask(context, template, timeout)
    try:
        with context.write() as unit:
            report = _register(unit, template, found, request.dry_run)
            if request.dry_run:
                raise _DryRun(report)
    except _DryRun as rolled_back:
        return rolled_back.report
    return report


#: A device the manager listed: the device to add (None when the register refuses it), and as it is reported.
Found = tuple[Device | None, Listed]


def _ask(context: Context, template: Device, timeout: float) -> list[Found]:
    """The devices the manager lists: each as the device to add (None when the register refuses it) and as
    listed (with the reason it is refused)."""
    from dcmaint.drivers.credentials import look_up
    from dcmaint.drivers.runner import run_discovery
    from dcmaint.drivers.target import target_from_device

    secret, spent = None, 0.0
    if template.credential:
        lookup = look_up([template.credential], timeout)[template.credential]
        if not lookup.ok:
            raise SecretError(lookup.problem or template.credential)
        secret, spent = lookup.secret, lookup.seconds
    info = context.drivers().get(template.driver or "")
    target = target_from_device(template, timeout=max(timeout - spent, 0.0), credential=secret)
    outcome = run_discovery(info.create(), target, timeout=timeout, spent=spent)
    if not outcome.ok:
        raise DiscoveryFailed(
            _("cannot list the devices behind {source}: {message} ({kind})").format(
                source=template.endpoint, message=outcome.message, kind=outcome.kind
            ),
            str(outcome.kind),
        )
    devices: list[Found] = []
    for item in outcome.found:
        listed = Listed(
            item.name,
            item.kind.value,
            item.endpoint,
            item.identity.vendor,
            item.identity.model,
            item.identity.serial,
            item.note,
        )
        try:
            device = normalise(
                replace(
                    template,
                    name=item.name,
                    kind=item.kind.value,
                    endpoint=item.endpoint,
                    vendor=item.identity.vendor,
                    model=item.identity.model,
                    serial=item.identity.serial,
                    options=dict(item.options),
                )
            )
        except UsageError as refused:
            devices.append((None, replace(listed, reason=str(refused))))
        else:
            devices.append((device, listed))
    return devices


def _listed(device: Device, note: str | None = None, reason: str | None = None) -> Listed:
    return Listed(
        device.name, device.kind, device.endpoint or "", device.vendor, device.model, device.serial, note, reason
    )


def _register(unit: UnitOfWork, template: Device, found: list[Found], dry_run: bool) -> DiscoveryReport:
    """Add what is new, inside the caller's transaction; everything else is counted and explained."""
    from dcmaint.drivers.target import endpoint_key
    from dcmaint.services import devices, sites
    from dcmaint.store.models.registers import DeviceRow, device_record

    assert template.endpoint is not None and template.driver is not None
    site = sites.find(unit, template.site)
    registered = [
        device_record(row) for row in unit.session.scalars(select(DeviceRow).where(DeviceRow.site_id == site.id))
    ]
    by_endpoint = {endpoint_match_key(d.endpoint): d for d in registered if d.endpoint}
    by_name = {d.name: d for d in registered}
    added: list[Listed] = []
    unchanged: list[Listed] = []
    skipped: list[Listed] = []
    seen: set[str] = set()
    for entry, listed in found:
        key = endpoint_match_key(listed.endpoint)
        if key in seen:
            skipped.append(replace(listed, reason=_("listed twice by the source")))
            continue
        seen.add(key)
        if entry is None:
            skipped.append(listed)
        elif key in by_endpoint:
            unchanged.append(_listed(by_endpoint[key], listed.note))
        elif entry.name in by_name:
            skipped.append(
                replace(
                    listed,
                    reason=_("the name {name!r} is taken at site {site!r} by a device with endpoint {endpoint}").format(
                        name=entry.name, site=entry.site, endpoint=by_name[entry.name].endpoint or "-"
                    ),
                )
            )
        else:
            try:
                device = devices.add(unit, entry)
            except UsageError as refused:
                skipped.append(replace(listed, reason=str(refused)))
                continue
            by_name[device.name] = device
            added.append(_listed(device, listed.note))
    manager = endpoint_key(template.endpoint, template.endpoint)
    gone_note = _("gone from {source}").format(source=template.endpoint)
    gone = [
        _listed(device, reason=gone_note)
        for device in sorted(registered, key=lambda device: device.name)
        if device.driver == template.driver
        and device.endpoint
        and endpoint_key(device.endpoint, device.endpoint) == manager
        and endpoint_match_key(device.endpoint) not in seen
    ]
    return DiscoveryReport(
        template.endpoint,
        template.site,
        template.driver,
        dry_run,
        tuple(added),
        tuple(unchanged),
        tuple(gone),
        tuple(skipped),
    )
