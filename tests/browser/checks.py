"""What the browser tests measure on a page: axe-core's WCAG rules, references to ids, the
reflow onto a phone's width and the size of what a person taps."""

from tests.browser.conftest import AXE_TAGS


def axe_violations(page, axe_script):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script))
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                       resultTypes: ["violations"]})
                   .then(results => results.violations)""",
        AXE_TAGS,
    )


def describe(violations):
    """What to fix, one rule a paragraph: id, impact, help, and where."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


# What axe leaves "to review" when an id is missing: a hint or an error that points nowhere is
# never read out, a link to a field that is not there goes nowhere.
DANGLING_REFERENCES = """() => {
    const missing = [];
    for (const el of document.querySelectorAll(
            "[aria-describedby], [aria-labelledby], [aria-controls], label[for], a[href^='#']")) {
        const ids = el.matches("label") ? [el.htmlFor]
            : el.matches("a") ? [decodeURIComponent(el.hash.slice(1))].filter(Boolean)
            : ["aria-describedby", "aria-labelledby", "aria-controls"].flatMap(
                name => (el.getAttribute(name) || "").split(/\\s+/).filter(Boolean));
        for (const id of ids) {
            if (!document.getElementById(id)) missing.push(`${el.outerHTML.slice(0, 80)} → #${id}`);
        }
    }
    return missing;
}"""


# What must be at least 44 × 44 CSS px (WCAG 2.5.5, the enhanced size; 2.5.8 asks 24). Links
# inside running text (a sentence, the footer, "or see every service" under a door) are
# exempt under 2.5.8 and not listed. Checked where they are visible on the page.
TAP_TARGETS = ", ".join(
    [
        ".quick-exit__link",
        ".site-header__name",
        ".site-nav a",
        ".crisis__number",
        "main input:not([type=hidden]):not([type=checkbox]):not([type=radio])",
        "main select",
        "main button",
        "main .button",
        "main summary",
        # a checkbox or radio is tapped together with its label: the row is the target
        "main .checkbox",
        ".card__title a",
        ".contact__number",
        ".pagination a",
    ]
)
MIN_TARGET = 44
# The language switcher's names are a compact row (each in its own script) that would push
# the crisis lines down if each were 44 px tall: they are held to 2.5.8's 24 × 24.
SMALL_TARGETS = ".languages a"
MIN_SMALL_TARGET = 24

TOO_SMALL = """([selector, min]) => {
    const small = [];
    for (const el of document.querySelectorAll(selector)) {
        const box = el.getBoundingClientRect();
        if (!el.checkVisibility({visibilityProperty: true}) || !box.width) continue;
        if (box.width < min - 0.5 || box.height < min - 0.5) {
            const name = (el.innerText || el.value || el.getAttribute("aria-label") || "")
                .trim().replace(/\\s+/g, " ").slice(0, 40);
            small.push(`${el.tagName.toLowerCase()}.${el.className} "${name}": `
                       + `${Math.round(box.width)} × ${Math.round(box.height)}`);
        }
    }
    return small;
}"""

WIDER_THAN_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter(el => !el.closest(".skip-link, .visually-hidden"))
        .filter(el => el.getBoundingClientRect().right > width + 0.5
                      || el.getBoundingClientRect().left < -0.5)
        .slice(0, 5)
        .map(el => `${el.tagName.toLowerCase()}.${el.className}: from `
                   + `${Math.round(el.getBoundingClientRect().left)} to `
                   + Math.round(el.getBoundingClientRect().right));
}"""
