"""The vSphere driver's side of record and replay (:mod:`dcmaint.drivers.tape`): SOAP calls on a deck.

Only loaded while a deck listens for the vCenter's endpoint (``dcmaint
record``, or a test replaying a recording); a normal poll logs in with
pyVmomi's ``SmartConnect`` and never imports this module.

Every SOAP call of a poll goes through one stub, :class:`TapedStub`: the
login (``RetrieveServiceContent``, ``Login``), pyVmomi's own calls
(``CreateContainerView``, property reads, ``Logout``) and the
PropertyCollector pages that :mod:`dcmaint_vsphere.wire` decodes itself. An
exchange is keyed by the SOAP method, the managed object it is called on and
its arguments as plain JSON (:func:`request`): never the user name, the
password or the session cookie, so a replay (under a stand-in credential) asks
exactly what the recording asked. The answer is kept as the raw SOAP body
with its HTTP status (:func:`dcmaint.drivers.tape.http_response`), so a
replay runs the same decoders on the same text, SOAP faults included: a
refused login replays as pyVmomi's ``InvalidLogin``, hence ``auth_failed``.

Under replay the stub never opens a connection: the login becomes the two
recorded calls, and the API version is the newest this pyVmomi knows (it
only chooses how requests are written, and a replay writes none).
"""

from __future__ import annotations

import base64
import datetime
import io
from collections.abc import Iterator, Mapping
from http.client import HTTPException
from typing import Any

from pyVmomi.SoapAdapter import SoapResponseDeserializer, SoapStubAdapter

from dcmaint.drivers import tape
from dcmaint_vsphere.wire import CHUNK, Answer

PROTOCOL = "soap"
#: Arguments never written into a request: who logs in and with what (a replay has neither).
SECRET_ARGUMENTS = frozenset({"userName", "password", "sessionId", "token", "samlToken", "certificate"})
#: The first question of every login, and so the one a failure to reach the server is recorded against.
FIRST_QUESTION: Mapping[str, Any] = {"method": "RetrieveServiceContent", "this": "ServiceInstance:ServiceInstance"}


def plain(value: Any) -> Any:
    """A call argument as deterministic JSON: references as ``Type:id``, types by name, data objects as mappings.

    >>> from pyVmomi import vim, vmodl
    >>> spec = vmodl.query.PropertyCollector.PropertySpec(type=vim.HostSystem, pathSet=["name"])
    >>> plain([spec, vim.HostSystem("host-21")])
    [{'_type': 'PropertySpec', 'type': 'HostSystem', 'pathSet': ['name']}, 'HostSystem:host-21']
    """
    from pyVmomi.VmomiSupport import DataObject, ManagedObject

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, ManagedObject):
        return f"{value._wsdlName}:{value._moId}"
    if isinstance(value, type):
        return str(getattr(value, "_wsdlName", value.__name__))
    if isinstance(value, DataObject):
        fields: dict[str, Any] = {"_type": value._wsdlName}
        for prop in value._GetPropertyList():
            item = getattr(value, prop.name, None)
            if item is not None and not (isinstance(item, list) and not item):
                fields[prop.name] = plain(item)
        return fields
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def request(mo: Any, info: Any, args: Any) -> dict[str, Any]:
    """What identifies one SOAP call: its method, the object it is called on, its arguments (no secret among them)."""
    names = [param.name for param in getattr(info, "params", ()) or ()]
    arguments = {
        name: plain(value)
        for name, value in zip(names, args or (), strict=False)
        if name not in SECRET_ARGUMENTS and value is not None
    }
    return {"method": info.wsdlName, "this": plain(mo), "arguments": arguments}


class TapedStub(SoapStubAdapter):  # type: ignore[misc]
    """pyVmomi's SOAP stub with each call recorded (a Recorder listens) or answered from a recording (a Player)."""

    def __init__(self, deck: tape.Deck, where: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deck = deck
        self.where = where

    def exchange(self, mo: Any, info: Any, args: Any) -> tuple[int, bytes]:
        """The HTTP status and SOAP body of one call: played, or sent for real and recorded. Blocking."""
        question = request(mo, info, args)
        if self.deck.replays:
            answer = self.deck.play(PROTOCOL, question)
            return int(answer.get("status") or 0), tape.response_body(answer)
        try:
            status, headers, body = self._post(mo, info, args)
        except Exception as error:
            from dcmaint_vsphere.session import translate

            self.deck.failed(PROTOCOL, question, translate(error, self.where))
            raise
        self.deck.record(PROTOCOL, question, tape.http_response(status, headers, body))
        return status, body

    def _post(self, mo: Any, info: Any, args: Any) -> tuple[int, dict[str, str], bytes]:
        """One call over the session's pooled connections, read whole (no compression asked for)."""
        body = self.SerializeRequest(mo, info, args)
        headers = {"Cookie": self.cookie, "SOAPAction": self.versionId, "Content-Type": "text/xml; charset=UTF-8"}
        connection = self.GetConnection()
        try:
            connection.request("POST", self.path, body, headers)
            response = connection.getresponse()
            data = response.read()
        except BaseException:
            connection.close()
            self.DropConnections()
            raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie  # kept in memory for the next call, never in the recording
        self.ReturnConnection(connection)
        return response.status, dict(response.getheaders()), data

    def answer(self, status: int, body: bytes, info: Any, outer: Any) -> Any:
        """The call's result as pyVmomi gives it: the deserialized value, or the SOAP fault raised."""
        if status not in (200, 500):
            raise HTTPException(f"HTTP {status}")
        value = SoapResponseDeserializer(outer).Deserialize(io.BytesIO(body), info.result)
        if status == 200:
            return value
        raise value if isinstance(value, BaseException) else HTTPException("HTTP 500")

    def InvokeMethod(self, mo: Any, info: Any, args: Any, outerStub: Any = None) -> Any:
        status, body = self.exchange(mo, info, args)
        return self.answer(status, body, info, outerStub or self)


class Buffered(Answer):
    """An answer already read whole (recorded or replayed), handed to the decoder in chunks as the wire's is."""

    def __init__(self, body: bytes) -> None:
        self._buffer = io.BytesIO(body)

    def read(self) -> bytes:
        return self._buffer.read(CHUNK)

    def body(self) -> Iterator[bytes]:
        while chunk := self.read():
            yield chunk

    def release(self, reusable: bool) -> None:
        """Nothing to hand back: the connection (if any) went back to the pool when the answer was read."""


def send(managed: Any, method: str, arguments: list[Any]) -> Answer:
    """:func:`dcmaint_vsphere.wire.send` on a taped stub: the body recorded or replayed, a SOAP fault raised."""
    stub: TapedStub = managed._stub
    info = managed._GetMethodInfo(method)
    status, body = stub.exchange(managed, info, arguments)
    if status != 200:
        stub.answer(status, body, info, stub)
    return Buffered(body)


def connect(
    deck: tape.Deck,
    where: str,
    protocol: str,
    host: str,
    port: int,
    user: str,
    password: str,
    ssl_arguments: Mapping[str, Any],
    timeout: float,
) -> Any:
    """Log in through a :class:`TapedStub`: recorded (with pyVmomi's version negotiation first), or replayed.

    Returns the ServiceInstance. Errors are pyVmomi's or the recorded contract errors; the caller translates.
    """
    from pyVim import connect as connect_module
    from pyVim.connect import getSslContext
    from pyVmomi import vim
    from pyVmomi.VmomiSupport import GetServiceVersions

    signed = -int(port) if protocol == "http" else int(port)
    context = None
    if protocol == "https" and not deck.replays:
        context = getSslContext(
            host, ssl_arguments.get("sslContext"), bool(ssl_arguments.get("disableSslCertValidation"))
        )
    version = GetServiceVersions("vim25")[0]
    if not deck.replays:
        try:
            # SmartConnect's own negotiation (vimServiceVersions.xml); SmartStubAdapter cannot do plain HTTP.
            negotiate = getattr(connect_module, "__FindSupportedVersion")
            found = negotiate(protocol, host, int(port), "/sdk", GetServiceVersions("vim25"), context, None, None, None)
            if found is None:
                raise Exception(f"{host}:{port} is down or is not a VIM server")  # the message SmartConnect gives
            version = found
        except Exception as error:
            from dcmaint_vsphere.session import translate

            deck.failed(PROTOCOL, {**FIRST_QUESTION, "arguments": {}}, translate(error, where))
            raise
    stub = TapedStub(
        deck,
        where,
        host=host,
        port=signed,
        version=version,
        sslContext=context,
        httpConnectionTimeout=timeout,
        connectionPoolTimeout=-1,
        acceptCompressedResponses=False,
    )
    service = vim.ServiceInstance("ServiceInstance", stub)
    content = service.RetrieveContent()
    content.sessionManager.Login(user, password, None)
    return service
