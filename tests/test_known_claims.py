"""The analyst's stored claims found again in new sentences (`reader.nlp.known_claims`)."""

from __future__ import annotations

from reader.nlp.known_claims import KnownClaims, known_record
from tests.claimhelpers import claim_with

SENTENCE = ("Intelligence from the U.S., South Korea, and Ukraine estimates that North Korea has "
            "sent around 10,000 to 12,000 troops to Russia.")
QUOTE = "North Korea has sent around 10,000 to 12,000 troops to Russia"


def claim(quote: str, **fields: object) -> dict[str, object]:
    return {"quote": quote, "label": "statistic", "verdict": "false", "title": "Earlier",
            "article_id": "a1", "start": 0, "end": len(quote), **fields}


def test_a_marked_clause_is_found_inside_a_longer_sentence() -> None:
    known = KnownClaims([claim(QUOTE), claim("The weather in Seoul was mild on Monday")])
    found = known.find(SENTENCE)
    assert found is not None and found.quote == QUOTE and found.verdict == "false"


def test_the_same_sentence_in_other_words_order_or_unrelated() -> None:
    known = KnownClaims([claim(SENTENCE)])
    assert known.find("Intelligence from South Korea, the U.S. and Ukraine estimates that "
                      "North Korea has sent around 10,000 to 12,000 troops to Russia.")
    assert known.find("Kim Jong Un is using the Russia-Ukraine war to strengthen defence and "
                      "economic ties with Russia.") is None
    assert known.find("The U.S. government revealed on Thursday that approximately 8,000 "
                      "North Korean soldiers are near Ukraine's border in Russia.") is None


def test_short_quotes_and_generic_fragments_are_not_matched() -> None:
    known = KnownClaims([claim("10,000 troops"), claim("North Korea")])
    assert len(known) == 0  # fewer than four words: would match too much
    fragment = KnownClaims([claim("according to the statement")])
    assert fragment.find("According to the statement, both officials agreed to collaborate "
                         "with the international community to prevent security cooperation "
                         "between Russia and North Korea.") is None


def test_a_claims_own_sentence_is_not_a_repeat_of_it() -> None:
    start = 200
    known = KnownClaims([claim(QUOTE, article_id="a1", start=start, end=start + len(QUOTE))])
    # the sentence the claim was marked in
    assert known.find(SENTENCE, "a1", start - 60, start + len(QUOTE) + 1) is None
    # the same words elsewhere in that article, or in another article, are a repeat
    assert known.find(SENTENCE, "a1", 900, 1000) is not None
    assert known.find(SENTENCE, "a2", start - 60, start + len(QUOTE) + 1) is not None


def test_known_record_keeps_what_the_suggester_needs() -> None:
    stored = claim_with(id="c-1", quote=QUOTE, label="statistic", verdict="false",
                        article_id="a1", start=0, end=len(QUOTE), note="private", tags=["x"],
                        updated="2026-11-28T08:00:00Z")
    record = known_record(stored, "The title")
    assert record == {"id": "c-1", "quote": QUOTE, "label": "statistic", "verdict": "false",
                      "article_id": "a1", "start": 0, "end": len(QUOTE), "title": "The title",
                      "updated": "2026-11-28T08:00:00Z"}
    assert KnownClaims([{"quote": None}, {"quote": 5}, {}]).claims == []


def test_the_same_claim_with_other_words_around_it() -> None:
    """Eight words in a row shared: the same claim, attributed differently."""
    known = KnownClaims([claim(SENTENCE)])
    assert known.find("Seoul said on Friday that North Korea has sent around 10,000 to 12,000 "
                      "troops to Russia.") is not None


def test_a_known_claim_describes_itself_for_a_note() -> None:
    [known] = KnownClaims([claim(QUOTE, id="c-1")]).claims
    assert known.describe() == (f"claim c-1 in \u201cEarlier\u201d (verdict: false): "
                                f"\u201c{QUOTE}\u201d")
    [plain] = KnownClaims([{"quote": QUOTE, "verdict": "unverified"}]).claims
    assert plain.describe() == f"claim: \u201c{QUOTE}\u201d"


def test_most_recent_keeps_the_latest_changed_claims() -> None:
    from reader.nlp.known_claims import most_recent

    records = [known_record(claim_with(quote=QUOTE, id=f"c{i}",
                                       updated=f"2026-11-{10 + i:02d}T00:00:00Z"), "T")
               for i in range(5)]
    kept = most_recent(records, limit=2)
    assert [r["id"] for r in kept] == ["c4", "c3"]
    assert all("updated" not in r for r in kept)


def test_six_words_in_a_row_with_a_number_are_the_same_claim() -> None:
    minister = "The finance minister said unemployment fell to 3 percent in 2023."
    known = KnownClaims([claim(minister)])
    assert known.find("A spokesman said that unemployment fell to 3 percent in 2023.")
    assert known.find("A spokesman said that unemployment fell sharply in the spring.") is None


def test_a_judged_claim_is_named_before_an_unverified_closer_one() -> None:
    """Two stored claims match: the one with a verdict is the one named, though the other is
    closer in wording (the analyst wants to see the checked one)."""
    sentence = "North Korea has sent around 10,000 to 12,000 troops to Russia, Seoul said."
    known = KnownClaims([
        claim("North Korea has sent around 10,000 to 12,000 troops to Russia, Seoul said",
              verdict="unverified", id="close"),
        claim(QUOTE, verdict="false", id="judged"),
    ])
    found = known.find(sentence)
    assert found is not None and found.claim_id == "judged"
