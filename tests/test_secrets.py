"""Credential references: resolved in one place, never shown, redacted from every output and log."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import ClassVar

import pytest

from dcmaint import secrets
from dcmaint.errors import SecretError


def test_env_reference(monkeypatch):
    monkeypatch.setenv("BMC_PW", "s3cr3t-env")
    secret = secrets.resolve("env:BMC_PW")
    assert secret.reveal() == "s3cr3t-env"
    assert "s3cr3t" not in repr(secret) and "s3cr3t" not in str(secret) and "s3cr3t" not in f"{secret}"


def test_file_reference_requires_owner_only_mode(tmp_path):
    path = tmp_path / "pw"
    path.write_text("s3cr3t-file\nignored\n", encoding="utf-8")
    path.chmod(0o644)
    with pytest.raises(SecretError, match="0o644"):
        secrets.resolve(f"file:{path}")
    path.chmod(0o600)
    assert secrets.resolve(f"file:{path}").reveal() == "s3cr3t-file"


@pytest.mark.parametrize("text", ["hunter2", "env:", "vault:x", "keyring:onlyservice", ""])
def test_malformed_references(text):
    with pytest.raises(SecretError) as caught:
        secrets.resolve(text)
    if text and ":" not in text:
        assert text not in str(caught.value)


def test_missing_values(monkeypatch, tmp_path):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(SecretError, match="env:NOT_SET_ANYWHERE"):
        secrets.resolve("env:NOT_SET_ANYWHERE")
    with pytest.raises(SecretError, match="cannot read"):
        secrets.resolve(f"file:{tmp_path / 'absent'}")


def test_redact_blanks_every_resolved_value(monkeypatch):
    monkeypatch.setenv("A_PW", "alpha-secret-1")
    secrets.resolve("env:A_PW")
    assert secrets.redact("login failed for admin:alpha-secret-1@bmc") == "login failed for admin:********@bmc"


def test_a_whole_run_never_shows_the_secret(tmp_path):
    """Grep stdout, stderr and the log file of a real run (separate process) for the secret."""
    secret = "Pa55-w0rd-that-must-not-leak"
    home = tmp_path / "home"
    log = tmp_path / "run.log"
    credential = tmp_path / "bmc.pw"
    credential.write_text(secret + "\n", encoding="utf-8")
    credential.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(home), DCMAINT_LOG_FILE=str(log), ILO_PW=secret)
    steps = [
        ["site", "add", "hq", "--customer", "某银行"],
        ["device", "add", "srv01", "--site", "hq", "--kind", "server", "--credential", "env:ILO_PW"],
        ["device", "add", "srv02", "--site", "hq", "--kind", "server", "--credential", f"file:{credential}"],
        ["-v", "device", "check-credential", "srv01"],
        ["-v", "device", "check-credential", "srv02"],
        ["device", "list", "--format", "json"],
        ["device", "show", "srv01", "--format", "csv"],
        ["audit", "list", "--format", "json"],
        ["config", "show"],
        ["device", "add", "srv03", "--site", "hq", "--kind", "server", "--credential", secret],
    ]
    seen = []
    for argv in steps:
        done = subprocess.run([sys.executable, "-m", "dcmaint", *argv], env=env, capture_output=True, text=True)
        seen.append(done.stdout + done.stderr)
    assert "resolves (28 characters)" in seen[3]
    assert seen[-1].startswith("dcmaint: error: a credential must be a reference")
    assert log.exists() and "resolved env:ILO_PW" in log.read_text(encoding="utf-8")
    everything = (
        "\n".join(seen) + log.read_text(encoding="utf-8") + (home / "dcmaint.db").read_bytes().decode("latin-1")
    )
    assert secret not in everything


def test_keyring_reference(monkeypatch):
    """A keyring reference goes through the real keyring API (an in-memory backend stands in for the OS store)."""
    import keyring  # the test extra installs it
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1
        store: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        keyring.set_password("dcmaint-bmc", "admin", "kr-s3cret")
        assert secrets.resolve("keyring:dcmaint-bmc/admin").reveal() == "kr-s3cret"
        with pytest.raises(SecretError, match="no value found"):
            secrets.resolve("keyring:dcmaint-bmc/nobody")
    finally:
        keyring.set_keyring(previous)
