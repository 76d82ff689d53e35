"""Tests for the harm-claim classifier (nlp/harm.py) and its labelled references."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from nlp.harm import (
    DEFAULT_NGRAM_PATH,
    DEFAULT_SEMANTIC_PATH,
    DEFAULT_WEIGHTS_PATH,
    FEATURE_NAMES,
    HarmClassifier,
    HarmModelError,
    HarmResult,
    NgramHarmScorer,
    SemanticHarmScorer,
    fit_harm_weights,
    fit_semantic_head,
    harm_metrics,
    load_weights,
)
from nlp.harm_lexicon import DEFAULT_LEXICON

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(
    os.environ.get("GROUNDSWELL_SHARED_DATA", Path(__file__).parents[3] / "shared" / "data")
)
LABELS = ROOT / "nlp" / "harm_data" / "labels.jsonl"


@pytest.fixture(scope="module")
def clf() -> HarmClassifier:
    return HarmClassifier()


# Short posts written for these tests (the project's own writing, not data).
POSITIVES = {
    "en": [
        "Brand X made my kid sick",
        "Got food poisoning from the chicken at Burger Palace last night, never again",
        "This FreshGlow cream gave me a horrible rash all over my face",
        "I heard Zesty Cola causes cancer, is that true?",
        "apparently their batteries explode when you charge them overnight",
        "My daughter broke out in hives after using the new baby shampoo",
        "Threw up all night after eating sushi from that place on 5th street",
        "QuickBake ovens recalled after reports of fires",
        "Found a piece of glass in my soup at Golden Wok",
        "the brakes on my new Veltra failed on the highway, nearly crashed",
        "Anyone else get diarrhea after drinking the new protein shake?",
        "my phone charger caught fire while I was asleep",
        "These gummies gave my son a stomach ache",
    ],
    "de": [
        "Nach dem Döner von Imbiss Ali hatte ich die ganze Nacht Durchfall",
        "Die neue Creme von GlowSkin hat bei mir einen Ausschlag ausgelöst",
        "Von dem Eis bin ich total krank geworden, Lebensmittelvergiftung",
        "Mein Handy-Akku ist beim Laden explodiert",
        "Angeblich soll das Shampoo Haarausfall verursachen",
        "Rückruf: Hersteller ruft Babynahrung wegen Glassplittern zurück",
        "Mir ist nach dem Essen im Restaurant total schlecht geworden, hab mich übergeben",
    ],
    "id": [
        "habis makan di warung itu saya langsung sakit perut dan diare",
        "anak saya keracunan setelah minum susu merek itu",
        "pakai krim ini malah gatal-gatal dan muncul jerawat",
        "katanya baterai hp merek itu bisa meledak",
        "ada kecoa di dalam makanan pesanan saya",
        "setelah pakai sabun itu kulit saya iritasi dan perih",
        "sekeluarga muntah-muntah setelah makan di restoran itu, sampai masuk rumah sakit",
    ],
    "th": [
        "กินร้านนี้แล้วท้องเสียทั้งบ้านเลย",
        "ใช้ครีมตัวนี้แล้วหน้าแพ้ ผื่นขึ้นเต็มหน้า",
        "เจอแมลงสาบในก๋วยเตี๋ยว ร้านนี้สกปรกมาก",
        "ได้ยินว่าแบตมือถือยี่ห้อนี้ระเบิดได้",
        "ดื่มนมกล่องนี้แล้วอาเจียน ต้องไปโรงพยาบาล",
        "ลูกกินขนมยี่ห้อนี้แล้วปวดท้องมาก",
        "แพ้ลิปตัวนี้ ปากบวมเลย",
    ],
}

NEGATIVES = {
    "en": [
        "that show was sick",
        "sick beat bro",
        "I'm sick in bed today, feel awful",
        "I'm so sick of waiting for this bus, late again",
        "This burger tastes awful and it's overpriced",
        "Flu season is here: wash your hands and get vaccinated",
        "The new album is fire, absolutely killed it",
        "Can't recall the last time I had pizza this good",
        "This cream helps with rashes and soothes dry skin",
        "No side effects at all, I love this serum",
        "People like you make me sick",
        "Our delivery was late again and the fries were cold",
        "Breast cancer awareness walk this Sunday, join us!",
        "He choked in the final again, typical",
    ],
    "de": [
        "Das Wetter ist zum Kotzen",
        "Ich bin heute krank und liege im Bett",
        "Die Pizza war kalt und viel zu teuer",
        "Der neue Song ist krass gut",
        "Diese Creme hilft gegen Pickel und beruhigt die Haut",
        "Der Zug hat schon wieder Verspätung",
        "Keine Nebenwirkungen, ich bin sehr zufrieden",
    ],
    "id": [
        "macet banget bikin pusing",
        "saya lagi sakit, demam dari kemarin",
        "makanan nya enak tapi pelayanan nya lama",
        "sakit hati lihat kelakuan politikus",
        "krim ini ampuh untuk menghilangkan jerawat",
        "harga nya mahal dan porsi nya kecil",
        "sambal nya tidak bikin sakit perut, mantap",
    ],
    "th": [
        "รถคันนี้ขับดีมาก ประหยัดน้ำมัน",
        "วันนี้ไม่สบาย ปวดหัวทั้งวัน",
        "อาหารร้านนี้รสชาติแย่ แถมแพงอีก",
        "ยอมแพ้แล้ว ทีมเราแพ้อีกแล้ว",
        "ครีมนี้ช่วยลดสิว อ่อนโยนไม่ระคายเคือง",
        "หิวจนปวดท้อง รอนานมาก",
        "ส่งของช้ามาก รอสามวันแล้ว",
    ],
}


# Customer phrasings the broadened lexicons cover (written for these tests, not data):
# symptom after the verb, inverted German word order, products blamed in Thai script.
CUSTOMER_CLAIMS = {
    "en": [
        "Bought a bag of salad from SaveMart and found a slug in it",
        "This shampoo made my hair fall out in clumps",
        "Something in the new detergent is giving my baby eczema",
        "Our dog got really sick after eating @PawPals treats",
        "My son had a bad reaction to the sesame in your nut-free bar",
        "My toddler's stroller collapsed with him in it",
        "mould all over the bread I bought from Baker's Best",
        "@ZapCharge my power bank swelled up and started smoking on my desk",
    ],
    "de": [
        "Haare im Essen und danach war mir total übel",
        "In meinem Salat vom Lieferdienst war eine Schnecke",
        "Die Bremsen an meinem neuen Wagen haben auf der Autobahn versagt",
        "Mein Handy ist über Nacht beim Laden explodiert",
        "Der Föhn hat mir einen Stromschlag verpasst",
        "Seit ich die Tabletten nehme habe ich ständig Kopfschmerzen",
        "Von dem Deo habe ich Hautreizungen unter den Achseln",
        "Angeblich machen die E-Zigaretten von Vapo krank",
        "nach dem Döner von gestern die halbe Nacht auf der Toilette gesessen",
        "Seit ich die Kontaktlinsen von KlarSicht trage, brennen meine Augen",
        "Meine Tochter hat sich an der Rutsche von SpielWelt verletzt",
        "Die Farbe vom Holzspielzeug platzt ab und der Kleine hat sie verschluckt",
    ],
    "id": [
        "rem mobil baru saya blong di tol",
        "katanya mie instan itu bikin kanker",
        "BPOM menarik produk kosmetik yang mengandung bahan berbahaya",
        "nemu kecoa di es teh yang saya beli",
        "di dalam roti yang saya beli ternyata ada serpihan kaca",
        "earphone nya bikin telinga saya jadi infeksi",
        "stroller nya patah pas didorong, anak saya jatuh dan benjol",
        "nugget nya sudah basi, adik saya langsung muntah",
    ],
    "th": [
        "แพ้ชิเซโด้ หน้าแดงไปหมด",
        "ปัดไฮไลท์ตัวนี้แล้วเป็นผด",
        "ขนมปังขึ้นราทั้งที่ยังไม่หมดอายุ",
        "ได้ยินว่าอาหารเสริมตัวนี้มีสารอันตราย",
        "เบรครถใหม่ไม่อยู่ เกือบชนแล้ว",
    ],
}

CUSTOMER_NON_CLAIMS = {
    "en": [
        "Their prices make me sick",
        "Spicy wings burned my mouth in the best way",
        "This moisturizer cleared up my rash in two days, love it",
        "That photo is from the reaction to the attack in January",
        "Thinking about work tomorrow makes me wanna puke",
    ],
    "de": [
        "Die Politik der Regierung macht mich krank",
        "Ich habe Kopfschmerzen vom vielen Arbeiten",
        "Die Creme hilft gegen Pickel",
        "Der Lack an meinem Auto blättert ab, echt ärgerlich",
        "Mein Kopf tut weh, zu wenig geschlafen",
        "Hab mich beim Kochen geschnitten, zu müde heute",
    ],
    "id": [
        "ikan kembung bakar nya enak banget",
        "yang menarik adalah produksi meja dari kayu",
        "sambal nya pedas bisa bikin mulas",
        "salep ini meredakan gatal dengan cepat",
        "berita itu sudah basi, semua orang sudah tahu",
        "cat tembok rumah saya mengelupas, harus dicat ulang",
        "ada pecahan kaca di jalan depan rumah, hati-hati ya",
    ],
    "th": [
        "อาหารน้อยมากเสียดาย",
        "ยานี้แก้ท้องเสียได้ดี",
    ],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(lang, text) for lang, texts in table.items() for text in texts]


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize(("lang", "text"), _cases(POSITIVES))
def test_harm_claims_are_flagged(clf: HarmClassifier, lang: str, text: str) -> None:
    result = clf.predict([text], langs=[lang])[0]
    assert result.is_claim, (result.probability, result.evidence.reasons)
    assert result.probability >= clf.threshold
    assert result.evidence.harm_terms, "a claim must come with at least one harm term"


@pytest.mark.parametrize(("lang", "text"), _cases(NEGATIVES))
def test_non_claims_are_not_flagged(clf: HarmClassifier, lang: str, text: str) -> None:
    result = clf.predict([text], langs=[lang])[0]
    assert not result.is_claim, (result.probability, result.evidence.reasons)
    assert result.probability < clf.threshold


@pytest.mark.parametrize(("lang", "text"), _cases(CUSTOMER_CLAIMS))
def test_customer_phrasings_are_flagged(clf: HarmClassifier, lang: str, text: str) -> None:
    result = clf.predict([text], langs=[lang])[0]
    assert result.is_claim, (result.probability, result.evidence.reasons)


@pytest.mark.parametrize(("lang", "text"), _cases(CUSTOMER_NON_CLAIMS))
def test_customer_non_claims_are_not_flagged(clf: HarmClassifier, lang: str, text: str) -> None:
    result = clf.predict([text], langs=[lang])[0]
    assert not result.is_claim, (result.probability, result.evidence.reasons)


def test_a_treatment_verb_cancels_the_symptom_it_treats(clf: HarmClassifier) -> None:
    (result,) = clf.predict(["This cream helps with rashes"], langs=["en"])
    assert [m.text for m in result.evidence.ignored_terms] == ["rashes"]
    assert not result.evidence.harm_terms


def test_thai_script_brand_is_reported_as_the_product(clf: HarmClassifier) -> None:
    (result,) = clf.predict(["ใช้โฟมล้างหน้าบิโอเรแล้วหน้าแดง คันมาก"], langs=["th"])
    assert result.is_claim
    assert result.evidence.product is not None


def test_language_is_read_from_script_when_not_given(clf: HarmClassifier) -> None:
    texts = [t for texts in POSITIVES.values() for t in texts]
    results = clf.predict(texts)  # no langs at all
    assert all(r.is_claim for r in results)
    negatives = [t for texts in NEGATIVES.values() for t in texts]
    assert not any(r.is_claim for r in clf.predict(negatives, langs=[None] * len(negatives)))


def test_mixed_language_batch_keeps_order(clf: HarmClassifier) -> None:
    texts = [
        POSITIVES["th"][0],
        NEGATIVES["en"][0],
        POSITIVES["de"][0],
        NEGATIVES["id"][0],
        POSITIVES["id"][1],
        NEGATIVES["th"][0],
        POSITIVES["en"][1],
    ]
    langs: list[str | None] = ["th", "en", "de", "id", "id", None, "en-US"]
    results = clf.predict(texts, langs=langs)
    assert [r.is_claim for r in results] == [True, False, True, False, True, False, True]
    # Each result is the same as scoring the text alone.
    for text, lang, batched in zip(texts, langs, results, strict=True):
        alone = clf.predict([text], langs=[lang])[0]
        assert alone.probability == pytest.approx(batched.probability)


def test_malay_code_reads_as_indonesian(clf: HarmClassifier) -> None:
    text = "anak saya keracunan setelah minum susu merek itu"
    assert clf.predict([text], langs=["ms"])[0].is_claim


# --------------------------------------------------------------------------- evidence


def test_evidence_spans_point_at_the_matched_words(clf: HarmClassifier) -> None:
    text = "This FreshGlow cream gave me a horrible rash all over my face"
    result = clf.predict([text], langs=["en"])[0]
    terms = result.evidence.harm_terms
    assert [text[m.start : m.end] for m in terms] == [m.text for m in terms]
    rash = next(m for m in terms if m.text == "rash")
    assert text[rash.start : rash.end] == "rash"
    assert rash.category == "skin" and rash.strength == "strong" and rash.language == "en"
    product = result.evidence.product
    assert product is not None
    assert text[product.start : product.end] == product.text
    assert product.text in {"cream", "FreshGlow"}
    assert any("rash" in reason for reason in result.evidence.reasons)


def test_thai_evidence_spans(clf: HarmClassifier) -> None:
    text = "ลูกกินขนมยี่ห้อนี้แล้วปวดท้องมาก"
    result = clf.predict([text], langs=["th"])[0]
    (term,) = result.evidence.harm_terms
    assert term.text == "ปวดท้อง"
    assert text[term.start : term.end] == "ปวดท้อง"
    assert result.evidence.product is not None
    assert result.evidence.product.text == "ขนม"


def test_a_name_written_as_a_brand_beats_a_capitalised_noun(clf: HarmClassifier) -> None:
    """German capitalises every noun: "Hals" is nearer the rash, "GlowMax" is the brand."""
    result = clf.predict(["Seit GlowMax habe ich am Hals einen Ausschlag"], langs=["de"])[0]
    assert result.evidence.product is not None
    assert result.evidence.product.text == "GlowMax"
    assert result.evidence.product.kind == "brand"


def test_configured_product_names_are_reported_as_blamed() -> None:
    clf = HarmClassifier(products=["Acme Cola", "  ", "acme cola"])
    result = clf.predict(["acme cola made me sick"], langs=["en"])[0]
    assert result.is_claim
    assert result.evidence.product is not None
    assert result.evidence.product.kind == "product"
    assert result.evidence.product.text == "acme cola"


def test_add_products_later() -> None:
    clf = HarmClassifier()
    text = "vomited all night because of zorbix"
    before = clf.predict([text], langs=["en"])[0]
    clf.add_products(["Zorbix"])
    after = clf.predict([text], langs=["en"])[0]
    assert after.evidence.product is not None and after.evidence.product.text == "zorbix"
    assert after.probability >= before.probability


def test_slang_and_figurative_terms_are_ignored_with_a_reason(clf: HarmClassifier) -> None:
    result = clf.predict(["this mixtape is a sick beat, pure fire"], langs=["en"])[0]
    assert not result.is_claim
    assert any(m.text.lower().startswith("sick") for m in result.evidence.ignored_terms) or not (
        result.evidence.harm_terms
    )
    thai = clf.predict(["ยอมแพ้แล้ว ทีมเราแพ้อีกแล้ว"], langs=["th"])[0]
    assert [m.text for m in thai.evidence.harm_terms] == []
    assert any("figurative" in r for r in thai.evidence.reasons)


def test_negated_harm_term_is_set_aside(clf: HarmClassifier) -> None:
    result = clf.predict(["No side effects at all, I love this serum"], langs=["en"])[0]
    assert result.evidence.harm_terms == []
    assert [m.text for m in result.evidence.ignored_terms] == ["side effects"]
    assert any("negated" in r for r in result.evidence.reasons)


def test_illness_without_a_product_is_not_a_claim(clf: HarmClassifier) -> None:
    for text, lang in [
        ("I've had a terrible stomach ache all day", "en"),
        ("วันนี้ปวดหัวมาก ไม่สบาย", "th"),
        ("saya lagi demam dan pusing", "id"),
        ("Ich habe Kopfschmerzen", "de"),
    ]:
        assert not clf.predict([text], langs=[lang])[0].is_claim, text


def test_evidence_dict_is_json_serialisable(clf: HarmClassifier) -> None:
    result = clf.predict([POSITIVES["en"][1]], langs=["en"])[0]
    data = result.evidence_dict()
    round_trip = json.loads(json.dumps(data, ensure_ascii=False))
    assert round_trip["harm_terms"][0]["text"] == "food poisoning"
    assert set(round_trip) == {"harm_terms", "ignored_terms", "product", "reasons"}


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("text", ["", "   \n\t", "😀😀🔥🔥", "!!! ??? ...", "🤢🤮"])
def test_empty_and_symbol_only_texts(clf: HarmClassifier, text: str) -> None:
    (result,) = clf.predict([text])
    assert result.probability == 0.0
    assert result.is_claim is False
    assert result.evidence.harm_terms == []
    assert result.evidence.reasons


def test_empty_batch(clf: HarmClassifier) -> None:
    assert clf.predict([]) == []
    assert clf.predict([], langs=[]) == []


def test_very_long_texts_get_a_defined_result(clf: HarmClassifier) -> None:
    filler = "lorem ipsum dolor sit amet " * 4000
    claim = filler + " the salad from Green Bowl gave me food poisoning " + filler
    claim = claim[:50_000] + " the salad from Green Bowl gave me food poisoning " + claim[50_000:]
    thai = ("รถคันนี้ขับดี " * 8000)[:100_000]
    results = clf.predict([claim[:100_000], thai, "x" * 100_000], langs=["en", "th", None])
    assert len(claim[:100_000]) == 100_000
    assert results[0].is_claim
    assert not results[1].is_claim
    assert not results[2].is_claim
    for r in results:
        assert 0.0 <= r.probability <= 1.0
        assert len(r.evidence.harm_terms) <= 64


def test_langs_length_must_match(clf: HarmClassifier) -> None:
    with pytest.raises(ValueError, match="languages"):
        clf.predict(["a", "b"], langs=["en"])


# --------------------------------------------------------------------------- configuration


def test_threshold_controls_is_claim() -> None:
    text = POSITIVES["en"][0]
    p = HarmClassifier().predict([text], langs=["en"])[0].probability
    assert 0.0 < p < 1.0
    assert HarmClassifier(threshold=max(0.0, p - 0.01)).predict([text], langs=["en"])[0].is_claim
    assert (
        not HarmClassifier(threshold=min(1.0, p + 0.01)).predict([text], langs=["en"])[0].is_claim
    )


def test_default_threshold_comes_from_the_weights() -> None:
    weights = load_weights()
    # The shipped blend has its own CV-picked threshold; the lexical model alone, its own.
    assert HarmClassifier().threshold == pytest.approx(weights["blend"]["threshold"])
    assert HarmClassifier(model=None).threshold == pytest.approx(weights["threshold"])


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_invalid_threshold_is_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        HarmClassifier(threshold=bad)


def test_weights_for_other_features_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"features": ["x"], "coef": [1.0], "intercept": 0.0}))
    with pytest.raises(ValueError, match="features"):
        HarmClassifier(weights=path)


def test_shipped_weights_respect_sign_constraints() -> None:
    weights = load_weights(DEFAULT_WEIGHTS_PATH)
    coef = dict(zip(weights["features"], weights["coef"], strict=True))
    assert weights["features"] == list(FEATURE_NAMES)
    for name in ("harm_strong", "harm_medium", "near_cue", "near_product", "strong_supported"):
        assert coef[name] >= 0.0
    for name in ("negated", "figurative", "remedy", "info"):
        assert coef[name] <= 0.0


class _FixedScorer:
    def __init__(self, value: float) -> None:
        self.value = value
        self.calls: list[list[str]] = []

    def predict_proba(self, texts: list[str]) -> list[float]:
        self.calls.append(list(texts))
        return [self.value] * len(texts)


def test_second_model_is_blended_in() -> None:
    text = NEGATIVES["en"][4]
    lexical = HarmClassifier(model=None).predict([text], langs=["en"])[0].probability
    scorer = _FixedScorer(1.0)
    blended = HarmClassifier(model=scorer, model_weight=0.5)
    result = blended.predict([text], langs=["en"])[0]
    assert result.probability == pytest.approx(0.5 + 0.5 * lexical)
    assert scorer.calls == [[text]]
    assert blended.version.endswith("+model")
    # Evidence still comes from the lexicons.
    assert result.evidence.harm_terms == []


def test_second_model_must_return_one_score_per_text() -> None:
    class Broken:
        def predict_proba(self, texts: list[str]) -> list[float]:
            return [0.5]

    with pytest.raises(ValueError, match="number of scores"):
        HarmClassifier(model=Broken()).predict(["a", "b"])


# --------------------------------------------------------------------------- n-gram scorer


THAI_CLAIM = "กินร้านนี้แล้วท้องเสียทั้งบ้านเลย"
THAI_FIGURATIVE = "ยอมแพ้แล้ว ทีมเราแพ้อีกแล้ว"  # แพ้ = "lose" (sport), not an allergy


def test_bundled_thai_scorer_is_blended_by_default() -> None:
    default, lexical = HarmClassifier(), HarmClassifier(model=None)
    assert isinstance(default.model, NgramHarmScorer)
    assert default.model_weight == pytest.approx(load_weights()["blend"]["model_weight"])
    assert "+ngram-" in default.version and "+ngram-" not in lexical.version
    texts = [THAI_CLAIM, "ร้านนี้บรรยากาศดี กาแฟอร่อย", "Brand X made my kid sick"]
    langs: list[str | None] = ["th", "th", "en"]
    blended = default.predict(texts, langs)
    alone = lexical.predict(texts, langs)
    # Thai texts get the n-gram score in the blend (a supported claim is never lowered);
    # others keep the lexical probability.
    assert blended[0].probability >= alone[0].probability
    assert blended[1].probability != pytest.approx(alone[1].probability)
    assert blended[2].probability == pytest.approx(alone[2].probability)
    assert any(r.startswith("second scorer") for r in blended[1].evidence.reasons)
    assert blended[0].is_claim and not blended[1].is_claim


def test_thai_scorer_has_no_opinion_outside_thai_script() -> None:
    scores = NgramHarmScorer.load().predict_proba([THAI_CLAIM, "food poisoning", "", "ก"])
    assert scores[1:] == [None, None, None]
    assert scores[0] is not None and 0.0 < scores[0] < 1.0


def test_scorer_without_an_opinion_keeps_the_lexical_probability() -> None:
    class Abstains:
        def predict_proba(self, texts: list[str]) -> list[float | None]:
            return [None, float("nan")]

    texts = ["Brand X made my kid sick", THAI_CLAIM]
    lexical = [r.probability for r in HarmClassifier(model=None).predict(texts)]
    got = [r.probability for r in HarmClassifier(model=Abstains()).predict(texts)]
    assert got == pytest.approx(lexical)


def test_lexical_guard_keeps_vetoes_and_supported_claims() -> None:
    lexical = HarmClassifier(model=None)
    veto_p = lexical.predict([THAI_FIGURATIVE], ["th"])[0].probability
    claim_p = lexical.predict([THAI_CLAIM], ["th"])[0].probability
    sure, doubtful = _FixedScorer(1.0), _FixedScorer(0.0)
    guarded = HarmClassifier(model=sure, model_weight=0.6, lexical_guard=True)
    assert guarded.predict([THAI_FIGURATIVE], ["th"])[0].probability == pytest.approx(veto_p)
    guarded = HarmClassifier(model=doubtful, model_weight=0.6, lexical_guard=True)
    assert guarded.predict([THAI_CLAIM], ["th"])[0].probability == pytest.approx(claim_p)
    # Without the guard both move; a user-supplied scorer is unguarded by default.
    free = HarmClassifier(model=sure, model_weight=0.6)
    assert free.predict([THAI_FIGURATIVE], ["th"])[0].probability == pytest.approx(
        0.6 + 0.4 * veto_p
    )
    free = HarmClassifier(model=doubtful, model_weight=0.6)
    assert free.predict([THAI_CLAIM], ["th"])[0].probability == pytest.approx(0.4 * claim_p)


def test_weights_without_a_blend_use_the_lexical_model_alone() -> None:
    weights = load_weights()
    weights.pop("blend")
    clf = HarmClassifier(weights=weights)
    assert clf.model is None and clf.threshold == pytest.approx(weights["threshold"])


def _weights_with_scorer(tmp_path: Path, scorer_bytes: bytes | None) -> Path:
    weights = load_weights()
    weights["blend"] = dict(weights["blend"], model="scorer.npz")
    if scorer_bytes is not None:
        (tmp_path / "scorer.npz").write_bytes(scorer_bytes)
    path = tmp_path / "harm_lr.json"
    path.write_text(json.dumps(weights), encoding="utf-8")
    return path


def test_missing_scorer_file_fails_clearly(tmp_path: Path) -> None:
    path = _weights_with_scorer(tmp_path, None)
    with pytest.raises(HarmModelError, match="not found.*build_harm_set.py --train"):
        HarmClassifier(weights=path)
    assert HarmClassifier(weights=path, model=None).model is None


def test_corrupt_scorer_file_fails_clearly(tmp_path: Path) -> None:
    path = _weights_with_scorer(tmp_path, b"not an npz file")
    with pytest.raises(HarmModelError, match="cannot load the harm n-gram scorer"):
        HarmClassifier(weights=path)


def test_scorer_of_another_format_is_rejected(tmp_path: Path) -> None:
    import numpy as np

    np.savez_compressed(tmp_path / "other.npz", format=np.array("something-else/1"))
    with pytest.raises(HarmModelError, match="format"):
        NgramHarmScorer.load(tmp_path / "other.npz")


def test_scorer_trains_saves_and_loads_without_pickles(tmp_path: Path) -> None:
    texts = [
        "กินร้านนี้แล้วท้องเสีย",
        "ใช้ครีมนี้แล้วผื่นขึ้น",
        "ดื่มนมแล้วอาเจียน",
        "ร้านนี้อร่อยมาก",
        "วันนี้อากาศดี",
        "ทีมเราชนะแล้ว",
        "English text is skipped",
    ]
    labels = [1, 1, 1, 0, 0, 0, 1]
    scorer = NgramHarmScorer.fit(texts, labels, c=10.0)
    scorer.save(tmp_path / "s.npz")
    loaded = NgramHarmScorer.load(tmp_path / "s.npz")
    probe = ["กินแล้วท้องเสีย", "อากาศดีมาก", "hello"]
    got = loaded.predict_proba(probe)
    assert got[2] is None
    assert got[0] is not None and got[1] is not None and got[0] > got[1]
    assert got[:2] == pytest.approx(scorer.quantised().predict_proba(probe)[:2], abs=1e-4)
    assert loaded.version == NgramHarmScorer.load(tmp_path / "s.npz").version
    with pytest.raises(ValueError, match="positive and negative"):
        NgramHarmScorer.fit(texts[:3], [1, 1, 1])


def test_shipped_scorer_is_small() -> None:
    assert DEFAULT_NGRAM_PATH.stat().st_size < 2_000_000


def test_version_is_stable_and_tracks_weights() -> None:
    assert HarmClassifier().version == HarmClassifier().version
    weights = load_weights()
    weights["intercept"] = weights["intercept"] + 1.0
    assert HarmClassifier(weights=weights).version != HarmClassifier().version


def test_version_tracks_the_lexicons_content() -> None:
    """A lexicon round changes verdicts, so stored results must read as out of date."""
    lexicons = dict(DEFAULT_LEXICON)
    english = lexicons["en"]
    lexicons["en"] = dataclasses.replace(english, harm=english.harm[:-1])
    assert HarmClassifier(lexicon=lexicons).version != HarmClassifier().version
    assert HarmClassifier(lexicon=dict(DEFAULT_LEXICON)).version == HarmClassifier().version


# --------------------------------------------------------------------------- metrics


def test_harm_metrics_counts() -> None:
    m = harm_metrics([1, 1, 0, 0, 1], [1, 0, 1, 0, 1])
    assert (m["n"], m["tp"], m["fp"], m["fn"], m["tn"]) == (5, 2, 1, 1, 1)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)


def test_harm_metrics_without_predicted_or_gold_positives() -> None:
    m = harm_metrics([0, 0], [0, 0])
    assert (m["precision"], m["recall"], m["f1"]) == (0.0, 0.0, 0.0)
    m = harm_metrics([True, False], [False, False])
    assert m["recall"] == 0.0 and m["fn"] == 1


def test_harm_metrics_length_mismatch() -> None:
    with pytest.raises(ValueError, match="length|items"):
        harm_metrics([1, 0], [1])


# --------------------------------------------------------------------------- training


def test_fit_learns_from_examples_and_keeps_signs() -> None:
    pos = [t for texts in POSITIVES.values() for t in texts]
    neg = [t for texts in NEGATIVES.values() for t in texts]
    weights = fit_harm_weights(pos + neg, [1] * len(pos) + [0] * len(neg), cv_folds=3)
    coef = dict(zip(weights["features"], weights["coef"], strict=True))
    assert all(coef[n] >= 0 for n in ("harm_strong", "near_cue", "near_product"))
    assert all(coef[n] <= 0 for n in ("negated", "figurative", "remedy", "info"))
    assert 0.0 < weights["threshold"] < 1.0
    assert weights["n_train"] == len(pos) + len(neg)
    trained = HarmClassifier(weights=weights)
    predicted = [r.is_claim for r in trained.predict(pos + neg)]
    m = harm_metrics([1] * len(pos) + [0] * len(neg), predicted)
    assert m["f1"] >= 0.8


def test_fit_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        fit_harm_weights(["a rash", "food poisoning"], [1, 1])


# --------------------------------------------------------------------------- lexicon


def test_every_lexicon_pattern_compiles_and_never_matches_empty() -> None:
    for lexicon in DEFAULT_LEXICON.values():
        patterns = [t.pattern for t in lexicon.harm]
        for role in ("products", "cues", "consumption", "rumour", "figurative", "remedy"):
            patterns.extend(getattr(lexicon, role))
        for pattern in patterns:
            regex = re.compile(pattern, re.IGNORECASE)
            assert regex.fullmatch("") is None, (lexicon.code, pattern[:60])


def test_main_languages_have_full_lexicons() -> None:
    for code in ("en", "de", "id", "th"):
        lexicon = DEFAULT_LEXICON[code]
        assert lexicon.harm and lexicon.products and lexicon.cues and lexicon.figurative


# --------------------------------------------------------------------------- references


def _load_script(name: str) -> ModuleType:
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_gs_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_references_are_well_formed() -> None:
    refs = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(refs) >= 500
    keys = {(r["file"], r["line"]) for r in refs}
    assert len(keys) == len(refs), "each post is labelled once"
    for ref in refs:
        assert ref["label"] in (0, 1)
        assert ref["split"] in ("train", "test")
        assert re.fullmatch(r"[0-9a-f]{12}", ref["sha1"])
        assert ref["file"].startswith("sentiment/") and ref["line"] >= 1
    langs = {r["lang"] for r in refs if r["label"] == 1}
    assert {"en", "de", "id", "th"} <= langs, "positives in all four languages"
    for lang in ("en", "de", "id", "th"):
        for label in (0, 1):
            group = [r for r in refs if r["lang"] == lang and r["label"] == label]
            test_share = sum(r["split"] == "test" for r in group) / len(group)
            assert 0.25 <= test_share <= 0.5, (lang, label, test_share)


needs_data = pytest.mark.skipif(
    not (DATA / "sentiment").is_dir(), reason="shared sentiment data not present"
)


@needs_data
def test_references_resolve_and_detect_changed_text(tmp_path: Path) -> None:
    build = _load_script("build_harm_set")
    refs = build.read_labels(LABELS)
    rows = build.materialise(refs, DATA, "all")
    assert len(rows) == len(refs)
    assert all(r["text"] and r["lang"] for r in rows)
    tampered = dict(refs[0], sha1="000000000000")
    with pytest.raises(build.ReferenceError, match="text changed"):
        build.materialise([tampered], DATA)
    missing = dict(refs[0], line=10**9)
    with pytest.raises(build.ReferenceError, match="line missing"):
        build.materialise([missing], DATA)
    out = tmp_path / "test.jsonl"
    assert build.main(["--data", str(DATA), "--out", str(out), "--split", "test"]) == 0
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written and set(written[0]) == {"text", "label", "lang"}
    assert len(written) == sum(r["split"] == "test" for r in refs)


@needs_data
def test_build_script_fails_clearly_on_a_broken_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = _load_script("build_harm_set")
    ref = json.loads(LABELS.read_text(encoding="utf-8").splitlines()[0])
    broken = tmp_path / "labels.jsonl"
    broken.write_text(json.dumps(dict(ref, sha1="ffffffffffff")) + "\n", encoding="utf-8")
    code = build.main(
        ["--data", str(DATA), "--labels", str(broken), "--out", str(tmp_path / "o.jsonl")]
    )
    assert code == 2
    assert "text changed" in capsys.readouterr().err


# Measured once on the held-out split after tuning (all: F1 0.806, precision 0.791; th: F1
# 0.847; see nlp/harm_data/README.md). The floors leave a margin for lexicon edits that
# move a few posts. en/de/id hold only 1-4 positives each there: too few for a floor.
HELD_OUT_FLOORS = {"all": 0.75, "th": 0.80}


@needs_data
def test_held_out_split_scores_within_reason() -> None:
    build = _load_script("build_harm_set")
    evaluate = _load_script("eval_harm_refs")
    rows = build.materialise(build.read_labels(LABELS), DATA, "test")
    metrics, _ = evaluate.evaluate(rows)
    for key, floor in HELD_OUT_FLOORS.items():
        assert metrics[key]["f1"] >= floor, (key, metrics[key])
    # Random posts without harm terms must stay clean: precision matters in production.
    assert metrics["all"]["precision"] >= 0.68


HANDWRITTEN_FLOORS = {
    # Development set: every miss it showed was fixed in the lexicons (F1 1.0 since).
    "handwritten_dev.jsonl": 0.95,
    # Written before that round and scored once after it (F1 0.842 -> 0.900); a
    # development set since (0.991). Floors sit a little under the reported figures, so a
    # later lexicon change cannot lose them silently.
    "handwritten_sealed.jsonl": 0.95,
    # Written later, looser style: its misses drove the semantic head and the sixth
    # lexicon round (lexicon alone 0.654 -> 0.933; 1.0 after the seventh).
    "handwritten_sealed_c.jsonl": 0.95,
    # German and Indonesian, written before the sixth round, scored once after it
    # (0.644 -> 0.873); the seventh round's development set since (1.0).
    "handwritten_sealed_d.jsonl": 0.95,
}


@pytest.mark.parametrize(("name", "floor"), sorted(HANDWRITTEN_FLOORS.items()))
def test_handwritten_customer_posts_score_what_the_card_reports(
    clf: HarmClassifier, name: str, floor: float
) -> None:
    path = ROOT / "nlp" / "harm_data" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert {r["lang"] for r in rows} <= {"en", "de", "id", "th"}
    assert len({r["lang"] for r in rows}) >= 2
    assert {r["label"] for r in rows} == {0, 1}
    results = clf.predict([r["text"] for r in rows], langs=[r["lang"] for r in rows])
    metrics = harm_metrics([r["label"] for r in rows], [r.is_claim for r in results])
    assert metrics["f1"] >= floor, metrics
    assert metrics["precision"] >= 0.95, metrics  # hard negatives stay clean


def test_a_remedy_named_before_a_caused_symptom_does_not_excuse_it(clf: HarmClassifier) -> None:
    # "cough medicine" names the symptom it treats; "made my child have a seizure" blames it
    (treated_then_caused,) = clf.predict(
        ["obat batuk itu bikin anak saya kejang, sampai dibawa ke IGD"], langs=["id"]
    )
    assert treated_then_caused.is_claim
    ignored = {m.text for m in treated_then_caused.evidence.ignored_terms}
    assert ignored == {"batuk"}
    (only_treated,) = clf.predict(["obat ini manjur untuk sakit perut, cepat sembuh"], langs=["id"])
    assert not only_treated.is_claim


def test_no_reason_and_without_warning_do_not_negate(clf: HarmClassifier) -> None:
    (airbag,) = clf.predict(
        ["The airbag in my Korra deployed for no reason and burned my arm"], langs=["en"]
    )
    assert airbag.is_claim
    (charger,) = clf.predict(["my charger exploded without warning last night"], langs=["en"])
    assert charger.is_claim
    (calm,) = clf.predict(["no burns at all with this sunscreen"], langs=["en"])
    assert not calm.is_claim


# --------------------------------------------------------------------------- semantic head


def _keyword_embed(texts: list[str]) -> Any:
    """A 3-d stand-in for sentence vectors: [mentions 'raw', mentions 'great', 1]."""
    import numpy as np

    return np.array(
        [[float("raw" in t), float("great" in t), 1.0] for t in texts], dtype=np.float32
    )


def _semantic(threshold: float = 0.8) -> SemanticHarmScorer:
    # logit = 8 * raw - 8 * great - 4: "raw" posts score 0.98, others 0.02 or less
    return SemanticHarmScorer([8.0, -8.0, -4.0], 0.0, threshold, ("en",), "enc-a|onnx|128")


def test_semantic_head_raises_a_post_the_lexicon_misses_and_says_why() -> None:
    clf = HarmClassifier(semantic=_semantic())
    text = "ur chicken strips were raw and now I'm puking, thanks @CrispyKing"
    (before,) = clf.predict([text], ["en"])  # no encoder attached yet: no opinion
    assert clf.attach_embedder(_keyword_embed, "enc-a|torch-cuda-fp16|128")
    assert clf.version.endswith(f"+sem-{clf.semantic.version}")  # type: ignore[union-attr]
    (after,) = clf.predict([text], ["en"])
    assert not before.is_claim and after.is_claim
    assert after.probability >= 0.98 > before.probability
    assert any(r.startswith("semantic scorer: 0.98") for r in after.evidence.reasons)


def test_semantic_head_only_raises_and_respects_the_lexicons_vetoes() -> None:
    clf = HarmClassifier(semantic=_semantic())
    clf.attach_embedder(_keyword_embed, "enc-a|onnx-int8|128")
    texts = [
        "got food poisoning from the great new burger place",  # lexical claim, head says no
        "that show was sick, raw talent",  # the only harm term is slang: vetoed
        "raw oysters, up all night after them",  # other language given: no opinion
        "raw fish, up all night",  # no language known: no opinion
    ]
    lexical = HarmClassifier(semantic=None).predict(texts, ["en", "en", "de", None])
    semantic = clf.predict(texts, ["en", "en", "de", None])
    assert semantic[0].is_claim and semantic[0].probability == lexical[0].probability
    assert [r.probability for r in semantic[1:]] == [r.probability for r in lexical[1:]]


def test_semantic_head_stays_off_for_another_encoder() -> None:
    clf = HarmClassifier(semantic=_semantic())
    assert not clf.attach_embedder(_keyword_embed, "enc-b|onnx|128")
    (result,) = clf.predict(["the chicken was raw"], ["en"])
    assert not result.is_claim
    assert "+sem-" not in clf.version
    assert not HarmClassifier(semantic=None).attach_embedder(_keyword_embed, "enc-a")


def test_semantic_head_checks_the_vector_size() -> None:
    clf = HarmClassifier(semantic=SemanticHarmScorer([1.0, 2.0], 0.0, 0.8, ("en",), "enc-a"))
    clf.attach_embedder(_keyword_embed, "enc-a")
    with pytest.raises(HarmModelError, match="do not fit the semantic head"):
        clf.predict(["raw chicken"], ["en"])


def test_semantic_head_saves_and_loads_as_json(tmp_path: Path) -> None:
    head = _semantic(0.75)
    head.save(tmp_path / "head.json")
    loaded = SemanticHarmScorer.load(tmp_path / "head.json")
    assert loaded.version == head.version and loaded.threshold == 0.75
    assert loaded.langs == {"en"} and loaded.encoder == "enc-a|onnx|128"
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(HarmModelError, match="cannot read"):
        SemanticHarmScorer.load(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text(json.dumps({"format": "x"}), encoding="utf-8")
    with pytest.raises(HarmModelError, match="is not a"):
        SemanticHarmScorer.load(tmp_path / "other.json")
    with pytest.raises(HarmModelError, match="cannot read"):
        SemanticHarmScorer.load(tmp_path / "missing.json")
    with pytest.raises(HarmModelError, match="threshold"):
        SemanticHarmScorer([1.0], 0.0, 0.0)


def test_fit_semantic_head_picks_a_threshold_that_keeps_precision() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    claims = rng.normal(1.0, 0.3, size=(40, 4))
    others = rng.normal(-1.0, 0.3, size=(60, 4))
    vectors = np.vstack([claims, others])
    labels = [1] * 40 + [0] * 60
    lexical = [0.9] * 10 + [0.0] * 30 + [0.0] * 60  # the lexicon finds a quarter
    head, report = fit_semantic_head(vectors, labels, lexical, 0.5, encoder="enc-a")
    assert 0.5 <= head.threshold <= 0.95
    chosen = report[f"{head.threshold:.2f}"]
    assert chosen["precision"] >= 0.9 and chosen["recall"] > report["lexical"]["recall"]
    assert head.meta["n_positive"] == 40


def test_shipped_semantic_head_fits_the_default_sentiment_encoder() -> None:
    head = SemanticHarmScorer.load(DEFAULT_SEMANTIC_PATH)
    stack = json.loads((ROOT / "nlp" / "artifacts" / "sentiment_stack.metrics.json").read_text())
    assert head.encoder.split("|")[0] == str(stack["encoder"]).split("|")[0]
    assert head.langs == {"en"} and 0.5 <= head.threshold <= 0.95
    assert head.coef.shape == (384,)
    assert DEFAULT_SEMANTIC_PATH.stat().st_size < 50_000


def test_pipeline_gives_the_semantic_head_the_default_models_encoder() -> None:
    from api.services.analysis import harm_classifier_for

    class FakeSentiment:
        encoder_id = "enc-a|onnx-int8-fused|128"

        def embed(self, texts: list[str]) -> Any:
            return _keyword_embed(texts)

    clf = harm_classifier_for(FakeSentiment(), HarmClassifier(semantic=_semantic()))
    assert clf.semantic is not None and clf.semantic.attached
    other = harm_classifier_for(object(), HarmClassifier(semantic=_semantic()))
    assert other.semantic is not None and not other.semantic.attached


@pytest.mark.slow
def test_semantic_head_on_the_later_sealed_set_with_the_default_model() -> None:
    """`handwritten_sealed_c.jsonl` is in no training set of the head; when it was still
    unseen the head took it from F1 0.654 to 0.748 (the card), and a later lexicon round
    used its misses, so this is a regression check: 0.933 lexicon alone, 0.979 with it."""
    from api.services.analysis import harm_classifier_for
    from nlp.sentiment import load_sentiment_model

    path = ROOT / "nlp" / "harm_data" / "handwritten_sealed_c.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    texts, langs = [r["text"] for r in rows], [r["lang"] for r in rows]
    gold = [r["label"] for r in rows]
    lexical = HarmClassifier(semantic=None).predict(texts, langs)
    full = harm_classifier_for(load_sentiment_model(), HarmClassifier()).predict(texts, langs)
    before = harm_metrics(gold, [r.is_claim for r in lexical])
    after = harm_metrics(gold, [r.is_claim for r in full])
    assert after["f1"] >= 0.95 and after["f1"] > before["f1"], (before, after)
    assert after["precision"] >= 0.95
    # the head reads English only: other languages keep the lexical verdicts
    pairs = zip(lexical, full, langs, strict=True)
    assert all(a.is_claim == b.is_claim for a, b, lg in pairs if lg != "en")


def test_harm_result_type() -> None:
    (result,) = HarmClassifier().predict(["hello"])
    assert isinstance(result, HarmResult)
    assert set(result.features) == set(FEATURE_NAMES)
