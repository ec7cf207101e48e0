"""TLS: verified by default, against a CA file, or pinned by fingerprint; unverified only when the device says so."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import pytest
import rf_trees as trees
from rf_peers import TlsMaterial, make_tls_material

from dcmaint.drivers import DeviceReport, ErrorKind, Health, Target, TlsSettings, Unreachable
from dcmaint.secrets import Secret
from dcmaint_redfish.driver import RedfishDriver


@pytest.fixture
def https_bmc(fake_bmc: Any, tls_material: TlsMaterial) -> Any:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_material.certificate, tls_material.key)
    return fake_bmc(trees.server(), ssl_context=context)


def poll(bmc: Any, tls: TlsSettings, **options: str) -> DeviceReport:
    target = Target(
        "bmc-1",
        "server",
        bmc.endpoint,
        username="admin",
        credential=Secret("secret"),
        tls=tls,
        timeout=10.0,
        options=options,
    )
    return asyncio.run(RedfishDriver().poll(target))


def test_the_endpoint_is_https(https_bmc: Any) -> None:
    assert https_bmc.endpoint.startswith("redfish://")


def test_a_self_signed_certificate_is_refused_by_default(https_bmc: Any) -> None:
    with pytest.raises(Unreachable, match="TLS certificate not trusted") as raised:
        poll(https_bmc, TlsSettings())
    assert raised.value.kind is ErrorKind.UNREACHABLE
    assert https_bmc.counters.sessions_opened == 0  # nothing, not even the login, went to an untrusted peer


def test_the_device_ca_file_is_trusted(https_bmc: Any, tls_material: TlsMaterial) -> None:
    assert poll(https_bmc, TlsSettings(ca_file=tls_material.certificate)).status is Health.OK


def test_the_right_fingerprint_is_trusted(https_bmc: Any, tls_material: TlsMaterial) -> None:
    assert poll(https_bmc, TlsSettings(fingerprint=tls_material.fingerprint)).status is Health.OK
    plain_hex = tls_material.fingerprint.replace(":", "").lower()
    assert poll(https_bmc, TlsSettings(fingerprint=plain_hex)).status is Health.OK


def test_a_wrong_fingerprint_is_refused(https_bmc: Any) -> None:
    with pytest.raises(Unreachable, match="fingerprint mismatch"):
        poll(https_bmc, TlsSettings(fingerprint=":".join(["AB"] * 32)))
    assert https_bmc.counters.sessions_opened == 0


def test_insecure_accepts_any_certificate(https_bmc: Any) -> None:
    assert poll(https_bmc, TlsSettings(verify=False)).status is Health.OK


def test_a_certificate_for_another_name_fails_unless_hostname_checks_are_off(fake_bmc: Any, tmp_path: Path) -> None:
    material = make_tls_material(tmp_path, for_ip=False)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(material.certificate, material.key)
    bmc = fake_bmc(trees.server(), ssl_context=context)
    with pytest.raises(Unreachable, match="TLS"):
        poll(bmc, TlsSettings(ca_file=material.certificate))
    assert poll(bmc, TlsSettings(ca_file=material.certificate), check_hostname="false").status is Health.OK


@pytest.mark.parametrize(
    ("tls", "message"),
    [
        (TlsSettings(fingerprint="AB:CD"), "32"),
        (TlsSettings(fingerprint="not hex"), "hex"),
        (TlsSettings(ca_file=Path("/nonexistent/ca.pem")), "CA file"),
    ],
)
def test_unusable_tls_settings_are_not_configured(https_bmc: Any, tls: TlsSettings, message: str) -> None:
    with pytest.raises(Exception, match=message) as raised:
        poll(https_bmc, tls)
    assert getattr(raised.value, "kind", None) is ErrorKind.NOT_CONFIGURED
