"""The one image pipeline: every uploaded image is decoded and encoded again, keeping only pixels.

A photo straight from a phone carries its GPS position, the camera's serial number, the
owner's name, editing software, XMP and comments; stored as sent, all of it would be served
to whoever may see the file, the public included once a project is published. So nothing
uploaded is kept as it came: the image is decoded, turned upright as its EXIF orientation
says, converted to sRGB when it carries a colour profile, and saved again in its own format
with no metadata at all (only a PNG's transparency survives, being part of the picture).

The pixel count is checked from the header, before anything is decoded: a file of 109 KB may
declare 900 million pixels (a "decompression bomb"), which would take gigabytes to decode.
Pillow has its own guard (a ``DecompressionBombWarning`` above ``Image.MAX_IMAGE_PIXELS``, an
error above twice that); both are turned into ``TooManyPixels`` here, and the platform's own
limit, lower, is checked explicitly.

An animated PNG keeps its first frame: a project's photo is a still picture, and each frame
would otherwise be a full image to decode.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

JPEG = "image/jpeg"
PNG = "image/png"
# The decoders tried, by Pillow's name: no other format is ever parsed.
_FORMATS = ["JPEG", "PNG"]
# A phone's JPEG holding a preview or a depth map opens as "MPO": its first picture is kept.
_CONTENT_TYPES = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG}
_JPEG_QUALITY = 87


class ImageRefused(ValueError):
    """The upload cannot be kept as an image."""


class NotAnImage(ImageRefused):
    """Not a JPEG or PNG image that decodes completely."""


class TooManyPixels(ImageRefused):
    """The image declares more pixels than the limit: refused before decoding."""


@dataclass(frozen=True)
class CleanImage:
    """The re-encoded image: the bytes to store, and what they are."""

    content: bytes
    content_type: str
    width: int
    height: int


def reencode(file: IO[bytes], *, max_pixels: int) -> CleanImage:
    """Decode ``file`` (a JPEG or a PNG), and return it upright, in sRGB, without metadata.

    Raises ``TooManyPixels`` when its header declares more than ``max_pixels`` pixels (nothing
    is decoded then) and ``NotAnImage`` when it is not a JPEG or PNG that decodes completely.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    file.seek(0)
    try:
        image = Image.open(file, formats=_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise NotAnImage() from exc
    with image:
        if image.width * image.height > max_pixels:
            raise TooManyPixels()
        content_type = _CONTENT_TYPES[image.format or ""]
        try:
            upright = ImageOps.exif_transpose(image)
            upright = _for_saving(upright, image.info.get("icc_profile"), content_type)
        # A hostile file can make a decoder fail in many ways (struct.error, IndexError,
        # EOFError, ...): whatever Pillow raises, the file is not an image we can keep.
        except Exception as exc:
            raise NotAnImage() from exc
    return _encoded(upright, content_type)


def _for_saving(image: Any, icc_profile: bytes | None, content_type: str) -> Any:
    """The image in a mode its format stores, in sRGB, with no metadata attached."""
    transparency = image.info.get("transparency") if content_type == PNG else None
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        image = _to_srgb(image, icc_profile)
    if content_type == JPEG and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")  # CMYK (or YCCK) for screens
    # Every saver falls back on ``info`` (ICC profile, comment, transparency…): empty it.
    image.info = {}
    if transparency is not None and image.mode in ("1", "L", "P", "RGB", "I", "I;16"):
        image.info["transparency"] = transparency
    return image


def _to_srgb(image: Any, icc_profile: bytes) -> Any:
    from PIL import ImageCms

    mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken profile: the pixels as they are, which is what most viewers would show.
        return image.convert(mode)
    return converted if converted is not None else image.convert(mode)


def _encoded(image: Any, content_type: str) -> CleanImage:
    buffer = io.BytesIO()
    if content_type == JPEG:
        image.save(buffer, "JPEG", quality=_JPEG_QUALITY, optimize=True, progressive=True)
    else:
        params = {"transparency": image.info["transparency"]} if image.info else {}
        image.info = {}
        image.save(buffer, "PNG", optimize=True, **params)
    return CleanImage(
        content=buffer.getvalue(), content_type=content_type, width=image.width, height=image.height
    )
