"""What a build may read: files under `layouts/` and `facilities/`, and `data:` URLs.

The URL fetcher WeasyPrint reads through, and the checks on dossier images. The design:
docs/architecture.md.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from dataclasses import dataclass
from fnmatch import fnmatch
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from . import project
from .findings import Finding, Loc, error
from .project import FACILITIES_DIR, IMAGES_DIR, LAYOUTS_DIR

if TYPE_CHECKING:
    from PIL import Image

READABLE = (LAYOUTS_DIR, FACILITIES_DIR)
"""The project folders the renderer may read."""
PROJECT_URL = "file://project/"
"""The URL of the project's folder in what the layout reads, wherever the folder is: chunk HTML
is laid out against `file://project/layouts/pdf/`, and the URL fetcher reads `file://project/<path>`
as `<path>` in the project. WeasyPrint names each image of a PDF after a hash of its URL, so a URL
with the folder in it gave every folder its own PDFs (and a chunk cached before the project moved
other bytes than one laid out after it); a finding names the file in the project, not a URL that
escapes every space and accent of the folder's path."""

IMAGE_FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg"), "WEBP": (".webp",)}
"""Image formats (as Pillow names them) a dossier may use, with their file name endings."""
IMAGE_MAX_BYTES = 5 * 1024 * 1024
"""The largest image file a dossier may use. The site and every PDF carry it byte for byte. A
photo 2,400 pixels wide (wider than any page prints it or a screen shows it) is under 1.5 MB as a
JPEG at quality 85 or a WebP; 5 MB leaves room for a detailed PNG graphic, where a whole web
page weighs about 2 MB. More is a camera original, or data hidden in the file (a 300 x 200 PNG
can carry 60 MB of text chunks)."""
GPS_IFD = 0x8825
"""The EXIF tag of the GPS block (where a camera or phone writes where the photo was taken)."""
_XMP_LOCATION = (b"GPSLatitude", b"GPSLongitude")
EXIF_IFD = 0x8769
"""The EXIF tag of the Exif block (where a camera writes its owner's name and its serial numbers)."""
_EXIF_IDENTITY = {0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber", 0xA435: "LensSerialNumber"}
"""The EXIF tags that name whose camera took a photo. Artist and Copyright are a credit, often wanted."""


def _xmp_property(names: bytes) -> re.Pattern[bytes]:
    """Return a pattern of the XMP properties of these local names (`a|b`), as an attribute or an
    element (not its end tag), whatever prefix the file gives them."""
    return re.compile(
        rb"(?<![\w.:/-])(?P<name>[A-Za-z_][\w.-]*:(?:" + names + rb"))"
        rb"""(?:\s*=\s*(?P<attribute>"[^"]*"|'[^']*')|>(?P<text>[^<]*)(?P<end></)?|[\s/])"""
    )


_XMP_IDENTITY = _xmp_property(rb"SerialNumber|BodySerialNumber|LensSerialNumber|CameraOwnerName|OwnerName")
"""An XMP property, as an attribute or an element (not its end tag), that names whose camera took
a photo: aux:SerialNumber, aux:OwnerName, exifEX:BodySerialNumber, exifEX:CameraOwnerName, and
the lens serial numbers (aux: and exifEX:LensSerialNumber), whatever prefix the file gives them."""
_EXIF_MACHINE = {0x013C: "HostComputer", 0x010D: "DocumentName"}
"""The EXIF tags that name the computer an image was saved on, or the file it was made from (a
path such as /Users/jane/Desktop/IMG_0412.CR2, which names the user, and a host name)."""
_XMP_MACHINE = _xmp_property(rb"filePath|RawFileName|HostComputer|DocumentName")
"""The XMP properties that name the files an image was made from on the editor's machine
(`stRef:filePath` in Photoshop's and Lightroom's xmpMM:DerivedFrom and xmpMM:Ingredients, Camera
Raw's crs:RawFileName) or the computer it was saved on, whatever prefix the file gives them."""

_IPTC_PLACE = {90: "City", 92: "Sub-location", 95: "Province-State", 27: "ContentLocationName"}
"""The IPTC datasets (record 2) that say where a photo was taken or what place it shows. The
country alone (Country-PrimaryLocationCode and -Name) locates no one in a report on one country."""
_IPTC_TEXT = {105: "Headline", 118: "Contact", 120: "Caption-Abstract", 122: "Writer-Editor"}
"""The IPTC datasets (record 2) that name people: a contact, or a caption or headline that can name
the people in the photo. Copyright Notice and Credit are a credit, often wanted."""
_NS = {
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "mwg-rs": "http://www.metadataworkinggroup.com/schemas/regions/",
    "MPReg": "http://ns.microsoft.com/photo/1.2/t/Region#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
}
_XMP_PLACE = (
    "photoshop:City photoshop:State Iptc4xmpCore:Location Iptc4xmpExt:City Iptc4xmpExt:Sublocation"
    " Iptc4xmpExt:ProvinceState Iptc4xmpExt:LocationName Iptc4xmpExt:LocationId"
).split()
"""The XMP properties that say where a photo was taken or what place it shows (by their usual
prefixes): photoshop's and IPTC Core's, and the fields of IPTC Extension's LocationCreated and
LocationShown structures (their GPS fields are `_XMP_LOCATION`'s); not the country alone."""
_XMP_TEXT = (
    "Iptc4xmpExt:PersonInImage Iptc4xmpExt:PersonInImageWDetails Iptc4xmpExt:PersonName mwg-rs:Name"
    " MPReg:PersonDisplayName Iptc4xmpCore:CreatorContactInfo photoshop:Headline photoshop:CaptionWriter"
    " dc:description dc:title exif:UserComment tiff:ImageDescription"
).split()
"""The XMP properties that name people: who is in the photo (IPTC's persons, the names of face
regions that Lightroom, Picasa and Windows write), the photographer's address, and a caption,
title or comment that can name the people in it. dc:rights and photoshop:Credit are a credit,
often wanted."""
_XMP_CREATOR = ["dc:creator", "tiff:Artist"]
_EXIF_TEXT = {0x010E: "ImageDescription", 0x9286: "UserComment", 0x9C9B: "XPTitle", 0x9C9C: "XPComment"}
_EXIF_TEXT |= {0x9C9F: "XPSubject"}
"""The EXIF tags of a caption, title or comment, which can name the people in a photo."""
_EXIF_CREATOR = {0x013B: "Artist", 0x9C9D: "XPAuthor"}
"""The EXIF tags that name the photographer: fine when the dossier's `credit` names them too."""
_PNG_PLAIN = {"Software", "Creation Time", "Copyright", "Disclaimer", "Warning", "Source", "XML:com.adobe.xmp"}
"""The PNG text keywords that name no one (a PNG's XMP is checked as XMP); any other text is reported."""
_SOFTWARE_TEXT = re.compile(
    r"\s*(?:CREATOR: gd-jpeg|Created with GIMP|File written by Adobe Photoshop|LEAD Technologies"
    r"|[A-Z0-9 ]*(?:DIGITAL (?:STILL )?CAMERA|DSC)\s*$)"
)
"""A comment or description a program or camera writes by itself, which names no one."""

MEDIA_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".html": "text/html",
}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")
_WHERE = " and ".join(f"{folder}/" for folder in READABLE)


class SandboxRefusal(ValueError):
    """A URL the renderer may not read, and why."""

    def __init__(self, url: str, reason: str):
        super().__init__(reason)
        self.url = url
        self.reason = reason


def real_folder(root: Path, folder: str) -> Path:
    """Return a project folder's path below the real project root, without following the folder itself.

    A readable folder that is itself a symlink leads elsewhere, so nothing under it is readable.
    """
    return root.resolve() / folder


def inside(path: Path, folder: Path) -> bool:
    """Return True if `path`, with symlinks and `..` followed, lies under `folder` (from `real_folder`).

    A symbolic link loop leads nowhere, so it lies under no folder.
    """
    return not project.link_loop(path) and path.resolve().is_relative_to(folder)


def confine(path: Path, folders: Iterable[Path], url: str) -> Path:
    """Return the real path of `path` if it lies in one of `folders`; raise SandboxRefusal if not."""
    if project.link_loop(path):
        raise SandboxRefusal(url, f"it {project.LOOP}")
    real = path.resolve()
    if any(real.is_relative_to(folder) for folder in folders):
        return real
    if real != Path(path).absolute():
        raise SandboxRefusal(url, f"it resolves to '{real}', outside {_WHERE}")
    raise SandboxRefusal(url, f"it is outside {_WHERE}")


def local_path(url: str) -> Path:
    """Return the file a `file:` URL names; raise SandboxRefusal for a file URL with a host."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise SandboxRefusal(url, f"file URLs on another host ('{parts.netloc}') are not read")
    return Path(url2pathname(unquote(parts.path)))


def readable_folders(root: Path) -> tuple[Path, ...]:
    """Return the real paths of the folders the renderer may read (`READABLE`)."""
    return tuple(real_folder(root, folder) for folder in READABLE)


def admit(url: str, folders: Iterable[Path]) -> Path | None:
    """Return the real path of the file an absolute URL names, or None for a `data:` URL; raise
    SandboxRefusal for anything else, or for a file outside `folders` (from `readable_folders`).

    The one decision of what the renderer may read: the URL fetcher serves by it, and `check`
    judges the stylesheets' URLs by it without fetching anything.
    """
    match = _SCHEME.match(url)
    scheme = match[1].lower() if match else ""
    if scheme == "data":
        return None
    if scheme != "file":
        what = f"'{scheme}:' URLs" if scheme else "relative URLs without a base"
        raise SandboxRefusal(url, f"the renderer reads only files under {_WHERE} and data: URLs, not {what}")
    return confine(local_path(url), folders, url)


def brief_url(url: str, limit: int = 120) -> str:
    """Return a URL short enough for a one-line finding."""
    return url if len(url) <= limit else url[: limit - 1] + "…"


def project_url(url: str, root: Path) -> str:
    """Return the `file:` URL a `PROJECT_URL` names in the project at `root`; any other URL as it is."""
    if not url.startswith(PROJECT_URL):
        return url
    return f"{root.absolute().as_uri().rstrip('/')}/{url[len(PROJECT_URL) :]}"


def sheet_url(rel: str) -> str:
    """Return the `PROJECT_URL` of a file (or, ending in '/', a folder) given relative to the project."""
    return PROJECT_URL + quote(rel)


def shown_url(url: str) -> str:
    """Return a URL as a finding names it: one of `PROJECT_URL` as the path in the project it names."""
    return unquote(url[len(PROJECT_URL) :]) if url.startswith(PROJECT_URL) else url


_PROJECT_URLS = re.compile(re.escape(PROJECT_URL) + r"[^\s'\"]*")


def shown_urls(message: str) -> str:
    """Return a message of WeasyPrint's with each `PROJECT_URL` in it as the path in the project it names."""
    return _PROJECT_URLS.sub(lambda match: shown_url(match[0]), message)


# -- dossier images ------------------------------------------------------------------------------


def image_path(root: Path, src: str) -> Path | None:
    """Return the real path of an image in facilities/images/, or None if it is not one there."""
    folder = real_folder(root, IMAGES_DIR)
    path = folder / src
    if "/" in src or "\\" in src or not path.is_file() or not inside(path, folder):
        return None
    return path.resolve()


def image_problem(root: Path, src: str, credit: str = "") -> tuple[str, str] | None:
    """Return (code, message) saying why `src` is not a usable image in facilities/images/, or None.

    A photographer its metadata names is fine if `credit` (the dossier's, which the report prints) names them too.
    """
    folder = real_folder(root, IMAGES_DIR)
    path = folder / src
    if not path.exists() and not path.is_symlink():
        return "image.missing", f"image '{src}' not found: put the file in {IMAGES_DIR}/"
    if project.link_loop(path):
        return "image.missing", f"image '{src}' {project.LOOP}: put the file itself in {IMAGES_DIR}/"
    if not inside(path, folder):
        return (
            "image.outside",
            f"image '{src}' resolves to '{path.resolve()}', outside {IMAGES_DIR}/:"
            " copy the file there instead of linking to it",
        )
    if not path.exists():
        return "image.missing", f"image '{src}' is a link to '{path.resolve()}', which does not exist"
    if not path.is_file():
        return "image.format", f"image '{src}' is not a file"
    # Read once: the bytes checked are the bytes whose hash the gather phase records, which the
    # build publishes only if the file still holds them (see `commands.build`).
    try:
        data = project.read(root, f"{IMAGES_DIR}/{src}", IMAGE_MAX_BYTES)
    except project.TooLarge as large:
        return (
            "limit.size",
            f"image '{src}' is {large.size / 2**20:.1f} MB; an image may be at most {IMAGE_MAX_BYTES // 2**20} MB"
            " (the site and every PDF carry it as it is): save it again without metadata and at most 2,400 pixels"
            " wide (a photo as JPEG or WebP, with src renamed to match)",
        )
    except project.Refused as refused:  # replaced since the tests above
        return refused.code, f"image '{src}': {refused.message}"
    except OSError:
        return "image.missing", f"image '{src}' not found: put the file in {IMAGES_DIR}/"
    found, (code, problem) = _read_image(data)
    if found is None:
        return code, f"image '{src}' {problem}"
    if not src.lower().endswith(IMAGE_FORMATS[found]):
        endings = " or ".join(IMAGE_FORMATS[found])
        return "image.format", f"image '{src}' holds a {found} image: its name must end in {endings}"
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()  # a PNG's text chunks after the pixels are read with them
        where, named, who, machine = _location(image), _named(image, credit), _identity(image), _machine(image)
    remedy = f"remove its metadata (exiftool -all= -overwrite_original {IMAGES_DIR}/{src}) or export it again"
    if where:
        return (
            "image.location",
            f"image '{src}' records where it was taken ({where}), which the site and the PDFs would publish with"
            f" it and which can expose the photographer: {remedy} without location data",
        )
    if named:
        return (
            "image.people",
            f"image '{src}' carries names or text about it ({named}), which the site and the PDFs would publish"
            f" with it and which can identify the people in it: {remedy} without captions, comments or names",
        )
    if who:
        return (
            "image.identity",
            f"image '{src}' records whose camera took it ({who}), which the site and the PDFs would publish with"
            f" it and which can expose the photographer: {remedy} without the owner's name and serial numbers",
        )
    if machine:
        return (
            "image.identity",
            f"image '{src}' records the computer or the files it was made from ({machine}), which the site and the"
            f" PDFs would publish with it and which can name the editor and their machine: {remedy} without file"
            " names and computer names",
        )
    return None


def _location(image: Image.Image) -> str:
    """Return where an image records the place it was taken ('' if nowhere): EXIF GPS tags, IPTC
    place datasets, XMP GPS and place properties."""
    places = []
    if image.getexif().get_ifd(GPS_IFD):
        places.append("GPS tags in its EXIF data")
    if any(name in _xmp(image) for name in _XMP_LOCATION):
        places.append("GPS coordinates in its XMP data")
    iptc = _iptc(image)
    if datasets := [name for number, name in _IPTC_PLACE.items() if _written(iptc.get(number))]:
        places.append(f"{', '.join(datasets)} in its IPTC data")
    if properties := _xmp_held(image, _XMP_PLACE):
        places.append(f"{', '.join(properties)} in its XMP data")
    return " and ".join(places)


def _named(image: Image.Image, credit: str) -> str:
    """Return which of an image's metadata fields name people or hold a caption or comment ('' if
    none): a JPEG comment, EXIF, IPTC and XMP captions and names, a photographer `credit` does not
    name, PNG text."""
    exif = image.getexif()
    values = {**exif, **exif.get_ifd(EXIF_IFD)}
    found = []
    comments = [text for marker, text in getattr(image, "applist", []) if marker == "COM" and _said(text)]
    if comments:
        found.append(
            "a comment in its JPEG data" if len(comments) == 1 else f"{len(comments)} comments in its JPEG data"
        )
    tags = [name for tag, name in _EXIF_TEXT.items() if _said(values.get(tag))]
    tags += [name for tag, name in _EXIF_CREATOR.items() if _uncredited(_text(values.get(tag)), credit)]
    if tags:
        found.append(f"{', '.join(tags)} in its EXIF data")
    iptc = _iptc(image)
    datasets = [name for number, name in _IPTC_TEXT.items() if _written(iptc.get(number))]
    datasets += ["By-line"] if _uncredited(_text(iptc.get(80)), credit) else []
    if datasets:
        found.append(f"{', '.join(datasets)} in its IPTC data")
    properties = list(_xmp_held(image, _XMP_TEXT))
    properties += [name for name, value in _xmp_held(image, _XMP_CREATOR).items() if _uncredited(value, credit)]
    if properties:
        found.append(f"{', '.join(properties)} in its XMP data")
    text = getattr(image, "text", {}) if image.format == "PNG" else {}
    if keys := sorted(key for key, value in text.items() if key not in _PNG_PLAIN and _said(value)):
        found.append(f"{', '.join(repr(key) for key in keys)} in its PNG text")
    return " and ".join(found)


def _said(value: object) -> bool:
    """Return whether a caption or comment says anything a person wrote (not blank, not a camera's or program's own)."""
    text = _text(value)
    return _written(text) and not _SOFTWARE_TEXT.match(text)


def _text(value: object) -> str:
    """Return a metadata value as text: EXIF's UserComment without its 8-byte code, Windows' XP tags from UTF-16."""
    if isinstance(value, bytes):
        for charset in (b"ASCII\0\0\0", b"UNICODE\0", b"JIS\0\0\0\0\0", b"\0" * 8):
            value = value.removeprefix(charset)
        value = value.decode("utf-16-le" if value[1:2] == b"\0" else "latin-1", errors="replace")
    return "" if value is None else str(value).strip(" \x00")


def _uncredited(creator: str, credit: str) -> bool:
    """Return whether a photographer's name in an image's metadata is one the dossier's credit does not print."""
    names = [name.strip() for name in re.split(r"[;\n]", creator) if name.strip(" \x00")]
    return any(not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", credit, re.IGNORECASE) for name in names)


def _iptc(image: Image.Image) -> dict[int, bytes]:
    """Return an image's IPTC datasets of record 2 by number (Pillow reads a JPEG's from Photoshop's
    block), a repeated one's values joined by ';'; none if the block is not IPTC Pillow can read."""
    from PIL import IptcImagePlugin

    try:
        datasets = IptcImagePlugin.getiptcinfo(image) or {}  # type: ignore[arg-type]
    except (SyntaxError, ValueError, OSError):  # a malformed block: Pillow's parser refuses it
        return {}
    return {
        number: b";".join(value) if isinstance(value, list) else value
        for (record, number), value in datasets.items()
        if record == 2
    }


def _xmp_held(image: Image.Image, properties: list[str]) -> dict[str, str]:
    """Return the values of those of `properties` ('prefix:Name', by `_NS`) an image's XMP data holds
    a value in, in their order: as an element with text (a list's items joined by ';'), or as an
    attribute; by namespace, whatever prefix the file gives it. XMP that is not well-formed XML is
    searched for the properties by their usual prefixes, and a value found so is '?'."""
    xmp = _xmp(image)
    if not xmp:
        return {}
    wanted = {"{%s}%s" % (_NS[name.split(":")[0]], name.split(":")[1]): name for name in properties}
    try:
        tree = ElementTree.fromstring(xmp[xmp.find(b"<") :].rstrip(b"\0 \n\r\t"))
    except ElementTree.ParseError:
        return {name: "?" for name in properties if re.search(rb"<%s[\s>]|\s%s\s*=" % ((name.encode(),) * 2), xmp)}
    held: dict[str, list[str]] = {}
    for element in tree.iter():
        if element.tag in wanted:
            held.setdefault(wanted[element.tag], []).extend(text for text in element.itertext() if _written(text))
        for key, value in element.attrib.items():
            if key in wanted and _written(value):
                held.setdefault(wanted[key], []).append(value)
    return {name: ";".join(held[name]) for name in properties if held.get(name)}


def _identity(image: Image.Image) -> str:
    """Return which of an image's metadata fields name whose camera took it ('' if none), in its EXIF and XMP data."""
    return _fields(image, _EXIF_IDENTITY, _XMP_IDENTITY)


def _machine(image: Image.Image) -> str:
    """Return which of an image's metadata fields name the computer it was saved on or the files it
    was made from ('' if none), in its EXIF and XMP data."""
    return _fields(image, _EXIF_MACHINE, _XMP_MACHINE)


def _fields(image: Image.Image, tags: dict[int, str], properties: re.Pattern[bytes]) -> str:
    """Return which of these EXIF tags (by number) and XMP properties (`_xmp_property`) an image's
    metadata holds a value in ('' if none)."""
    exif = image.getexif()
    values = {**exif, **exif.get_ifd(EXIF_IFD)}  # their place is the Exif block; some writers put them in the first
    held = [name for tag, name in tags.items() if _written(values.get(tag))]
    named = sorted({found["name"].decode() for found in properties.finditer(_xmp(image)) if _holds(found)})
    found = [f"{', '.join(held)} in its EXIF data"] if held else []
    found += [f"{', '.join(named)} in its XMP data"] if named else []
    return " and ".join(found)


def _xmp(image: Image.Image) -> bytes:
    """Return an image's XMP packet (b'' if it has none): a JPEG's or WebP's, or a PNG's iTXt chunk."""
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    return xmp.encode() if isinstance(xmp, str) else xmp


def _holds(found: re.Match[bytes]) -> bool:
    """Return whether an XMP property an `_xmp_property` pattern found holds a value (its quoted value, its text, or more XML)."""
    if found["attribute"] is not None:
        return _written(found["attribute"][1:-1])
    if found["end"] is not None:  # <name>text</
        return _written(found["text"])
    return True  # elements or attributes of its own inside: what they hold is not read here, so it counts


def _written(value: object) -> bool:
    """Return whether a metadata value says anything: a camera with no owner set writes blanks or NULs."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value is not None and str(value).strip(" \x00") != ""


def _read_image(data: bytes) -> tuple[str | None, tuple[str, str]]:
    """Return (format, ("", "")) for a complete PNG, JPEG or WebP image file's bytes, else (None, (code, what is wrong with it))."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    found = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                found = image.format
                if found not in IMAGE_FORMATS:
                    return None, ("image.format", f"holds a {found} image; use a PNG, JPEG or WebP image")
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() misses truncated pixel data
    except UnidentifiedImageError:
        return None, ("image.format", "is not a PNG, JPEG or WebP image (its content is not one)")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, ("limit.pixels", _too_many_pixels(data, Image.MAX_IMAGE_PIXELS))
    except (OSError, SyntaxError, ValueError) as exc:
        return None, ("image.format", f"is a damaged {found} image ({exc}); save or export it again")
    return found, ("", "")


def _too_many_pixels(data: bytes, limit: int | None) -> str:
    """Say how many pixels an image Pillow refused to decode has (its header says), and the limit."""
    from PIL import JpegImagePlugin, PngImagePlugin, WebPImagePlugin

    why = (
        f"more than the {limit or 0:,} an image may have (one that large could be a decompression bomb); scale it down"
    )
    for opener in (PngImagePlugin.PngImageFile, JpegImagePlugin.JpegImageFile, WebPImagePlugin.WebPImageFile):
        try:
            with opener(io.BytesIO(data)) as image:  # reads the header only, and does not refuse a large one
                (width, height), kind = image.size, image.format
        except (OSError, SyntaxError, ValueError, EOFError):
            continue
        return f"is a {kind} image of {width:,} × {height:,} = {width * height:,} pixels, {why}"
    return f"has {why}"


# -- site assets --------------------------------------------------------------------------------


PRINT_ONLY = ("print.css", "folios.css", "share.css", "fonts-print.css", "*.ttf")
SITE_ASSETS = {
    "css": ("*.css",),
    "fonts": ("*.woff2", "*.woff", "*.ttf", "*.otf", "OFL.txt", "LICENSE*"),
    "icons": ("*.svg", "*.png", "*.ico", "*.webp", "*.gif", "*.jpg", "*.jpeg"),
    "js": ("*.js",),
}
"""The files of each folder of layouts/ that the site publishes, by name: what a browser loads, and
the fonts' licence, which must go with them. Anything else there (a designer's notes, a source map
with the paths of their machine, a font's source archive, a patch's `.rej`) is not published."""


def asset_paths(root: Path) -> list[Path]:
    """Return the stylesheets, fonts, icons and scripts the site uses (not the print ones), links out
    of layouts/ included; only the kinds of file `SITE_ASSETS` names, and not an editor's leftovers
    (`project.is_leftover`)."""
    return [
        path
        for name, patterns in SITE_ASSETS.items()
        if (root / LAYOUTS_DIR / name).is_dir()
        for path in sorted((root / LAYOUTS_DIR / name).iterdir())
        if path.is_file()
        and any(fnmatch(path.name, pattern) for pattern in patterns)
        and not any(fnmatch(path.name, pattern) for pattern in PRINT_ONLY)
        and not project.is_leftover(path.name)  # an editor's swap or backup file (`project.is_leftover`)
    ]


def asset_findings(root: Path) -> list[Finding]:
    """Return an error for every site asset that is a link out of layouts/ (the site never copies
    one), for every file a site stylesheet names (`url()`, `@import`) that the site does not
    publish: a font the page would never get, and would print in another face without a word, and
    for every address there that leaves the site (a scheme but `data:`, or `//host`): the page
    would ask another server for it, and the site makes no external request; and for every `@import`
    the build cannot inline (`render.site.bundle`), which the page would ignore: one after other
    rules or in a block, one that names no file, and one of anything but a stylesheet of layouts/css
    (`data:`, `/assets/…`, `../js/x.js`)."""
    layouts = real_folder(root, LAYOUTS_DIR)
    assets = asset_paths(root)
    found = [
        error(
            "site.asset",
            Loc(path.relative_to(root).as_posix()),
            f"resolves to '{path.resolve()}', outside layouts/: the site copies only files that live there",
        )
        for path in assets
        if not inside(path, layouts)
    ]
    published = {os.path.normpath(path.absolute()): path for path in assets if inside(path, layouts)}
    for sheet in (path for path in published.values() if path.suffix == ".css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        rel = sheet.relative_to(root).as_posix()
        imports = {(rule.line, rule.column): rule for rule in css_imports(text)}
        named_in = [(named.line, named.column, named.ref, named.imported) for named in css_refs(text)]
        named_in += [(rule.line, rule.column, "", True) for rule in imports.values() if not rule.ref]
        for line, column, ref, imported in sorted(named_in):
            rule = imports.get((line, column)) if imported else None
            message = _asset_problem(sheet, ref, imported, rule, published)
            if message:
                found.append(error("site.asset", Loc(rel, line, column), message))
    return found


def _asset_problem(sheet: Path, ref: str, imported: bool, rule: CssImport | None, published: Mapping[str, Path]) -> str:
    """Return what is wrong with a file a site stylesheet names in a `url()` or an `@import` (`rule`,
    if it is one at the top of the sheet), or ''."""
    if _leaves_site(ref):
        return (
            f"'{brief_url(ref)}' is an address outside the site, which makes no external request:"
            " put the file in layouts/ (css, fonts, icons or js) and name it by its relative path"
        )
    if imported and not ref:
        return '@import names no file, and a browser ignores it: write `@import "name.css";`'
    if imported and (rule is None or rule.ignored):
        return (
            f"@import of '{ref}' where a browser ignores it: an @import comes before every rule"
            " but @charset and @layer statements, outside any block"
        )
    unpublished = _unpublished(sheet, ref, published)
    if imported and not sheet_imported(sheet, ref, published) and not unpublished:
        return (
            f"@import of '{ref}', which the build cannot inline into the site's one stylesheet: import a"
            " stylesheet of layouts/css by its relative path ('tokens.css')"
        )
    if unpublished:
        return f"'{ref}' is not a file the site publishes (from layouts/css, fonts, icons or js)"
    return ""


def sheet_imported(sheet: Path, ref: str, published: Mapping[str, Path]) -> Path | None:
    """Return the site stylesheet an `@import` of `sheet` names, if it is one of layouts/css that
    `published` (by normalized absolute path) holds, named by a relative path: the ones the site
    inlines (`render.site.bundle`); None for any other."""
    if not ref or ref.startswith(("#", "/", "\\")) or _SCHEME.match(ref) or urlsplit(ref).netloc:
        return None
    path = published.get(os.path.normpath(sheet.parent.absolute() / unquote(urlsplit(ref).path)))
    return path if path is not None and path.suffix == ".css" and path.parent.name == "css" else None


def _unpublished(sheet: Path, ref: str, published: Mapping[str, Path]) -> bool:
    """Return whether a relative `url()` or `@import` of a site stylesheet names a file the site does not publish."""
    if not ref or _SCHEME.match(ref) or ref.startswith(("#", "/")):
        return False  # data:, a page's own fragment, or an address on the site's own server
    return os.path.normpath(sheet.parent.absolute() / unquote(urlsplit(ref).path)) not in published


def _leaves_site(ref: str) -> bool:
    """Return whether a browser would fetch a stylesheet's `url()` or `@import` from another place
    than the site: any scheme but `data:` (`https:`, `file:`), or a host (`//host/…`, which a
    browser also reads in `/\\host/…`, and in either with tabs or line breaks inside)."""
    probe = re.sub(r"^[\x00-\x20]+|[\t\n\r]", "", ref)  # as a browser parses a URL
    scheme = _SCHEME.match(probe)
    return (scheme is not None and scheme[1].lower() != "data") or re.match(r"[/\\]{2}", probe) is not None


@dataclass(frozen=True)
class CssRef:
    """A file a stylesheet names: as written, where (the `url(` or `@import`), and whether it is imported."""

    ref: str
    line: int
    column: int
    imported: bool


CSS_REF = re.compile(
    r"""(?P<imported>@import\s+)?url\(\s*(?:"([^"]*)"|'([^']*)'|([^\s"')]*))\s*\)"""
    r"""|(?P<bare>@import\s+)(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
"""A file a stylesheet names: `url(...)`, quoted or not, or `@import "..."`."""
CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)


@functools.lru_cache(maxsize=64)
def css_refs(text: str) -> tuple[CssRef, ...]:
    """Return every file a stylesheet's text names (`url()`, `@import`), in order; none in a comment.

    Kept by the text (the answer is the text's alone): the gather phase walks the print
    stylesheets for their URLs, their faces, their families and their font lists, and the live
    preview gathers on every save.
    """
    text = CSS_COMMENT.sub(lambda comment: re.sub(r"[^\n]", " ", comment[0]), text)  # same lines and columns
    found = []
    for named in CSS_REF.finditer(text):
        ref = next(named[group] for group in (2, 3, 4, 6, 7) if named[group] is not None)
        line = text.count("\n", 0, named.start()) + 1
        column = named.start() - text.rfind("\n", 0, named.start())
        found.append(CssRef(ref, line, column, bool(named["imported"] or named["bare"])))
    return tuple(found)


@dataclass(frozen=True)
class CssImport:
    """An `@import` at the top level of a stylesheet: where (the `@import`; `start` and `end` are its
    offsets in the text, with the rest of its line), the file it names ('' if none), and what it is
    imported under, as written: a layer (None: none; '': an anonymous one), the condition of a
    `supports()`, and a media query list."""

    ref: str
    line: int
    column: int
    start: int
    end: int
    layer: str | None = None
    supports: str = ""
    media: str = ""
    ignored: bool = False
    """After a rule other than `@charset`, `@import` and an `@layer` statement: a browser ignores it."""


_IMPORT_REST = re.compile(
    r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|/\*.*?\*/|/(?!\*)|[^;"'/])*;?[ \t]*\n?""", re.DOTALL
)
"""What follows `@import` to the end of the rule (its `;`), and the rest of the line if blank."""


@functools.lru_cache(maxsize=64)
def css_imports(text: str) -> tuple[CssImport, ...]:
    """Return every `@import` rule at the top level of a stylesheet's text, in order (none in a comment or a block).

    Kept by the text, as `css_refs` is: parsing a stylesheet whole is the costly part of the
    site's asset check, which the gather phase runs on every save of the live preview.
    """
    import tinycss2

    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    found = []
    ignored = False
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        keyword = rule.lower_at_keyword if rule.type == "at-rule" else None
        if keyword != "import" or rule.content is not None:
            ignored = ignored or not (keyword == "charset" or (keyword == "layer" and rule.content is None))
            continue
        start = starts[rule.source_line - 1] + rule.source_column - 1
        end = _IMPORT_REST.match(text, start + len("@import")).end()  # type: ignore[union-attr]
        tokens = [t for t in rule.prelude if t.type not in ("whitespace", "comment")]
        first = tokens.pop(0) if tokens else None
        if first is not None and first.type in ("string", "url"):
            ref = first.value
        elif first is not None and first.type == "function" and first.lower_name == "url":
            ref = next((t.value for t in first.arguments if t.type == "string"), "")
        else:
            ref, tokens = "", []
        layer = None
        if tokens and tokens[0].type == "ident" and tokens[0].lower_value == "layer":
            layer = ""
            tokens.pop(0)
        elif tokens and tokens[0].type == "function" and tokens[0].lower_name == "layer":
            layer = tinycss2.serialize(tokens.pop(0).arguments).strip()
        supports = ""
        if tokens and tokens[0].type == "function" and tokens[0].lower_name == "supports":
            supports = tinycss2.serialize(tokens.pop(0).arguments).strip()
        media = ""
        if tokens:
            at = rule.prelude.index(tokens[0])
            media = tinycss2.serialize(rule.prelude[at:]).strip()
        found.append(CssImport(ref, rule.source_line, rule.source_column, start, end, layer, supports, media, ignored))
    return tuple(found)


# -- WeasyPrint ----------------------------------------------------------------------------------


def url_fetcher(root: Path) -> Any:
    """Return a WeasyPrint URL fetcher that reads only the project's readable folders.

    Its `refused` list holds (url, reason) for every URL refused since it was last cleared, and its
    `served` mapping the SHA-256 of each file served since then, by real path: what a layout read.
    """
    return _fetcher_class()(root)


@functools.cache
def _fetcher_class() -> type:
    from urllib import request

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):
        """Serves files under the readable folders and `data:` URLs; refuses everything else."""

        def __init__(self, root: Path):
            # The public constructor installs urllib's network handlers too, but only
            # OpenerDirector.open would reach them, and `fetch` and `open` below never call it.
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=False)
            self.root = Path(root)
            self.folders = readable_folders(Path(root))
            self.refused: list[tuple[str, str]] = []
            self.served: dict[Path, str] = {}

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            try:
                return self._serve(url)
            except SandboxRefusal as refusal:
                self.refused.append((url, refusal.reason))  # as WeasyPrint names it
                raise

        def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
            return self.fetch(url.full_url if isinstance(url, request.Request) else url)

        def _serve(self, url: str) -> URLFetcherResponse:
            path = admit(project_url(url, self.root), self.folders)
            if path is None:
                response = request.DataHandler().data_open(request.Request(url))
                return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers["Content-Type"]})
            media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
            plain_url = url.split("?", 1)[0].split("#", 1)[0]
            try:
                data = path.read_bytes()
            except OSError as exc:
                # Without the file's whole path, which WeasyPrint's message would give next to the
                # URL: a chunk's findings are cached with it, and after the project's folder moved
                # the build named the file where it no longer was.
                raise type(exc)(exc.errno, exc.strerror) from None
            self.served[path] = hashlib.sha256(data).hexdigest()
            return URLFetcherResponse(plain_url, data, {"Content-Type": media_type})

    return ConfinedFetcher
