"""The kinds of card printed for people, badges (工号牌), service cards (服务卡) and the
service-phrase pocket card (服务用语口袋卡): the built-in layouts each offers and the most copies of a card a run prints. The CLI
(generator.commands.badges) and the web app (generator.web) both read these; the card
engine itself (generator.card) is not imported, so a command's help stays quick."""
from __future__ import annotations

# The built-in layouts (badges/*.yaml) offered for each kind, the default first (the phrase
# card: `fieldprint phrase-cards`). tests/test_web.py checks that every built-in card layout
# is in one of these lists.
CARD_LAYOUTS = {"badges": ["badge", "badge-insert", "badge-insert-landscape", "cr80",
                           "badge-bilingual"],
                "service-cards": ["service-card", "service-card-bilingual"],
                "phrase-cards": ["phrase-card"]}

MAX_COPIES = 1000   # cards per person (--copies, the web form's copies): more is a typo
