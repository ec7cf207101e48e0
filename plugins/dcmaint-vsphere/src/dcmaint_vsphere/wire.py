"""A PropertyCollector answer read straight off the wire, keeping only what dcmaint reads.

Why not pyVmomi's own deserializer: it turns every XML element into a
type-checked object at about 7 µs each, and an ESXi host's health tree is
mostly installed software (85 of 97 numeric sensors are ``Software
Components``). For 500 hosts that is 19.5 MB of SOAP and 4-5 s of CPU in the
process that also polls the BMCs. Here the C parser of :mod:`xml.etree`
builds the elements as the bytes arrive, each ``ObjectContent`` is turned
into plain values as soon as it is complete and then freed, and a ``drop``
rule lets the caller skip whole subtrees (software sensors) before any Python
object is made for them.

Types still come from pyVmomi's type tables (which fields are arrays, which
are numbers, dates or references), so the values are what pyVmomi would
give: a data object is a :class:`Data` whose unset fields read ``None``, a
managed object reference a :class:`Ref`, an array a list. A field this
pyVmomi does not know (a newer API) is still read, as text or nested
:class:`Data`. pyVmomi still writes the request and reads a SOAP fault, so the
session, its cookie, its connection pool and its TLS settings (a pinned
fingerprint included) are the ones every other call uses.
"""

from __future__ import annotations

import base64
import datetime
import http.client
import io
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, XMLPullParser

VIM = "{urn:vim25}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
CHUNK = 1 << 16
#: XML Schema built-in types a vSphere answer uses in ``xsi:type`` (``xsd:string``...), whatever the prefix.
_XSD = frozenset(
    {"string", "boolean", "byte", "short", "int", "long", "float", "double", "dateTime", "anyType", "base64Binary"}
)
_REFERENCE = "ManagedObjectReference"

#: (owner's wsdl name, field name, the field's element) -> True to skip that element and all it holds.
Drop = Callable[[str, str, Element], bool]


@dataclass(frozen=True, slots=True)
class Ref:
    """A managed object reference: its type (``HostSystem``) and id (``host-21``)."""

    type: str
    id: str


class Data:
    """A vSphere data object as decoded: its fields are attributes, and a field the answer left unset reads
    ``None``, as it does on pyVmomi's objects (the parser was written against both)."""

    def __init__(self, wsdl_name: str) -> None:
        self._wsdlName = wsdl_name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in vars(self).items() if key != "_wsdlName")
        return f"{self._wsdlName}({fields})"


@dataclass
class Page:
    """One answer of ``RetrievePropertiesEx`` or ``ContinueRetrievePropertiesEx``: each object's reference and
    its properties by path, and the token of the next page (None on the last)."""

    objects: list[tuple[Ref, dict[str, Any]]] = field(default_factory=list)
    token: str | None = None


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _datetime(text: str) -> datetime.datetime | str:
    try:
        return datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        from pyVmomi import Iso8601

        return Iso8601.ParseISO8601(text.strip()) or text


def _boolean(text: str) -> bool:
    return text.strip() in ("true", "1")


def _xsd_scalar(name: str) -> Callable[[str], Any]:
    return {
        "boolean": _boolean,
        "byte": int,
        "short": int,
        "int": int,
        "long": int,
        "float": float,
        "double": float,
        "dateTime": _datetime,
        "base64Binary": base64.b64decode,
    }.get(name, str)


class _Types:
    """pyVmomi's type tables, asked once per (type, field): the answer's shape without its objects."""

    def __init__(self) -> None:
        from pyVmomi import VmomiSupport

        self._vmomi = VmomiSupport
        self._fields: dict[tuple[type, str], tuple[type | None, bool]] = {}
        self._named: dict[str, type | None] = {}
        self._scalars: dict[type, Callable[[str], Any]] = {}

    def named(self, xsi: str) -> type | None:
        """The type an ``xsi:type`` names; None for an XML Schema scalar or a name this pyVmomi lacks."""
        if xsi not in self._named:
            local = xsi.rsplit(":", 1)[-1]
            found: type | None = None
            if local not in _XSD:
                try:
                    found = self._vmomi.GetWsdlType("urn:vim25", local)
                except KeyError:
                    if local in (_REFERENCE, "ArrayOf" + _REFERENCE):
                        found = self._vmomi.ManagedObject if local == _REFERENCE else self._vmomi.ManagedObject.Array
            self._named[xsi] = found
        return self._named[xsi]

    def field(self, owner: type, name: str) -> tuple[type | None, bool]:
        """A data object field's item type and whether it is an array; (None, False) for an unknown field."""
        key = (owner, name)
        if key not in self._fields:
            try:
                kind = self._vmomi.GetPropertyInfo(owner, name).type
            except AttributeError:
                self._fields[key] = (None, False)
            else:
                array = issubclass(kind, list)
                self._fields[key] = (kind.Item if array else kind, array)
        return self._fields[key]

    def is_reference(self, kind: type) -> bool:
        return issubclass(kind, self._vmomi.ManagedObject)

    def is_data(self, kind: type) -> bool:
        return issubclass(kind, self._vmomi.DataObject)

    def scalar(self, kind: type) -> Callable[[str], Any]:
        """How the text of an element of a scalar type becomes its value."""
        if kind not in self._scalars:
            vmomi = self._vmomi
            if issubclass(kind, bool):
                convert: Callable[[str], Any] = _boolean
            elif issubclass(kind, int):
                convert = int
            elif issubclass(kind, float):
                convert = float
            elif issubclass(kind, datetime.datetime):
                convert = _datetime
            elif issubclass(kind, vmomi.binary):
                convert = base64.b64decode
            else:
                convert = str  # strings, enums, type and method names, property paths
            self._scalars[kind] = convert
        return self._scalars[kind]


class Decoder:
    """Turns the elements of a PropertyCollector answer into plain values. One per answer (not thread-safe)."""

    _types: _Types | None = None

    def __init__(self, drop: Drop | None = None) -> None:
        if Decoder._types is None:
            Decoder._types = _Types()
        self.types = Decoder._types
        self.drop = drop

    def value(self, element: Element, declared: type | None) -> Any:
        """An element's value, by its ``xsi:type`` where it has one, else by the type its field declares."""
        xsi = element.get(XSI_TYPE)
        kind = declared
        if xsi is not None:
            local = xsi.rsplit(":", 1)[-1]
            if local in _XSD:
                return _xsd_scalar(local)(element.text or "")
            kind = self.types.named(xsi) or declared
        if kind is None:
            return self._untyped(element)
        if issubclass(kind, list):
            return [self.value(child, kind.Item) for child in element]
        if self.types.is_reference(kind):
            return Ref(str(element.get("type") or ""), (element.text or "").strip())
        if self.types.is_data(kind):
            return self._data(element, kind)
        return self.types.scalar(kind)(element.text or "")

    def _data(self, element: Element, kind: type) -> Data:
        item = Data(str(getattr(kind, "_wsdlName", "") or kind.__name__))
        fields = item.__dict__
        owner = item._wsdlName
        for child in element:
            name = _local(child.tag)
            if self.drop is not None and self.drop(owner, name, child):
                continue
            member, array = self.types.field(kind, name)
            value = self.value(child, member)
            if array:
                fields.setdefault(name, []).append(value)
            else:
                fields[name] = value
        return item

    def _untyped(self, element: Element) -> Any:
        """A field this pyVmomi does not know: its text, or its children as a :class:`Data` (repeats as lists)."""
        children = list(element)
        if not children:
            return element.text or ""
        item = Data(_local(element.tag))
        fields = item.__dict__
        for child in children:
            name = _local(child.tag)
            value = self._untyped(child)
            if name in fields:
                earlier = fields[name]
                fields[name] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
            else:
                fields[name] = value
        return item

    def object_content(self, element: Element) -> tuple[Ref, dict[str, Any]]:
        """One ``ObjectContent``: the object's reference and its properties by path (missing ones left out)."""
        reference = Ref("", "")
        props: dict[str, Any] = {}
        for child in element:
            name = _local(child.tag)
            if name == "obj":
                reference = Ref(str(child.get("type") or ""), (child.text or "").strip())
            elif name == "propSet":
                path = child.findtext(VIM + "name")
                value = child.find(VIM + "val")
                if path is not None and value is not None:
                    props[path] = self.value(value, None)
        return reference, props


class Stream:
    """An answer decoded a chunk at a time, as its bytes arrive; :meth:`close` gives the page.

    Only end events are read (start events would double the work of a 20 MB answer): an ``ObjectContent``
    is known by its tag and its ``obj`` child, which no data object of the properties dcmaint reads has.
    """

    def __init__(self, drop: Drop | None = None) -> None:
        self._decoder = Decoder(drop)
        self._parser = XMLPullParser(events=("end",))
        self._objects: list[tuple[Ref, dict[str, Any]]] = []
        self._root: Element | None = None

    def feed(self, chunk: bytes) -> None:
        """Parse ``chunk`` and decode the objects it completes. Raises ParseError on malformed XML."""
        content, reference = VIM + "objects", VIM + "obj"
        self._parser.feed(chunk)
        for _event, element in self._parser.read_events():
            assert isinstance(element, Element)
            self._root = element
            if element.tag == content and element.find(reference) is not None:
                self._objects.append(self._decoder.object_content(element))
                element.clear()  # done with it: 500 hosts' trees need not be held at once

    def close(self) -> Page | None:
        """The page, or None when the answer has no ``returnval``. Raises ParseError on a truncated answer."""
        self._parser.close()
        result = self._root.find(f".//{VIM}returnval") if self._root is not None else None
        if result is None:
            return None
        return Page(self._objects, (result.findtext(VIM + "token") or "").strip() or None)


def decode(chunks: Iterable[bytes], drop: Drop | None = None) -> Page | None:
    """The page an answer's bytes hold (:class:`Stream` over ``chunks``)."""
    stream = Stream(drop)
    for chunk in chunks:
        stream.feed(chunk)
    return stream.close()


class Answer:
    """An answer on its way in: read its body with :meth:`read` (blocking), then :meth:`release` it."""

    def __init__(self, stub: Any, connection: http.client.HTTPConnection, response: http.client.HTTPResponse):
        self._stub = stub
        self._connection = connection
        self._response = response
        encoding = (response.getheader("Content-Encoding") or "identity").lower()
        self._inflate = (
            zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
            if encoding in ("gzip", "deflate")
            else None
        )

    def read(self) -> bytes:
        """The next chunk of the body, decompressed; b'' at its end. Blocks: call it from a worker thread."""
        chunk = self._response.read(CHUNK)
        if self._inflate is None:
            return chunk
        return self._inflate.decompress(chunk) if chunk else self._inflate.flush()

    def body(self) -> Iterator[bytes]:
        while chunk := self.read():
            yield chunk

    def release(self, reusable: bool) -> None:
        """Hand the connection back to the session's pool when the answer was read whole, else close it."""
        if reusable:
            self._stub.ReturnConnection(self._connection)
        else:
            self._connection.close()


def send(managed: Any, method: str, arguments: list[Any]) -> Answer:
    """Call ``method`` of a managed object (pyVmomi's) and return its answer unread. Blocking.

    The request goes out on the session's own stub: its pooled connections, cookie and TLS settings. A SOAP
    fault (HTTP 500) is read by pyVmomi and raised as the fault it is, like any other call's.
    """
    stub = managed._stub
    if getattr(stub, "deck", None) is not None:  # a recording is made or replayed (dcmaint.drivers.tape)
        from dcmaint_vsphere import taped

        return taped.send(managed, method, arguments)
    info = managed._GetMethodInfo(method)
    request = stub.SerializeRequest(managed, info, arguments)
    headers = {"Cookie": stub.cookie, "SOAPAction": stub.versionId, "Content-Type": "text/xml; charset=UTF-8"}
    connection = stub.GetConnection()
    try:
        connection.request("POST", stub.path, request, headers)
        answer = Answer(stub, connection, connection.getresponse())
        status = answer._response.status
        if status == 500:
            from pyVmomi.SoapAdapter import SoapResponseDeserializer

            fault = SoapResponseDeserializer(stub).Deserialize(io.BytesIO(b"".join(answer.body())), info.result)
            raise fault if isinstance(fault, BaseException) else http.client.HTTPException("HTTP 500")
        if status != 200:
            raise http.client.HTTPException(f"HTTP {status} {answer._response.reason}")
    except BaseException:
        connection.close()
        raise
    return answer


def call(managed: Any, method: str, arguments: list[Any], drop: Drop | None = None) -> Page | None:
    """:func:`send`, then the whole answer decoded in this thread. Blocking."""
    answer = send(managed, method, arguments)
    try:
        page = decode(answer.body(), drop)
    except BaseException:
        answer.release(False)
        raise
    answer.release(True)
    return page
