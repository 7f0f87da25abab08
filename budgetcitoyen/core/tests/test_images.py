"""The image pipeline: only the pixels survive an upload, upright, and bombs are never decoded."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile, PngImagePlugin

from budgetcitoyen.core import images
from budgetcitoyen.testing import images as samples

LIMIT = 40_000_000


def reopen(clean: images.CleanImage) -> Image.Image:
    image = Image.open(io.BytesIO(clean.content))
    image.load()
    return image


def png(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **params)
    return buffer.getvalue()


class TestMetadata:
    def test_it_keeps_nothing_but_the_pixels_of_a_camera_photo(self):
        original = samples.camera_jpeg()
        clean = images.reencode(io.BytesIO(original), max_pixels=LIMIT)
        assert clean.content_type == "image/jpeg"
        stored = reopen(clean)
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & set(stored.info)
        for secret in (
            samples.AUTHOR,
            samples.SERIAL,
            samples.SOFTWARE,
            samples.XMP_AUTHOR,
            samples.COMMENT,
            "Fabricant",
            "Exif",
            "http://ns.adobe.com/xap",
        ):
            assert secret.encode() not in clean.content, secret

    def test_it_honours_the_orientation_the_camera_recorded(self):
        clean = images.reencode(io.BytesIO(samples.camera_jpeg(orientation=6)), max_pixels=LIMIT)
        stored = reopen(clean).convert("RGB")
        # Taken 64 × 32 with the phone turned: shown (and now stored) 32 × 64, left half on top.
        assert (clean.width, clean.height) == stored.size == (32, 64)
        top, bottom = stored.getpixel((16, 8)), stored.getpixel((16, 56))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 150 and top[2] < 100  # red
        assert bottom[2] > 150 and bottom[0] < 100  # blue

    def test_png_text_chunks_and_exif_are_dropped(self):
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", samples.AUTHOR)
        info.add_itxt("Description", samples.COMMENT)
        exif = Image.Exif()
        exif[0x013B] = samples.AUTHOR  # Artist
        exif[0x0112] = 3  # upside down
        source = Image.new("RGB", (10, 4), samples.LEFT)
        source.paste(samples.RIGHT, (0, 2, 10, 4))
        clean = images.reencode(
            io.BytesIO(png(source, pnginfo=info, exif=exif, dpi=(300, 300))), max_pixels=LIMIT
        )
        assert clean.content_type == "image/png"
        assert samples.AUTHOR.encode() not in clean.content
        assert samples.COMMENT.encode() not in clean.content
        stored = reopen(clean)
        assert not stored.getexif() and not getattr(stored, "text", {})
        assert stored.convert("RGB").getpixel((0, 0)) == samples.RIGHT  # turned upright


class TestKinds:
    def test_a_cmyk_jpeg_is_kept_as_an_rgb_jpeg(self):
        buffer = io.BytesIO()
        Image.new("CMYK", (20, 10), (0, 255, 255, 0)).save(buffer, "JPEG")
        clean = images.reencode(buffer, max_pixels=LIMIT)
        stored = reopen(clean)
        assert (clean.content_type, stored.mode) == ("image/jpeg", "RGB")
        red = stored.getpixel((5, 5))
        assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60

    def test_a_16_bit_png_stays_16_bit(self):
        source = Image.new("I;16", (8, 8), 40000)
        stored = reopen(images.reencode(io.BytesIO(png(source)), max_pixels=LIMIT))
        assert stored.mode.startswith("I") and stored.getpixel((3, 3)) == 40000

    def test_a_palette_png_keeps_its_transparency(self):
        source = Image.new("P", (8, 8), 1)
        source.putpalette([255, 255, 255, 200, 0, 0])
        source.putpixel((0, 0), 0)
        stored = reopen(images.reencode(io.BytesIO(png(source, transparency=0)), max_pixels=LIMIT))
        rgba = stored.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0  # type: ignore[index]
        assert rgba.getpixel((4, 4)) == (200, 0, 0, 255)

    def test_a_transparent_rgba_png_keeps_its_alpha(self):
        source = Image.new("RGBA", (4, 4), (10, 20, 30, 0))
        stored = reopen(images.reencode(io.BytesIO(png(source)), max_pixels=LIMIT))
        assert stored.mode == "RGBA" and stored.getpixel((1, 1)) == (10, 20, 30, 0)

    def test_an_animated_png_keeps_its_first_frame(self):
        frames = [Image.new("RGB", (6, 6), colour) for colour in (samples.LEFT, samples.RIGHT)]
        buffer = io.BytesIO()
        frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
        stored = reopen(images.reencode(buffer, max_pixels=LIMIT))
        assert getattr(stored, "n_frames", 1) == 1
        assert stored.convert("RGB").getpixel((2, 2)) == samples.LEFT

    @pytest.mark.parametrize(
        "content",
        [
            pytest.param(samples.camera_jpeg()[:600], id="truncated-jpeg"),
            pytest.param(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, id="png-header-only"),
            pytest.param(b"GIF89a" + bytes(40), id="gif"),
        ],
    )
    def test_what_cannot_be_decoded_is_refused(self, content):
        with pytest.raises(images.NotAnImage):
            images.reencode(io.BytesIO(content), max_pixels=LIMIT)


class TestBombs:
    @pytest.mark.parametrize(
        ("width", "height"),
        [
            pytest.param(30000, 30000, id="900-megapixels-pillow-error"),
            pytest.param(10000, 10000, id="100-megapixels-pillow-warning"),
            pytest.param(8000, 5001, id="just-over-the-limit"),
        ],
    )
    def test_it_refuses_too_many_pixels_without_decoding_them(self, width, height, monkeypatch):
        def never(self: object) -> None:
            raise AssertionError("the bomb was decoded")

        monkeypatch.setattr(ImageFile.ImageFile, "load", never)
        with pytest.raises(images.TooManyPixels):
            images.reencode(io.BytesIO(samples.bomb_png(width, height)), max_pixels=LIMIT)

    def test_the_finding_s_bomb_weighs_109_kb(self):
        assert len(samples.bomb_png()) < 120_000

    def test_an_image_at_the_limit_is_accepted(self):
        clean = images.reencode(io.BytesIO(samples.bomb_png(100, 40)), max_pixels=4000)
        assert (clean.width, clean.height) == (100, 40)
