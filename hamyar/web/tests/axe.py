"""axe-core in the browser tests: one rule set, one way in, one way to report.

The desktop sweep (test_accessibility) and the phone sweep (test_phone) hold every page to the same bar;
keeping the tags, the script and the failure text here means a rule added to one is added to both.
axe.min.js comes from node_modules and is injected by the test (`add_init_script`), never served to users.
"""

import json
from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = json.loads((AXE.parent / "package.json").read_text())["version"] if AXE.exists() else "?"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices too (landmarks, heading order, empty headers): reported, and held to the same bar.
TAGS = [*WCAG_AA, "best-practice"]
BLOCKING = {"serious", "critical"}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                                      // For contrast, the colours: what to change in the style sheet.
                                      colours: v.id !== 'color-contrast' ? [] : v.nodes.map(n => {
                                        const d = (n.any[0] || {}).data || {};
                                        const where = n.target.join(' ');
                                        return `${d.fgColor} on ${d.bgColor} ${d.contrastRatio}:1 ${where}`;
                                      })}));
}"""


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it stands now (axe must have been injected into the context)."""
    return page.evaluate(RUN_AXE, TAGS)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    """One line a person can act on: the rule, how many nodes, and the colours or the selectors."""
    return "; ".join(f"{v['id']} ({v['impact']}) x{v['nodes']} {v.get('colours') or v['targets']}"
                     for v in violations)
