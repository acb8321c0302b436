"""Cleaning rules as data: each rule has a name and the noise class it removes.

Two kinds:
  * ``LineRule``: a pattern that decides a whole line (or paragraph) is noise on its own.
    These run on text captures and on the paragraphs trafilatura returns for HTML pages.
  * structural rules (teasers, news-feed items, caption labels) need a line's neighbours and
    live in ``pipeline.extract.text.capture``; their names and classes are declared here so that reports
    and tests see every rule in one place.

Patterns describe a class of noise as it appears on many sites, never one site's exact
strings. Each pattern is anchored to the whole line and bounded in length, so a sentence that
merely mentions "subscribe" or "comments" is prose, not noise.
"""

from __future__ import annotations

import re
import re._constants as _sre
import re._parser as _sre_parse
from dataclasses import dataclass

from pipeline.extract.dates import MONTH_NAME

# Noise classes: the keys of a record's ``removed`` counts.
NEWSLETTER = "newsletter"
NEWS_FEED = "news_feed"
CAPTION = "caption"
TEASER = "teaser"
AUDIO_NOTICE = "audio_notice"
COMMENTS = "comments"
SHARE = "share"
SKIP_LINK = "skip_link"
SITE_CHROME = "site_chrome"  # site name, edit links, menus, log-in links
DATELINE = "dateline"  # "Last updated", bare publication dates and times
TAGS = "tags"
BYLINE = "byline"
COOKIE = "cookie"
PAYWALL = "paywall"
READ_MORE = "read_more"
ADVERT = "advert"
HEADLINE = "headline"  # moved to the record's title
STANDFIRST = "standfirst"  # moved to the record's description
FURNITURE = "furniture"  # short non-prose lines no named rule claims (menus, labels)
DUPLICATE = "duplicate"  # a paragraph repeated verbatim
AUTHOR_BIO = "author_bio"  # "About the author" boxes
FOOTER = "footer"  # copyright, legal and contact lines
NOISE_CLASSES = (NEWSLETTER, NEWS_FEED, CAPTION, TEASER, AUDIO_NOTICE, COMMENTS, SHARE, SKIP_LINK, SITE_CHROME,
                 DATELINE, TAGS, BYLINE, COOKIE, PAYWALL, READ_MORE, ADVERT, HEADLINE, STANDFIRST, FURNITURE,
                 DUPLICATE, AUTHOR_BIO, FOOTER)


@dataclass(frozen=True)
class LineRule:
    name: str
    noise_class: str
    pattern: re.Pattern[str]
    max_words: int = 40  # longer lines are prose, whatever they contain
    # Lower-case literals of which the pattern needs at least one: a line holding none of them is
    # not searched. Python's ``re`` tries an unanchored pattern at every position of the line, so
    # the few rules that search anywhere in a line cost most of the post-clean without this.
    needs: tuple[str, ...] = ()


def _rule(name: str, noise_class: str, pattern: str, max_words: int = 40, needs: tuple[str, ...] = ()) -> LineRule:
    return LineRule(name, noise_class, re.compile(pattern, re.IGNORECASE), max_words, needs)


_MONTH = rf"(?:{MONTH_NAME})\.?"
_CLOCK = r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?"
_AGO = r"\d+\s*(?:s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)\s+ago"
_DATE = (rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|"
         r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)"
_ISO_DATETIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
# A photographer/agency credit closing a caption: "(Jane Doe/AP)", "(Name/AFP via Getty Images)".
# A line that is no list item ("- ", "• ", "3. "): a caption or a box's line, not an article's list.
_NOT_A_LIST_ITEM = r"^(?!\s*([-•*–]|\d{1,3}[.)])\s)"
_CREDIT = r"\(\s*[^()$€£¥]{2,80}/\s*(?-i:[A-Z])[^()$€£¥]{0,60}\)\s*$"  # a name after the slash, no prices or fractions
_AGENCY = (r"(?:Getty Images|AFP|AP Photo|AP|Reuters|EPA|Shutterstock|PA Wire|PA Media|Alamy|"
           r"Bloomberg|iStock|Xinhua|Anadolu|SOPA Images|NurPhoto|ZUMA|WireImage)")

LINE_RULES: tuple[LineRule, ...] = (
    # newsletter sign-up boxes (Mailchimp-style embeds and their text renderings)
    _rule("newsletter_required_marker", NEWSLETTER, r"^\*\s*((indicates|denotes) (a )?required( field)?|pflichtfeld(er)?)\.?$"),
    _rule("newsletter_button", NEWSLETTER,
          r"^(subscribe|sign ?up|sign me up|join( now)?|submit|get the newsletter)( now| today| for free| here)?[.!]?$|"
          r"^((jetzt|kostenlos|gratis) )?(newsletter )?(abonnieren|anmelden|bestellen)( jetzt)?[.!]?$"),
    _rule("newsletter_email_prompt", NEWSLETTER,
          r"^(please,? )?(enter|type|add|provide|your|valid)\b[^.]{0,40}\be-?mail( address)?\b[^.]{0,40}[.!:]?$|"
          r"^(bitte )?((geben sie|gib) )?(ihre|deine|e-?mail-?) ?(e-?mail-?)?adresse( ein| eingeben)?[.!:*]?$|"
          # a form's field labels: "Email (required)", and the field robots fill: "Leave this field blank"
          r"^e-?mail( address\s*(\(required\)|required|\*)?|\s*(\(required\)|required|\*))\s*:?$|^leave this field (blank|empty)$", 14),
    _rule("newsletter_confirmation", NEWSLETTER,
          r"^(succ?ess?(ful+y)? subscribed|thanks? (you )?for (signing up|subscribing)\b.*|"
          r"you('re| are| have) (now |been )?(succ?ess?ful+y )?(subscribed|signed up)\b.*|"
          r"(we('ve| have)|you'll|you will) (sent|receive|get) (you )?a confirmation e-?mail\b.*)$|"
          r"\b(activation|confirmation|verification) (link|e-?mail)\b.{0,80}\b(sent|inbox|click|activate|confirm)", 30),
    _rule("newsletter_pitch", NEWSLETTER,
          r"^(sign up|subscribe|register|join)( now| today)? (to|for) (our|the|a)\b.{0,80}"
          r"\b(newsletters?|bulletins?|briefings?|updates|e-?mails?|digest)\b.{0,60}$|"
          # "Subscribe for free to receive new posts", "Join our mailing list!", "Enter your email below to join ..."
          r"^(thanks for reading!? )?(subscribe|sign up)( for free| now| today)?( to (our|the|my) [^.]{1,40})? to (receive|get)\b.{0,120}$|"
          r"^(join|subscribe to) (our|my|the) (mailing|e-?mail) list\b.{0,150}$|"
          r"^(enter|add) your e-?mail( address)?\b.{0,60}\b(join|subscribe|sign up)\b.{0,150}$|"
          r"^would you like to receive (e-?mail )?(notifications|updates|e-?mails|news)\b.{0,60}$|"
          r"^(melden sie sich|melde dich|abonnieren sie|abonniere|bestellen sie|jetzt)\b.{0,80}\bnewsletter\b.{0,80}$", 30),
    _rule("newsletter_form_message", NEWSLETTER,
          r"^(please )?(check|tick|select) the (opt-?in |consent )?(check ?)?box\b|^there (was|has been) (an|a) (error|problem)\b|"
          r"\b(keep an eye on|check) your (e-?mail )?inbox\b|"
          # a site builder's default form replies: "Thank you! Your submission has been received!"
          r"^(thank you|thanks)!? your submission has been received!?$|^oops!? something went wrong while submitting the form\.?$", 20,
          needs=("check", "tick", "select", "there was", "there has been", "keep an eye on", "submission", "submitting")),
    _rule("newsletter_privacy", NEWSLETTER,
          r"^(by (signing up|subscribing|clicking)|you can unsubscribe|unsubscribe at any time)\b.{0,200}$|"
          r"^(mit (der|ihrer|deiner) anmeldung|sie können (sich|den newsletter) jederzeit|abmeldung jederzeit)\b.{0,200}$|"
          # a form's fine print: "By submitting this form, you authorize ...", "I agree that X may contact me"
          r"^\W{0,3}by (submitting|providing|entering|checking|registering)\b.{0,300}\b(agree|consent|authori[sz]e|acknowledge|accept|certify)|"
          r"^(terms of submitting this form\b|i (hereby )?(agree|consent) (that|to)\b.{0,150}\b(contact|e-?mails?|texts?|sms|call|privacy)\b)|"
          r"^your (information|data|details|personal data) will be (processed|used|handled)\b.{0,150}$|"
          r"^mit (dem )?(absenden|abschicken|klick auf|klicken auf)\b.{0,250}\b(einverstanden|datenschutz\w*|zu)\b|^ich willige ein\b", 60),
    # AI narration and audio players
    _rule("audio_ai_notice", AUDIO_NOTICE,
          r"^(this|the) (audio|article|story|narration|voice)( narration| version)? (is|was|has been) "
          r"(created|generated|produced|read|narrated|voiced)\b.{0,40}\b(ai|artificial intelligence|"
          r"automated|synthetic|text-to-speech)\b.{0,40}$|"
          r"^diese[rs]? (audio(version|fassung|datei)?|artikel|beitrag|text) (wurde|ist) .{0,40}\b(künstlich|künstlicher intelligenz|ki)\b.{0,40}$", 25),
    # (not a bare "Audio": that is a review's section heading as often as a player's label)
    _rule("audio_player_label", AUDIO_NOTICE,
          r"^(listen( to)?( this| the)?( article| story)?|play (audio|article)|audio version)"
          r"(\s*[:(]?\s*\d+\s*(min|mins|minutes?)\)?)?$|^((den |diesen )?(artikel|beitrag|text) )?(anhören|vorlesen( lassen)?)$"),
    # comment sections
    _rule("comments_closed_notice", COMMENTS,
          r"^(sorry,? )?(we are|we're|we have) (not accepting|closed|turned off|disabled) comments\b.{0,60}$|"
          r"^comments (are|have been) (closed|disabled|turned off|not available)\b.{0,60}$", 20),
    _rule("comments_widget", COMMENTS,
          r"^((\d+|no) )?comments?( \(\d+\))?$|^(leave|post|add|view|show|read|load|see) (a |all |the |more )?"
          r"(\d+ )?comments?\b.{0,20}$|^join the (conversation|discussion|debate)\b.{0,40}$|^(tell us|let us know) what you think\b.{0,40}$|"
          r"^(\d+ )?(leser)?kommentare?( \(\d+\))?$|^kommentar(e)? (schreiben|anzeigen|lesen|ansehen)$|^(jetzt )?kommentieren$|"
          r"^diskutieren sie mit\b.{0,40}$"),
    # share and social widgets
    _rule("share_widget", SHARE,
          r"^(share|share this( article| story| post| page| resource| recipe)?|share (article|story|post)|share on \w+|copy link|link copied|email|print|pin (it|this|for later)|"
          r"tweet|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|telegram|flipboard|messenger|"
          r"((diesen |den )?(artikel|beitrag) )?teilen|drucken|link kopieren|per e-?mail (versenden|senden|teilen)|auf \w+ teilen|"
          r"share full (article|story)|share (via|by) (e-?mail|sms|text)|gift (this )?(article|story)|give this (article|story)|"
          r"republish (this|our) (article|story)|"
          r"artikel verschenken)"
          r"[:!.]?$"),
    _rule("follow_us", SHARE, r"^(follow|like) us on\b.{0,60}$|^(follow us|folge uns|folgen sie uns|suivez-nous|síguenos)[:!]?$|"
          r"^(folgen sie uns|folge uns) (auf|bei)\b.{0,60}$|"
          r"^(follow|like) (?-i:[A-Z])[^.]{0,60} on (instagram|facebook|twitter|youtube|tiktok|linkedin|x|threads|bluesky)\b[^.]{0,80}\.?$|"
          r"^subscribe to (the )?[^.]{1,40}\b(youtube|podcast|channel)\b.{0,80}$", 25),
    # page chrome
    _rule("skip_link", SKIP_LINK, r"^(skip|jump) to (the )?(main )?(content|navigation|search|menu|footer|article|review|recipe|comments)$|"
          r"^(direkt )?zu(m|r) (haupt)?(inhalt|navigation|suche|menü|hauptmenü|fußzeile)( springen| wechseln)?$"),
    _rule("edit_link", SITE_CHROME, r"^(edit|manage|delete) (post|article|page|story|entry)$"),
    _rule("account_link", SITE_CHROME,
          r"^(menu|search|home|close|log ?in|log ?out|sign ?in|sign ?out|register|my account|account|"
          r"open menu|close menu|toggle navigation|back to top|go to top|top|"
          r"startseite|anmelden|abmelden|einloggen|ausloggen|suche|menü|menü öffnen|menü schließen|schließen|mein konto|"
          r"registrieren|nach oben|zurück nach oben|zum seitenanfang|zur startseite|"
          r"save( (this )?(article|story))?|save for later|bookmark|add to (favou?rites|bookmarks|reading list)|(font|text) size|"
          r"merken|zur merkliste hinzufügen|schriftgröße|search for:?|expand all|collapse all|collapsed ?expand all|"
          r"alle (aus|ein)klappen|(like )?loading(\.\.\.|…)?|\[?email protected\]?|(play|watch) video|"
          # a feedback widget: "Was this page helpful?" over its "Yes No" buttons
          r"was this (page|article|post) helpful\??|yes ?no|war (diese seite|dieser artikel) hilfreich\??|ja ?nein)$"),
    _rule("updated_label", DATELINE,
          rf"^((last )?updated|published|posted|modified|(zuletzt )?aktualisiert|veröffentlicht|erschienen|stand)"
          rf"( on| at| am| um)?:?( {_WEEKDAY}?{_DATE})?(,? {_CLOCK})?$"),
    _rule("bare_date", DATELINE, rf"^({_DATE})(,?\s+{_CLOCK})?$|^{_CLOCK}(,?\s+{_DATE})?$|^{_AGO}$|^{_ISO_DATETIME}$"),
    _rule("reading_time", DATELINE,
          r"^(-\s*)?\d+\s*(min|mins|minute|minutes)\.?( read| read time| reading time| to read)?$|"
          r"^(reading time|read time|lesezeit|lesedauer|temps de lecture|tempo de leitura|tiempo de lectura)\s*:?\s*"
          r"(ca\.\s*)?\d+\s*\w*\.?$|^\d+\s*(minuten|min\.?)\s*(lesezeit|lesen)$"),
    _rule("page_counter", SITE_CHROME, r"^(page|seite|página|pagina) \d+ (of|von|de|di|/) \d+$"),
    _rule("tag_list_label", TAGS,
          r"^(tags?|topics?|filed under|categories|category|related topics|schlagw(o|ö)rte?r?|stichw(o|ö)rte?r?|themen|"
          r"mehr zum thema)\s*:.{0,200}$|^(tags|tagged( with)?|related topics|schlagw(o|ö)rte?r?|themen)$", 30),
    # a reporter's credit under the story (the record's authors come from the byline)
    _rule("reporting_credit", BYLINE,
          r"^(additional |with |contributed )?reporting (by|from)\s+.{2,100}$|^.{2,80}\bcontributed reporting( to this (report|story|article))?\.?$", 25),
    # captions and credits
    # (not a list item: "- Rain jacket (Men’s/Women’s)", "3. Snake plant (Viper’s Bowstring / Saint George’s Sword)")
    _rule("caption_credit", CAPTION, _NOT_A_LIST_ITEM + ".*" + _CREDIT, 60),
    _rule("caption_credit_label", CAPTION,
          r"^(photo|image|picture|photograph|credit|illustration|video|source|fotos?|bild(er)?|bildquelle|grafik)( by| credit)?\s*:.{0,120}$|"
          rf"(photo|image|picture)( by| credit)?:?\s.{{0,60}}\b{_AGENCY}\)?\.?$|\s[|/]\s*{_AGENCY}\s*$|"
          r"^(getty images|shutterstock|istock|imago)$", 35,
          needs=("photo", "image", "picture", "credit", "illustration", "video", "source", "|", "/", "foto", "bild:", "bild ",
                 "bilder", "bildquelle", "grafik", "getty", "shutterstock", "istock", "imago")),
    # cookie banners
    _rule("cookie_banner", COOKIE,
          r"\b(we use cookies|(this|our) (web)?site uses cookies|cookie (policy|settings|preferences|consent)|"
          r"accept (all )?cookies|manage (cookies|consent|preferences)|"
          r"(wir|diese (web)?seite|diese website) (verwenden|verwendet|nutzen|nutzt|setzen|setzt) cookies|"
          r"cookie-(einstellungen|richtlinie|hinweis)|(alle )?cookies akzeptieren)\b|"
          # an embed's placeholder that waits for consent: "Allow Twitter content?", "Externen Inhalt einblenden"
          r"^(allow .{1,30} content\?|accept and continue|allow and continue)$|\bwe ask for your permission before anything is loaded\b|"
          r"\bto (view|show you|see|display) this content,? (we need your (permission|consent)|(please )?(enable|accept|allow))\b|"
          r"^empfohlener (redaktioneller )?inhalt$|^externen? inhalte? (einblenden|anzeigen|laden|zulassen|aktivieren)$|"
          r"\bich bin damit einverstanden, dass mir externe inhalte\b", 60,
          needs=("cookie", "manage ", "content?", "and continue", "permission", "this content", "inhalt")),
    # paywalls and log-in prompts
    _rule("paywall_prompt", PAYWALL,
          r"^(subscribe|sign up|log ?in|register|sign in) (now )?to (continue|read|unlock|access|keep)\b.{0,80}$|"
          r"^already (a subscriber|have an account|registered)\??.{0,40}$|"
          r"^(this|the) (article|story|content) is (only )?(for|available to|reserved for) "
          r"(subscribers|members|premium)\b.{0,60}$|^(become a member|subscribe for|start your free trial)\b.{0,60}$|"
          r"^(jetzt )?(weiterlesen|lesen sie weiter|weiter lesen) mit\b.{0,40}$|"
          r"^((sie haben|du hast) bereits ein(en)? (abo|abonnement|konto|zugang)|bereits (abonnent|abonniert|registriert)(in)?)\??.{0,40}$|"
          r"^(dieser|der) (artikel|beitrag|inhalt) ist (nur )?(für|exklusiv für) (abonnenten|abonnentinnen|abonnent|mitglieder)\b.{0,60}$|"
          r"^(jetzt )?(abo|abonnement) (abschließen|testen|sichern)\b.{0,40}$", 35),
    # "read more" links and teaser labels
    _rule("read_more_link", READ_MORE,
          r"^(read|see|watch|listen)( more| also| next| the full story| full article)\b\s*[:>»›-]?.{0,150}$|"
          r"^(related|more|also read|recommended|further reading|see also)( reading| articles?| posts?| stories| story| links)?\s*:"
          r".{0,150}$|^you (may|might) (also )?(like|enjoy)\s*:.{1,150}$|^(continue|keep) reading\b.{0,40}$|"
          r"^(learn more|find out more)[.!]?$|"
          r"^(lesen sie (auch|mehr)|lies auch|auch interessant|mehr zum thema|siehe auch|zum artikel|hier weiterlesen)\b\s*[:>»›-]?.{0,150}$|"
          r"^(weiterlesen|mehr lesen|mehr erfahren)[.!]?$|^(view|see) all( \w+){0,2}\s*[>›»→]?$|^(alle|mehr) anzeigen\s*[>›»→]?$", 30),
    _rule("advert_label", ADVERT,
          r"^((advertisement|advert)+|ad|sponsored( content)?|promoted( content)?|paid content|anzeige|werbung|publicidad|publicité|"
          r"(advertiser|advertising|affiliate) disclosure|"
          r"(story|article) continues (below|after)( (this )?(advertisement|ad))?|continue reading (below|the main story)|"
          r"advertisement\s*[-–:]\s*scroll to continue|weiter (nach|unter) der (anzeige|werbung)|(der )?(artikel|text) (geht|wird) (nach|unter) der (anzeige|werbung) "
          r"(weiter|fortgesetzt))$|"
          # the label glued to what it labels: "Advertisement - Continue Reading Below", "Advertisement: New AI Book!"
          r"^(advertisement|sponsored|anzeige|werbung)\s*[-–:|]\s*\S.{0,80}$"),
    # a CMS shortcode the template printed instead of running: "[button link=...]Send us ...[/button]"
    _rule("raw_shortcode", SITE_CHROME, r"^\[[a-z_]+( [a-z_-]+=[^\]]*)+\]|\[/[a-z_]+\]$", 40, needs=("[",)),
    # a shop's or a vendor's button: "Book a demo", "Check Price on Amazon", "Download now"
    _rule("call_to_action", ADVERT,
          r"^(book|request|get|schedule|claim)( a| an| your| my)?( free| personal(ised|ized)?)? (demo|quote|consultation|trial|estimate)"
          r"( today| now| here)?[.!]?$|^(get started|start) (today|now)[.!]?$|^(shop|buy|order|download) now[.!]?$|"
          r"^(see|view) (the )?(deal|price|packages|plans|pricing)[.!]?$|^(view|buy|shop|see it) (on|at) \w+$|"
          r"^check (the )?price( on \w+| at \w+( on sale)?|\s*[-–:]\s*\w+)?$|"
          # a shop button: "$75 at Amazon", "Buy now at Example Store", "Get a Quote (212) 555-0100"
          r"^[$€£]\s?\d[\d,.]*\s+(at|on|from) (?-i:[A-Z])\w+(\s\w+){0,2}$|^buy (it )?now (at|on|from) \w+(\s\w+){0,3}$|"
          r"^(get in touch|get a (free )?quote|call (us|now)|contact us)\s*[:-]?\s*\(?\+?\d[\d\s().-]{6,}$|^watch (now|the video|video)[.!]?$", 8),
    # a news app's download pitch: "Get the Example News app!", "CLICK HERE TO GET THE EXAMPLE APP",
    # "Download our app to discover ...", "Jetzt die Example-App herunterladen"
    _rule("app_promo", ADVERT,
          r"^((click|tap) here to )?(get|download|install) (the|our)( free)?( [\w&'’.-]+){0,5} apps?( (now|today|here))?[.!]?$|"
          r"\bdownload (the|our)( free)?( [\w&'’.-]+){0,4} app (to|and|for|now|today)\b|"
          r"^(jetzt )?(die|unsere) [\w&'’.-]{0,30}[- ]?app (jetzt )?(herunterladen|installieren)[.!]?$|"
          r"\blade[nt]? sie (sich )?(jetzt )?(die|unsere) [\w&'’ .-]{0,30}\bapp\b.{0,20}\bherunter\b", 30,
          needs=("app",)),
    # a promotion's call to action on a line of its own: "Get a free quote today!", "Talk to our experts"
    _rule("promo_call", ADVERT,
          r"^(get|try|start|book|schedule|request|contact|download|join|sign[- ]?up|shop|buy|talk to|call|discuss|take)\b"
          r"[^.]{0,40}\b(free|now|today|us|quote|consultation|demo|trial|experts?|step|project)\b[!.]?$", 8),
    _rule("share_click_to", SHARE, r"^(click|tap) to (share|email|print|tweet)\b.{0,60}$|\(opens in (a )?new window\)$", 14),
    _rule("comment_form", COMMENTS,
          r"^(save my name,? e-?mail,? and website\b|notify me (of|via e-?mail)\b|this site uses akismet\b|"
          r"you must be logged in to (post|leave) a comment\b|your e-?mail address will not be published\b|"
          r"(leave|post|write) a (reply|comment|response)\b|(cancel|post) (reply|comment)$|required fields are marked\b)"
          r".{0,120}$", 30),
    # a comment widget's reply link, alone on its line: "Reply", "Reply to Jane Doe" (a name: capitalised)
    _rule("reply_link", COMMENTS, r"^reply( to (?-i:[A-Z][\w.'’-]*)( (?-i:[A-Z][\w.'’-]*)){0,3})?$", 6),
    _rule("caption_trailing_credit", CAPTION,
          r"(\bcredits?|(?-i:(?<=[a-z])Credits?)|\bphoto|\bimage|\bpicture|\bfoto|\bfotó|\bbild)\s*:\s*[^.:;]{2,60}$|^courtesy (of )?[^.]{2,60}$|"
          r"\((image|photo|picture|video) (credit|courtesy|by|source)\s*:?[^()]{2,80}\)$", 60,
          needs=("credit", "photo", "image", "picture", "foto", "fotó", "bild", "courtesy", "video")),
    _rule("newsletter_inbox_pitch", NEWSLETTER,
          r"^(get|receive|have)\b.{0,80}\b(in|to|into) your inbox\b.{0,80}$|^no spam\b.{0,120}$|"
          r"^sign up for (our |the )?(e-?mail |free )?(newsletters?|alerts|updates)\b.{0,60}$|"
          # "The best of Example Times, delivered to your inbox every morning"
          r"\b(delivered|sent)( right| straight| directly)? (to|into) your inbox\b|"
          r"\b(in|direkt in) (ihr|ihrem|dein|deinem) (e-?mail-)?postfach[.!]?$", 30,
          needs=("inbox", "no spam", "sign up", "postfach")),
    _rule("copyright_line", FOOTER,
          r"^(©|\(c\)|copyright\s*(©|\(c\)|\d{4}))|^copyright\s+((?-i:[A-Z])[\w&.'’-]*\s+){1,5}(19|20)\d{2}\b|\ball rights reserved\b|^this (material|document|content) (may not be|cannot be|"
          r"is subject to)\b|^(terms (of (use|service))?|privacy( policy| notice)?)$|"
          r"\balle rechte vorbehalten\b|^(impressum|datenschutz(erklärung|hinweise)?|agb|nutzungsbedingungen)$|"
          # the page's licence: "This work is licensed under a Creative Commons Attribution 4.0 International License."
          r"^this (work|article|story|post|content) is licen[sc]ed under (a|the) creative commons\b", 60,
          needs=("©", "(c)", "copyright", "all rights reserved", "this material", "this document", "this content",
                 "terms", "privacy", "alle rechte", "impressum", "datenschutz", "agb", "nutzungsbedingungen", "creative commons")),
    # a byline's label on a line of its own, its name on the next: "Written by", "Medically reviewed by"
    _rule("byline_label", BYLINE,
          r"^(written|reviewed|edited|fact[- ]checked|medically reviewed|geschrieben|verfasst|redigiert) (by|von):?$", 4),
    # an author box's link to the author's other pieces: "View all posts by Jane Doe", "More by Jane Doe"
    _rule("author_posts_link", AUTHOR_BIO,
          r"^((view|see|read|browse) (all|more)( (posts|articles|stories|entries|columns))?|"
          r"(more|recently|all|latest)( (posts|articles|stories|entries|columns))?) (by|from) "
          r"(this (author|writer)|(?-i:[A-Z])[\w.’'-]+( (?-i:[A-Z])[\w.’'-]+){0,3})\s*[→»›>]?$|"
          r"^(alle|weitere|mehr) (artikel|beiträge|texte) (von|des autors|der autorin)\b.{0,40}$", 10),
    # how to reach or follow the writer, under the article: "Jane Doe may be reached at jdoe@example.com.
    # Follow her on Twitter @jdoe", "Have a tip? ..."
    _rule("author_contact", AUTHOR_BIO,
          r"\b(may|can) be reached at\b|\bfollow (him|her|them) on (twitter|facebook|instagram|x|bluesky|threads|mastodon)\b|"
          r"^(have|got) a (news )?tip\b|\bsie erreichen (den autor|die autorin|die redaktion|ihn|sie) (unter|per)\b|"
          # "Contact staff writer Jane Doe at 212-555-0100 or jdoe@example.org."
          r"^contact (staff writer|reporter|columnist|the (author|writer|reporter)) (?-i:[A-Z])\S*( \S+){0,3} (at|on|via) ", 60,
          needs=("reached", "follow him", "follow her", "follow them", "a tip", "news tip", "sie erreichen", "contact staff", "contact reporter",
                 "contact columnist", "contact the")),
    _rule("post_navigation", SITE_CHROME,
          r"^(previous|next|older|newer)( post| article| story| entry| page)?\s*[:»›>]?$|"
          r"^(previous|next|older|newer) (post|article|story|entry)\s*:\s*\S.{0,150}$|"
          r"^(back to|return to) (the |all |our )?(blogs?|news|posts|articles|stories|home ?page|overview|blog index)$|"
          r"^(blog index|all posts|all articles|all stories)$|"
          r"^(vorherige[rs]?|nächste[rs]?) (artikel|beitrag|seite)\s*[:»›>]?$|^zurück zu(r|m) (übersicht|startseite|blog)$", 20),
    # a short line that names a newsletter, or opens with a call to subscribe, is a sign-up box's
    # (last: a paywall's "Subscribe to continue reading" is claimed by paywall_prompt first)
    # (not a list item, nor a line that introduces what follows: "My newsletter has:")
    _rule("newsletter_mention", NEWSLETTER, _NOT_A_LIST_ITEM + r"(?!.*:$).*\bnewsletters?\b", 12),
    _rule("subscribe_call", NEWSLETTER, r"^(subscribe|sign ?up|abonnieren)\b", 5),
)

# Rules for HTML bodies only: a capture finds these lines by its own structure (a promotion box's
# links under "Don't miss", which claimed as teasers here would no longer show the box).
HTML_LINE_RULES: tuple[LineRule, ...] = (
    # another story's headline with its media tag: "Storm hits the coast [VIDEO]"
    _rule("tagged_teaser", TEASER,
          r"^.{10,200}\s\[(video|videos|photos?|pictures|pics|gallery|insight|reaction|poll|analysis|live|watch|podcast)\]\s*\|?$", 25),
    # A box's plea under or inside the article, in a sentence of its own or among the box's lines:
    # "Stay connected with us!", "... and follow us on Instagram and TikTok to stay up to date."
    _rule("follow_call", SHARE,
          r"^(stay connected|connect|keep in touch) with (us|me)\b.{0,40}$|^follow (us|me)( on social( media)?)?[!.:]?$|"
          r"\bfollow us on (facebook|instagram|twitter|x|tiktok|youtube|linkedin|threads|bluesky|pinterest)\b|"
          r"^join (the|our|my) (facebook|discord|slack|telegram|whatsapp|reddit) (group|community|server|channel)\b.{0,80}$|"
          r"^bleib(en sie)? (mit uns )?in kontakt\b.{0,40}$|\bfolgen sie uns (auf|bei) (facebook|instagram|twitter|x|tiktok|youtube|linkedin|threads|bluesky)\b",
          40, needs=("connect", "touch", "follow us", "follow me", "join the", "join our", "join my", "kontakt", "folgen sie")),
    # "Want more? Sign up for our newsletter, The Selection, and shop smarter." (a sentence too long
    # for newsletter_mention, but naming our/my newsletter or mailing list)
    _rule("newsletter_our", NEWSLETTER,
          r"\b(sign up for|subscribe to|join|get) (our|my) (free )?(weekly |daily |monthly )?(e-?mail )?(newsletters?|mailing list|e-?mail list)\b|"
          r"^(get|receive|stay up to date with) the latest (news|updates|stories|articles|posts)\b.{0,100}$|"
          r"\b(abonnieren sie|abonniere|bestellen sie) (unseren|meinen) (kostenlosen )?newsletter\b", 30,
          needs=("newsletter", "mailing list", "mail list", "the latest")),
    # a sign-up form's consent line: "... and agree to our Terms & Conditions and Privacy Policy."
    _rule("form_consent", NEWSLETTER,
          r"\b(agree|consent) to our (terms|privacy)\b|(^|:\s*)i (hereby )?(agree|consent) (that|to)\b.{0,200}\b(contact|e-?mail|sms|privacy)\b|"
          r"\b(ich stimme|ich willige ein)\b.{0,200}\b(datenschutz|kontakt|e-?mail)", 60,
          needs=("agree to our", "consent to our", "i agree", "i consent", "i hereby", "ich stimme", "ich willige")),
    _rule("paywall_exclusive", PAYWALL,
          r"^(this|the) (article|story|content|post|piece) is (only )?(exclusive(ly)? (to|for)|only available to|available only to) "
          r".{0,40}\b(subscribers|members|premium)\b.{0,40}$", 20),
    # the publisher's plea for support: a donation box, "If you liked this article, please consider sharing..."
    _rule("support_call", ADVERT,
          r"^this (story|article|reporting|journalism|work|post) (is|was) (funded|made possible|supported|paid for) by "
          r"(readers|donors|members|supporters|people) like you\b.{0,80}$|"
          r"^(please )?(consider )?(supporting|support) (our|independent|local|nonprofit) (journalism|reporting|newsroom)\b.{0,120}$|"
          r"^(please )?consider (donating|making a (donation|gift)|becoming a (member|supporter|patron|paid subscriber))\b.{0,120}$|"
          r"\bif you (liked|enjoyed|found value in|appreciated?) this (article|post|piece|story|newsletter|episode),? (please )?"
          r"(consider|share|subscribe|support|follow)\b|^(please )?(help (me|us) )?spread the word\b.{0,80}$|"
          # a newsroom's donation box: "Since you made it to the bottom of this article, we have a small favor to ask."
          r"\b(we have|one) a small favou?r to ask\b|\bplease consider (pitching|chipping) in\b|"
          r"^unterstützen sie (unseren|unabhängigen|lokalen) journalismus\b.{0,120}$", 80,
          needs=("funded", "made possible", "paid for", "support", "consider", "if you", "spread the word", "unterstützen",
                 "favor to ask", "favour to ask")),
    # a page's stamp with its editor: "Last updated March 3, 2025 by Jane Doe." (the name may wrap
    # to the next line, as in a hand-written page's <i>...</i>)
    _rule("updated_by_line", DATELINE,
          rf"^((last )?(updated|modified|edited)|posted|published|(zuletzt )?(aktualisiert|geändert)|veröffentlicht)( on| am)?:? "
          rf"{_WEEKDAY}?{_DATE}(,? {_CLOCK})? (by|von)\b[^.]{{0,60}}\.?$", 16),
    # a recipe blog's rating prompt: "Did you make one of my recipes? Please leave a star rating."
    _rule("rating_call", COMMENTS,
          r"\b(leave|give (it|this recipe)) a (star )?rating\b|\brate (this|the) recipe\b|\b(made|tried|make) (this|one of my|one of our) recipes?\?",
          60, needs=("rating", "rate this recipe", "rate the recipe", "recipe?", "recipes?")),
)

# Rules for text captures only: safe on a whole page's lines, too broad for an article body
# that trafilatura has already cut out of its HTML.
TEXT_LINE_RULES: tuple[LineRule, ...] = (
    # a consent dialog's explanations run long; a line that says "cookie" twice is one
    _rule("cookie_explainer", COOKIE,
          r"^(this|our) (web)?site uses cookies\b|\bcookies?\b.*\bcookies?\b", 400),
)

# Headings that open a block of links to other stories: the body does not continue past them
# (a text capture's max-run search treats them as strong negative evidence).
SECTION_END_HEADING = re.compile(
    r"^\W{0,3}(news ?feed|more news|more stories|latest( news| stories| headlines)?|"
    r"most (read|popular|viewed|shared)( (articles|stories|posts|news)| (in|on|from) .{1,40})?|"
    r"trending( now| stories| news| posts| articles)?|editors'? (picks|choice)|recommended( for you| stories| reading)?|"
    r"related( articles| stories| news| content| posts| coverage| reading)?( and links| from .{1,40})?|you (may|might) (also )?"
    r"(like|enjoy|be interested in( the following)?( topics| articles| posts| stories)?( as well)?)|"
    r"(other )?(related|interesting|recommended|similar) (articles|posts|stories|reads)|more (from|on|in|like this)\b.{0,40}|top stories|popular( now| articles| stories| posts)?|"
    r"also read|recent( posts| articles| stories)|similar( posts| articles| stories)|more (posts|articles)|further reading|see also|what to read next|read next|up next|in other news|"
    r"(latest|top) headlines|don't miss|more to explore|explore (more|further)|around the web|from the web|"
    r"in case you missed it|elsewhere on .{1,40}|"
    r"mehr zum thema|das könnte (sie|dich) (auch )?interessieren|auch interessant|meist ?gelesen(e artikel)?|"
    r"am meisten gelesen|(weitere|ähnliche|verwandte|neueste) (artikel|beiträge|nachrichten|meldungen|themen)|"
    r"empfehlungen( der redaktion)?|top-?themen|mehr (aus|von) .{1,40})\s*(:|\.\.\.|…)?$",
    re.IGNORECASE,
)
# Headings that open a comment thread: the body is over (class COMMENTS).
COMMENTS_HEADING = re.compile(
    r"^(\d+|no|one|two) (responses?|thoughts?|comments?|replies|reactions?) (to|on)\b.{0,200}$|"
    r"^(comments?|discussion( about this (post|article|story))?|reader comments|leave a reply|leave a comment|"
    r"add a comment|join the discussion|(\d+ )?comments?( \(\d+\)| \d+)?|what do you think\??|have your say|"
    r"(\d+ )?(leser)?kommentare?( \(\d+\)| \d+)?|kommentar schreiben|diskutieren sie mit|ihre meinung)\s*:?$",
    re.IGNORECASE,
)
# A table of contents' heading, with the toggle labels templates glue on ("Table of ContentsToggle
# Table of Content", "Table of Contents [hide]"). Group ``named`` is set for the headings that
# name a table of contents (a line "In this guide" also heads a guide's own first section).
TOC_HEADING = re.compile(
    r"^((?P<named>table of contents?|contents|on this page|jump to( section)?|quick (links|navigation)|inhaltsverzeichnis|"
    r"auf dieser seite|"
    r"(article|page) contents)|in this (article|post|guide|story|piece))\s*:?"
    r"(\s*(toggle|show|hide|\[show\]|\[hide\]|open|close|expand|collapse)( table of contents?)?)*\s*$",
    re.IGNORECASE,
)
# An author box heading that says so: "About the author", "Über den Autor", "Sobre el autor".
_AUTHOR_BOX = r"^(?i:(about|über|sobre|à propos de|o autorze|об авторе)\s+(the |den |die |el |la )?(author|writer|autor|autora|autorin|l'auteur)s?)\s*:?$"
AUTHOR_BOX_HEADING = re.compile(_AUTHOR_BOX)
# ... or one that names the author: "About Jane Doe" (a capture's run search only: in an
# article body "About Lisbon" heads a section).
AUTHOR_BIO_HEADING = re.compile(
    _AUTHOR_BOX + r"|^(?i:about|über|sobre)\s+[A-Z\u00c0-\u024f][\w.'’-]+(\s+[A-Z\u00c0-\u024f][\w.'’-]+){0,3}\s*$",
)
# A line that is only a date or time, maybe with a weekday and a label: a story list's stamp.
STAMP_DATE = re.compile(
    rf"^((published|updated|posted|modified)( on| at)?:?\s+)?((mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"({_DATE}|{_CLOCK}|{_AGO})((,|\s+at|\s+-|\s+\|)?\s*({_CLOCK}|{_DATE}))?$",
    re.IGNORECASE,
)
# A feed item's time stamp on a line of its own: "5:15 AM", "3 hours ago".
FEED_TIMESTAMP = re.compile(rf"^({_CLOCK}|{_AGO}|{_DATE},?\s+{_CLOCK}|{_CLOCK},?\s+{_DATE})$", re.IGNORECASE)

# Structural rules applied by pipeline.extract.text (name -> noise class): ``Line.mark`` takes
# the class from here, and refuses a name missing here.
STRUCTURAL_RULES: dict[str, str] = {
    "teaser_headline_with_lede": TEASER,  # a link headline glued to a one-paragraph lede
    "read_more_headline": TEASER,  # another story's headline glued under a "Read also" label
    "feed_item_after_timestamp": NEWS_FEED,  # lines that follow a feed time stamp
    "feed_timestamp": NEWS_FEED,
    "section_end_heading": NEWS_FEED,
    "inline_box": TEASER,  # a section-end heading over a few links, with the body resuming after it
    "comments_heading": COMMENTS,  # "12 thoughts on ...", "Leave a Reply": the body is over
    "author_bio_heading": AUTHOR_BIO,
    "author_box": AUTHOR_BIO,  # the lines under an author box's heading at the end of an HTML body
    "item_list": TEASER,  # a list of stories: titles between repeated dates or bylines
    "caption_label": CAPTION,  # a short label line glued to a caption line
    "table_of_contents": SITE_CHROME,  # its heading, and entries that come back below as subheadings
    "outside_main_run": FURNITURE,  # not in the main run of prose and claimed by no rule
    "short_non_prose": FURNITURE,
    "line_model": FURNITURE,  # a line the rules kept and the text line model drops
    "block_model": FURNITURE,  # an HTML block the rules kept and the block model drops
    "repeated_paragraph": DUPLICATE,
    "restarted_copy": DUPLICATE,  # the text again from the top: a template's second copy
    "site_name_line": SITE_CHROME,
    "headline": HEADLINE,
    "standfirst": STANDFIRST,
    "byline": BYLINE,
}


def match_line_rule(line: str, extra: tuple[LineRule, ...] = ()) -> LineRule | None:
    """The first rule that claims ``line`` as noise, or ``None`` for a line no rule claims.

    ``extra`` rules (``TEXT_LINE_RULES`` for text captures, ``HTML_LINE_RULES`` for HTML bodies) are
    tried after ``LINE_RULES``.
    """
    words = len(line.split())
    plan = _PLANS.get((id(extra), words))
    if plan is None or plan.extra is not extra:
        plan = _plan(extra, words)
    first = line[:1]
    steps = plan.by_first.get(first)
    if steps is None:
        steps = plan.steps_for(first)
    lowered: str | None = None
    exotic: bool | None = None
    # Plain loops: this runs for every rule on every line of every page (any() over a generator
    # cost more than the substring tests it skips).
    for literals, needs, search, rule in steps:
        if literals is not None:
            if lowered is None:
                lowered = line.lower()
            if exotic is None:
                exotic = _EXOTIC_CASE.search(line) is not None
            if not exotic:
                for literal in literals:
                    if literal in lowered:
                        break
                else:
                    continue
        if needs:
            if lowered is None:
                lowered = line.lower()
            for literal in needs:
                if literal in lowered:
                    break
            else:
                continue
        if search(line):
            return rule
    return None


# Gates that skip a rule's search when it cannot match, derived from its pattern (not written by
# hand, so they cannot drift from it): same answers as searching every rule, in 0.77 of the time
# over the dev pages' lines (most lines are prose that no rule claims, and Python's ``re`` tries
# every alternative of an alternation one by one). For a pattern anchored at the line's start,
# the characters its match can begin with (``_StartChars``: one ``fullmatch`` per rule and
# distinct first character, so the case-folding is ``re``'s own); for one that is not, and has
# no ``needs``, literals of which every match holds one (``_required_literals``), looked up in
# the lower-cased line unless the line holds one of the four characters that ``re.IGNORECASE``
# matches to an ASCII letter but ``str.lower`` does not map to it (İ ı ſ K).
# tests/unit/extract/test_rule_gates.py checks both against plain searches.
_EXOTIC_CASE = re.compile("[\u0130\u0131\u017f\u212a]")
_CATEGORIES = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
               _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)  # ignored: a gate may let more through, never less


class _Unknown(Exception):
    """A pattern part the analysis does not follow: that rule gets no gate."""


class _StartChars(dict):
    """First character of a line -> whether the rule's match can begin with it."""

    def __init__(self, first_char: re.Pattern[str]):
        super().__init__()
        self.first_char = first_char

    def __missing__(self, first: str) -> bool:
        if len(self) >= _Plan.MAX_FIRST_CHARS:
            self.clear()
        can = self[first] = first != "" and self.first_char.fullmatch(first) is not None
        return can


def _first_chars(items: list) -> tuple[list[str], bool]:
    """Character classes (regex source) that the first consumed character of ``items`` falls in,
    and whether ``items`` can match without consuming any."""
    found: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            return found + [re.escape(chr(av))], False
        if op is _sre.NOT_LITERAL:
            return found + ["[^" + re.escape(chr(av)) + "]"], False
        if op is _sre.IN:
            parts = []
            for item_op, item in av:
                if item_op is _sre.NEGATE:
                    parts.append("^")
                elif item_op is _sre.LITERAL:
                    parts.append(re.escape(chr(item)))
                elif item_op is _sre.RANGE:
                    parts.append(re.escape(chr(item[0])) + "-" + re.escape(chr(item[1])))
                elif item_op is _sre.CATEGORY and item in _CATEGORIES:
                    parts.append(_CATEGORIES[item])
                else:
                    raise _Unknown(item_op)
            return found + ["[" + "".join(parts) + "]"], False
        if op in _ZERO_WIDTH:
            continue
        if op is _sre.SUBPATTERN:
            chars, empty = _first_chars(av[3])
        elif op is _sre.BRANCH:
            chars, empty = [], False
            for alternative in av[1]:
                more, can_be_empty = _first_chars(alternative)
                chars, empty = chars + more, empty or can_be_empty
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            chars, empty = _first_chars(av[2])
            empty = empty or av[0] == 0
        else:
            raise _Unknown(op)
        found += chars
        if not empty:
            return found, False
    return found, True


def _start_gate(pattern: re.Pattern[str]) -> _StartChars | None:
    items = _sre_parse.parse(pattern.pattern, pattern.flags).data
    at_start = (_sre.AT, _sre.AT_BEGINNING)
    anchored = bool(items) and (items[0] == at_start or (
        items[0][0] is _sre.BRANCH and all(a.data and a.data[0] == at_start for a in items[0][1][1])))
    if not anchored:
        return None
    try:
        chars, empty = _first_chars(items)
    except _Unknown:
        return None
    # IGNORECASE whatever the pattern says: a part that sets its own case rule, (?i:...) or
    # (?-i:...), is then taken in its widest reading (a gate may let more through, never less)
    return None if empty or not chars else _StartChars(re.compile("|".join(chars), pattern.flags | re.IGNORECASE))


def _required_literals(items: list) -> set[str] | None:
    """Lower-case ASCII literals of which every match of ``items`` holds one, or ``None``."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        found = None
        if op is _sre.SUBPATTERN:
            found = _required_literals(av[3])
        elif op is _sre.BRANCH:
            alternatives = [_required_literals(a) for a in av[1]]
            if all(alternatives):
                found = set().union(*alternatives)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:
            found = _required_literals(av[2])
        if found:
            candidates.append(found)
    if run:
        candidates.append({"".join(run)})
    candidates = [c for c in candidates if all(literal.isascii() for literal in c)]
    if not candidates:
        return None
    # the set whose shortest literal is longest: the rarest in prose
    return {literal.lower() for literal in max(candidates, key=lambda c: (min(map(len, c)), -len(c)))}


def _literal_gate(rule: LineRule) -> tuple[str, ...] | None:
    if rule.needs:  # the rule's own gate
        return None
    literals = _required_literals(_sre_parse.parse(rule.pattern.pattern, rule.pattern.flags).data)
    return tuple(sorted(literals)) if literals else None


_GATES: dict[LineRule, tuple[_StartChars | None, tuple[str, ...] | None]] = {}


def _gates(rule: LineRule) -> tuple[_StartChars | None, tuple[str, ...] | None]:
    start = _start_gate(rule.pattern)
    gates = _GATES[rule] = (start, None if start is not None else _literal_gate(rule))
    return gates


def derive_gates() -> None:
    """Derive every declared rule's gates now (the forkserver does, for its workers), not on first use."""
    for rule in LINE_RULES + HTML_LINE_RULES + TEXT_LINE_RULES:
        if rule not in _GATES:
            _gates(rule)


class _Plan:
    """The rules a line of one word count is tried against, in order, with their gates, for one
    ``extra`` tuple (held, so that its id, the key, is not reused), and per first character the
    steps its start gates let through."""

    MAX_FIRST_CHARS = 512  # a page in a script of thousands of letters starts its lines with many

    def __init__(self, extra: tuple[LineRule, ...], words: int):
        self.extra = extra
        self.by_first: dict[str, tuple] = {}
        self.gated = []
        for rule in LINE_RULES + extra:
            if words > rule.max_words:
                continue
            gates = _GATES.get(rule) or _gates(rule)
            self.gated.append((gates[0], (gates[1], rule.needs, rule.pattern.search, rule)))

    def steps_for(self, first: str) -> tuple:
        if len(self.by_first) >= self.MAX_FIRST_CHARS:
            self.by_first.clear()
        steps = self.by_first[first] = tuple(step for start, step in self.gated if start is None or start[first])
        return steps


_PLANS: dict[tuple[int, int], _Plan] = {}


def _plan(extra: tuple[LineRule, ...], words: int) -> _Plan:
    if len(_PLANS) > 4096:  # a caller that passes a new tuple each time
        _PLANS.clear()
    plan = _PLANS[(id(extra), words)] = _Plan(extra, words)
    return plan
