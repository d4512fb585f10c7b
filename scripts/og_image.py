"""Draws static/img/og-image.png, the picture a shared link shows (og:image, twitter:image;
cases/seo.py), from the logo static/favicon.svg: its bars, scaled up on the logo's background
colour, 1200 × 630. Python's standard library only (zlib and struct write the PNG), so run it
again after the logo changes:

    .venv/bin/python scripts/og_image.py

The picture has no text, so it suits every language.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGO = ROOT / "static" / "favicon.svg"
OUT = ROOT / "static" / "img" / "og-image.png"
WIDTH, HEIGHT = 1200, 630
SCALE = 15  # logo units (a 32 × 32 view box) to pixels: the drawing is 480 px high
SAMPLES = 4  # per pixel and axis, for smooth rounded corners


def rects(svg: str) -> list[dict]:
    found = []
    for attributes in re.findall(r"<rect\b([^>]*)/?>", svg):
        values = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        found.append(values)
    return found


def colour(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def coverage(x: float, y: float, box: tuple[float, float, float, float], radius: float) -> float:
    """How much of the pixel at (x, y) a rounded rectangle covers, 0–1."""
    left, top, right, bottom = box
    inside = 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            px, py = x + (i + 0.5) / SAMPLES, y + (j + 0.5) / SAMPLES
            if not (left <= px < right and top <= py < bottom):
                continue
            cx = min(max(px, left + radius), right - radius)
            cy = min(max(py, top + radius), bottom - radius)
            if (px - cx) ** 2 + (py - cy) ** 2 <= radius**2:
                inside += 1
    return inside / SAMPLES**2


def draw() -> bytes:
    shapes = rects(LOGO.read_text(encoding="utf-8"))
    background, bars = shapes[0], shapes[1:]
    canvas = [[colour(background["fill"])] * WIDTH for _ in range(HEIGHT)]
    left = (WIDTH - 32 * SCALE) / 2
    top = (HEIGHT - 32 * SCALE) / 2
    for bar in bars:
        x, y = left + float(bar["x"]) * SCALE, top + float(bar["y"]) * SCALE
        box = (x, y, x + float(bar["width"]) * SCALE, y + float(bar["height"]) * SCALE)
        radius = min(float(bar.get("rx", 0)) * SCALE, (box[2] - box[0]) / 2, (box[3] - box[1]) / 2)
        fill = colour(bar["fill"])
        for row in range(int(box[1]), min(HEIGHT, int(box[3]) + 1)):
            for column in range(int(box[0]), min(WIDTH, int(box[2]) + 1)):
                share = coverage(column, row, box, radius)
                if share:
                    under = canvas[row][column]
                    canvas[row][column] = tuple(
                        round(a * share + b * (1 - share)) for a, b in zip(fill, under, strict=True)
                    )
    raw = b"".join(b"\x00" + bytes(value for pixel in row for value in pixel) for row in canvas)
    return png(raw)


def png(raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(draw())
    print(f"{OUT.relative_to(ROOT)}: {WIDTH} × {HEIGHT}")
