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


# --- every failure is one SecretError line naming the reference, never a hang, never another exception ---


def _one_line_naming(caught: pytest.ExceptionInfo[SecretError], reference: str, words: str) -> None:
    message = str(caught.value)
    assert message.startswith(f"{reference}: ") and words in message and "\n" not in message


def test_a_named_pipe_is_refused_without_being_opened(tmp_path):
    path = tmp_path / "pw.fifo"
    os.mkfifo(path, 0o600)  # opening it for reading would wait for a writer forever
    with pytest.raises(SecretError) as caught:
        secrets.resolve(f"file:{path}")
    _one_line_naming(caught, f"file:{path}", "is a named pipe")


def test_a_socket_a_device_and_a_directory_are_refused(tmp_path):
    import socket

    sock_path = tmp_path / "pw.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock_path))
        with pytest.raises(SecretError) as caught:
            secrets.resolve(f"file:{sock_path}")
        _one_line_naming(caught, f"file:{sock_path}", "is a socket")
    with pytest.raises(SecretError) as caught:
        secrets.resolve("file:/dev/zero")  # never ends
    _one_line_naming(caught, "file:/dev/zero", "is a device")
    folder = tmp_path / "pw.d"
    folder.mkdir(mode=0o700)
    with pytest.raises(SecretError) as caught:
        secrets.resolve(f"file:{folder}")
    _one_line_naming(caught, f"file:{folder}", "is a directory")


def test_a_file_that_is_not_utf8_or_too_large_is_refused_without_showing_it(tmp_path):
    latin = tmp_path / "latin1.pw"
    latin.write_bytes("pässwörd\n".encode("latin-1"))
    latin.chmod(0o600)
    with pytest.raises(SecretError) as caught:
        secrets.resolve(f"file:{latin}")
    _one_line_naming(caught, f"file:{latin}", "not UTF-8 text")
    assert "ss" not in str(caught.value).replace(str(latin), "")
    large = tmp_path / "large.pw"
    large.write_text("x" * (secrets.MAX_FILE_BYTES + 1), encoding="utf-8")
    large.chmod(0o600)
    with pytest.raises(SecretError) as caught:
        secrets.resolve(f"file:{large}")
    _one_line_naming(caught, f"file:{large}", "larger than 64 KiB")


def test_an_unset_variable_is_named(monkeypatch):
    monkeypatch.delenv("DCMAINT_TEST_UNSET", raising=False)
    with pytest.raises(SecretError) as caught:
        secrets.resolve("env:DCMAINT_TEST_UNSET")
    _one_line_naming(caught, "env:DCMAINT_TEST_UNSET", "environment variable DCMAINT_TEST_UNSET is not set")


def test_a_keyring_without_backend_or_with_a_failing_one_is_one_line(monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import fail

    class Broken(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            raise OSError("org.freedesktop.Secret: collection is locked\nat line 2 of a long trace")

        def set_password(self, service, username, password):
            raise NotImplementedError

        def delete_password(self, service, username):
            raise NotImplementedError

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(fail.Keyring())
        with pytest.raises(SecretError) as caught:
            secrets.resolve("keyring:dcmaint-bmc/admin")
        _one_line_naming(caught, "keyring:dcmaint-bmc/admin", "no keyring is available")
        keyring.set_keyring(Broken())
        with pytest.raises(SecretError) as caught:
            secrets.resolve("keyring:dcmaint-bmc/admin")
        _one_line_naming(caught, "keyring:dcmaint-bmc/admin", "the keyring failed: OSError: org.freedesktop.Secret")
    finally:
        keyring.set_keyring(previous)


def test_look_up_resolves_each_reference_once_and_reports_each_failure(monkeypatch, tmp_path):
    from dcmaint.drivers.credentials import look_up
    from dcmaint.drivers.errors import ErrorKind

    monkeypatch.setenv("LOOKUP_PW", "lookup-s3cret")
    monkeypatch.delenv("LOOKUP_UNSET", raising=False)
    folder = tmp_path / "d"
    folder.mkdir()
    found = look_up(["env:LOOKUP_PW", f"file:{folder}", "env:LOOKUP_PW", "env:LOOKUP_UNSET", "hunter2"], 5)
    assert set(found) == {"env:LOOKUP_PW", f"file:{folder}", "env:LOOKUP_UNSET", "hunter2"}
    assert found["env:LOOKUP_PW"].secret is not None and found["env:LOOKUP_PW"].secret.reveal() == "lookup-s3cret"
    assert found[f"file:{folder}"].problem.endswith("is a directory, not a file holding a credential")
    assert found["env:LOOKUP_UNSET"].kind is ErrorKind.NOT_CONFIGURED
    assert "hunter2" not in found["hunter2"].problem  # a password typed as a reference is never repeated
