"""The card layout engine: badges and service cards, both from layout files in badges/.

    layout file --(model.py, layout.py)--> CompiledLayout
    person + company --(render.py: evaluate, fit text, check)--> PreparedCard (operations)
    cards --(impose.py)--> pages --(document.py + draw.py)--> PDF --(job.py)--> PNG

`job.CardRun` / `job.execute` is what the commands call.
"""
from .job import CardRun, RunResult, execute, prepare
from .layout import CompiledLayout, load_card_layout

__all__ = ["CardRun", "RunResult", "execute", "prepare", "CompiledLayout", "load_card_layout"]
