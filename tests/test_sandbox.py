"""The sandboxed renderer: WeasyPrint reads only layouts/, facilities/ and data: URLs, a build
makes no network request, dossier images are checked and shown, and no dossier text can add
an element, an attribute, a style or a script to the PDF or the site.

The projects are the tiny fixture project (tests/fixtures/_base) with the shipped layouts, so
each build lays out four small chunks. A loopback server counts every request made to it.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import http.server
import io
import shutil
import threading
import urllib.request
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from pypdf.generic import ContentStream

from report.findings import Finding, Loc
from report.i18n.localize import Localizer
from report.pdf.paginate import Job, _findings, sheet_texts, stylesheet_findings
from report.render.html import environment
from report.sandbox import SandboxRefusal, asset_findings, url_fetcher

from .conftest import FIXED_TODAY, FIXTURES, REPO, build, make_project, run_cli

NAME = """Sample </style><style>body{display:none}</style> x" style="color:red"""
ALT = """The front gate" onerror="alert(1)"""
CREDIT = "A. Photographer <script>alert(1)</script>"
TITLE = "Sample Report"
SRC_LINE = "facilities/sample.yaml:57:8"  # where `src` is in the image-* fixture dossiers
WHERE_STAFF_PUT_IT = "Mis documentos/Informe Año #1 & 50% 'q' $HOME"
"""A folder name with a space, non-ASCII letters and what a URL, a shell or make reads as syntax."""


# -- helpers -------------------------------------------------------------------------------------


class _Counting(http.server.BaseHTTPRequestHandler):
    """Answers anything with a tiny PNG and remembers the path asked for."""

    def _answer(self) -> None:
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        body = png_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def loopback() -> Iterator[http.server.ThreadingHTTPServer]:
    """Serve on 127.0.0.1 (a free port) in a thread; `server.paths` lists the requests made."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    server.paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def base_url(server: http.server.ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def assert_no_requests_then_alive(server: http.server.ThreadingHTTPServer) -> None:
    """No request so far, and the server does answer: the zero is not a dead server's."""
    assert server.paths == []  # type: ignore[attr-defined]
    with urllib.request.urlopen(f"{base_url(server)}/alive", timeout=5) as answer:
        assert answer.status == 200
    assert server.paths == ["/alive"]  # type: ignore[attr-defined]


def png_bytes(size: tuple[int, int] = (40, 30), kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (196, 71, 15)).save(out, kind)
    return out.getvalue()


def image_dossier(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """Return a fixture project whose dossier shows facilities/images/`name` (not written yet; its
    credit: A. Photographer), and that image's path."""
    root = make_project(tmp_path, "image-missing")
    replace(root / "facilities" / "sample.yaml", "src: gate.png", f"src: {name}")
    (root / "facilities" / "images").mkdir()
    return root, root / "facilities" / "images" / name


def tiny_project(tmp_path: Path, case: str | None = None) -> Path:
    """The fixture project (with a fixture case laid over it) plus the shipped layouts."""
    root = make_project(tmp_path, case)
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def finding_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line or ": warning: " in line]


class Page(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.h1 = ""
        self.title = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("img", "link", "meta", "br", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if "h1" in self.stack:
            self.h1 += data
        if self.stack and self.stack[-1] == "title" and "svg" not in self.stack:  # not the map's title
            self.title += data


def squeeze(text: str) -> str:
    return "".join(text.split())


# -- the URL fetcher -----------------------------------------------------------------------------


@pytest.fixture
def sandboxed(tmp_path: Path) -> tuple[Path, Path]:
    """A project with a file in layouts/ and facilities/, and a secret file outside it."""
    root = tmp_path / "project"
    (root / "layouts" / "pdf").mkdir(parents=True)
    (root / "facilities" / "images").mkdir(parents=True)
    (root / "layouts" / "pdf" / "page.css").write_text("p { color: red }")
    (root / "facilities" / "images" / "gate.png").write_bytes(png_bytes())
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text("secret")
    return root, outside


def test_the_fetcher_serves_the_readable_folders_and_data_urls(sandboxed: tuple[Path, Path]) -> None:
    root, _ = sandboxed
    fetcher = url_fetcher(root)
    css = fetcher(f"{root.as_uri()}/layouts/pdf/page.css")
    assert (css.read(), css.content_type) == (b"p { color: red }", "text/css")
    png = fetcher(f"{root.as_uri()}/layouts/pdf/../../facilities/images/gate.png?v=1")
    assert (png.read(), png.content_type) == (png_bytes(), "image/png")
    data = fetcher("data:text/css;base64,cCB7fQ==")
    assert (data.read(), data.content_type) == (b"p {}", "text/css")
    assert fetcher.refused == []
    # Built through WeasyPrint's public constructor, it has urllib's handlers, but its own `fetch`
    # and `open` never hand a URL to them: `open`, urllib's way in, refuses like `fetch`.
    with pytest.raises(SandboxRefusal):
        fetcher.open("http://127.0.0.1:9/x.png")
    with pytest.raises(SandboxRefusal):
        fetcher.open(urllib.request.Request("https://example.org/x.css"))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "http://127.0.0.1:9/x.png",
            "the renderer reads only files under layouts/ and facilities/ and data: URLs, not 'http:' URLs",
        ),
        (
            "https://example.org/x.css",
            "the renderer reads only files under layouts/ and facilities/ and data: URLs, not 'https:' URLs",
        ),
        (
            "ftp://example.org/x.css",
            "the renderer reads only files under layouts/ and facilities/ and data: URLs, not 'ftp:' URLs",
        ),
        (
            "javascript:alert(1)",
            "the renderer reads only files under layouts/ and facilities/ and data: URLs, not 'javascript:' URLs",
        ),
        ("file:///etc/passwd", "it is outside layouts/ and facilities/"),
        ("file://example.org/etc/passwd", "file URLs on another host ('example.org') are not read"),
        (
            "{root}/layouts/pdf/../../../outside/secret.css",
            "it resolves to '{outside}/secret.css', outside layouts/ and facilities/",
        ),
        ("{root}/report.yaml", "it is outside layouts/ and facilities/"),
        ("{root}/layouts/pdf/link.css", "it resolves to '{outside}/secret.css', outside layouts/ and facilities/"),
        (
            "{root}/facilities/linked/secret.css",
            "it resolves to '{outside}/secret.css', outside layouts/ and facilities/",
        ),
    ],
)
def test_the_fetcher_refuses_everything_else(sandboxed: tuple[Path, Path], url: str, reason: str) -> None:
    root, outside = sandboxed
    (root / "layouts" / "pdf" / "link.css").symlink_to(outside / "secret.css")
    (root / "facilities" / "linked").symlink_to(outside, target_is_directory=True)
    url = url.format(root=root.as_uri(), outside=outside)
    fetcher = url_fetcher(root)
    with pytest.raises(SandboxRefusal):
        fetcher(url)
    assert fetcher.refused == [(url, reason.format(outside=outside))]


def test_a_refusal_is_one_fetch_error_at_the_chunk_source() -> None:
    job = Job("en/chapter/sample", "", "facilities/sample.yaml", "print")
    url = "http://127.0.0.1:9/x.png"
    echo = (
        "ERROR",
        "Failed to load image at %r: %s",
        f"Failed to load image at '{url}': URLFetchingError: SandboxRefusal: no",
        None,
    )
    other = ("WARNING", "Ignored `%s: %s` at %d:%d, %s.", "Ignored `foo: bar` at 1:1, unknown property.", None)
    assert _findings(job, [echo, other], [(url, "no", None)]) == (
        Finding("error", "pdf.fetch", Loc("facilities/sample.yaml"), f"en/chapter/sample: refused to read '{url}': no"),
        Finding("warning", "pdf.css", Loc("facilities/sample.yaml"), f"en/chapter/sample: {other[2]}"),
    )


def test_a_refused_url_a_stylesheet_names_is_at_its_place_there_not_the_chunk() -> None:
    job = Job("en/chapter/sample", "", "facilities/sample.yaml", "print")
    place = (Loc("layouts/css/print.css", 12, 30), "https://example.org/x.png")
    assert _findings(job, [], [("https://example.org/x.png", "no", place)]) == (
        Finding("error", "pdf.fetch", place[0], "refused to read 'https://example.org/x.png': no"),
    )


def test_check_judges_every_url_of_the_print_stylesheets_by_the_fetchers_rules(sandboxed: tuple[Path, Path]) -> None:
    """The URLs of print.css, folios.css, share.css and what they import, each refusal once at its
    `url(`/`@import`, with the fetcher's reason; the site's own stylesheets are `site.asset`'s."""
    root, outside = sandboxed
    css = root / "layouts" / "css"
    css.mkdir()
    (css / "print.css").write_text(
        '@import "fonts-print.css";\n@import url("../pdf/page.css");\n'
        "/* h1 { background: url(https://example.org/commented.png) } */\n"
        "h1 { background: url( 'https://example.org/x.png' ) }\n"
    )
    (css / "fonts-print.css").write_text(
        '@font-face { font-family: "F"; src: url(../../../outside/secret.css) }\n'
        '@import "secret.css";\n@import "data:text/css,p{}";\n'
    )
    (css / "secret.css").symlink_to(outside / "secret.css")
    (css / "folios.css").write_text("p { background: url(https://example.org/x.png) }\n")
    (css / "share.css").write_text("p { background: url(data:image/png;base64,AAAA) url(../pdf/page.css) }\n")
    (css / "site.css").write_text("p { background: url(https://example.org/site.png) }\n")
    (root / "layouts" / "pdf" / "page.css").write_text("p { background: url(file://example.org/etc/x.png) }\n")
    where = "outside layouts/ and facilities/"
    remote = "the renderer reads only files under layouts/ and facilities/ and data: URLs, not 'https:' URLs"
    assert [str(f) for f in stylesheet_findings(root, None, load=False)] == [
        f"layouts/css/print.css:4:18: error: refused to read 'https://example.org/x.png': {remote} [pdf.fetch]",
        f"layouts/css/folios.css:1:17: error: refused to read 'https://example.org/x.png': {remote} [pdf.fetch]",
        f"layouts/css/fonts-print.css:1:37: error: refused to read '../../../outside/secret.css': it is {where} [pdf.fetch]",
        f"layouts/css/fonts-print.css:2:1: error: refused to read 'secret.css':"
        f" it resolves to '{outside / 'secret.css'}', {where} [pdf.fetch]",
        "layouts/pdf/page.css:1:17: error: refused to read 'file://example.org/etc/x.png':"
        " file URLs on another host ('example.org') are not read [pdf.fetch]",
    ]


# -- templates -----------------------------------------------------------------------------------


def test_autoescape_is_on_for_every_template_name(tmp_path: Path) -> None:
    (tmp_path / "layouts").mkdir()
    for name in ("page.txt", "page.xml", "page"):
        (tmp_path / "layouts" / name).write_text("<p title='{{ v }}'>{{ v }}</p>")
    env = environment(tmp_path, Localizer("en", "en", None, "en_US"))
    for name in ("page.txt", "page.xml", "page"):
        assert env.get_template(name).render(v="</p><style>x</style>'") == (
            "<p title='&lt;/p&gt;&lt;style&gt;x&lt;/style&gt;&#39;'>&lt;/p&gt;&lt;style&gt;x&lt;/style&gt;&#39;</p>"
        )
    with pytest.raises(Exception, match="'missing' is undefined"):
        env.from_string("{{ missing }}").render()


# -- dossier images in `check` -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("png", None),
        ("link-inside", None),
        (
            "link-outside",
            "error: image 'gate.png' resolves to '{outside}/gate.png', outside facilities/images/: copy the file there instead of linking to it [image.outside]",
        ),
        (
            "linked-folder",
            "error: image 'gate.png' resolves to '{outside}/gate.png', outside facilities/images/: copy the file there instead of linking to it [image.outside]",
        ),
        (
            "dangling-link",
            "error: image 'gate.png' resolves to '{outside}/gone.png', outside facilities/images/: copy the file there instead of linking to it [image.outside]",
        ),
        (
            "dangling-link-inside",
            "error: image 'gate.png' is a link to '{images}/gone.png', which does not exist [image.missing]",
        ),
        ("text", "error: image 'gate.png' is not a PNG, JPEG or WebP image (its content is not one) [image.format]"),
        (
            "truncated",
            "error: image 'gate.png' is a damaged PNG image (Truncated File Read); save or export it again [image.format]",
        ),
        ("gif", "error: image 'gate.png' holds a GIF image; use a PNG, JPEG or WebP image [image.format]"),
        (
            "bomb",
            "error: image 'gate.png' is a PNG image of 20,000 × 10,000 = 200,000,000 pixels, more than the"
            " 89,478,485 an image may have (one that large could be a decompression bomb); scale it down [limit.pixels]",
        ),
        (
            "jpeg-named-png",
            "error: image 'gate.png' holds a JPEG image: its name must end in .jpg or .jpeg [image.format]",
        ),
        ("folder", "error: image 'gate.png' is not a file [image.format]"),
    ],
)
def test_check_reports_an_image_that_is_not_a_real_one_in_the_images_folder(
    tmp_path: Path, fixed_today: None, case: str, expected: str | None
) -> None:
    root = make_project(tmp_path, "image-missing")  # its dossier shows facilities/images/gate.png
    images = root / "facilities" / "images"
    images.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "gate.png").write_bytes(png_bytes())
    gate = images / "gate.png"
    if case == "png":
        gate.write_bytes(png_bytes())
    elif case == "link-inside":
        (images / "real.png").write_bytes(png_bytes())
        gate.symlink_to("real.png")
    elif case == "link-outside":
        gate.symlink_to(outside / "gate.png")
    elif case == "linked-folder":
        images.rmdir()
        images.symlink_to(outside, target_is_directory=True)
    elif case == "dangling-link":
        gate.symlink_to(outside / "gone.png")
    elif case == "dangling-link-inside":
        gate.symlink_to(images / "gone.png")
    elif case == "text":
        gate.write_text("root:x:0:0:root:/root:/bin/bash\n")
    elif case == "truncated":
        gate.write_bytes(png_bytes((400, 300))[:80])
    elif case == "gif":
        gate.write_bytes(png_bytes(kind="GIF"))
    elif case == "bomb":  # past twice the limit, where Pillow raises rather than warns
        Image.new("1", (20_000, 10_000)).save(gate)
    elif case == "jpeg-named-png":
        gate.write_bytes(png_bytes(kind="JPEG"))
    elif case == "folder":
        gate.mkdir()
    code, out, _ = run_cli("--root", str(root), "check")
    if expected is None:
        assert finding_lines(out) == [] and code == 0
    else:
        expected = expected.format(outside=outside, images=root.resolve() / "facilities" / "images")
        assert finding_lines(out) == [f"{SRC_LINE}: {expected}"]
        assert code == 1


@pytest.mark.parametrize("kind", ["JPEG", "WEBP"])
def test_check_accepts_jpeg_and_webp(tmp_path: Path, fixed_today: None, kind: str) -> None:
    name = {"JPEG": "gate.jpg", "WEBP": "gate.webp"}[kind]
    root, path = image_dossier(tmp_path, name)
    path.write_bytes(png_bytes(kind=kind))
    code, out, _ = run_cli("--root", str(root), "check")
    assert (code, finding_lines(out)) == (0, [])


@pytest.mark.parametrize(
    "alt, what",
    [
        ("gate.png", "the image's file name"),
        ("Gate", "the image's file name"),
        ("GATE.PNG", "the image's file name"),
        ("image", "a placeholder"),
        ("Photo.", "a placeholder"),
        ("foto", "a placeholder"),
    ],
)
def test_check_refuses_a_file_name_or_placeholder_as_alternative_text(
    tmp_path: Path, fixed_today: None, alt: str, what: str
) -> None:
    """WCAG F30: a screen reader would read out 'gate.png' or 'image' and nothing of what it shows."""
    root = make_project(tmp_path, "image-missing")
    dossier = root / "facilities" / "sample.yaml"
    replace(dossier, "alt: The front gate of the facility, seen from the road.", f"alt: {alt}")
    (root / "facilities" / "images").mkdir()
    (root / "facilities" / "images" / "gate.png").write_bytes(png_bytes())
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        f"facilities/sample.yaml:58:8: error: the alternative text '{alt}' is {what}, which tells someone who"
        " cannot see the image nothing: say what the image shows (such as 'The facility's front gate, seen from"
        " the road') [image.alt]"
    ]
    assert code == 1
    replace(dossier, f"alt: {alt}", "alt: A photo of the gate")  # a word inside a description is fine
    assert finding_lines(run_cli("--root", str(root), "check")[1]) == []


_GPS = {1: "N", 2: (30.0, 57.0, 3.0), 3: "W", 4: (90.0, 4.0, 12.0)}
_XMP_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="30,57.05N"'
    b' exif:GPSLongitude="90,4.2W"/></rdf:RDF></x:xmpmeta>'
)


@pytest.mark.parametrize(
    "name, where",
    [
        ("gate.png", "GPS tags in its EXIF data"),
        ("gate.jpg", "GPS tags in its EXIF data"),
        ("gate.webp", "GPS tags in its EXIF data"),
        ("gate.jpg", "GPS coordinates in its XMP data"),
    ],
)
def test_check_refuses_an_image_that_records_where_it_was_taken(
    tmp_path: Path, fixed_today: None, name: str, where: str
) -> None:
    """The site and the PDFs carry an image byte for byte: its location would be published with it."""
    root, path = image_dossier(tmp_path, name)
    exif = Image.Exif()
    if "EXIF" in where:
        exif[0x8825] = _GPS
    else:
        exif[0x010F] = "Camera maker"  # EXIF without a place is fine
    metadata = {"exif": exif, **({"xmp": _XMP_GPS} if "XMP" in where else {})}
    Image.new("RGB", (30, 20), "gray").save(path, **metadata)
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        f"facilities/sample.yaml:57:8: error: image '{name}' records where it was taken ({where}), which the site and"
        " the PDFs would publish with it and which can expose the photographer: remove its metadata (exiftool -all="
        f" -overwrite_original facilities/images/{name}) or export it again without location data [image.location]"
    ]
    assert code == 1
    Image.new("RGB", (30, 20), "gray").save(path, exif=Image.Exif())
    assert finding_lines(run_cli("--root", str(root), "check")[1]) == []  # the advice works


_XMP_IDENTITY = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" xmlns:exifEX="http://cipa.jp/exif/1.0/"'
    b' aux:SerialNumber="0123456789" aux:OwnerName="" exifEX:CameraOwnerName="Camera Owner">'
    b"<exifEX:BodySerialNumber>0123456789</exifEX:BodySerialNumber></rdf:Description></rdf:RDF></x:xmpmeta>"
)
_XMP_OWNER = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"><aux:OwnerName>Camera Owner</aux:OwnerName>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


@pytest.mark.parametrize(
    "name, who",
    [
        ("gate.jpg", "CameraOwnerName, BodySerialNumber, LensSerialNumber in its EXIF data"),
        ("gate.webp", "aux:SerialNumber, exifEX:BodySerialNumber, exifEX:CameraOwnerName in its XMP data"),
        ("gate.png", "BodySerialNumber in its EXIF data and aux:OwnerName in its XMP data"),
    ],
)
def test_check_refuses_an_image_that_records_whose_camera_took_it(
    tmp_path: Path, fixed_today: None, name: str, who: str
) -> None:
    """The site and the PDFs carry an image byte for byte: the camera's owner and serial numbers would be published."""
    root, path = image_dossier(tmp_path, name)
    exif = Image.Exif()
    exif[0x013B] = "Photographer"  # Artist and Copyright: a credit, not refused
    exif[0x8298] = "Photographer"
    metadata: dict[str, object] = {"exif": exif}
    if name == "gate.jpg":  # as a camera writes them, in the Exif block
        exif.get_ifd(0x8769).update({0xA430: "Camera Owner", 0xA431: "0123456789", 0xA435: "9876543210"})
    elif name == "gate.webp":
        metadata["xmp"] = _XMP_IDENTITY
    else:  # a serial number in the first block, and XMP in a PNG's iTXt chunk
        exif[0xA431] = "0123456789"
        metadata["pnginfo"] = PngImagePlugin.PngInfo()
        metadata["pnginfo"].add_itxt("XML:com.adobe.xmp", _XMP_OWNER)
    Image.new("RGB", (30, 20), "gray").save(path, **metadata)
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        f"facilities/sample.yaml:57:8: error: image '{name}' records whose camera took it ({who}), which the site and"
        " the PDFs would publish with it and which can expose the photographer: remove its metadata (exiftool -all="
        f" -overwrite_original facilities/images/{name}) or export it again without the owner's name and serial"
        " numbers [image.identity]"
    ]
    assert code == 1
    Image.new("RGB", (30, 20), "gray").save(path, exif=Image.Exif())
    assert finding_lines(run_cli("--root", str(root), "check")[1]) == []  # the advice works


_XMP_DERIVED = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"'
    b' xmlns:stRef="http://ns.adobe.com/xap/1.0/sType/ResourceRef#" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"'
    b' crs:RawFileName="IMG_0412.CR2"><xmpMM:DerivedFrom stRef:filePath="/Users/jane/Desktop/IMG_0412.CR2"/>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


@pytest.mark.parametrize(
    "name, machine",
    [
        ("gate.jpg", "HostComputer, DocumentName in its EXIF data"),
        ("gate.webp", "crs:RawFileName, stRef:filePath in its XMP data"),
    ],
)
def test_check_refuses_an_image_that_records_the_editors_machine(
    tmp_path: Path, fixed_today: None, name: str, machine: str
) -> None:
    """A photo editor writes the computer's name and the path of the file it was made from (with the user's name)."""
    root, path = image_dossier(tmp_path, name)
    metadata: dict[str, object] = {}
    if name == "gate.jpg":
        exif = Image.Exif()
        exif[0x013C] = "janes-macbook.local"
        exif[0x010D] = "/Users/jane/Desktop/IMG_0412.CR2"
        metadata["exif"] = exif
    else:
        metadata["xmp"] = _XMP_DERIVED
    Image.new("RGB", (30, 20), "gray").save(path, **metadata)
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        f"facilities/sample.yaml:57:8: error: image '{name}' records the computer or the files it was made from"
        f" ({machine}), which the site and the PDFs would publish with it and which can name the editor and their"
        f" machine: remove its metadata (exiftool -all= -overwrite_original facilities/images/{name}) or export it"
        " again without file names and computer names [image.identity]"
    ]
    assert code == 1
    Image.new("RGB", (30, 20), "gray").save(path, exif=Image.Exif())
    assert finding_lines(run_cli("--root", str(root), "check")[1]) == []  # the advice works


def test_check_accepts_an_image_credited_in_its_metadata(tmp_path: Path, fixed_today: None) -> None:
    """Artist and Copyright are a credit; a camera with no owner set writes a blank one, which names no one."""
    root = make_project(tmp_path, "image-missing")
    replace(root / "facilities" / "sample.yaml", "src: gate.png", "src: gate.jpg")
    (root / "facilities" / "images").mkdir()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x013B] = "Photographer"
    exif[0x8298] = "Copyright Photographer"
    exif.get_ifd(0x8769)[0xA430] = "\x00" * 8 + " " * 23
    xmp = _XMP_IDENTITY.replace(b"0123456789", b"").replace(b"Camera Owner", b" ")
    Image.new("RGB", (30, 20), "gray").save(root / "facilities" / "images" / "gate.jpg", exif=exif, xmp=xmp)
    code, out, _ = run_cli("--root", str(root), "check")
    assert (code, finding_lines(out)) == (0, [])


def iptc_segment(datasets: dict[int, bytes]) -> bytes:
    """A JPEG APP13 segment as Photoshop writes it: IPTC datasets of record 2 in its 8BIM block 0x0404."""
    data = b"".join(
        b"\x1c\x02" + bytes([number]) + len(value).to_bytes(2, "big") + value for number, value in datasets.items()
    )
    block = b"8BIM\x04\x04\x00\x00" + len(data).to_bytes(4, "big") + data + b"\x00" * (len(data) % 2)
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def save_image(path: Path, iptc: dict[int, bytes] | None = None, **metadata: Any) -> None:
    """Save a small grey image in the format its name says, with Pillow's `metadata` and a JPEG's IPTC block."""
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "gray").save(out, Image.registered_extensions()[path.suffix], **metadata)
    data = out.getvalue()
    path.write_bytes(data[:2] + iptc_segment(iptc) + data[2:] if iptc else data)


def xmp(properties: str, namespaces: str = "") -> bytes:
    """An XMP packet whose one rdf:Description holds `properties` (attributes, then `>` and elements)."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"'
        ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        ' xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"'
        f' xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" {namespaces} {properties}'
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


@pytest.mark.parametrize(
    "name, where",
    [
        ("gate.jpg", "City, Sub-location, Province-State in its IPTC data"),
        ("gate.webp", "photoshop:City, Iptc4xmpExt:Sublocation in its XMP data"),
        ("gate.png", "Iptc4xmpCore:Location in its XMP data"),
    ],
)
def test_check_refuses_an_image_that_names_the_place_it_was_taken(
    tmp_path: Path, fixed_today: None, name: str, where: str
) -> None:
    """A city or a street in IPTC or XMP data is as telling as GPS coordinates; a JPEG carries them into the PDFs too."""
    root, path = image_dossier(tmp_path, name)
    if name == "gate.jpg":
        save_image(path, iptc={90: b"Sample City", 92: b"Sample Street", 95: b"Sample State", 101: b"Sample Country"})
    elif name == "gate.webp":  # another prefix for photoshop:, and a place inside IPTC's LocationShown structure
        packet = xmp(
            'ps:City="Sample City"><Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li rdf:parseType="Resource">'
            "<Iptc4xmpExt:Sublocation>Sample Street</Iptc4xmpExt:Sublocation></rdf:li></rdf:Bag>"
            "</Iptc4xmpExt:LocationShown>",
            'xmlns:ps="http://ns.adobe.com/photoshop/1.0/"',
        )
        save_image(path, xmp=packet)
    else:
        info = PngImagePlugin.PngInfo()
        info.add_itxt(
            "XML:com.adobe.xmp", xmp("><Iptc4xmpCore:Location>Sample Street</Iptc4xmpCore:Location>").decode()
        )
        save_image(path, pnginfo=info)
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        f"facilities/sample.yaml:57:8: error: image '{name}' records where it was taken ({where}), which the site and"
        " the PDFs would publish with it and which can expose the photographer: remove its metadata (exiftool -all="
        f" -overwrite_original facilities/images/{name}) or export it again without location data [image.location]"
    ]
    assert code == 1
    save_image(path)
    assert finding_lines(run_cli("--root", str(root), "check")[1]) == []  # the advice works


_XP = "Sample Person at the gate".encode("utf-16-le") + b"\x00\x00"  # how Windows writes its XP tags


@pytest.mark.parametrize(
    "case, named",
    [
        ("comment", "a comment in its JPEG data"),
        ("exif", "ImageDescription, XPComment, Artist in its EXIF data"),
        ("iptc", "Caption-Abstract, By-line in its IPTC data"),
        ("xmp", "Iptc4xmpExt:PersonInImage, mwg-rs:Name, dc:description, dc:creator in its XMP data"),
        ("png", "'Author', 'Comment', 'Description' in its PNG text"),
    ],
)
def test_check_refuses_an_image_that_names_people_or_carries_a_caption(
    tmp_path: Path, fixed_today: None, case: str, named: str
) -> None:
    """Who is in a photo (persons, named face regions), a caption or comment that can name them, and a
    photographer the dossier's credit does not name: the site and the PDFs would publish them."""
    name = "gate.png" if case == "png" else "gate.webp" if case == "xmp" else "gate.jpg"
    root, path = image_dossier(tmp_path, name)  # its credit: A. Photographer
    if case == "comment":
        save_image(path, comment=b"Sample Person, released on Tuesday")
    elif case == "exif":
        exif = Image.Exif()
        exif.update({0x010E: "Sample Person at the gate", 0x013B: "Other Photographer", 0x9C9C: _XP})
        save_image(path, exif=exif)
    elif case == "iptc":
        save_image(
            path, iptc={120: b"Sample Person at the gate", 80: b"Other Photographer", 116: b"(c) A. Photographer"}
        )
    elif case == "xmp":
        packet = xmp(
            "><Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Sample Person</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>"
            '<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description'
            ' mwg-rs:Name="Sample Person" mwg-rs:Type="Face"/></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>'
            '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">At the gate</rdf:li></rdf:Alt></dc:description>'
            "<dc:creator><rdf:Seq><rdf:li>A. Photographer</rdf:li><rdf:li>Other Photographer</rdf:li></rdf:Seq>"
            "</dc:creator>"
        )
        save_image(path, xmp=packet)
    else:  # a tEXt, a zTXt and an iTXt chunk
        info = PngImagePlugin.PngInfo()
        info.add_text("Software", "Sample Editor 1.0")
        info.add_text("Comment", "Sample Person at the gate")
        info.add_text("Description", "Sample Person at the gate", zip=True)
        info.add_itxt("Author", "Other Photographer")
        save_image(path, pnginfo=info)
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        f"facilities/sample.yaml:57:8: error: image '{name}' carries names or text about it ({named}), which the site"
        " and the PDFs would publish with it and which can identify the people in it: remove its metadata (exiftool"
        f" -all= -overwrite_original facilities/images/{name}) or export it again without captions, comments or names"
        " [image.people]"
    ]
    assert code == 1
    save_image(path)
    assert finding_lines(run_cli("--root", str(root), "check")[1]) == []  # the advice works


@pytest.mark.parametrize("name", ["gate.jpg", "gate.png"])
def test_check_accepts_an_image_whose_metadata_names_no_one(tmp_path: Path, fixed_today: None, name: str) -> None:
    """A camera model, a colour profile, a copyright notice, the credited photographer, a program's
    own comment and a Lightroom look's name are no one's name and no place."""
    from PIL import ImageCms

    root, path = image_dossier(tmp_path, name)  # its credit: A. Photographer
    exif = Image.Exif()
    exif.update({0x010F: "Camera maker", 0x0110: "Camera model", 0x013B: "A. Photographer"})
    exif[0x010E] = "OLYMPUS DIGITAL CAMERA         "  # what some cameras write as the description
    exif[0x8298] = "Copyright A. Photographer"
    packet = xmp(
        'photoshop:Credit="A. Photographer" crs:Name="Adobe Color"><dc:rights><rdf:Alt><rdf:li xml:lang="x-default">'
        "(c) A. Photographer</rdf:li></rdf:Alt></dc:rights><dc:creator><rdf:Seq><rdf:li>A. Photographer</rdf:li>"
        '</rdf:Seq></dc:creator><dc:description><rdf:Alt><rdf:li xml:lang="x-default"> </rdf:li></rdf:Alt>'
        "</dc:description>"
    )
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    if name == "gate.jpg":
        iptc = {80: b"A. Photographer", 110: b"A. Photographer", 116: b"(c) A. Photographer"}
        comment = b"CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 90\n"
        save_image(path, iptc=iptc, exif=exif, xmp=packet, icc_profile=profile, comment=comment)
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Software", "Sample Editor 1.0")
        info.add_text("Copyright", "(c) A. Photographer")
        info.add_itxt("XML:com.adobe.xmp", packet.decode())
        save_image(path, exif=exif, pnginfo=info, icc_profile=profile)
    code, out, _ = run_cli("--root", str(root), "check")
    assert (code, finding_lines(out)) == (0, [])


def test_check_refuses_an_image_url_without_asking_for_it(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, "image-missing")
    with loopback() as server:
        url = f"{base_url(server)}/gate.png"
        replace(root / "facilities" / "sample.yaml", "src: gate.png", f"src: {url}")
        code, out, _ = run_cli("--root", str(root), "check")
        assert_no_requests_then_alive(server)
    assert code == 1
    assert finding_lines(out) == [
        f"{SRC_LINE}: error: image.src: '{url}' is not valid; src must be the name of a file in facilities/images/,"
        " in lower-case letters, digits, '.', '_' and '-' (no capitals or spaces; not a path or URL), ending in"
        " .jpg, .jpeg, .png or .webp, like 'front-gate.jpg' [image.src]"
    ]


# -- builds --------------------------------------------------------------------------------------


HOSTILE_PROSE = """>-
      Inspectors found that medical requests went unanswered.
      <img src="{url}/prose.png"> <link rel="stylesheet" href="{url}/prose.css">
      <style>@import url({url}/import.css); p {{ background: url({url}/style.png) }}</style>
      <span style="background: url({url}/attribute.png)">styled</span>
      body {{ background-image: url({url}/css-text.png) }}"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str], tuple[int, str]]:
    """A project whose content points at a loopback server everywhere it can and whose facility
    name, image alt text and credit try to break out of their HTML context, built once (en)."""
    root = tiny_project(tmp_path_factory.mktemp("hostile"))
    facilities = root / "facilities"
    (facilities / "images").mkdir()
    (facilities / "images" / "gate.png").write_bytes(png_bytes())
    with loopback() as server, pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)
        url = base_url(server)
        sources = facilities / "sources.yaml"
        replace(
            sources,
            "url: https://example.gov/reports/sample-2020",
            f"url: {url}/source/gov-report.html\n    archive_url: {url}/archive/gov-report.html",
        )
        replace(sources, "url: https://news.example.com/2021/03/sample", f"url: {url}/source/news.html")
        dossier = facilities / "sample.yaml"
        replace(dossier, "name: Sample Detention Center", "name: '" + NAME.replace("'", "''") + "'")
        replace(
            dossier, "      name: Sample Coalition\n", f"      name: Sample Coalition\n      url: {url}/organization\n"
        )
        replace(
            dossier,
            "    text: Inspectors found that medical requests went unanswered.",
            "    text: " + HOSTILE_PROSE.format(url=url),
        )
        replace(
            dossier,
            "review:\n",
            f"  contact:\n    url: {url}/contact\nimage:\n  src: gate.png\n  alt: '{ALT}'\n  credit: {CREDIT}\nreview:\n",
        )
        checked = run_cli("--root", str(root), "check")
        # `check` refuses code in text (text.markup) and URLs whose host is this machine
        # (schema.pattern). Both switched off here, to prove that the templates' escaping and the
        # sandboxed fetcher hold on their own if such content got through: the URLs still lead to
        # the listening server, so any request the build made would be counted.
        shutil.rmtree(root / ".cache")
        env.setattr("report.cache._shared", collections.OrderedDict())  # nor `check`'s records in memory
        env.setattr("report.content.load._markup_findings", lambda doc: [])
        env.setattr("report.content.schema.internal_host", lambda host: None)
        result = build(root, "--lang", "en")
        paths = list(server.paths)  # type: ignore[attr-defined]
        assert_no_requests_then_alive(server)
    return root, url, paths, result[:2], checked[:2]


def test_check_refuses_the_code_in_hostile_text(hostile) -> None:
    *_, (code, out) = hostile
    assert code == 1
    assert [line.split(": error: ")[0] for line in out.splitlines() if "[text.markup]" in line] == [
        "facilities/sample.yaml:3:15",
        "facilities/sample.yaml:35:7",
        "facilities/sample.yaml:67:27",
    ]


def test_check_refuses_every_url_of_the_hostile_content_that_points_at_this_machine(hostile) -> None:
    *_, (code, out) = hostile
    assert code == 1
    assert [line.split(": error: ")[0] for line in out.splitlines() if "this machine's own address" in line] == [
        "facilities/sample.yaml:50:12",
        "facilities/sample.yaml:63:10",
        "facilities/sources.yaml:8:10",
        "facilities/sources.yaml:9:18",
        "facilities/sources.yaml:15:10",
    ]
    assert all(line.endswith("[schema.pattern]") for line in out.splitlines() if "this machine's own address" in line)


def test_a_build_makes_no_request_whatever_the_content_points_at(hostile) -> None:
    root, url, paths, (code, out), _ = hostile
    assert paths == []
    assert code == 0, out
    assert "0 errors" in out


def test_hostile_text_is_text_on_the_site(hostile) -> None:
    root, url, *_ = hostile
    page = Page((root / "dist" / "en" / "sample.html").read_text(encoding="utf-8"))
    assert page.h1 == NAME
    assert page.title == f"{NAME} · {TITLE} · Draft"  # the hostile project is built as a draft
    assert not [tag for tag, _ in page.tags if tag in ("style", "iframe", "object", "embed", "base")]
    # The only scripts: the page's JSON-LD (data) and the search box's, from assets/.
    scripts = [dict(attrs) for tag, attrs in page.tags if tag == "script"]
    assert scripts == [{"type": "application/ld+json"}, {"type": "module", "src": "../assets/js/search.js"}]
    assert not [(tag, name) for tag, attrs in page.tags for name in attrs if name == "style" or name.startswith("on")]
    assert [attrs for tag, attrs in page.tags if tag == "img"] == [{"src": "../images/gate.png", "alt": ALT}]
    assert [attrs["href"] for tag, attrs in page.tags if tag == "link" and attrs.get("rel") == "stylesheet"] == [
        "../assets/css/site.css"
    ]
    # The loopback URLs are only ever links a reader may follow, never something the page loads.
    loaded = [(tag, name) for tag, attrs in page.tags for name, value in attrs.items() if value and url in value]
    assert loaded and set(loaded) == {("a", "href")}
    text = squeeze("".join(page.text))
    assert squeeze(f'<img src="{url}/prose.png"> <link rel="stylesheet" href="{url}/prose.css">') in text
    assert squeeze(f"<style>@import url({url}/import.css);") in text
    assert squeeze(f"Photo: {CREDIT}") in text
    assert (root / "dist" / "images" / "gate.png").read_bytes() == png_bytes()


@pytest.mark.slow
@pytest.mark.private_chunks("compares what two folders lay out, each for itself")
def test_a_pdf_with_an_image_is_the_same_bytes_wherever_the_project_lives(tmp_path: Path, fixed_today: None) -> None:
    # WeasyPrint names an image in the PDF after a hash of its URL: a URL with the project's folder
    # in it made each folder's PDFs differ, and a chunk cached before the project moved differ from
    # one laid out after (the key names no folder). The dossier's photo, and one a print stylesheet names.
    pdfs = []
    for folder in ("a", WHERE_STAFF_PUT_IT):
        root, image = image_dossier(tmp_path / folder, "gate.png")
        shutil.copytree(REPO / "layouts", root / "layouts")
        image.write_bytes(png_bytes())
        (root / "layouts" / "icons" / "mark.png").write_bytes(png_bytes((8, 8)))
        with (root / "layouts" / "css" / "print.css").open("a", encoding="utf-8") as sheet:
            sheet.write('\n@page { background: url("../icons/mark.png") no-repeat; }\n')
        code, out, _ = build(root, "--lang", "en")
        assert code == 0, out
        pdfs.append((root / "dist" / "en" / "sample-en.pdf").read_bytes())
    reader = PdfReader(io.BytesIO(pdfs[1]))
    objects = [reader.get_object(idnum) for idnum in sorted({*reader.xref.get(0, {}), *reader.xref_objStm})]
    sizes = sorted(
        (o["/Width"], o["/Height"]) for o in objects if isinstance(o, dict) and o.get("/Subtype") == "/Image"
    )
    assert sizes == [(8, 8), (40, 30)]  # the page's mark and the photo (the map is vectors)
    assert pdfs[0] == pdfs[1]


@pytest.mark.slow
def test_a_file_a_layout_cannot_load_is_named_in_the_project_also_once_the_project_moved(
    tmp_path: Path, fixed_today: None
) -> None:
    # The system's words named the file by its whole path, and a chunk's findings are kept with it:
    # after the folder moved, the build named the file where it no longer was.
    root = tiny_project(tmp_path / "before")
    replace(
        root / "layouts" / "pdf" / "chapter.html", "{% block body %}", '{% block body %}<img src="nope.png" alt="">'
    )
    said = (
        "facilities/sample.yaml: error: en/chapter/sample: Failed to load image at 'layouts/pdf/nope.png':"
        " FileNotFoundError: [Errno 2] No such file or directory [pdf.weasyprint]"
    )
    for _ in ("here", "moved"):
        code, out, _ = build(root, "--lang", "en")
        assert code == 1 and said in finding_lines(out)
        assert str(tmp_path) not in out
        (tmp_path / WHERE_STAFF_PUT_IT).parent.mkdir(parents=True, exist_ok=True)
        root = shutil.move(root, tmp_path / WHERE_STAFF_PUT_IT)


def test_hostile_text_is_text_in_the_pdf(hostile) -> None:
    root, url, *_ = hostile
    reader = PdfReader(root / "dist" / "en" / "sample-en.pdf")
    assert reader.metadata["/Title"] == f"{NAME} · {TITLE} · Draft"
    assert reader.metadata["/Subject"] == f"Documented abuse at {NAME} and the campaign to shut it down"
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    assert squeeze(NAME) in text
    assert squeeze(f'<img src="{url}/prose.png"> <link rel="stylesheet" href="{url}/prose.css">') in text
    assert squeeze(f'<span style="background: url({url}/attribute.png)">styled</span>') in text
    assert squeeze(f"Photo: {CREDIT}") in text
    # One raster image is drawn, the dossier's 40 × 30 pixels (the map is vectors), and tagged as a
    # figure with its alt text.
    drawn = []
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        for operands, operator in ContentStream(page["/Contents"].get_object(), reader).operations:
            if operator == b"Do" and xobjects[operands[0]]["/Subtype"] == "/Image":
                drawn.append((page.page_number, xobjects[operands[0]]["/Width"], xobjects[operands[0]]["/Height"]))
    assert drawn == [(0, 40, 30)]
    figures = [
        obj.get("/Alt")
        for idnum in sorted({*reader.xref.get(0, {}), *reader.xref_objStm})
        if isinstance(obj := reader.get_object(idnum), dict) and obj.get("/S") == "/Figure"
    ]
    locator = f"A map of the United States with California shaded and a mark where {NAME} is, in Kern County."
    assert sorted(figures) == sorted([ALT, locator])  # the dossier's image and the facts box's map, as text


def test_a_layout_that_reaches_out_gets_fetch_errors_and_no_request(tmp_path: Path, fixed_today: None) -> None:
    # In a folder whose URL is all escapes: the refusal names the file in the project, as written.
    root = tiny_project(tmp_path / WHERE_STAFF_PUT_IT)
    outside = tmp_path / "outside.png"
    outside.write_bytes(png_bytes())
    (root / "layouts" / "pdf" / "outside.png").symlink_to(outside)
    with loopback() as server:
        url = base_url(server)
        (root / "layouts" / "pdf" / "chapter.html").write_text(
            '{% extends "pdf/base.html" %}\n{% block body %}\n'
            f'<link rel="stylesheet" href="{url}/layout.css">\n<img src="{url}/layout.png" alt="">\n'
            '<img src="outside.png" alt="">\n{% include "partials/facility.html" %}\n{% endblock %}\n'
        )
        code, out, _ = build(root, "--lang", "en")
        assert_no_requests_then_alive(server)
    assert code == 1
    assert finding_lines(out) == [
        f"facilities/sample.yaml: error: en/chapter/sample: refused to read '{url}/layout.css': the renderer reads only"
        " files under layouts/ and facilities/ and data: URLs, not 'http:' URLs [pdf.fetch]",
        f"facilities/sample.yaml: error: en/chapter/sample: refused to read '{url}/layout.png': the renderer reads only"
        " files under layouts/ and facilities/ and data: URLs, not 'http:' URLs [pdf.fetch]",
        "facilities/sample.yaml: error: en/chapter/sample: refused to read 'layouts/pdf/outside.png':"
        f" it resolves to '{outside}', outside layouts/ and facilities/ [pdf.fetch]",
    ]
    assert "nothing was written to dist/" in out
    assert not (root / "dist").exists()


def test_a_url_a_print_stylesheet_names_is_refused_once_at_its_line_by_check_and_build(
    tmp_path: Path, fixed_today: None
) -> None:
    """A remote image in the print.css rule of every chapter's strip (tests/fixtures/fetch-print-css):
    one error at its `url(`, from `check` and from the build alike, not one per chapter at each dossier."""
    root = make_project(tmp_path, "fetch-print-css")
    line = (
        (root / "layouts" / "css" / "print.css")
        .read_text(encoding="utf-8")
        .splitlines()
        .index(".chapter-strip { background-image: url(https://example.org/x.png); }")
    )
    expected = [
        f"layouts/css/print.css:{line + 1}:36: error: refused to read 'https://example.org/x.png': the renderer reads"
        " only files under layouts/ and facilities/ and data: URLs, not 'https:' URLs [pdf.fetch]"
    ]
    code, checked, _ = run_cli("--root", str(root), "check")
    assert (code, finding_lines(checked)) == (1, expected)
    code, built, err = build(root)
    assert (code, finding_lines(built)) == (1, expected)
    assert "Traceback" not in built + err and not (root / "dist").exists()


@pytest.mark.slow
def test_the_site_never_copies_an_asset_linked_from_outside_layouts(tmp_path: Path, fixed_today: None) -> None:
    from report.render.site import _assets

    root = tiny_project(tmp_path)
    outside = tmp_path / "site.css"
    shutil.move(root / "layouts" / "css" / "site.css", outside)
    (root / "layouts" / "css" / "site.css").symlink_to(outside)
    code, out, _ = run_cli("--root", str(root), "check")
    assert (code, finding_lines(out)) == (
        1,
        [
            f"layouts/css/site.css: error: resolves to '{outside}', outside layouts/: the site copies only files that live there [site.asset]"
        ],
    )
    copied = [output.path for output in _assets(root)]
    assert "assets/css/site.css" not in copied and "assets/css/tokens.css" in copied


def test_an_address_a_site_stylesheet_names_outside_the_site_is_an_error_at_its_place(tmp_path: Path) -> None:
    """The site makes no external request: a web font `@import`ed or a background `url()` from
    another host (`https:`, `//host`, any scheme but `data:`) is refused as a missing file is, at its
    `@import` or `url(`; a `data:` URL, a page's own fragment and a file the site publishes are not."""
    css = tmp_path / "layouts" / "css"
    css.mkdir(parents=True)
    (tmp_path / "layouts" / "fonts").mkdir()
    (tmp_path / "layouts" / "fonts" / "Plex.woff2").write_bytes(b"wOF2")
    (css / "tokens.css").write_text(":root { --ink: #000; }\n")
    (css / "site.css").write_text(
        '@import url("https://fonts.googleapis.com/css2?family=Roboto");\n'
        '@import "//cdn.example.org/x.css";\n'
        '@import "tokens.css";\n'
        "body { background-image: url( https://example.org/bg.png ) }\n"
        "h1 { background: url('//example.org/h.png'), url(data:image/png;base64,AAAA) }\n"
        "p { background: url(../fonts/Plex.woff2); filter: url(#shadow); cursor: url(FILE:///etc/x.cur) }\n"
        "/* a { background: url(https://example.org/commented.png) } */\n"
    )
    outside = "is an address outside the site, which makes no external request: put the file in layouts/"
    outside += " (css, fonts, icons or js) and name it by its relative path [site.asset]"
    assert [str(f) for f in asset_findings(tmp_path)] == [
        f"layouts/css/site.css:1:1: error: 'https://fonts.googleapis.com/css2?family=Roboto' {outside}",
        f"layouts/css/site.css:2:1: error: '//cdn.example.org/x.css' {outside}",
        f"layouts/css/site.css:4:26: error: 'https://example.org/bg.png' {outside}",
        f"layouts/css/site.css:5:18: error: '//example.org/h.png' {outside}",
        f"layouts/css/site.css:6:73: error: 'FILE:///etc/x.cur' {outside}",
    ]


def test_the_site_stylesheet_inlines_every_form_of_import_under_what_it_says(tmp_path: Path) -> None:
    """`@import 'a.css';`, `@import url(b.css);` and `@import "x.css" print;` were left in the published
    stylesheet after the inlined rules, where a browser ignores them. Each form is inlined where it is,
    under the block that says what its `@import` says."""
    from report.render.site import _assets

    css = tmp_path / "layouts" / "css"
    css.mkdir(parents=True)
    (css / "site.css").write_text(
        '@charset "utf-8";\n'
        "@import 'a.css';\n"
        "@import url(b.css) print;\n"
        '@import url( "c.css" ) supports(display: grid) screen and (min-width: 40rem);\n'
        '@import "d.css" layer(base);\n'
        "@import './e.css' layer supports(not (display: grid));\n"
        '@import "../css/a.css";\n'
        "body { color: red }\n",
        encoding="utf-8",
    )
    for name in "abcde":
        (css / f"{name}.css").write_text(f".{name} {{ color: blue }}\n", encoding="utf-8")
    assert asset_findings(tmp_path) == []
    assets = {output.path: output.data.decode() for output in _assets(tmp_path)}
    assert assets == {
        "assets/css/site.css": '@charset "utf-8";\n'
        "/* a.css */\n.a { color: blue }\n"
        "/* b.css */\n@media print {\n.b { color: blue }\n}\n"
        "/* c.css */\n@supports (display: grid) {\n@media screen and (min-width: 40rem) {\n.c { color: blue }\n}\n}\n"
        "/* d.css */\n@layer base {\n.d { color: blue }\n}\n"
        "/* e.css */\n@layer {\n@supports not (display: grid) {\n.e { color: blue }\n}\n}\n"
        "body { color: red }\n"
    }
    sheets = [path.removeprefix("layouts/css/") for path, _, _ in sheet_texts(str(tmp_path), "site")]
    assert sheets == ["a.css", "b.css", "c.css", "d.css", "e.css", "site.css"]  # as `site.hidden` reads them


def test_an_import_the_site_cannot_inline_is_an_error_at_its_place(tmp_path: Path) -> None:
    """An `@import` the build left in the published stylesheet was dead there (after the inlined rules,
    a browser ignores it), and `check` and the build passed. Each is an error at its `@import`; one
    that leaves the site or names a missing file keeps its one error."""
    css = tmp_path / "layouts" / "css"
    css.mkdir(parents=True)
    (tmp_path / "layouts" / "js").mkdir()
    (tmp_path / "layouts" / "js" / "x.js").write_text("x {}\n", encoding="utf-8")
    (css / "a.css").write_text("", encoding="utf-8")
    (css / "site.css").write_text(
        '@import "../js/x.js";\n'
        '@import "/assets/css/a.css";\n'
        "@import url(data:text/css,p{});\n"
        "@import a;\n"
        '@import "https://example.org/x.css";\n'
        '@import "missing.css";\n'
        '@import "a.css";\n'
        "p { color: red }\n"
        '@import "a.css" print;\n'
        '@media print { @import "a.css"; }\n'
        '/* @import "gone.css"; */\n',
        encoding="utf-8",
    )
    inline = "which the build cannot inline into the site's one stylesheet: import a stylesheet of layouts/css"
    inline += " by its relative path ('tokens.css') [site.asset]"
    ignored = "where a browser ignores it: an @import comes before every rule but @charset and @layer statements,"
    ignored += " outside any block [site.asset]"
    assert [str(f) for f in asset_findings(tmp_path)] == [
        f"layouts/css/site.css:1:1: error: @import of '../js/x.js', {inline}",
        f"layouts/css/site.css:2:1: error: @import of '/assets/css/a.css', {inline}",
        f"layouts/css/site.css:3:1: error: @import of 'data:text/css,p{{}}', {inline}",
        'layouts/css/site.css:4:1: error: @import names no file, and a browser ignores it: write `@import "name.css";`'
        " [site.asset]",
        "layouts/css/site.css:5:1: error: 'https://example.org/x.css' is an address outside the site, which makes no"
        " external request: put the file in layouts/ (css, fonts, icons or js) and name it by its relative path"
        " [site.asset]",
        "layouts/css/site.css:6:1: error: 'missing.css' is not a file the site publishes (from layouts/css, fonts,"
        " icons or js) [site.asset]",
        f"layouts/css/site.css:9:1: error: @import of 'a.css' {ignored}",
        f"layouts/css/site.css:10:16: error: @import of 'a.css' {ignored}",
    ]


def _gate(root: Path) -> Path:
    """Save a clean PNG as the dossier image facilities/images/gate.png of `root`; return its path."""
    (root / "facilities" / "images").mkdir()
    image = root / "facilities" / "images" / "gate.png"
    image.write_bytes(png_bytes())
    return image


def test_an_edited_image_is_laid_out_again(tmp_path: Path) -> None:
    from report.pdf.paginate import Layout

    root = tiny_project(tmp_path)
    image = _gate(root)
    layout = Layout(root, None, 1)
    job = Job(
        "en/chapter/sample",
        "<img src='../../facilities/images/gate.png'>",
        "facilities/sample.yaml",
        "print",
        assets=("facilities/images/gate.png",),
    )
    before = layout.cache_key(job)
    assert layout.cache_key(job) == before
    image.write_bytes(png_bytes((41, 30)))
    assert layout.cache_key(job) != before


def test_a_chapter_is_keyed_by_its_image_as_checked_not_as_it_is_when_queued(tmp_path: Path) -> None:
    from report.pdf.paginate import Layout

    root = tiny_project(tmp_path)
    image = _gate(root)
    layout = Layout(root, None, 1)
    unchecked = Job("en/chapter/sample", "", "facilities/sample.yaml", "print", assets=("facilities/images/gate.png",))
    checked = dataclasses.replace(unchecked, checked=(layout.asset_digests(unchecked)["facilities/images/gate.png"],))
    before = layout.cache_key(checked)
    _saved_with_its_location(image)
    assert layout.asset_digests(checked) == {"facilities/images/gate.png": checked.checked[0]}
    assert layout.cache_key(checked) == before != layout.cache_key(unchecked)


def test_a_chunk_laid_out_with_another_image_than_its_key_hashed_is_an_error_and_not_cached(tmp_path: Path) -> None:
    """What an image saved between the build's key and the worker's reading of it does, without a
    race: the key hashed other bytes than the ones the worker's URL fetcher served."""
    from report.pdf.paginate import Layout, Paginator

    root = tiny_project(tmp_path / "project")
    _gate(root)
    cache_dir = tmp_path / "cache"
    layout = Layout(root, cache_dir, 1)
    job = Job(
        "en/chapter/sample",
        "<p>The gate.</p><img src='../../facilities/images/gate.png'>",
        "facilities/sample.yaml",
        "print",
        assets=("facilities/images/gate.png",),
    )
    read = layout.asset_digests(job)
    with Paginator(layout) as paginator:
        layout.asset_digests = lambda job: {"facilities/images/gate.png": "0" * 64}  # type: ignore[method-assign]
        stale = paginator.lay_out(job).result()
        assert not list((cache_dir / "chunks").rglob("*.bin"))
        layout.asset_digests = lambda job: read  # type: ignore[method-assign]
        fresh = paginator.lay_out(job).result()
    assert (stale.pdf, stale.pages, stale.cached) == (b"", 0, False)
    assert [str(f) for f in stale.findings] == [
        "facilities/images/gate.png: error: en/chapter/sample: this image changed after the build checked it,"
        " and the pages that show it would print an image nobody checked: build again [pdf.changed]"
    ]
    assert fresh.pdf.startswith(b"%PDF-") and fresh.pages == 1 and not fresh.cached
    assert len(list((cache_dir / "chunks").rglob("*.bin"))) == 1


def _saved_with_its_location(image: Path) -> None:
    """Save over a clean image what `check` refuses (image.location): a phone's photo with its GPS tags."""
    exif = Image.Exif()
    exif[0x8825] = _GPS
    Image.new("RGB", (40, 30), (196, 71, 15)).save(image, exif=exif)


def _built_after_a_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: Any, stage: str) -> Path:
    """Build the fixture project with a clean dossier image, saving it with its location just before
    `module.stage` runs (after `check` read it); return the project."""
    root = tiny_project(tmp_path, "image-missing")  # its dossier shows facilities/images/gate.png
    image = _gate(root)
    assert finding_lines(run_cli("--root", str(root), "check")[1]) == []
    original = getattr(module, stage)

    def save_then_run(*args: Any, **kwargs: Any) -> Any:
        _saved_with_its_location(image)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, stage, save_then_run)
    return root


@pytest.mark.slow
def test_an_image_saved_after_check_read_it_is_not_laid_out(
    tmp_path: Path, fixed_today: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved between the gather phase and the chapter's layout: the chapter's key hashed the file
    when it was queued, so the PDF and the site carried an image that no check had seen."""
    from report.commands import build as build_verb

    root = _built_after_a_save(tmp_path, monkeypatch, build_verb, "emit")
    code, out, _ = build(root)
    assert [line for line in finding_lines(out) if "[pdf.changed]" in line] == [
        "facilities/images/gate.png: error: en/chapter/sample: this image changed after the build checked it,"
        " and the pages that show it would print an image nobody checked: build again [pdf.changed]"
    ]
    assert code == 1 and not (root / "dist").exists()
    monkeypatch.undo()
    assert "[image.location]" in run_cli("--root", str(root), "check")[1]  # what publishing it would have skipped


@pytest.mark.slow
def test_an_image_saved_after_its_pages_were_laid_out_is_not_published(
    tmp_path: Path, fixed_today: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved after the chapter was laid out, before the site copied it: the site read the file again."""
    from report.render import site

    root = _built_after_a_save(tmp_path, monkeypatch, site, "site_pages")
    code, out, _ = build(root)
    assert [line for line in finding_lines(out) if "[pdf.changed]" in line] == [
        "facilities/images/gate.png: error: this image changed after the build checked it, and the site would"
        " publish an image nobody checked: build again [pdf.changed]"
    ]
    assert code == 1 and not (root / "dist").exists()


def test_an_image_bomb_is_refused_outside_pytest_warning_filters(tmp_path: Path, fixed_today: None) -> None:
    """Pillow only warns between the limit and twice it; pytest's `filterwarnings = error` would hide
    a missing refusal, so this runs `check` on the image-bomb fixture with warnings ignored, as a
    user's Python could have them."""
    root = make_project(tmp_path, "image-bomb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, out, err = run_cli("--root", str(root), "check")
    assert "Traceback" not in out + err
    assert finding_lines(out) == (FIXTURES / "image-bomb" / "expected.txt").read_text().splitlines()
    assert code == 1


@pytest.mark.slow
def test_a_file_a_site_stylesheet_names_must_be_one_the_site_publishes(tmp_path: Path, fixed_today: None) -> None:
    """A font misspelt in fonts.css: the page would fall back to another face without a word."""
    root = tiny_project(tmp_path)
    fonts = root / "layouts" / "css" / "fonts.css"
    fonts.write_text(fonts.read_text(encoding="utf-8").replace("IBMPlexSans-Bold.woff2", "Bold.woff2"), "utf-8")
    site = root / "layouts" / "css" / "site.css"
    site.write_text(site.read_text(encoding="utf-8").replace('@import "tokens.css"', '@import "token.css"'), "utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    published = "is not a file the site publishes (from layouts/css, fonts, icons or js) [site.asset]"
    assert code == 1 and [line for line in finding_lines(out) if "[site.asset]" in line] == [
        f"layouts/css/fonts.css:11:83: error: '../fonts/Bold.woff2' {published}",
        f"layouts/css/site.css:3:1: error: 'token.css' {published}",
    ]


def test_a_stylesheet_is_parsed_once_however_many_checks_read_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gather phase walks the print stylesheets for their URLs, their faces, their families and
    their font lists, and the site's for their `@import`s, on every `check` and every save of the
    live preview: the same texts tokenized and parsed again each time. What a text names is the
    text's alone, and is kept by it."""
    import tinycss2

    from report.sandbox import CssImport, CssRef, css_imports, css_refs

    text = "@import url(\"tokens.css\") print;\n/* url(no.png) parsed once */\nbody { background: url('i.png') }\n"
    parsed: list[str] = []
    real_parse = tinycss2.parse_stylesheet

    def counted(css: str, **options: Any) -> Any:
        parsed.append(css)
        return real_parse(css, **options)

    monkeypatch.setattr(tinycss2, "parse_stylesheet", counted)
    for _ in range(3):
        assert tuple(css_refs(text)) == (CssRef("tokens.css", 1, 1, True), CssRef("i.png", 3, 20, False))
        assert tuple(css_imports(text)) == (CssImport("tokens.css", 1, 1, 0, 33, None, "", "print"),)
    assert css_refs(text) is css_refs(text)
    assert parsed == [text]
