"""The reader's site on a phone (390 × 844) in a real Chromium, with and without JavaScript:
the vote buttons on the first screen of a case, the menu without JavaScript, and the colour
modes following the system.

Run with: .venv/bin/pytest tests/test_browser_phone.py -m browser
"""

import re

import pytest

from cases import services
from tests.browser_fixtures import expect, log_in, public_page_errors
from tests.factories import PASSWORD, CaseFactory, CategoryFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ANSWERS = ["Made sense", "Did not make sense", "It depends"]


@pytest.fixture
def bobs_case(db):
    """As long as the longest seed case's header: the title, decision and summary of Bob's."""
    case = CaseFactory(
        slug="developer-outsources-his-own-job",
        title="A developer secretly outsources his own job to China",
        decision="Own programming work → a paid contractor in China",
        summary=(
            "A well-regarded US software developer, known online as “Bob”, reportedly paid a "
            "programmer in China about a fifth of his six-figure salary to do all his work, "
            "while he spent his days online. A security investigation exposed the arrangement "
            "and he was fired, and the story went around the world."
        ),
        category=CategoryFactory(name="Software development", slug="software"),
        story="In 2012 a story went around.\n\n" + "He browsed all day. " * 120,
    )
    choices = ["yes", "no", "no", "depends", "yes"]
    for voter, choice in zip(UserFactory.create_batch(5), choices, strict=True):
        services.cast_vote(user=voter, case=case, choice=choice)
    CommentFactory.create_batch(3, case=case)
    return case


def assert_buttons_on_first_screen(page):
    vote_box = page.locator("#vote-box")
    for answer in ANSWERS:
        box = vote_box.get_by_role("button", name=answer).bounding_box()
        assert box is not None and box["y"] >= 0, answer
        assert box["y"] + box["height"] <= PHONE["height"], (answer, box)
    story = page.locator("#story-heading").bounding_box()
    assert story["y"] > vote_box.bounding_box()["y"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_visitor_reaches_the_vote_buttons_on_the_first_screen(
    live_server, open_page, bobs_case, page_errors, csp_violations, javascript
):
    page = open_page(viewport=PHONE, java_script_enabled=javascript)
    page.goto(live_server.url + bobs_case.get_absolute_url())
    expect(page.locator("#vote-box")).to_contain_text("5 votes in all")
    assert_buttons_on_first_screen(page)
    # The buttons are a real form: a visitor is sent to log in, and back to the case after.
    page.locator("#vote-box").get_by_role("button", name="Made sense").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fcases%2F"))
    assert csp_violations == [] and public_page_errors(page_errors) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_votes_from_the_first_screen(
    live_server, open_page, bobs_case, page_errors, csp_violations, javascript
):
    UserFactory(username="mia")
    page = open_page(viewport=PHONE, java_script_enabled=javascript)
    page.goto(f"{live_server.url}/accounts/login/?next={bobs_case.get_absolute_url()}")
    page.locator("#id_login").fill("mia")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + bobs_case.get_absolute_url())
    assert_buttons_on_first_screen(page)

    page.locator("#vote-box").get_by_role("button", name="Did not make sense").click()
    voted = page.locator("#vote-box").get_by_role("button", name="Did not make sense")
    expect(voted).to_contain_text("your vote")
    expect(page.locator("#vote-box")).to_contain_text("6 votes in all")
    assert csp_violations == [] and public_page_errors(page_errors) == []


def test_the_phone_menu_opens_without_javascript(
    live_server, open_page, page_errors, csp_violations
):
    page = open_page(viewport=PHONE, java_script_enabled=False)
    page.goto(live_server.url + "/")
    log_in_link = page.get_by_role("link", name="Log in")
    expect(log_in_link).to_be_hidden()
    page.locator(".site-menu > summary").click()
    expect(log_in_link).to_be_visible()
    expect(page.get_by_role("link", name="Sign up")).to_be_visible()
    log_in_link.click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    assert csp_violations == [] and public_page_errors(page_errors) == []


def test_a_members_menu_on_a_phone_reaches_propose_profile_and_log_out(
    live_server, open_page, page_errors, csp_violations
):
    UserFactory(username="noah")
    page = open_page()  # signs in on a wide screen, where the menu is in the bar
    log_in(page, live_server.url, "noah")
    expect(page.locator(".site-menu > summary")).to_be_hidden()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="noah")).to_be_hidden()
    page.locator(".site-menu > summary").click()
    for name in ["Propose a case", "noah"]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".site-menu > summary")).to_be_visible()
    page.locator(".site-menu > summary").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert csp_violations == [] and public_page_errors(page_errors) == []


@pytest.mark.parametrize(
    ("scheme", "background"), [("light", "rgb(250, 249, 246)"), ("dark", "rgb(21, 23, 28)")]
)
def test_the_colours_follow_the_system_without_javascript(
    live_server, open_page, bobs_case, csp_violations, scheme, background
):
    page = open_page(viewport=PHONE, java_script_enabled=False, color_scheme=scheme)
    page.goto(live_server.url + bobs_case.get_absolute_url())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    fill = page.locator("#vote-box .verdict-fill-yes").first
    expected = {"light": "rgb(30, 123, 79)", "dark": "rgb(92, 200, 146)"}[scheme]
    assert fill.evaluate("element => getComputedStyle(element).fill") == expected
    assert csp_violations == []


# The text colour of each element over the background it is drawn on (ancestors' backgrounds
# composited, the text's own alpha too), as WCAG contrast ratios.
CONTRASTS = """
(selectors) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]))
    .concat([1]);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] === 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const found = {};
  for (const selector of selectors) {
    const element = document.querySelector(selector);
    if (!element) { found[selector] = null; continue; }
    const back = background(element);
    const text = over(parse(getComputedStyle(element).color), back);
    const [high, low] = [luminance(text), luminance(back)].sort((a, b) => b - a);
    found[selector] = Math.round(((high + 0.05) / (low + 0.05)) * 100) / 100;
  }
  return found;
}
"""
LIST_TEXT = [
    ".site-brand", ".site-menu > summary", ".language-switch button", "main h1",
    ".list-intro .lead", ".list-more > summary", ".btn-primary", ".case-row-votes",
    ".case-row-comments", ".case-row h2 a", ".case-row .decision", ".case-row-summary",
    ".category-badge", ".case-row-meta .verdict-key", ".case-mark-featured", ".case-mark-closed",
    ".site-footer span",
]  # fmt: skip
CASE_TEXT = [
    ".case-header .lead", ".case-summary", "#vote-box h2", ".vote-total", ".verdict-row span",
    ".crowd-verdict", "#vote-box legend", "#vote-box .btn-outline-primary", ".story p",
    ".facts dd", ".vote-badge", ".comment-body", "#comments a",
]  # fmt: skip


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_meets_aa_contrast_in_both_colour_modes(
    live_server, open_page, bobs_case, curator, csp_violations, scheme
):
    services.feature_case(moderator=curator, case=bobs_case)
    closed = CaseFactory(title="A closed case")
    services.close_case(moderator=curator, case=closed, reason="Enough.")
    voter = bobs_case.votes.first().user
    CommentFactory(case=bobs_case, author=voter, body="A voter's comment.")
    page = open_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    for path, selectors in [("/", LIST_TEXT), (bobs_case.get_absolute_url(), CASE_TEXT)]:
        page.goto(live_server.url + path)
        ratios = page.evaluate(CONTRASTS, selectors)
        assert None not in ratios.values(), ratios
        low = {selector: ratio for selector, ratio in ratios.items() if ratio < 4.5}
        assert low == {}, (scheme, path, low)
    assert csp_violations == []
