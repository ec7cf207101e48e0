"""Whether a registered class is a usable driver: the checks of its declaration, one message per problem.

The manager refuses a class that fails them (stage ``driver`` in ``dcmaint
plugin list``), and the conformance kit asserts the same checks, so that a
vendor sees in their own tests what dcmaint would refuse on load.
"""

from __future__ import annotations

import re

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.parse import NAME_PATTERN
from dcmaint.drivers.base import Driver
from dcmaint.drivers.features import Feature
from dcmaint.i18n import _

#: A URL scheme as RFC 3986 spells it (a letter, then letters, digits, '+', '-', '.'), lower case.
SCHEME_PATTERN = re.compile(r"[a-z][a-z0-9+.\-]*")


def scheme_problem(name: str, schemes: object) -> str | None:
    """Why ``schemes`` is not a valid ``Driver.schemes`` declaration, or None.

    >>> scheme_problem("acme", ("acme", "acme+http")) is None
    True
    >>> scheme_problem("acme", ("Acme",))
    "driver 'acme' declares an invalid URL scheme 'Acme' (lower case: a letter, then letters, digits, '+', '-', '.')"
    """
    if isinstance(schemes, str) or not isinstance(schemes, tuple | list):
        return _("driver {name!r} must declare its URL schemes as a tuple of strings, not {value!r}").format(
            name=name, value=schemes
        )
    for scheme in schemes:
        if not isinstance(scheme, str) or not SCHEME_PATTERN.fullmatch(scheme):
            return _(
                "driver {name!r} declares an invalid URL scheme {scheme!r} (lower case: a letter, then letters, "
                "digits, '+', '-', '.')"
            ).format(name=name, scheme=scheme)
    if len(set(schemes)) != len(schemes):
        return _("driver {name!r} declares a URL scheme twice").format(name=name)
    return None


def feature_problem(name: str, features: object) -> str | None:
    """Why ``features`` is not a valid ``Driver.features`` declaration, or None.

    >>> feature_problem("acme", ("sensors", "events")) is None
    True
    >>> feature_problem("acme", ("poll",))
    "driver 'acme' declares an unknown feature 'poll' (one of: archive, events, firmware, sensors, facility)"
    """
    if isinstance(features, str) or not isinstance(features, tuple | list):
        return _("driver {name!r} must declare its features as a tuple of strings, not {value!r}").format(
            name=name, value=features
        )
    for feature in features:
        if feature not in Feature._value2member_map_:
            return _("driver {name!r} declares an unknown feature {feature!r} (one of: {choices})").format(
                name=name, feature=feature, choices=", ".join(Feature)
            )
    if len(set(features)) != len(features):
        return _("driver {name!r} declares a feature twice").format(name=name)
    return None


def declaration_problem(driver_class: object) -> str | None:
    """Why ``driver_class`` cannot be used as a driver, or None when it can."""
    if not (isinstance(driver_class, type) and issubclass(driver_class, Driver)):
        return _("registered {value!r}, which is not a Driver subclass").format(value=driver_class)
    name = driver_class.name
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        return _("driver class {cls} has no valid name (letters, digits, '.', '-', '_')").format(
            cls=driver_class.__qualname__
        )
    if not isinstance(driver_class.version, str) or not driver_class.version.strip():
        return _("driver {name!r} declares no version").format(name=name)
    kinds: object = driver_class.kinds  # a plugin's class attribute: checked, not trusted
    if (
        not isinstance(kinds, tuple | list)
        or not kinds
        or not all(kind in DeviceKind._value2member_map_ for kind in kinds)
    ):
        return _("driver {name!r} must declare its device kinds, a tuple of: {choices}").format(
            name=name, choices=", ".join(DeviceKind)
        )
    problem = scheme_problem(name, driver_class.schemes)
    if problem is not None:
        return problem
    problem = feature_problem(name, driver_class.features)
    if problem is not None:
        return problem
    if not {"poll", "poll_batch"} & set(driver_class.capabilities()):
        return _("driver {name!r} implements neither poll nor poll_batch").format(name=name)
    return None
