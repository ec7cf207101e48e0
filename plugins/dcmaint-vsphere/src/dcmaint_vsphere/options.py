"""The per-device settings of the vSphere driver, read from ``Target.options``.

Options are strings in the device register (``dcmaint device add ... --option
datastore_warning=80``); a value this driver cannot use raises
:class:`~dcmaint_vsphere.endpoints.InvalidEndpoint`, recorded as
``not_configured`` for that device. The options of the batch's first target
apply to the whole vCenter conversation (page size, timeouts); datastore
thresholds are read per device.

| option | values | default | meaning |
|---|---|---|---|
| ``datastore_warning`` | 1-100 (percent used) | 85 | a datastore this full is a warning |
| ``datastore_critical`` | 1-100 (percent used) | 95 | a datastore this full is critical |
| ``page_size`` | 10-5000 | 500 | objects per PropertyCollector page |
| ``check_hostname`` | ``true``, ``false`` | ``true`` | match the certificate against the host when verifying with CAs |
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from dcmaint_vsphere.endpoints import InvalidEndpoint

_TRUE, _FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off")
KNOWN = ("datastore_warning", "datastore_critical", "page_size", "check_hostname")


def _number(options: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    text = options.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise InvalidEndpoint(f"option {name}={text!r}: expected a number from {low:g} to {high:g}")
    return value


def _flag(options: Mapping[str, str], name: str, default: bool) -> bool:
    text = options.get(name)
    if text is None:
        return default
    if text.strip().lower() in _TRUE:
        return True
    if text.strip().lower() in _FALSE:
        return False
    raise InvalidEndpoint(f"option {name}={text!r}: expected true or false")


@dataclass(frozen=True)
class VsphereOptions:
    """The driver's settings for one device.

    >>> VsphereOptions.from_target({"datastore_warning": "80"}).datastore_warning
    80.0
    >>> VsphereOptions.from_target({"datastore_warning": "96"})
    Traceback (most recent call last):
    ...
    dcmaint_vsphere.endpoints.InvalidEndpoint: option datastore_warning=96 must be below datastore_critical=95
    """

    datastore_warning: float = 85.0
    datastore_critical: float = 95.0
    page_size: int = 500
    check_hostname: bool = True

    @classmethod
    def from_target(cls, options: Mapping[str, str]) -> VsphereOptions:
        unknown = sorted(set(options) - set(KNOWN))
        if unknown:
            raise InvalidEndpoint(f"option {unknown[0]!r} is not a vSphere driver option ({', '.join(KNOWN)})")
        warning = _number(options, "datastore_warning", cls.datastore_warning, 1, 100)
        critical = _number(options, "datastore_critical", cls.datastore_critical, 1, 100)
        if warning >= critical:
            raise InvalidEndpoint(f"option datastore_warning={warning:g} must be below datastore_critical={critical:g}")
        return cls(
            datastore_warning=warning,
            datastore_critical=critical,
            page_size=int(_number(options, "page_size", cls.page_size, 10, 5000)),
            check_hostname=_flag(options, "check_hostname", cls.check_hostname),
        )
