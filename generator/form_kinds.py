"""The three documents of a work order: 装维工单, 服务确认书 and 回访单 (SPEC.md sections 3 and 4): the
command that prints each, its built-in PDF layout and Word template, and its title. The CLI
(generator.commands.forms) and the web app (generator.web) both read this one table."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    command: str         # work-orders
    layout: str          # built-in form layout name
    template: str | None  # built-in Word template
    noun: str            # "work order" (what the progress line says: commands.forms._noun)
    title: str           # 装维工单


KINDS = {
    "work-orders": Kind("work-orders", "work-order", "work_order.docx", "work order", "装维工单"),
    "confirmations": Kind("confirmations", "confirmation", "confirmation.docx",
                          "confirmation form", "服务确认书"),
    "follow-ups": Kind("follow-ups", "follow-up", "follow_up.docx", "follow-up sheet", "回访单"),
}
