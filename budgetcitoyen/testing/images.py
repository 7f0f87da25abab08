"""Images the upload tests send: a camera photo full of metadata, and decompression bombs."""

from __future__ import annotations

import functools
import io
import struct
import zlib

# What a phone writes into a photo and must never be published.
AUTHOR = "Jeanne Martin"
SERIAL = "SN-4242-7731"
SOFTWARE = "Appareil photo 12.3"
XMP_AUTHOR = "Jeanne Martin (XMP)"
COMMENT = "Prise chez Jeanne"
# 50°17'30" N, 2°46'40" E: a street of Arras.
LATITUDE = ((50, 1), (17, 1), (30, 1))
LONGITUDE = ((2, 1), (46, 1), (40, 1))

LEFT = (220, 30, 30)  # red
RIGHT = (30, 30, 220)  # blue


def camera_jpeg(*, width: int = 64, height: int = 32, orientation: int = 6) -> bytes:
    """A JPEG as a phone takes it: left half red, right half blue, stored sideways with an EXIF
    orientation, GPS position, author, camera serial, XMP, a comment and an ICC profile."""
    from PIL import ExifTags, Image, ImageCms, ImageDraw
    from PIL.TiffImagePlugin import IFDRational

    image = Image.new("RGB", (width, height), RIGHT)
    ImageDraw.Draw(image).rectangle((0, 0, width // 2 - 1, height - 1), fill=LEFT)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Artist] = AUTHOR
    exif[ExifTags.Base.Make] = "Fabricant"
    exif[ExifTags.Base.Software] = SOFTWARE
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.BodySerialNumber] = SERIAL
    details[ExifTags.Base.CameraOwnerName] = AUTHOR
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = tuple(IFDRational(*part) for part in LATITUDE)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = tuple(IFDRational(*part) for part in LONGITUDE)
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        '22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'dc:creator="{XMP_AUTHOR}"/></rdf:RDF></x:xmpmeta>'
    ).encode()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        quality=95,
        exif=exif,
        xmp=xmp,
        comment=COMMENT.encode(),
        icc_profile=icc,
    )
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid black-and-white PNG of ``width`` × ``height`` pixels, all black: 900 megapixels
    by default, in about 109 KB, since rows of zeros compress a thousandfold."""
    return _bomb_png(width, height)


@functools.cache
def _bomb_png(width: int, height: int) -> bytes:
    # Compressing 112 MB of zeros takes a second; a fully flushed deflate segment does not
    # depend on what came before it, so one segment of 256 rows is compressed once and repeated.
    row = bytes(1 + (width + 7) // 8)  # the filter byte, then one bit a pixel
    full, rest = divmod(height, 256)
    block = row * 256
    checksum = 1
    for _ in range(full):
        checksum = zlib.adler32(block, checksum)
    checksum = zlib.adler32(row * rest, checksum)
    stream = (
        b"\x78\xda"  # zlib header, best compression
        + _segment(block) * full
        + _segment(row * rest)
        + b"\x03\x00"  # the last, empty, block
        + struct.pack(">I", checksum)
    )
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", stream)
        + _chunk(b"IEND", b"")
    )


def _segment(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
