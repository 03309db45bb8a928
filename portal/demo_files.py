"""Images and documents for the demo, drawn locally with Pillow (no downloads)."""

import io

from PIL import Image, ImageDraw, ImageFont

BRAND = (11, 79, 138)
INK = (27, 31, 36)


def _font(size: int):
    # Pillow ships a scalable default font with Latin Extended glyphs (Polish letters included).
    return ImageFont.load_default(size=size)


def chart_png(title: str, bars: list[tuple[str, int]]) -> bytes:
    """A simple bar chart; the caller describes it in alt text."""
    width, height = 960, 540
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((40, 30), title, fill=INK, font=_font(34))
    top = max(v for _, v in bars) or 1
    bar_w = (width - 120) // len(bars)
    for i, (label, value) in enumerate(bars):
        x0 = 60 + i * bar_w + 20
        h = int((height - 200) * value / top)
        draw.rectangle([x0, height - 80 - h, x0 + bar_w - 40, height - 80], fill=BRAND)
        draw.text((x0, height - 70), label, fill=INK, font=_font(22))
        draw.text((x0, height - 110 - h), str(value), fill=INK, font=_font(24))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def banner_png(text: str) -> bytes:
    img = Image.new("RGB", (1200, 630), BRAND)
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([60, 60, 1140, 570], radius=30, outline="white", width=6)
    draw.text((110, 250), text, fill="white", font=_font(56))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def text_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a title and paragraphs, rendered as an image page."""
    width, height = 1240, 1754  # A4 at 150 dpi
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width, 24], fill=BRAND)
    draw.text((100, 100), title, fill=INK, font=_font(44))
    y = 200
    body = _font(28)
    for line in lines:
        words, row = line.split(), ""
        for word in words:
            candidate = f"{row} {word}".strip()
            if draw.textlength(candidate, font=body) > width - 200:
                draw.text((100, y), row, fill=INK, font=body)
                y, row = y + 42, word
            else:
                row = candidate
        if row:
            draw.text((100, y), row, fill=INK, font=body)
        y += 64
    out = io.BytesIO()
    img.save(out, format="PDF", resolution=150.0, title=title, author="Obserwatorium CUS")
    return out.getvalue()
