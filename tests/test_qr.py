"""generator.qr chooses the mask without qrcode's slow scoring: the modules must be exactly
the ones qrcode itself makes, for every kind of payload, size and error-correction level."""
from __future__ import annotations

import random

import pytest
import qrcode

from generator import qr


def reference(payload: str, level: str) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(error_correction=qr._LEVELS[level], border=0)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def payloads(seed: int, count: int, longest: int) -> list[str]:
    rnd = random.Random(seed)
    alphabets = ["0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:",
                 "abcdefghijklmnopqrstuvwxyz-_=?&/:.0123456789",
                 "苏州工业园区星湖街装维工单王李张刘", "\x00\x01\xff~é€😀"]
    out = []
    for _ in range(count):
        size = rnd.randint(1, longest)
        mix = rnd.sample(alphabets, rnd.randint(1, 2))
        out.append("".join(rnd.choice(rnd.choice(mix)) for _ in range(size)))
    return out


BENCH = ([f"WO-202611{1 + i % 28:02d}-{i:05d}" for i in range(0, 10000, 97)]
         + [f"https://u.wechat.example.cn/staff/P{i:05d}?k={i * 7919 % 100003}"
            for i in range(0, 1000, 37)])


@pytest.mark.parametrize("level,seed", [("M", 1), ("Q", 2), ("H", 3)])
def test_same_modules_as_qrcode_small_codes(level, seed):
    qr.matrix.cache_clear()
    for payload in payloads(seed, 120, 60) + BENCH[::3]:
        assert qr.matrix(payload, level) == reference(payload, level), payload


def test_same_modules_as_qrcode_larger_codes_with_version_information():
    """Versions 7 and up carry version information blocks; 40 is the largest."""
    qr.matrix.cache_clear()
    rnd = random.Random(7)
    for payload in payloads(11, 8, 400) + ["x" * 2300, "9" * rnd.randint(600, 900)]:
        assert qr.matrix(payload, "M") == reference(payload, "M"), payload[:40]


def test_every_mask_is_chosen_somewhere_and_scores_match_qrcode():
    """The score of each of the 8 candidates is qrcode's own lost_point, not only the winner."""
    from qrcode import util
    chosen = set()
    for payload in payloads(3, 60, 80):
        code = qrcode.QRCode(error_correction=qr._LEVELS["M"], border=0)
        code.add_data(payload.encode("utf-8"))
        code.make(fit=True)
        grid = qr._grid(code.version)
        data_row, data_col = grid.data_bits(code.data_cache)
        for mask in range(8):
            code.makeImpl(True, mask)
            ours = qr._lost_point(grid, grid.func_row | (data_row ^ grid.masks_row[mask]),
                                  grid.func_col | (data_col ^ grid.masks_col[mask]))
            assert ours == util.lost_point(code.modules), (payload, mask)
        chosen.add(qr.best_mask(code.version, code.data_cache))
    assert len(chosen) >= 6


def test_too_long_is_a_value_error():
    with pytest.raises(ValueError, match="too long"):
        qr.matrix("x" * 5000)


@pytest.mark.parametrize("level", ["M", "Q", "H"])
def test_size_counted_from_lengths_is_qrcodes_best_fit(level):
    """size_modules counts the bits; qrcode's best_fit writes them. Lengths up to past
    the version 9/10 and 26/27 boundaries, where the length fields grow, for each kind."""
    rnd = random.Random(level)
    kinds = ["0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:", "abcxyz?&=",
             "装维工单", None]
    checked = 0
    for n in list(range(1, 330, 3)) + [rnd.randint(330, 2900) for _ in range(20)]:
        for kind in kinds:
            payload = ("".join(rnd.choice(rnd.choice(kinds[:4])) for _ in range(n)) if kind is None
                       else "".join(rnd.choice(kind) for _ in range(n)))
            code = qrcode.QRCode(error_correction=qr._LEVELS[level], border=0)
            code.add_data(payload.encode("utf-8"))
            try:
                expected = code.best_fit() * 4 + 17
            except Exception:
                with pytest.raises(ValueError, match="too long"):
                    qr.size_modules.__wrapped__(payload, level)
                continue
            assert qr.size_modules.__wrapped__(payload, level) == expected, (level, payload)
            checked += 1
    assert checked > 500


def test_drawn_modules_are_the_matrix():
    """qr.draw on a reportlab canvas, rendered: the centre of every module is dark exactly
    where the matrix says, the quiet zone light."""
    import io

    import pypdfium2
    from reportlab.pdfgen.canvas import Canvas

    for payload in ["WO-20261129-00042", "https://u.wechat.example.cn/staff/P00001?k=7919"]:
        rows = qr.matrix(payload)
        n = len(rows) + 2 * qr.QUIET_MODULES
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(100, 100))
        qr.draw(canvas, 10, 20, 70, payload)
        canvas.save()
        image = pypdfium2.PdfDocument(buffer.getvalue())[0].render(scale=8).to_pil().convert("L")
        for r in range(-qr.QUIET_MODULES, len(rows) + qr.QUIET_MODULES):
            for c in range(-qr.QUIET_MODULES, len(rows) + qr.QUIET_MODULES):
                x = (10 + 70 * (c + qr.QUIET_MODULES + 0.5) / n) * 8
                y = (100 - 20 - 70 + 70 * (r + qr.QUIET_MODULES + 0.5) / n) * 8
                dark = 0 <= r < len(rows) and 0 <= c < len(rows) and rows[r][c]
                assert (image.getpixel((int(x), int(y))) < 128) == bool(dark), (payload, r, c)
