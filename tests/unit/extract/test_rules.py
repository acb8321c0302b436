"""Rules as data: every rule is named and classed, claims its noise, and leaves prose alone."""

from __future__ import annotations

import pytest

from pipeline.extract import rules

ALL_RULES = rules.LINE_RULES + rules.TEXT_LINE_RULES
CLASSES = {v for k, v in vars(rules).items() if k.isupper() and isinstance(v, str)}


def test_rule_names_are_unique_and_classes_declared() -> None:
    names = [rule.name for rule in ALL_RULES] + list(rules.STRUCTURAL_RULES)
    assert len(names) == len(set(names))
    assert {rule.noise_class for rule in ALL_RULES} | set(rules.STRUCTURAL_RULES.values()) <= CLASSES


NOISE = [
    ("A convoy leaves the region (Vasily Krestyaninov/AP)", "caption_credit"),
    ("* indicates required", "newsletter_required_marker"),
    ("Get the day's top headlines delivered to your inbox every morning.", "newsletter_inbox_pitch"),
    ("No spam, we promise. You can unsubscribe at any time.", "newsletter_inbox_pitch"),
    ("* Click to share on Twitter (Opens in new window)", "share_click_to"),
    ("Save my name, email, and website in this browser for the next time I comment.", "comment_form"),
    ("Leave a Reply", "comment_form"),
    ("Reply", "reply_link"),
    ("Reply to Jane Doe", "reply_link"),
    ("A rover crosses the crater floor in this artist's view. Credit: Space Agency", "caption_trailing_credit"),
    ("Courtesy of the city museum", "caption_trailing_credit"),
    ("© 2024 Example Media Ltd", "copyright_line"),
    ("This material may not be published, broadcast, rewritten, or redistributed.", "copyright_line"),
    ("Previous Post", "post_navigation"),
    ("You have succesfully subscribed. Thank you!", "newsletter_confirmation"),
    ("An email with an activation link has just been sent to your email address.", "newsletter_confirmation"),
    ("Please check the opt-in box to acknowledge that you would like to subscribe.", "newsletter_form_message"),
    ("Keep an eye on your inbox for the latest news.", "newsletter_form_message"),
    ("Stay up to date with Example. Subscribe to our newsletter.", "newsletter_mention"),
    ("Subscribe No thanks", "subscribe_call"),
    ("The hunter killed and ate a rabbitCredit: Getty - Contributor", "caption_trailing_credit"),
    ("This document is subject to copyright.", "copyright_line"),
    ("Necessary cookies are essential for the site to work; other cookies help us improve it.", "cookie_explainer"),
    ("By submitting this form, you authorize the college and its representatives to contact you via SMS.",
     "newsletter_privacy"),
    ("* By checking this box, you agree to receive marketing emails from Example. Unsubscribe at any time.",
     "newsletter_privacy"),
    ("Terms of submitting this form: I agree that Example University may contact me via email or telephone.",
     "newsletter_privacy"),
    ("Your information will be processed according to our Privacy Policy.", "newsletter_privacy"),
    ("More articles from Jane Doe", "author_posts_link"),
    ("Copyright Example Media 2012-2025. CC BY-NC 4.0.", "copyright_line"),
    ("Have a tip? Jane Doe may be reached at jdoe@example.com.", "author_contact"),
    ("Thank you! Your submission has been received!", "newsletter_form_message"),
    ("Oops! Something went wrong while submitting the form.", "newsletter_form_message"),
    ("Medically reviewed by", "byline_label"),
    ("Search for:", "account_link"),
    ("CollapsedExpand All", "account_link"),
    ("View All", "read_more_link"),
    ("See all deals >", "read_more_link"),
    ("Check Price - Walmart", "call_to_action"),
    ("$75 at Amazon", "call_to_action"),
    ("Advertisement - Continue Reading Below", "advert_label"),
    ("Advertisement: New AI Book!", "advert_label"),
    ("Jump to Recipe", "skip_link"),
    ("Email (required)", "newsletter_email_prompt"),
    ("Leave this field blank", "newsletter_email_prompt"),
    ("Like Loading...", "account_link"),
    ("[email protected]", "account_link"),
    ("Play Video", "account_link"),
    ("Was this page helpful?", "account_link"),
    ("YesNo", "account_link"),
    ("Check price at Amazon", "call_to_action"),
    ("Getty Images", "caption_credit_label"),
    ("Buy now at Example Home Appliances", "call_to_action"),
    ("Get a Quote (212) 555-0100", "call_to_action"),
    ("Watch Now", "call_to_action"),
    ('His book, "Out There", is out now. Follow him on Twitter @jdoe.', "author_contact"),
    ("Thanks for reading! Subscribe for free to receive new posts and support my work.", "newsletter_pitch"),
    ("Join our mailing list! Get a note when a new episode is out.", "newsletter_pitch"),
    ("Enter your e-mail address below to join our mailing list and get every new edition.", "newsletter_pitch"),
    ("Would you like to receive notifications about new posts?", "newsletter_pitch"),
    ("Share Article:", "share_widget"),
    ("Share Post.", "share_widget"),
    ("View All Articles by This Author", "author_posts_link"),
    ("The best of Example Times, delivered to your inbox every morning", "newsletter_inbox_pitch"),
    ("CLICK HERE TO GET THE EXAMPLE NEWS APP", "app_promo"),
    ("Republish this article", "share_widget"),
    ("This work is licensed under a Creative Commons Attribution-NoDerivatives 4.0 International License.",
     "copyright_line"),
    ("Contact staff writer Jane Doe at 212-555-0100 or jdoe@example.org.", "author_contact"),
    ("Wear the change you want to see. Download our app to discover ethical brands.", "app_promo"),
]


@pytest.mark.parametrize(("line", "name"), NOISE, ids=[name for _, name in NOISE])
def test_rule_claims_its_noise(line: str, name: str) -> None:
    rule = rules.match_line_rule(line, rules.TEXT_LINE_RULES)
    assert rule is not None and rule.name == name


# The same furniture on German pages: each rule's German forms.
GERMAN_NOISE = [
    ("* Pflichtfeld", "newsletter_required_marker"),
    ("Jetzt anmelden", "newsletter_button"),
    ("Newsletter abonnieren", "newsletter_button"),
    ("Ihre E-Mail-Adresse", "newsletter_email_prompt"),
    ("Melden Sie sich jetzt für unseren kostenlosen Newsletter an und verpassen Sie keine Nachricht mehr aus der Region.",
     "newsletter_pitch"),
    ("Sie können sich jederzeit wieder abmelden.", "newsletter_privacy"),
    ("Die wichtigsten Nachrichten aus der Region jeden Morgen in Ihrem Postfach.", "newsletter_inbox_pitch"),
    ("Diese Audioversion wurde künstlich erzeugt.", "audio_ai_notice"),
    ("Artikel anhören", "audio_player_label"),
    ("Kommentare (12)", "comments_widget"),
    ("Kommentar schreiben", "comments_widget"),
    ("Artikel teilen", "share_widget"),
    ("Auf Facebook teilen", "share_widget"),
    ("Link kopieren", "share_widget"),
    ("Folgen Sie uns auf Instagram", "follow_us"),
    ("Zum Inhalt springen", "skip_link"),
    ("Startseite", "account_link"),
    ("Nach oben", "account_link"),
    ("Aktualisiert am 14.03.2025, 17:45 Uhr", "updated_label"),
    ("Schlagworte: Verkehr, Stadtrat", "tag_list_label"),
    ("Foto: Max Müller/dpa", "caption_credit_label"),
    ("Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.", "cookie_banner"),
    ("Jetzt weiterlesen mit RB+", "paywall_prompt"),
    ("Sie haben bereits ein Abo? Hier anmelden", "paywall_prompt"),
    ("Lesen Sie auch: Busfahrer streiken erneut", "read_more_link"),
    ("Weiterlesen", "read_more_link"),
    ("Weiter nach der Anzeige", "advert_label"),
    ("© 2025 Regionalbote Medien GmbH. Alle Rechte vorbehalten.", "copyright_line"),
    ("Alle Artikel von Max Mustermann", "author_posts_link"),
    ("Sie erreichen die Autorin unter max@example.de", "author_contact"),
    ("Alle anzeigen", "read_more_link"),
    ("Geschrieben von", "byline_label"),
    ("Mit dem Absenden des Formulars erklären Sie sich mit der Datenschutzerklärung einverstanden.", "newsletter_privacy"),
    ("Impressum", "copyright_line"),
    ("Jetzt die Regionalbote-App herunterladen", "app_promo"),
    ("Laden Sie sich jetzt die kostenlose Regionalbote App herunter.", "app_promo"),
    ("Nächster Artikel", "post_navigation"),
    ("Empfohlener redaktioneller Inhalt", "cookie_banner"),
    ("Externen Inhalt einblenden", "cookie_banner"),
    ("Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden.", "cookie_banner"),
]


PROSE = [
    "Get every issue delivered for less (Upgrade to Premium for $4.99/mo)",
    "Turnout rose sharply this year (about 3/4 of voters)",
    "She said the council would publish the report in full, and that every resident could read it online.",
    "The photo shows the harbour in 1950, before the sea wall was built.",
    "Readers who subscribe to the paper's newsletter will get the full results on Monday.",
    "Copyright lawyers say the ruling could change how songs are licensed.",
    "The museum's cookie jar collection, started in 1960, now holds more than 300 pieces.",
    "Next, the committee will vote on the budget.",
    "The newsletter, which began as a single printed page in 1998, now reaches 40,000 homes every week.",
    "Subscribers to the streaming service will pay two dollars more each month from January.",
    "The council says it will discredit: nothing.",
    "Reply to the consultation by Friday, the council said.",
    "- Rain jacket (Men’s/Women’s)",
    "3. Snake plant (Viper’s Bowstring / Saint George’s Sword)",
    "My newsletter has:",
    "- Sort the newsletters by date",
    "Die Stadt will den Newsletter für Anwohner künftig jede Woche verschicken, sagte die Sprecherin am Montag.",
    "Wer das Abo abschließen will, muss nach Angaben der Verbraucherzentrale genau auf die Laufzeit achten.",
    "Die Polizei bittet Zeugen, sich zu melden, und will die Kommentare im Netz auswerten.",
    "By submitting a claim early, homeowners can get their money back within weeks, the insurer said.",
    "View from Daikanbo",
    "Copyright infringement cases rose in 2019, the office said.",
    "The mayor said the tip line can take calls at any hour, and that the team will follow up on every one.",
    "Copyright Office data from 2019 show a rise in claims.",
    "$75 at most, the shop said.",
    "Subscribers to the service will get the new episodes a week early, the company said.",
    "New users can try the app for the first two weeks and cancel if they are not satisfied.",
    "59. Get Quick Solutions App",
    "Contact tracers said the outbreak had been contained by the end of the month.",
    "The song is licensed under a Creative Commons licence, the label said, so anyone may remix it.",
    "The app sends the readings straight to your doctor, who can then adjust the dose.",
]


@pytest.mark.parametrize(("heading", "pattern"), [
    ("34 responses to “The story”", rules.COMMENTS_HEADING),
    ("10 thoughts on “Business focus”", rules.COMMENTS_HEADING),
    ("Comments 115", rules.COMMENTS_HEADING),
    ("Discussion about this post", rules.COMMENTS_HEADING),
    ("Recent Posts", rules.SECTION_END_HEADING),
    ("Table of Contents", rules.TOC_HEADING),
    ("Table of ContentsToggle Table of Content", rules.TOC_HEADING),
    ("Contents [hide]", rules.TOC_HEADING),
    ("In this article:", rules.TOC_HEADING),
    ("Similar articles", rules.SECTION_END_HEADING),
    ("More articles", rules.SECTION_END_HEADING),
    ("Other related articles...", rules.SECTION_END_HEADING),
    ("🔥 Recommended Posts", rules.SECTION_END_HEADING),
    ("You may be interested in the following topics as well:", rules.SECTION_END_HEADING),
    ("About the author", rules.AUTHOR_BIO_HEADING),
    ("About Jane Doe", rules.AUTHOR_BIO_HEADING),
    ("Das könnte Sie auch interessieren", rules.SECTION_END_HEADING),
    ("Mehr zum Thema", rules.SECTION_END_HEADING),
    ("Meistgelesen", rules.SECTION_END_HEADING),
    ("Kommentare (12)", rules.COMMENTS_HEADING),
    ("Inhaltsverzeichnis", rules.TOC_HEADING),
    ("Wednesday November 20, 2019", rules.STAMP_DATE),
    ("11/20/2019 01:14 PM", rules.STAMP_DATE),
])
def test_section_patterns(heading: str, pattern) -> None:
    assert pattern.match(heading)


@pytest.mark.parametrize("line", ["About two hundred people came.", "Comments from the mayor followed",
                                  "Contents of the report were leaked on Monday."])
def test_section_patterns_leave_sentences(line: str) -> None:
    assert not rules.COMMENTS_HEADING.match(line) and not rules.AUTHOR_BIO_HEADING.match(line)
    assert not rules.TOC_HEADING.match(line)


def test_a_bare_audio_heading_is_no_player_label() -> None:
    from pipeline.extract.rules import match_line_rule
    assert match_line_rule("Audio") is None
    assert match_line_rule("Audio version (4 min)").name == "audio_player_label"


def _first_rule_unguarded(line: str) -> str | None:
    words = len(line.split())
    for rule in ALL_RULES:
        if words <= rule.max_words and rule.pattern.search(line):
            return rule.name
    return None


def _project_lines() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for folder in (root / "fixtures", root / "site" / "pages", root.parent / "seeds")
             for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in {".txt", ".html", ".jsonl", ".json"}]
    return [" ".join(line.split()) for text in texts for line in text.splitlines() if line.strip()]


def test_needs_literals_are_lower_case_and_never_change_a_decision() -> None:
    """``needs`` only skips searches that could not match: on every noise example above and every
    line of the project's fixtures, seeds and goldens, the guarded rules decide as the bare patterns."""
    for rule in ALL_RULES:
        assert all(literal == literal.lower() for literal in rule.needs), rule.name
    lines = [text for text, _ in NOISE] + _project_lines()
    assert len(lines) > 600
    guarded = [rules.match_line_rule(line, rules.TEXT_LINE_RULES) for line in lines]
    assert [r.name if r else None for r in guarded] == [_first_rule_unguarded(line) for line in lines]
    assert sum(1 for r in guarded if r and r.needs) >= 10  # the guarded rules were exercised


@pytest.mark.parametrize(("line", "name"), [
    ("Photo: Jane Doe for the Daily Example", "caption_credit_label"),
    ("Harbour at dusk | Getty Images", "caption_credit_label"),
    ("Manage consent", "cookie_banner"),
    ("Select the box to continue", "newsletter_form_message"),
    ("Aerial view of the valley. Bild: Max Muster", "caption_trailing_credit"),
    ("The launch pad (video courtesy: NASA TV)", "caption_trailing_credit"),
    ("Terms of use", "copyright_line"),
    ("Allow Twitter content?", "cookie_banner"),
    ("This content is provided by YouTube. To show you this content, we need your permission to use cookies.", "cookie_banner"),
    ("Accept and continue", "cookie_banner"),
    ("Share full article", "share_widget"),
    ("Gift this article", "share_widget"),
    ("Artikel verschenken", "share_widget"),
    ("Save for later", "account_link"),
    ("Zur Merkliste hinzufügen", "account_link"),
    ("Advertisement - Scroll to continue", "advert_label"),
])
def test_guarded_rules_still_claim_their_noise(line: str, name: str) -> None:
    rule = rules.match_line_rule(line)
    assert rule is not None and rule.name == name


# HTML body rules (``HTML_LINE_RULES``): their other forms, German ones among them, and prose that
# only mentions their words.
HTML_NOISE = [
    ("Stay connected with me!", "follow_call"),
    ("Join the Facebook group – https://www.facebook.com/groups/example", "follow_call"),
    ("Mehr Rezepte gibt es jeden Tag: Folgen Sie uns auf Instagram und Facebook.", "follow_call"),
    ("Want more? Join our mailing list and get an e-mail when a new episode is published.", "newsletter_our"),
    ("Get the latest news about our events and online courses.", "newsletter_our"),
    ("Sie wollen keine Nachricht aus der Region verpassen? Dann abonnieren Sie unseren kostenlosen Newsletter, der jeden Freitag erscheint.",
     "newsletter_our"),
    ("Please confirm that you agree to our Terms & Conditions and Privacy Policy.", "form_consent"),
    ("Terms of submitting this form: I agree that Example may contact me by e-mail or SMS.", "newsletter_privacy"),
    ("Please consider supporting our journalism with a monthly gift.", "support_call"),
    ("If you liked this article, please consider sharing it and subscribing.", "support_call"),
    ("Help me spread the word about this podcast!", "support_call"),
    ("Since you made it to the bottom of this article, we have a small favor to ask.", "support_call"),
    ("If stories like this one matter to you, please consider pitching in what you can.", "support_call"),
    ("Unterstützen Sie unabhängigen Journalismus in der Region.", "support_call"),
    ("Posted on 12 May 2024 by admin", "updated_by_line"),
    ("Last updated March 3, 2025 by", "updated_by_line"),
]


CLAIMS = ([(line, name, rules.TEXT_LINE_RULES) for line, name in GERMAN_NOISE]
          + [(line, name, rules.HTML_LINE_RULES) for line, name in HTML_NOISE])


@pytest.mark.parametrize(("line", "name", "extra"), CLAIMS, ids=[f"{name}-{i}" for i, (_, name, _) in enumerate(CLAIMS)])
def test_german_and_html_rules_claim_their_noise(line: str, name: str, extra: tuple[rules.LineRule, ...]) -> None:
    rule = rules.match_line_rule(line, extra)
    assert rule is not None and rule.name == name


HTML_PROSE = [
    "Users who agree to the terms of the new policy will be able to keep their old accounts, the company said.",
    "The councillors agreed to the terms of the sale after a two-hour debate on Tuesday evening.",
    "Follow the river north for two miles and the path climbs to the old quarry.",
    "The paper says it will get the latest figures from the ministry on Monday.",
    "Readers of the local newsletter were the first to learn about the closure.",
    "Donating blood takes less than an hour, and the clinic is open every Saturday.",
    "The chef says the best way to rate a recipe is to cook it three times before judging it.",
    "The article was updated on March 3, 2025 to correct the name of the school.",
    "Die Leser folgen dem Beispiel der Stadt und stimmen im Herbst über den Haushalt ab.",
]


@pytest.mark.parametrize(("line", "extra"), [(line, rules.TEXT_LINE_RULES) for line in PROSE]
                         + [(line, rules.HTML_LINE_RULES) for line in HTML_PROSE])
def test_prose_is_left_alone(line: str, extra: tuple[rules.LineRule, ...]) -> None:
    assert rules.match_line_rule(line, extra) is None


def test_html_rule_needs_never_change_a_decision() -> None:
    lines = [line for line, _ in HTML_NOISE] + HTML_PROSE + _project_lines()
    for rule in rules.HTML_LINE_RULES:
        assert all(literal == literal.lower() for literal in rule.needs), rule.name
        for line in lines:
            if rule.needs and len(line.split()) <= rule.max_words and rule.pattern.search(line):
                assert any(literal in line.lower() for literal in rule.needs), (rule.name, line)
