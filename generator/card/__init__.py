"""The card layout engine: badges and service cards, both from layout files in badges/.

    layout file --(model.py, layout.py)--> CompiledLayout
    person + company --(render.py: evaluate, fit text, check)--> PreparedCard (operations)
    cards --(impose.py)--> pages --(document.py + draw.py)--> PDF --(job.py)--> PNG

`job.CardRun` / `job.execute` is what the commands (and the web app) call; `job.check` lists
what a run would refuse without printing (`fieldprint validate`); `people.py` chooses and
sorts people and matches a photo folder; `manifest.py` writes and reads the print manifest;
`qrimage.py` finds a QR code in a picture; `calibrate.py` draws the calibration sheet.
"""
from .job import CardRun, RunResult, check, execute, prepare
from .layout import CompiledLayout, load_card_layout

__all__ = ["CardRun", "RunResult", "check", "execute", "prepare", "CompiledLayout", "load_card_layout"]
