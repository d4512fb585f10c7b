"""Accessibility: axe-core (the npm package, pinned in .ci/run) scans the site's main pages in
Chromium, signed out and in, and finds nothing to fix: the home page, a case page, a profile,
the review queue (a curator) and the moderation log, each with content on it.

axe runs inside the page through page.evaluate (the DevTools protocol), not as a <script>
element, which the strict Content-Security-Policy would refuse; the `page` fixture still
fails the test on any CSP violation.

Run with: .venv/bin/pytest tests/test_browser_axe.py -m browser
"""

import os
from datetime import date
from pathlib import Path

import pytest

from cases import services
from cases.models import Case
from tests.browser_fixtures import log_in
from tests.factories import CaseFactory, CategoryFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where .ci/run and `make audit` install axe-core (AXE_CORE to point elsewhere).
AXE = Path(
    os.environ.get(
        "AXE_CORE",
        Path.home() / ".cache" / "outsourcing-audit" / "node_modules" / "axe-core" / "axe.min.js",
    )
)
# WCAG 2.2 levels A and AA, and axe's best practices (landmarks, headings, …).
OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        reason = f"axe-core is not installed at {AXE} (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the accessibility scan.")
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def violations(page, axe_source: str) -> list[dict]:
    """axe's violations on the page as shown, one per element."""
    page.wait_for_load_state("load")
    page.evaluate(axe_source)
    result = page.evaluate("options => axe.run(document, options)", OPTIONS)
    return [
        {
            "page": page.url,
            "rule": rule["id"],
            "impact": rule["impact"],
            "target": " ".join(node["target"]),
            "html": node["html"],
            "summary": node["failureSummary"],
        }
        for rule in result["violations"]
        for node in rule["nodes"]
    ]


def check(found: list[dict]) -> None:
    """No violation at all; each one found is named with its page, rule and element."""
    problems = [
        f"{v['page']}: {v['rule']} ({v['impact']}) {v['target']}: {v['summary']}" for v in found
    ]
    assert problems == [], "\n".join(problems)


@pytest.fixture
def site(curators_group):
    """A few cases with votes, comments, sources and a hidden comment; a member with votes and
    comments; a curator; a proposal waiting for review."""
    category = CategoryFactory(name="Customer care", slug="customer-care")
    member = UserFactory(username="carol")
    curator = UserFactory(username="curator", is_staff=True)
    curator.groups.add(curators_group)
    voters = UserFactory.create_batch(4)
    cases = [
        CaseFactory(category=category, slug=f"case-{n}", title=f"Payroll goes out, take {n}")
        for n in range(3)
    ]
    cases[1].blind_mode = cases[2].blind_mode = True  # their results hidden until one votes
    Case.objects.filter(pk__in=[cases[1].pk, cases[2].pk]).update(blind_mode=True)
    for case in cases:
        case.sources.create(title="A post", language="de")
        case.sources.create(title="A report", language="en", url="https://example.org/report")
        for voter, choice in zip(voters, ["yes", "no", "depends", "yes"], strict=True):
            services.cast_vote(user=voter, case=case, choice=choice)
    case = cases[0]
    services.cast_vote(user=member, case=case, choice="no")
    comment = services.add_comment(author=member, case=case, body="It cost **more** in the end.")
    services.add_comment(author=voters[0], case=case, body="Not for us.", parent=comment)
    rude = CommentFactory(case=case, author=voters[1], body="You are all idiots.")
    services.hide_comment(moderator=curator, comment=rude, reason="Insult")
    # What happened next, the hindsight question, a related case (blind: a note, no bar).
    services.add_outcome_update(
        moderator=curator, case=case, happened_on=date(2013, 1, 17), text="It ended.",
        source_title="A report", source_url="https://example.org/report", language="en",
    )  # fmt: skip
    services.cast_hindsight_vote(user=voters[0], case=case, choice="no")
    services.link_cases(
        moderator=curator, case=case, other=cases[1], note="Told the staff.", language="en"
    )
    CaseFactory(
        category=category,
        slug="a-proposal",
        title="Cleaning goes to an agency",
        proposer=member,
        status=Case.Status.PENDING,
        published_at=None,
    )
    return {"case": case, "blind": cases[1], "member": member, "curator": curator}


def scan(page, url: str, axe_source: str) -> list[dict]:
    response = page.goto(url)
    assert response.status == 200, url
    return violations(page, axe_source)


def test_the_public_pages_have_no_accessibility_violations(live_server, page, site, axe_source):
    base = live_server.url
    found = []
    pages = [site["case"], site["blind"]]  # a blind case: its result hidden, the reveal button
    for path in ["/", *[c.get_absolute_url() for c in pages], "/moderation/", "/users/carol/"]:
        found += scan(page, base + path, axe_source)
        found += scan(page, f"{base}{path}?lang=de", axe_source)  # German text, lang="de"
    check(found)


def test_a_members_pages_have_no_accessibility_violations(live_server, page, site, axe_source):
    base = live_server.url
    log_in(page, base, "carol")
    found = []
    for path in [
        "/",
        site["case"].get_absolute_url(),
        site["blind"].get_absolute_url(),
        "/users/carol/",
    ]:
        found += scan(page, base + path, axe_source)
    check(found)


def test_the_curators_pages_have_no_accessibility_violations(live_server, page, site, axe_source):
    base = live_server.url
    log_in(page, base, "curator")
    found = []
    for path in ["/curate/", site["case"].get_absolute_url(), "/moderation/"]:
        found += scan(page, base + path, axe_source)
    check(found)
