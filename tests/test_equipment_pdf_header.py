"""The equipment PDF's header never loses its 统计日 (a new user's trial): the summary's notes
(items left out, data to fix, checks naming nothing) have a note of their own under the
header, a long team name breaks the subtitle onto two lines, and a team's later pages name
the team beside 分册 N."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.chinese   # the PDF is in Chinese
AS_OF = "2026-11-21"
LONG_TEAM = "吴中区城南街道智慧家庭装维服务中心第三装维班（夜间抢修与政企专线保障小组）"


def _register(folder: Path, team: str, items: int) -> Path:
    """`items` helmets of one holder in `team`, one made after the as-of day, one whose
    dates contradict each other, a failing check of a batch the register lacks."""
    rows = [f"  - {{id: H-{i:04d}, kind: helmet, holder: 'SZ1', batch: B1, "
            "manufactured: 2025-01-01}" for i in range(items)]
    path = folder / "equipment.yaml"
    path.write_text("\n".join([
        "staff:", f"  - {{id: 'SZ1', name: 吴海涛, team: '{team}'}}", "equipment:", *rows,
        "  - {id: H-LATE, kind: helmet, manufactured: 2027-01-01}",
        "  - {id: H-BAD, kind: helmet, holder: 'SZ1', manufactured: 2020-01-01, "
        "in_service: 2019-01-01}",
        "batch_checks:",
        "  - {batch: B9, kind: helmet, date: 2026-06-01, type: test, result: fail}", ""]),
        encoding="utf-8")
    return path


def _pages(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def _header_lines(pdf: Path, index: int) -> list[str]:
    """The lines of a page's top 30 mm, as pdfium reads them."""
    page = pdfium.PdfDocument(pdf)[index]
    width, height = page.get_size()
    text = page.get_textpage().get_text_bounded(0, height - 30 / 25.4 * 72, width, height)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_summary_keeps_its_date_and_says_every_note(cli, tmp_path):
    data = _register(tmp_path, "园区装维一班", 3)
    pdf = tmp_path / "r.pdf"
    result = cli("equipment", data, "--as-of", AS_OF, "-o", pdf)
    assert result.code == 0, result
    header = _header_lines(pdf, 0)
    assert any(line.endswith("统计日：2026年11月21日") for line in header), header
    assert not any("…" in line for line in header)
    first = "".join(_pages(pdf)[0].split())
    assert "注：另有1件生产日期晚于统计日，未列入。" in first
    assert "另有1件登记数据待更正" in first
    assert "另有1条检查记录对应不到台账中的用品或批次，未计入，须更正。" in first


def test_a_long_team_name_breaks_the_subtitle_and_later_pages_name_the_team(cli, tmp_path):
    data = _register(tmp_path, LONG_TEAM, 70)    # the team's section: more than one page
    pdf = tmp_path / "r.pdf"
    assert cli("equipment", data, "--as-of", AS_OF, "-o", pdf).code == 0
    pages = _pages(pdf)
    team_pages = [i for i, text in enumerate(pages) if "分册 1" in text]
    assert len(team_pages) >= 2
    first = _header_lines(pdf, team_pages[0])
    assert any(LONG_TEAM in line for line in first), first          # whole, not cut
    assert any("统计日：2026年11月21日" in line for line in first), first
    for later in team_pages[1:]:
        top = " ".join(_header_lines(pdf, later))
        assert "劳动防护用品检测台账（续）" in top
        assert "分册 1" in top and LONG_TEAM[:12] in top, top
        assert "EQ-20261121-1" in top
