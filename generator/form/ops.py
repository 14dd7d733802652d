"""What a laid-out page is made of: drawing ops, tuples with positions in mm from the page's
top-left and sizes in pt (generator/form/draw.py draws them), and the fixed dimensions of forms.
"""
TEXT = "text"      # (TEXT, x, baseline_y, text, size_pt, bold, colour, align 'l'|'c'|'r', spacing_mm)
LINE = "line"      # (LINE, x1, y1, x2, y2, width_pt, colour)
RECT = "rect"      # (RECT, x, y, w, h, fill or None, stroke or None, width_pt)
BOX = "box"        # (BOX, x, y, size, ticked, colour)  a checkbox, y its top
QR = "qr"          # (QR, x, y, size, payload)
BARS = "bars"      # (BARS, x, y, module_mm, height_mm, pattern)  Code 128 bars
OPS = (TEXT, LINE, RECT, BOX, QR, BARS)

LEADING = 1.38      # line height / font size
PAD = 1.2           # mm inside cells
BORDER_PT = 0.5
RULE_PT = 0.35
BOX_MM = 3.0
