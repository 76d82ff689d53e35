"""Multilingual lexicons for harm-claim detection.

Plain data: regular-expression fragments grouped by role, one `LanguageLexicon`
per language. `nlp.harm` compiles them and turns matches into features.

Roles:

- `harm`: symptoms, injuries and hazards (vomiting, rash, exploded, recall, parasites
  in food...), each with a category and a strength. Strong terms are nearly always
  literal ("food poisoning", "diarrhoea"); weak ones have common other senses ("sick",
  Thai แพ้ "allergic"/"lose", คัน "itchy"/car classifier) and count only with support.
- `products`: product, food, cosmetic, vehicle and venue nouns.
- `cues`: consumption and causal cues ("after eating", "gave me", กินแล้ว, "setelah makan",
  "nach dem Essen").
- `rumour`: hearsay cues ("apparently", "I heard", เขาว่า, "katanya", "angeblich").
- `figurative`: spans that veto a harm match they overlap ("sick of", "sick beat", ยอมแพ้,
  "รถ 2 คัน", "sakit hati", "zum Kotzen").
- `negators`: words that cancel a harm term just before it ("no side effects", ไม่ระคายเคือง).
- `remedy`: the product *treats* the symptom, or an advert boasts it is gentle.
- `info`: generic health information (symptom lists, patients, awareness days).
- `first_person`: the writer speaks of their own experience.

Latin-script patterns are matched case-insensitively on word boundaries; Thai patterns
are matched as substrings and, where marked, checked against word boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

STRONG = "strong"
MEDIUM = "medium"
WEAK = "weak"

GI = "gastrointestinal"
SKIN = "skin"
INJURY = "injury"
HAZARD = "hazard"
CONTAMINATION = "contamination"
SERIOUS = "serious"
GENERAL = "general"


@dataclass(frozen=True)
class HarmTerm:
    """One harm term: a regular-expression fragment and what it means.

    Attributes:
        pattern: Regular-expression fragment (no outer group needed).
        category: One of the category constants (GI, SKIN, INJURY, HAZARD, ...).
        strength: STRONG, MEDIUM or WEAK: how literal the term usually is.
        label: Canonical name shown in evidence; defaults to the pattern.
        boundary: For Thai: require the match to start and end on word boundaries.
    """

    pattern: str
    category: str
    strength: str
    label: str = ""
    boundary: bool = False


@dataclass(frozen=True)
class LanguageLexicon:
    """All lexicon roles for one language.

    Attributes:
        code: ISO 639-1 code.
        script: "latin" or "thai" (how patterns are wrapped and matched).
        harm: Harm terms.
        products: Product/food/venue/vehicle noun patterns.
        cues: Consumption and causal cue patterns.
        rumour: Hearsay cue patterns.
        figurative: Spans that veto overlapping harm matches.
        negators: Negation words checked just before a harm term.
        remedy: Treatment/advert context patterns.
        info: Generic health-information patterns.
        first_person: First-person markers.
        consumption: Bare consumption/use verbs (weaker than `cues`).
    """

    code: str
    script: str
    harm: tuple[HarmTerm, ...]
    products: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    rumour: tuple[str, ...] = ()
    figurative: tuple[str, ...] = ()
    negators: tuple[str, ...] = ()
    remedy: tuple[str, ...] = ()
    info: tuple[str, ...] = ()
    first_person: tuple[str, ...] = field(default_factory=tuple)
    consumption: tuple[str, ...] = field(default_factory=tuple)


def _t(
    pattern: str, category: str, strength: str, label: str = "", boundary: bool = False
) -> HarmTerm:
    return HarmTerm(pattern, category, strength, label or "", boundary)


# --------------------------------------------------------------------------- English

_EN = LanguageLexicon(
    code="en",
    script="latin",
    harm=(
        _t(r"food[- ]?poison(?:ing|ed)?", GI, STRONG, "food poisoning"),
        _t(r"poison(?:ed|ing|s)?", GI, MEDIUM, "poisoned"),
        _t(
            r"vomit(?:ed|ing|s)?|threw up|throw(?:ing)? up|puk(?:e|ed|ing)|barf(?:ed|ing)?",
            GI,
            MEDIUM,
            "vomiting",
        ),
        _t(
            r"diarrh(?:o)?ea|the runs|the shits|shitting (?:my|our) (?:guts|brains)",
            GI,
            STRONG,
            "diarrhoea",
        ),
        _t(
            (
                r"(?:stomach|tummy|belly|gut) ?(?:ache|aches|pain|pains|cramps?|bug|issues|"
                r"problems)|stomachache|upset stomach|stomach (?:was|is) (?:upset|wrecked|"
                r"messed up|killing me)"
            ),
            GI,
            STRONG,
            "stomach ache",
        ),
        _t(r"nause(?:a|ous|ated)|queasy", GI, WEAK, "nausea"),
        _t(
            (
                r"(?:live|lived|living|spend|spent|spending|stuck|running to|ran to|run to|"
                r"glued to|camped (?:out )?(?:in|on)|"
                r"sat on) (?:\w+ ){0,4}(?:the )?(?:bathroom|toilet|washroom|loo|"
                r"porcelain throne)|had (?:me|us|him|her|them) on the (?:toilet|loo|bog)|"
                r"on the (?:toilet|loo) (?:for|all) (?:\w+ )?(?:days?|hours|night|day)"
            ),
            GI,
            MEDIUM,
            "bathroom trips",
        ),
        _t(
            (
                r"(?:made|making|makes|make|got|get|getting|gotten|became|felt|feel|feeling|"
                r"fell|falling|was|were|been|violently) (?:(?:me|us|him|her|them|my \w+|"
                r"everyone|people|the kids) )?(?:sick|ill)"
            ),
            GENERAL,
            WEAK,
            "sick",
        ),
        _t(
            r"sick (?:to my stomach|all night|for (?:two|three|\d+) days)|sick from|ill from",
            GENERAL,
            MEDIUM,
            "sick",
        ),
        _t(
            (
                r"(?:made|makes|making|make) (?:me|us|him|her|them|my \w+|our \w+|everyone|"
                r"people|kids|customers) (?:\w+ )?(?:sick|ill|vomit|throw up|puke)|(?:got|get|"
                r"getting|gotten|became|fell|was|were|been|am|is|are) (?:\w+ )?(?:sick|"
                r"ill) (?:from|after|because of|due to|since)"
            ),
            GENERAL,
            MEDIUM,
            "made sick",
        ),
        _t(r"rash(?:es)?|hives|welts|eczema|dermatitis", SKIN, STRONG, "rash"),
        _t(
            (
                r"(?:gave|gives|give|giving|caused|causes|cause|causing|left|leaves|leaving) "
                r"(?:me|us|him|her|them|my \w+|our \w+|people|everyone|kids|customers|you) "
                r"(?:(?:a|an|the|some|really|so|such|bad|severe|terrible|horrible|awful|"
                r"constant|nasty|painful|serious|major|massive|huge) ){0,3}(?:headaches?|"
                r"migraines?|(?:heart )?palpitations|chest pains?|rash(?:es)?|hives|eczema|"
                r"acne|breakouts?|blisters|burns|cramps|stomach ?aches?|diarrh(?:o)?ea|"
                r"the runs|heartburn|nausea|sore throats?|allergic reactions?|reactions?|"
                r"(?:eye|ear|skin|yeast|urinary|stomach) infections?|infections?|"
                r"food poisoning|the shits|swelling|itching|hair loss|welts|bumps|spots)"
            ),
            GENERAL,
            MEDIUM,
            "product gave symptom",
        ),
        _t(
            (
                r"(?:had|having|has|got|get|getting|suffered) (?:a |an )?(?:\w+ )?"
                r"reaction (?:to|from|after)|reacted (?:badly )?to|(?:a|an|severe|bad|"
                r"serious|allergic) (?:\w+ )?reaction to (?:the|their|this|that|your|a|an|"
                r"some|my)"
            ),
            SKIN,
            MEDIUM,
            "reaction to product",
        ),
        _t(
            (
                r"left (?:me with )?(?:\w+ )?(?:burns|blisters|welts|a rash|rashes|scars|"
                r"red marks|bumps) (?:on|under|all over|across)"
            ),
            SKIN,
            MEDIUM,
            "left burns/rash",
        ),
        _t(r"allergic reactions?|anaphyla(?:xis|ctic)|epi ?pen", SKIN, STRONG, "allergic reaction"),
        _t(r"allergic|allerg(?:y|ies)", SKIN, WEAK, "allergy"),
        _t(
            r"itch(?:y|ing|es)?|irritat(?:ed|ion|ing)|red (?:and|&) (?:itchy|swollen|burning)",
            SKIN,
            WEAK,
            "irritation",
        ),
        _t(
            r"broke (?:me )?out|break ?outs?|breaking out|acne|pimples|zits", SKIN, WEAK, "breakout"
        ),
        _t(
            (
                r"chemical burns?|burn(?:ed|t) (?:my|her|his|their|our) (?:skin|face|scalp|"
                r"eyes?|mouth|tongue|lips?|throat|hands?|fingers?|arms?|legs?|hair)"
            ),
            SKIN,
            STRONG,
            "burn",
        ),
        _t(r"burn(?:ed|t|s|ing)?|blister(?:s|ed|ing)?|sting(?:s|ing)?", SKIN, WEAK, "burning"),
        _t(
            r"swollen|swelling|swelled (?:up|shut)?|swells? (?:up|shut)|swole up|puffed up",
            SKIN,
            MEDIUM,
            "swelling",
        ),
        _t(
            (
                r"(?:skin|face|lips?|scalp|eyes?|hands?|fingers?|feet|mouth|gums|cheeks?|"
                r"wrists?|neck|arms?) (?:is|are|was|were|got|went|became|started|keeps?|kept|"
                r"now|all) (?:\w+ )?(?:peeling|blistered|blistering|burning|raw|bleeding|"
                r"cracked|stinging|oozing|red and (?:raw|itchy|swollen|sore|burning))"
            ),
            SKIN,
            MEDIUM,
            "skin damage",
        ),
        _t(r"peel(?:ing|ed)|flak(?:ing|y) skin", SKIN, WEAK, "peeling"),
        _t(
            (
                r"hair (?:loss|fell out|falling out|fall out|came out|coming out|breaking off)|"
                r"lost (?:my|her|his) hair|(?:clumps|handfuls|chunks) of (?:my |her |his )?hair"
            ),
            SKIN,
            MEDIUM,
            "hair loss",
        ),
        _t(
            r"headaches?|migraines?|dizz(?:y|iness)|(?:heart )?palpitations|racing heart",
            GENERAL,
            WEAK,
            "headache",
        ),
        _t(
            (
                r"(?:headaches?|migraines?|dizz(?:y|iness)|itch(?:y|ing|iness)?|burn(?:s|ing|"
                r"ed)?|nause(?:a|ous)|acne|break ?outs?|pimples|cramps|bloat(?:ed|ing)|"
                r"insomnia|palpitations|jitters|chest pains?|sore throat|hair loss|swelling|"
                r"blisters?|sick|ill|infections?|rash(?:es)?|hives|diarrh(?:o)?ea|"
                r"vomiting|a reaction|burns)(?: \w+){0,2} (?:from|after|since|because of|"
                r"thanks to|caused by) (?:eating|drinking|using|taking|trying|applying|"
                r"wearing|the|their|this|that|these|those|a|an|some|my|our|\w+'s)"
            ),
            GENERAL,
            MEDIUM,
            "symptom from product",
        ),
        _t(
            (
                r"(?:ear|eye|skin|stomach|gut|yeast|urinary|bacterial|fungal|staph|"
                r"strep) infections?|infected"
            ),
            GENERAL,
            MEDIUM,
            "infection",
        ),
        _t(r"side[- ]effects?|adverse (?:reaction|effect)s?", SERIOUS, MEDIUM, "side effects"),
        _t(
            (
                r"heart attacks?|cardiac arrest|(?:had|has|having|suffered|caused|gave "
                r"(?:\w+ )?)(?: a)? strokes?|seizures?|convulsions?|fainted|passed out|"
                r"lost consciousness|kidney (?:stones?|failure|damage|problems)|liver "
                r"(?:damage|failure|problems)|organ failure|miscarriages?|birth defects|"
                r"(?:went|go|goes) into (?:shock|anaphylactic shock)"
            ),
            SERIOUS,
            MEDIUM,
            "serious illness",
        ),
        _t(
            (
                r"caus(?:es?|ed|ing) (?:\w+ ){0,3}(?:kidney stones|seizures|strokes?|heart "
                r"attacks?|infertility|birth defects|liver damage|kidney damage|brain damage|"
                r"dementia|autism|tumou?rs?|miscarriages?|blindness|organ failure|"
                r"heart (?:problems|disease))"
            ),
            SERIOUS,
            STRONG,
            "causes disease",
        ),
        _t(
            (
                r"wrong (?:dose|dosage|medication|medicine|pills?|prescription|drug)|"
                r"mislabell?ed|undeclared (?:\w+ )?(?:allergens?|nuts|peanuts|milk|gluten|"
                r"sesame|soy|egg)"
            ),
            HAZARD,
            MEDIUM,
            "wrong dose/undeclared allergen",
        ),
        _t(
            (
                r"bed ?bugs?|bedbugs?|(?:head )?lice|fleas|scabies|(?:pills|meds|"
                r"medication|prescriptions?)(?: \w+){0,4} (?:were|was|got) (?:swapped|"
                r"mixed up)|(?:she|he|i|they|we|my \w+) (?:just )?collapsed"
            ),
            HAZARD,
            MEDIUM,
            "pests in lodging/swapped pills/collapse",
        ),
        _t(
            (
                r"swallow(?:ed|ing) (?:a |the |some |two |\w+ )?(?:magnets?|batter(?:y|ies)|"
                r"button batter(?:y|ies)|coins?|pieces?|parts?|bits?|beads?|screws?)|"
                r"small parts? (?:came|fell|broke) off|fire (?:brigade|department|service|"
                r"engines?|fighters?|crew) (?:came|had to|were called|was called|arrived|"
                r"put it out)|(?:leach(?:es|ed|ing)?|releas(?:es|ed|ing)|giv(?:es|ing) off|"
                r"gave off) (?:\w+ )?(?:toxic|harmful|dangerous|poisonous) (?:chemicals|"
                r"fumes|substances|gases|gas)|toxic fumes"
            ),
            HAZARD,
            MEDIUM,
            "swallowed part/fire crew/toxic fumes",
        ),
        _t(
            (
                r"hospitali[sz](?:ed|ation)|(?:in|to|at) (?:the )?(?:hospital|er|a&e|"
                r"emergency room|icu)|emergency room|ambulance|urgent care"
            ),
            SERIOUS,
            MEDIUM,
            "hospital",
        ),
        _t(
            (
                r"carcinogen(?:ic|s)?|caus(?:es?|ed|ing) (?:\w+ ){0,3}cancer|"
                r"(?:\w+ )?cancer[- ]causing|linked to (?:\w+ )?cancer|(?:\w+ )?cancer risk|"
                r"gives? (?:you|people|us) (?:\w+ )?cancer"
            ),
            SERIOUS,
            STRONG,
            "causes cancer",
        ),
        _t(r"cancer", SERIOUS, WEAK, "cancer"),
        _t(
            r"(?:died|death|deaths|killed|dead) (?:after|from|because of|linked to)|fatal",
            SERIOUS,
            MEDIUM,
            "death",
        ),
        _t(
            r"disrupts? (?:\w+ )?hormones|hormone disrupt\w*|endocrine disrupt\w*",
            HAZARD,
            MEDIUM,
            "hormone disruptor",
        ),
        _t(
            (
                r"contains? (?:\w+ )?(?:lead|asbestos|mercury|arsenic|benzene|formaldehyde|"
                r"bpa|toxins?|carcinogens?|poison|glass|metal|pesticides?)|(?:lead|asbestos|"
                r"arsenic|benzene|mercury|pesticides?|toxins?) (?:was |were )?(?:found|"
                r"detected)|(?:high|toxic|dangerous|unsafe|elevated) levels of|"
                r"unsafe (?:levels|amounts)|not safe (?:for|to)|(?:lead|mercury|arsenic|"
                r"cadmium|benzene|pfas|bpa|heavy metal) (?:levels?|content|contamination)|"
                r"heavy metals"
            ),
            HAZARD,
            MEDIUM,
            "contains toxic substance",
        ),
        _t(
            (
                r"toxic|toxins?|harmful chemicals?|lead poisoning|mercury|formaldehyde|"
                r"benzene|asbestos"
            ),
            HAZARD,
            WEAK,
            "toxic",
        ),
        _t(
            (
                r"contaminat(?:ed|ion)|salmonella|e\.? ?coli|listeria|norovirus|botulism|"
                r"hepatitis a|tainted"
            ),
            CONTAMINATION,
            STRONG,
            "contamination",
        ),
        _t(
            (
                r"(?:\w+ )?(?:cockroach(?:es)?|roach(?:es)?|maggots?|worms?|insects?|bugs?|"
                r"fl(?:y|ies)|mice|mouse|rats?|hairs?|glass|shards?|metal|plastic|needles?|"
                r"band-?aids?|nails?|screws?|bolts?|mou?ld|slugs?|snails?|larvae|parasites?|"
                r"beetles?|ants?|spiders?|lizards?|frogs?|fingernails?|stones?|rocks?|wire|"
                r"staples?|blood)(?: \w+)? (?:in|inside|on|baked into|floating in|"
                r"at the bottom of|out of|from) (?:my|the|our|his|her|their|a|an|this|that|"
                r"your|"
                r"some) (?:\w+ ){0,2}(?:food|meal|burger|sandwich|salad|soup|pizza|drink|"
                r"coffee|tea|juice|bottle|can|water|milk|cereal|rice|noodles|chicken|fries|"
                r"dish|plate|order|bowl|bread|cake|box|pack|packet|bag|chocolate|bar|yogh?urt|"
                r"taco|burrito|sushi|wrap|meat|beer|soda|smoothie|coke|pepsi|sprite|salsa|"
                r"chips|cookie|donut|pie|pasta|curry|formula|baby food|bagel|bun|muffin|"
                r"croissant|pastry|pastries|biscuit|cracker|sausage|oats|granola|porridge|"
                r"candy|candies|gumm(?:y|ies)|ice cream|lettuce|spinach|veg(?:gies)?|"
                r"vegetable|fruit|berries|apple|lunch|dinner|breakfast|takeaway|delivery|"
                r"cup|glass|can of \w+|carton|tin|ramen|pho|udon|puree|purée|porridge|"
                r"@\w+ \w+)s?"
            ),
            CONTAMINATION,
            STRONG,
            "foreign object/pest in food",
        ),
        _t(
            (
                r"(?:found|find|finding|there (?:was|were|is|are)|there's|had|got|spotted|"
                r"saw) (?:a |an |some |two |three |several |\w+ )?(?:(?:dead|live|little|"
                r"tiny|small|huge|big|long|whole|sharp) )?(?:cockroach(?:es)?|roach(?:es)?|"
                r"maggots?|worms?|insects?|bugs?|fl(?:y|ies)|mouse|mice|rats?|hairs?|glass|"
                r"shards?|pieces? of (?:glass|metal|plastic|wire)|metal|plastic|needles?|"
                r"band-?aids?|plasters?|nails?|screws?|slugs?|snails?|larvae|parasites?|"
                r"beetles?|ants?|spiders?|lizards?|frogs?|fingernails?|stones?|wire|"
                r"staples?) (?:in|inside|baked into|floating in) (?:it|them|there|mine|ours)"
            ),
            CONTAMINATION,
            STRONG,
            "foreign object/pest in food",
        ),
        _t(
            (
                r"mou?ld (?:all over|growing (?:on|in)|on|in|inside) (?:the|my|our|this|that|"
                r"a|an|their|your) (?:\w+ ){0,2}(?:food|bread|loaf|cheese|cake|fruit|berries|"
                r"strawberries|yogh?urt|milk|juice|sandwich|wrap|salad|rice|meat|sauce|jar|"
                r"bottle|can|pack|packet|bag|box|cereal|bagels?|buns?|tortillas?|"
                r"baby food|formula|spouts?|straws?|cups?|sippy cups?|lids?|teats?|"
                r"nipples?|dumm(?:y|ies)|pacifiers?)s?"
            ),
            CONTAMINATION,
            MEDIUM,
            "mould on food",
        ),
        _t(
            (
                r"mou?ldy|rotten|spoiled|gone off|expired|undercooked|raw (?:chicken|pork|"
                r"meat)|pink (?:chicken|in the middle)|raw (?:in the middle|inside)"
            ),
            CONTAMINATION,
            WEAK,
            "spoiled food",
        ),
        _t(
            (
                r"(?:batter(?:y|ies)|phones?|iphones?|chargers?|vapes?|e-?cigs?|"
                r"e-?cigarettes?|power ?banks?|laptops?|hoverboards?|scooters?|e-?bikes?|"
                r"(?:pressure|rice|slow) cookers?|airbags?|tanks?|heaters?|cans?|bottles?|"
                r"jars?|tyres?|tires?|microwaves?|kettles?|toasters?|dryers?|straighteners?|"
                r"headphones|earbuds|airpods|hair ?dryers?|irons?|curling irons?|fans?|"
                r"lamps?|plugs?|sockets?|adapters?|cables?|cords?|stoves?|ovens?|"
                r"air ?fryers?|dishwashers?|washing machines?|(?:tumble )?dryers?|fridges?|"
                r"freezers?|electric blankets?|night ?lights?|vacuums?|hoovers?|blenders?|"
                r"humidifiers?|dehumidifiers?|radiators?|candles?|bulbs?)(?:,? \w+){0,5},? "
                r"(?:explod(?:e|ed|es|ing)|blew up|"
                r"blow up|blowing up|caught (?:on )?fire|catch(?:es|ing)? (?:on )?fire|"
                r"burst into flames|overheat(?:s|ed|ing)?|melt(?:s|ed|ing)?|"
                r"shatter(?:s|ed|ing)?|spark(?:s|ed|ing)|started (?:smoking|sparking)|"
                r"swell(?:s|ed|ing)? up|swollen|bulg(?:e|es|ed|ing)|smok(?:ed|ing)|"
                r"leak(?:s|ed|ing) acid|(?:gave|gives) (?:me|us|him|her) (?:an? )?"
                r"(?:electric )?shock)"
            ),
            HAZARD,
            MEDIUM,
            "product exploded/caught fire",
        ),
        _t(r"explod(?:e|ed|es|ing)|explosions?|blew up|blow up", HAZARD, WEAK, "exploded"),
        _t(
            (
                r"caught (?:on )?fire|catch(?:es|ing)? (?:on )?fire|burst into flames|"
                r"went up in flames|in flames|on fire|melted|smok(?:ed|ing) (?:from|out of)"
            ),
            HAZARD,
            WEAK,
            "fire",
        ),
        _t(r"overheat(?:s|ed|ing)?|too hot to (?:touch|hold)", HAZARD, WEAK, "overheating"),
        _t(
            (
                r"(?:fire|choking|safety|health|electrical|burn) hazards?|"
                r"short[- ]circuit(?:ed)?|shorted(?: out)?|electrocut(?:ed|ion)|"
                r"electric shock|shocked me|sparks? (?:came|flew|everywhere)|"
                r"(?:started|was|were|kept|keeps) sparking|smoke (?:alarm|detector)s? "
                r"(?:didn'?t|did not|never|failed to|doesn'?t|won'?t) (?:go off|work|sound)|"
                r"carbon monoxide"
            ),
            HAZARD,
            STRONG,
            "safety hazard",
        ),
        _t(
            (
                r"(?:safety|product|voluntary|massive|food|vehicle|nationwide|"
                r"urgent) recalls?|(?:has|have|had|issued|issues|issue|announced|announces|"
                r"launch(?:es|ed)?|expands?|expanded) (?:a |an |another )?(?:\w+ )?recall|"
                r"recall(?:ed|s|ing)? (?:of|on|all|its|their|over|after|because|\d)|(?:is|are|"
                r"were|was|being|been|gets?|got) recalled|recalls? (?:\d[\d,.]*|thousands|"
                r"millions|hundreds)"
            ),
            HAZARD,
            MEDIUM,
            "recall",
        ),
        _t(r"recall(?:s|ed|ing)?", HAZARD, WEAK, "recall"),
        _t(
            (
                r"(?:brakes?|airbags?|steering|accelerator|ignition(?: switch)?|"
                r"seat ?belts?)(?: \w+){0,4} (?:failed|fail|failing|failure|gave out|"
                r"didn't work|did not work|stopped working|locked up|didn't deploy|"
                r"did not deploy|went out|malfunction(?:ed)?)|brake failure|"
                r"unintended acceleration|sudden(?:ly)? acceleration"
            ),
            HAZARD,
            STRONG,
            "vehicle defect",
        ),
        _t(r"defect(?:s|ive)?|faulty|malfunction(?:s|ed|ing)?", HAZARD, WEAK, "defect"),
        _t(
            (
                r"(?:strollers?|prams?|buggy|cribs?|cots?|high ?chairs?|car ?seats?|chairs?|"
                r"kettlebells?|dumbbells?|weights?|trampolines?|toys?|slides?|"
                r"ladders?|shelf|shelves|bunk beds?|swings?|treadmills?|bikes?|scooters?|"
                r"helmets?|handles?|straps?|buckles?)(?: \w+){0,3} (?:collapsed|collapses|"
                r"snapped|tipped over|fell apart|gave way|broke)(?: in (?:half|two)| off)? "
                r"(?:with|while|and|on|under) "
                r"(?:me|him|her|them|us|my \w+|our \w+|\w+ (?:in|on) it)"
            ),
            INJURY,
            MEDIUM,
            "product collapsed/broke in use",
        ),
        _t(r"chok(?:e|ed|ing) on|chok(?:ed|ing)", INJURY, WEAK, "choking"),
        _t(
            (
                r"(?:broke|chipped|cracked) (?:my|her|his|a|our) (?:tooth|teeth|jaw|crown|"
                r"filling|molar)|cut (?:my|her|his) (?:mouth|tongue|lip|lips|gums|finger|hand)"
            ),
            INJURY,
            STRONG,
            "injury from product",
        ),
        _t(
            (
                r"need(?:ed|s)? (?:\w+ )?(?:stitches|surgery|a cast|x-?rays?|skin grafts?)|"
                r"(?:broke|broken|fractured|fracturing) (?:my|his|her|their|our|a|two|three) "
                r"(?:\w+ )?(?:arm|leg|wrist|ankle|toes?|fingers?|foot|hand|ribs?|nose|"
                r"collarbone|hip|skull|elbow|knee|bones?)|broken (?:toe|arm|leg|wrist|ankle|"
                r"ribs?|nose|finger|bones?|hip)"
            ),
            INJURY,
            MEDIUM,
            "broken bone/stitches",
        ),
        _t(
            r"injur(?:ed|y|ies|ing)|concussion|bleeding|stitches|scald(?:ed|s)?",
            INJURY,
            WEAK,
            "injury",
        ),
    ),
    products=(
        (
            r"food|meals?|dish(?:es)?|burgers?|whoppers?|fries|pizzas?|chicken|nuggets?|"
            r"wings|beef|pork|meat|fish|seafood|oysters?|shrimp|prawns?|sushi|salads?|"
            r"sandwich(?:es)?|tacos?|burritos?|noodles|ramen|rice|soup|curry|kebab|"
            r"hot ?dogs?|eggs?|snacks?|chips|crisps|candy|chocolates?|sweets|cakes?|"
            r"cookies?|donuts?|doughnuts?|ice cream|yogh?urt|milk|cheese|formula|"
            r"baby food|cereal|bread|juice|drinks?|smoothies?|sodas?|cola|coke|pepsi|"
            r"energy drinks?|coffee|latte|frappuccino|tea|boba|beers?|wine|vodka|whiske?y|"
            r"tequila|rum|gin|liquor|cocktails?|water|bottled water|(?:dog|cat|pet) "
            r"(?:food|treats|biscuits|chews)|treats|kibble"
        ),
        (
            r"supplements?|vitamins?|pills?|tablets?|medicine|medication|meds|drugs?|"
            r"vaccines?|jabs?|inhaler|painkillers?|antibiotics?|ibuprofen|tylenol|aspirin|"
            r"cough syrup|creams?|lotions?|moisturi[sz]ers?|serums?|sunscreen|sun cream|"
            r"spf|shampoo|conditioner|hair dye|dye|soap|body wash|face wash|cleanser|"
            r"toner|masks?|face mask|makeup|foundation|concealer|mascara|eyeliner|"
            r"lipsticks?|lip ?gloss|lip balm|deodorant|antiperspirant|perfume|cologne|"
            r"nail polish|pads?|tampons?|diapers?|nappies|wipes|toothpaste|mouthwash|"
            r"detergent|pods|cleaning spray|bleach"
        ),
        (
            r"phones?|iphones?|smartphones?|batter(?:y|ies)|chargers?|charging (?:cable|"
            r"cord)|cables?|power ?banks?|laptops?|tablets?|ipads?|headphones|earbuds|"
            r"airpods|vapes?|e-?cigs?|e-?cigarettes?|juul|hoverboards?|scooters?|"
            r"e-?bikes?|heaters?|microwaves?|toasters?|kettles?|air ?fryers?|ovens?|"
            r"stoves?|hobs?|cookers?|fridges?|freezers?|dishwashers?|washing machines?|"
            r"dryers?|irons?|fans?|lamps?|plugs?|adapters?|blenders?|"
            r"pressure cookers?|hair ?dryers?|straighteners?|curling irons?|toys?|"
            r"strollers?|prams?|cribs?|car ?seats?|cars?|trucks?|suvs?|vehicles?|brakes?|"
            r"airbags?|tires?|tyres?|engines?|steering|seat ?belts?|cups?|mugs?|"
            r"sippy cups?|bottles?|containers?|cookware|pans?|utensils?|kettlebells?|"
            r"dumbbells?|trampolines?|puzzles?|magnets?|humidifiers?|smoke (?:alarms?|"
            r"detectors?)|contact lens(?:es)?|eyeshadow|palettes?|lashes|glue|nails? salon"
        ),
        (
            r"restaurants?|diners?|cafes?|caf\u00e9s?|takeaways?|take-?out|takeout|"
            r"delivery|buffets?|food trucks?|drive[- ]thru|fast food|hotels?|motels?|"
            r"resorts?|pools?|gyms?|spas?|salons?|airlines?|flights?|planes?|trains?|"
            r"buses|cruises?|ubers?|products?|brands?|items?|orders?|batch(?:es)?|"
            r"their (?:stuff|new|products?|food)|this stuff|that stuff|the stuff"
        ),
    ),
    cues=(
        (
            r"after (?:eating|drinking|using|taking|having|trying|applying|wearing|"
            r"ordering|visiting|eating at|i (?:ate|drank|used|took|had|tried|applied)|"
            r"we (?:ate|had)|a meal|lunch|dinner|breakfast)|after (?:that|this|their|your) "
            r"\w+|since (?:lunch|dinner|breakfast|last night's|eating|drinking)|"
            r"after (?:every|each|one|a single|the first|two|three|\d+) (?:feeds?|feeding|"
            r"bottles?|meals?|uses?|applications?|washes|wash|doses?|days?|weeks?|sips?|"
            r"bites?|nights?|sessions?|visits?|treatments?)|(?:days?|weeks?|nights?) "
            r"(?:on|of using|of taking|of eating|of drinking) (?:the|their|this|that|a|an)"
        ),
        (
            r"ate (?:at|there|their|the|some|a|an|this|that)|drank (?:the|their|a|an|some|"
            r"this|that)|had (?:the|their|lunch|dinner|breakfast) (?:at|from)"
        ),
        (
            r"since (?:i |we )?(?:started )?(?:using|taking|eating|drinking|switching)|"
            r"(?:started|stopped) (?:using|taking)"
        ),
        (
            r"(?:made|makes|make|making|gave|gives|give|giving|got|left) (?:me|us|him|her|"
            r"them|my \w+|everyone|people)"
        ),
        (
            r"caus(?:ed|es|ing|e)|trigger(?:ed|s)?|linked to|blamed? (?:on|for)|"
            r"responsible for|thanks to|because of (?:the|their|this|that|a)|"
            r"due to (?:the|their|this|that|a)"
        ),
        (
            r"from (?:the|their|this|that|a|an|eating|drinking|using|taking|them|it)|"
            r"(?:sick|ill|poisoning) (?:from|after|at)|got (?:it|this|"
            r"food poisoning) (?:from|at)"
        ),
        (
            r"every (?:time|single time) (?:i|we|you) (?:eat|drink|use|have|try)|"
            r"whenever (?:i|we|you) (?:eat|drink|use)|each time (?:i|we) (?:eat|drink|use)"
        ),
        (
            r"(?:used|tried|applied|ate|drank|took|bought|ordered) (?:it|this|that|"
            r"their|the|some|a|an)|reaction to|allergic to|(?:is|are|was|"
            r"were) in (?:their|the|this|that)"
        ),
    ),
    consumption=(
        (
            r"eat|eats|ate|eaten|eating|drink|drinks|drank|drinking|use|used|using|tried|"
            r"trying|try|took|taking|bought|ordered|applied|wearing|wore"
        ),
    ),
    rumour=(
        (
            r"i (?:heard|read|saw)|heard (?:that|about|the|their|these|those|this|it|they|"
            r"some|of)|going (?:round|around)|apparently|rumou?rs?|reportedly|"
            r"allegedly|supposedly|people (?:are )?saying|word is|they say|(?:study|"
            r"studies|report|reports|research) (?:shows?|finds?|found|says?|suggests?|"
            r"links?)|warning|beware|psa|be careful|watch out|don'?t (?:eat|drink|buy|use|"
            r"order|give)|stop (?:eating|drinking|using|buying)|lawsuits?|sued|"
            r"class action|investigat(?:ed|ion|ing)|fda|cdc"
        ),
    ),
    figurative=(
        (
            r"sick (?:of|and tired|as (?:fuck|hell|f)|af|asf|ass|beat|beats|track|tracks|"
            r"song|album|mix(?:tape)?|tape|goal|goals|play|shot|move|moves|trick|skills?|"
            r"dunk|pass|save|view|ride|jersey|jerseys|outfit|shoes|kicks|design|combo|"
            r"game|show|movie|video|weekend|day|days|leave|note|pay|bay|burn|car|whip|fit|"
            r"pic|picture|photo|set|line ?up|performance|concert|stream|drop|remix|verse)|"
            r"call(?:ed|ing|s)? in sick|(?:home|love|sea|air|car|motion|heart)sick|"
            r"sickest|sick-?ass|so sick|(?:is|was|looks?|looked|sounds?|sounded|that'?s|"
            r"thats|it'?s|its|be|gonna be|pretty|really|fucking|fuckin|hella|"
            r"wicked) sick\b(?! (?:from|after|since|because|all|for|to|with))|sick!|#sick"
        ),
        (
            r"(?:people|politicians|you|he|she|they|this|it|that|these|those|the way|when|"
            r"seeing|watching|hearing|thinking about|"
            r"reading) (?:\w+ ){0,3}make(?:s)? me (?:sick|ill|want to (?:puke|vomit|"
            r"throw up))|(?:want|wanna|going|gonna|about) to (?:puke|vomit|"
            r"throw up)(?: in my mouth)?|throw(?:ing)? up in my mouth|"
            r"threw up (?:a little )?in my mouth|makes? me (?:physically )?sick to (?:see|"
            r"hear|think|watch)|(?:prices?|politics|government|news|media|traffic|work|"
            r"school|mondays?|weather|boss|fans|haters|liberals|conservatives|republicans|"
            r"democrats|congress|election|campaign|debate|speech|team|refs?|referees?|"
            r"hypocrisy|attitude|service|customer service|wait|queue|line|ads?|commercials?|"
            r"music|song|show|people) (?:\w+ ){0,2}make(?:s)? me (?:\w+ )?(?:sick|ill)|"
            r"makes? me (?:wanna|want to|gonna|going to) (?:puke|vomit|throw up|barf|hurl)"
        ),
        (
            r"(?:spicy|spice|hot sauce|peppers?|chil(?:l)?is?|wings|curry|jalape\w+|wasabi|"
            r"ghost pepper|salsa|sriracha|habanero|hot cheetos)(?: \w+){0,3} "
            r"burn(?:ed|t|s|ing)? (?:my|our|his|her) (?:mouth|tongue|lips?|throat)"
        ),
        (
            r"if i recall|i recall|(?:we|you|they|can|could|cannot|can'?t|couldn'?t|do|"
            r"did|didn'?t|to|might) (?:\w+ )?recall|can'?t recall|cannot recall|"
            r"do you recall|don'?t recall|recall(?:ing|ed|s)? (?:that|when|how|the time|"
            r"seeing|hearing|meeting)|recall (?:election|elections|vote|votes|petition|"
            r"campaign|effort)|#?\w*recall\w* (?:election|vote)|recalled (?:to|from|"
            r"by the|as)|recall(?:ed)? (?:republicans?|democrats?|senators?|governor|"
            r"walker|the governor)"
        ),
        (
            r"on fire (?:tonight|today|right now|this season|lately)|(?:is|was|are|were|"
            r"been|team|he'?s|she'?s|they'?re) on fire|set the world on fire|burn(?:ed|t|"
            r"s|ing)? (?:calories|fat|the (?:house|place|world) down|it down|them down|"
            r"out|bridges)|burn ?out|sick burn|feel the burn|burn(?:ing)? (?:cd|cds|dvd)|"
            r"heart ?burn|kill(?:ed|ing|s)? it|killin|dead ?(?:ass|serious|tired)|"
            r"i'?m dead|im dead"
        ),
        (
            r"(?:head|brain|heart|mind|phone|notifications?|facebook|twitter|timeline|"
            r"internet|inbox|feed|crowd|sales|stock|numbers?|followers?) (?:(?:is|was|"
            r"will|about to|going to|gonna|just|literally) )*explod(?:e|ed|ing|es)|"
            r"explod(?:e|ed|ing) (?:with|from) (?:joy|happiness|excitement|cuteness|"
            r"laughter)|explod(?:ed|ing) across|blew up (?:my|our|your|the|his|"
            r"her) (?:phone|notifications|timeline|twitter|inbox)|blow(?:ing)? up (?:my|"
            r"your|his|her) phone|blowing up"
        ),
        (
            r"chok(?:e|ed|es|ing) (?:in|at|on) (?:the )?(?:final|finals|game|match|"
            r"playoffs?|round|clutch|big stage|18th|last)|chok(?:ed|es|ing)? (?:away|"
            r"again)|choker|chokes? (?:me )?up|choked up|chokehold|choke hold|"
            r"triangle choke|rear naked choke"
        ),
        (
            r"injur(?:y|ies|ed) (?:report|time|list|update|crisis|news|concern|prone|"
            r"doubt|worries|scare|reserve)|(?:ankle|knee|hamstring|groin|calf|shoulder|"
            r"back|neck|wrist|acl|mcl|thumb|hip|foot|rib|muscle|thigh|quad|"
            r"achilles) (?:injur(?:y|ies|ed)|strain|sprain)|injured (?:list|reserve|"
            r"player|players|star)"
        ),
        (
            r"toxic (?:relationship|people|person|fandom|masculinity|friend|ex|behaviou?r|"
            r"positivity|environment|workplace|fans|trait)|allergic to (?:mondays?|monday|"
            r"work|people|mornings?|drama|politics|homework|exercise|commitment|"
            r"responsibility|effort|sleep|school|the gym|sunlight|adulting|feelings|fun|"
            r"bs|bullshit|stupid|idiots|nonsense)|cancer (?:survivor|awareness|research|"
            r"walk|run|ribbon|night|month|society|screenings?|centre|center|patients?|"
            r"charity)|(?:a |the )?cancer (?:of|on|to) (?:society|the|our|this)|"
            r"is (?:a )?cancer"
        ),
        r"poison(?:ous)? (?:pen|chalice|ivy|dart|of choice)|pick your poison|name your poison",
        (
            r"levels of (?:pretty|cute|cuteness|beauty|sexy|hot|extra|iconic|glam|adorable|"
            r"gorgeous)|sick to (?:my|her|his|our|their) stomach (?:about|over|with|"
            r"thinking|that|when|because|knowing|of|at)|sick (?:with|from) (?:worry|anxiety|"
            r"nerves|grief|stress|jealousy|envy)|worried sick|heart attack (?:on a plate|in a "
            r"(?:box|bun|cup|bag|bowl))|(?:almost|nearly|just about|you'?ll|gonna) (?:gave|"
            r"give|giving|had|have) (?:me |us |him |her )?a heart attack|stroke of (?:genius|"
            r"luck)|passed out (?:drunk|laughing|on the (?:couch|sofa))"
        ),
    ),
    negators=(
        (
            r"no(?! (?:reason|warning|idea|joke|lie|doubt|matter)\b)|not|never|n'?t|"
            r"without(?! (?:any )?(?:warning|reason|notice)\b)|zero|free of|free from|"
            r"nothing|none|didn'?t|"
            r"doesn'?t|don'?t|won'?t|wasn'?t|isn'?t|aren'?t|haven'?t|hasn'?t|hardly|"
            r"barely|instead of|no more|free"
        ),
        # A treatment verb cancels the symptom it treats: "helps with rashes".
        (
            r"help(?:s|ed|ing)? (?:with|relieve|prevent|reduce|soothe|clear|fight|treat|"
            r"stop|calm)|reliev(?:e|es|ed|ing)|sooth(?:e|es|ed|ing)|treat(?:s|ed|ing)?|"
            r"prevent(?:s|ed|ing)?|clear(?:s|ed)? up|cleared|get(?:s|ting)? rid of|"
            r"got rid of|cur(?:e|es|ed)|remed(?:y|ies) for|relief (?:from|for)|"
            r"good for|great for|best for|works? (?:for|on)|calm(?:s|ed)? (?:down )?"
        ),
    ),
    remedy=(
        (
            r"help(?:s|ed|ing)? (?:with|relieve|prevent|reduce|soothe|clear|fight|treat|"
            r"stop|get rid of)|reliev(?:e|es|ed|ing)|cur(?:e|es|ed|ing)|"
            r"treats (?:acne|pimples|eczema|rash(?:es)?|dry|oily|sensitive|pain|"
            r"headaches?|symptoms|the (?:symptoms|pain|cause)|skin|hair|dandruff|burns|"
            r"cuts|bites|spots)|treating|"
            r"treatment for|sooth(?:e|es|ed|ing)|prevent(?:s|ed|ing)?|reduc(?:e|es|ed|"
            r"ing)|remed(?:y|ies)|good for|great for|best for|works? (?:for|on)|"
            r"for (?:sensitive|acne[- ]prone|dry|oily) skin|hypoallergenic|"
            r"dermatologist[- ](?:tested|approved|recommended)|gentle on|"
            r"non[- ]irritating|safe for|no (?:more )?(?:breakouts?|irritation|rash)|"
            r"cleared (?:up )?my|anti[- ]\w+|just a rumou?r|(?:is|was|it'?s) a hoax|"
            r"hoax|debunked|fake news|false alarm|no recall|(?:is|are|it'?s) (?:perfectly |"
            r"completely |totally )?safe"
        ),
        (
            r"promo(?:tion)?|discount|% off|sale|buy now|order now|shop now|giveaway|"
            r"sponsored|#ad\b|limited offer|free shipping|dm (?:me|us)|link in bio"
        ),
    ),
    info=(
        (
            r"symptoms? (?:of|include|includes|are|such as)|signs of|risk factors?|"
            r"patients?|awareness|prevention|tips (?:for|to)|(?:how|ways) to (?:prevent|"
            r"avoid|treat)|doctors? (?:say|recommend|advise)|according to (?:a |"
            r"the )?(?:study|doctors?|experts?)|infographic|fact ?sheet|caused by (?:a |"
            r"the )?(?:virus|bacteria|infection|stress)|outbreak|pandemic|epidemic|"
            r"flu season|cold and flu|(?:smoking|cigarettes|alcohol|obesity|sugar|stress|"
            r"sun exposure|sunbathing|red meat|processed meat|air pollution)(?: \w+)? "
            r"(?:causes?|linked|increases?|raises?)"
        ),
    ),
    first_person=(
        (
            r"i|i'm|im|i've|ive|i'd|me|my|mine|we|us|our|myself|mum|mom|dad|my (?:son|"
            r"daughter|kid|kids|baby|wife|husband|family|friend)"
        ),
    ),
)

# --------------------------------------------------------------------------- Thai

_TH_PRODUCT_NOUNS = (
    r"ผ้าอนามัย|ครีม|โลชั่น|เซรั่ม|โฟม|คลีนซิ่ง|โทนเนอร์|น้ำตบ|มาส์ก|มาร์ค|กันแดด|รองพื้น|แป้ง|ลิป|"
    r"เครื่องสำอาง|สบู่|แชมพู|น้ำหอม|ยา|อาหารเสริม|เหล้า|เบียร์|แอลกอฮอล์|นม|อาหารทะเล|กุ้ง|ปู|ถั่ว"
)

_TH_COSMETIC_BRANDS = (
    r"การ์นิเย่|การ์นิเย|ลอรีอัล|ลอริอัล|นีเวีย|เมย์เบลลีน|เมเบอลีน|มิสทิน|มิสทีน|ชิเซโด้|"
    r"ชิเซโด|อินนิสฟรี|ลาเนจ|โอเลย์|พอนด์ส|ซิตร้า|วาสลีน|สมูทอี|เซตาฟิล|ยูเซอริน|ลาโรช|บิโอเร|"
    r"เซนกะ|ฮาดะลาโบะ|คิวเรล|คลีนิกข์|เอสเต้|ลังโคม|ศรีจันทร์|สเนลไวท์|โรจูคิส|เบบี้ไบร์ท|"
    r"แคธี่ดอลล์|โซฟี|ลอรีเอะ|ลอริเอะ|เซลิน่า|โกเต็กซ์|นิกซ์|เบนเนท|โดฟ|แพนทีน|ซันซิล|"
    r"คอลเกต|ดาร์ลี่|ลักส์|บีเฟสต้า|สกินฟู้ด|อีทูดี้|คิวท์เพรส|มิซึมิ|แอคเน่เอด|"
    r"สบู่นกแก้ว|ทเวลฟ์พลัส|บาบี้มายด์|จอห์นสัน|เดทตอล|ยันฮี"
)
"""Cosmetic and personal-care brands as Thai posts spell them in Thai script: "แพ้<brand>"
is an allergy report, and Thai word boundaries do not mark a name the way capitals do."""

_TH_FOOD_BRANDS = (
    r"เคเอฟซี|แมคโดนัลด์|แมคโดนัล|เบอร์เกอร์คิง|พิซซ่าฮัท|พิซซ่าคอมปะนี|สเวนเซ่นส์|เอ็มเค|"
    r"ยาโยอิ|ซิซซ์เลอร์|บาร์บีคิวพลาซ่า|บาบีก้อน|ชาบูชิ|สุกี้ตี๋น้อย|โออิชิ|อาฟเตอร์ยู|"
    r"สตาร์บัคส์|คาเฟ่อเมซอน|ดัชมิลล์|โฟร์โมสต์|เมจิ|ยาคูลท์|เนสท์เล่|ไมโล|โอวัลติน|ไวไว|"
    r"ยำยำ|คาราบาว|เอ็มร้อย|ลิโพ|ไฮเนเก้น|สเมอนอฟ|แสงโสม|เซเว่น|แม็คโคร|บิ๊กซี|โลตัส|"
    r"ท็อปส์|ซีพี|เบทาโกร|ฟู้ดแพนด้า|แกร็บฟู้ด|ไลน์แมน"
)
"""Food, drink and restaurant brands in Thai script (product mentions, not allergy cues)."""

_TH = LanguageLexicon(
    code="th",
    script="thai",
    harm=(
        _t(r"อาหารเป็นพิษ|อาหารเปนพิษ", GI, STRONG, "อาหารเป็นพิษ (food poisoning)"),
        _t(
            (r"ท้องเสีย|ท้องร่วง|ทัองเสีย|ท้องเสี|ถ่ายเป็นน้ำ|ถ่ายไม่หยุด|ถ่ายท้อง|" r"ท้องเดิน|ขี้แตก|ขี้ไหล|ยาถ่าย"),
            GI,
            STRONG,
            "ท้องเสีย (diarrhoea)",
        ),
        _t(r"อาเจียน|อ้วก|อ๊วก|อ๊อก|คลื่นไส้|พะอืดพะอม", GI, MEDIUM, "อาเจียน (vomiting)"),
        _t(
            r"ปวดท้อง|แสบท้อง|จุกท้อง|ท้องอืด|มวนท้อง|ปั่นป่วนในท้อง|ท้องไส้ปั่นป่วน|ปวดบิด",
            GI,
            MEDIUM,
            "ปวดท้อง (stomach ache)",
        ),
        _t(r"ผื่น|ผิ่น|ลมพิษ|ตุ่มแดง|ผดขึ้น|ผดผื่น|เม็ดตุ่ม|เป็นตุ่ม|ตุ่มขึ้น|เม็ดแดง", SKIN, STRONG, "ผื่น (rash)"),
        _t(r"ผด", SKIN, MEDIUM, "ผด (heat rash)", True),
        _t(
            r"อาการแพ้|แพ้หนัก|แพ้แรง|แพ้ระเบิด|แพ้เว่อ|แพ้มาก|แพ้อย่างแรง",
            SKIN,
            STRONG,
            "อาการแพ้ (allergic reaction)",
        ),
        _t(
            (
                r"(?:^|กู|กุ|เรา|ผม|ฉัน|ชั้น|หนู|นุ|นุ้ง|ตัวเอง|นี้|นี่|ยัง|ละ|แล้ว|ผิว|หน้า|"
                r"ปาก|มือ|ใช้|ทา|ใส่|กิน|ดื่ม|แดก|คนที่|เป็นคน|แต่|เลย|ดัน|เสือก|รู้ว่า|"
                r"จำว่า)\s*แพ้(?!\s*(?:ทาง|ชนะ|ใจ|รัก|ภัย|คดี|ให้|\d))|แพ้\s*(?=[A-Za-z])|"
                r"แพ้\s*(?:"
            )
            + _TH_PRODUCT_NOUNS
            + r"|"
            + _TH_COSMETIC_BRANDS
            + r")",
            SKIN,
            MEDIUM,
            "แพ้ (allergic to)",
        ),
        _t(r"แพ้", SKIN, WEAK, "แพ้ (allergic)", True),
        _t(
            (
                r"คัน(?:ปาก|ตูด|ก้น|หน้า|ตัว|ผิว|หัว|หนังหัว|มาก|ยิบ\S*|คะเยอ|จัง|ไปหมด|"
                r"ระเบิด|อยู่|ๆ|ฮี|จิ๋ม|หู|ตา|คอ|แขน|ขา|ยุบยิบ|เหลือเกิน|สุดๆ)|(?:ผื่น|แพ้|"
                r"แสบ|ระคาย|แดง|ใช้แล้ว|ใส่แล้ว|ทาแล้ว|ใช้ละ|ใส่ละ|ทาละ|มัน|ก็|จน|เลย|อาการ|"
                r"รู้สึก)\s*คัน"
            ),
            SKIN,
            MEDIUM,
            "คัน (itchy)",
        ),
        _t(
            r"ระคายเคือง|แสบร้อน|แสบหน้า|แสบผิว|แสบปาก|แสบคอ|แสบจมูก|แสบตะหมูก",
            SKIN,
            MEDIUM,
            "ระคายเคือง (irritation)",
        ),
        _t(r"แสบ", SKIN, WEAK, "แสบ (stinging)", True),
        _t(r"แดงๆ|แดงเต็ม|เป็นรอยแดง|รอยแดง", SKIN, WEAK, "แดง (redness)"),
        _t(
            (
                r"บวม|หน้าแดง|ตัวแดง|แดงทั้งตัว|หน้าลอก|ผิวลอก|ปากลอก|มือลอก|ปากแหก|หน้าแหก|"
                r"หน้าพัง|หน้าไหม้|หน้าเห่อ|ผิวไหม้"
            ),
            SKIN,
            MEDIUM,
            "บวม/แดง/ลอก (swelling, redness, peeling)",
        ),
        _t(
            (r"สิวขึ้น|สิวเห่อ|สิวบุก|สิวผด|สิวอุดตันขึ้น|สิวมาเต็ม|สิวเต็มหน้า|สิวมาเลย|" r"สิวเม็ดเล็ก|ขึ้นสิว"),
            SKIN,
            MEDIUM,
            "สิวขึ้น (breakout)",
        ),
        _t(r"เจ็บคอ|คอแดง|ลิ้นไก่บวม|เสียงแหบ|คอไหม้|จามไม่หยุด", GENERAL, WEAK, "เจ็บคอ (sore throat)"),
        _t(
            (r"ปวดหัว|เวียนหัว|มึนหัว|หน้ามืด|ใจสั่น|ไม่สบายตัว|ไม่สบาย|ป่วย|เป็นไข้|มีไข้|" r"ภาพตัด"),
            GENERAL,
            WEAK,
            "ป่วย/ปวดหัว (unwell)",
        ),
        _t(
            (
                r"(?:กิน|ทาน|ดื่ม|ใช้|ทา|แดก|ฉีด|สูบ)\S{0,20}?(?:แล้ว|ละ|ปุ๊บ)\s?(?:ปวดหัว|"
                r"เวียนหัว|มึนหัว|หน้ามืด|ใจสั่น|ไม่สบาย|แสบ|ป่วย|ผมร่วง)"
            ),
            GENERAL,
            MEDIUM,
            "ใช้แล้วป่วย (unwell after using)",
        ),
        _t(
            (
                r"เข้าโรงพยาบาล|เข้าโรงบาล|เข้ารพ|เข้า รพ|ไปโรงพยาบาล|ไปหาหมอ|ส่งโรงพยาบาล|"
                r"ส่งรพ|นอนโรงพยาบาล|แอดมิท|แอดมิด|ให้น้ำเกลือ|น้ำเกลือ|หามส่ง|ห้องฉุกเฉิน"
            ),
            SERIOUS,
            MEDIUM,
            "เข้าโรงพยาบาล (hospitalised)",
        ),
        _t(
            r"ก่อมะเร็ง|สารก่อมะเร็ง|ทำให้เป็นมะเร็ง|เสี่ยงมะเร็ง|เป็นมะเร็งได้",
            SERIOUS,
            STRONG,
            "ก่อมะเร็ง (causes cancer)",
        ),
        _t(
            (
                r"สารพิษ|สารอันตราย|สารปนเปื้อน|ปนเปื้อน|สารตกค้าง|ยาฆ่าแมลง|สารเคมี|สารปรอท|"
                r"ปรอท|ไม่ปลอดภัย|อันตราย|มีพิษ|ทำพิษ|เป็นพิษ"
            ),
            HAZARD,
            WEAK,
            "สารพิษ/อันตราย (toxic/unsafe)",
        ),
        _t(
            (
                r"(?:มี|ตรวจพบ|พบ|เจอ|ผสม|ใส่)(?:สาร(?:อันตราย|พิษ|ก่อมะเร็ง|ปนเปื้อน|ปรอท|"
                r"ตะกั่ว)|ปรอท|ตะกั่ว|สเตียรอยด์|ไฮโดรควิโนน|ฟอร์มาลีน|บอแรกซ์|ยาฆ่าแมลง)"
                r"|สาร(?:อันตราย|พิษ|ปรอท|ตะกั่ว|สเตียรอยด์)(?:เกิน|สูง|ปน)"
            ),
            HAZARD,
            MEDIUM,
            "มีสารอันตราย (contains harmful substance)",
        ),
        _t(
            r"พยาธิ|ไข่พยาธิ|ตัวอ่อนพยาธิ|เม็ดสาคู|ตัวตืด|ฝีหนอง|เนื้อติดเชื้อ|เนื้อเน่า",
            CONTAMINATION,
            STRONG,
            "พยาธิ/ฝี (parasites, abscess)",
        ),
        _t(r"ฝี|หนอง", CONTAMINATION, STRONG, "ฝี/หนอง (abscess, pus)", True),
        _t(r"ติดเชื้อ|แบคทีเรีย|เชื้อโรค", CONTAMINATION, WEAK, "ติดเชื้อ (infection)"),
        _t(
            (
                r"แมลงสาบ|แมลงสาป|แมงสาบ|ตัวหนอน|ไข่แมลง|แมลงวัน|จิ้งจก|เส้นผม|เศษแก้ว|"
                r"เศษเหล็ก|ตะปู|สิ่งแปลกปลอม|เศษพลาสติก|ตัวเรือด|เรือดกัด|ตัวหมัด|"
                r"ชิ้นส่วน\S{0,12}หลุด\S{0,6}(?:ปาก|คอ)"
            ),
            CONTAMINATION,
            MEDIUM,
            "แมลง/สิ่งแปลกปลอม (pests, foreign objects)",
        ),
        _t(r"หนอน", CONTAMINATION, MEDIUM, "หนอน (worms)", True),
        _t(
            r"หัวใจวาย|หัวใจล้มเหลว|หมดสติ|ชักเกร็ง",
            SERIOUS,
            MEDIUM,
            "หัวใจวาย/หมดสติ (heart failure, fainting)",
        ),
        _t(
            (
                r"(?:ขนมปัง|ขนม|อาหาร|นมกล่อง|นมเปรี้ยว|เค้ก|ข้าว|ขนมจีน|ไส้กรอก|แฮม|ชีส|"
                r"ผลไม้|น้ำผลไม้|ของกิน|แซนวิช|แซนด์วิช|เบเกอรี่)\S{0,8}(?:ขึ้นรา|มีรา|เป็นรา|"
                r"ราขึ้น|เชื้อรา|บูด|เน่า|มีหนอน|มีแมลง)"
            ),
            CONTAMINATION,
            MEDIUM,
            "อาหารขึ้นรา/บูด (mouldy, spoiled food)",
        ),
        _t(r"ขึ้นรา|เชื้อรา|ราขึ้น|หมดอายุ|เหม็นเปรี้ยว|ไม่สุก", CONTAMINATION, WEAK, "ขึ้นรา/หมดอายุ (spoiled)"),
        _t(r"บูด|เน่า|ดิบ", CONTAMINATION, WEAK, "บูด/เน่า (spoiled)", True),
        _t(
            r"แบตบวม|แบตระเบิด|ระเบิดคามือ|ไฟช็อต|ไฟช๊อต|ไฟดูด|ไฟรั่ว|ไฟลุก|ลุกไหม้",
            HAZARD,
            MEDIUM,
            "แบตบวม/ไฟดูด (battery, electrical hazard)",
        ),
        _t(
            (
                r"(?:แบต|แบตเตอรี่|มือถือ|โทรศัพท์|ไอโฟน|พาวเวอร์แบงค์|แบตสำรอง|บุหรี่ไฟฟ้า|"
                r"พอต|ที่ชาร์จ|สายชาร์จ|หัวชาร์จ|หม้อหุงข้าว|หม้อทอด|ไมโครเวฟ|ถังแก๊ส|เตาแก๊ส|"
                r"รถ)\S{0,24}?(?:ระเบิด|ไฟไหม้|ไฟลุก|ลุกไหม้|ควันขึ้น|ควันออก|บวม|ไฟช็อต|"
                r"ไฟดูด)"
            ),
            HAZARD,
            MEDIUM,
            "แบตระเบิด (product exploded)",
        ),
        _t(r"ไฟไหม้|ควันขึ้น|ควันออก|ร้อนจนจับไม่ได้|บวมเป่ง", HAZARD, WEAK, "ไฟไหม้ (fire)"),
        _t(r"ระเบิด|ไหม้", HAZARD, WEAK, "ระเบิด/ไหม้ (explosion, burning)", True),
        _t(
            (
                r"เบรคแตก|เบรกแตก|เบรคไม่อยู่|เบรกไม่อยู่|เบรคไม่ทำงาน|เบรกไม่ทำงาน|เบรคเสีย|"
                r"(?:เบรค|เบรก)\S{0,30}(?:ไม่อยู่|ไม่ทำงาน|ไม่ติด|ไม่จับ|แตก|ล็อค)|"
                r"เบรกเสีย|ถุงลม(?:นิรภัย)?ไม่(?:ทำงาน|กาง|ออก|พอง)|พวงมาลัยล็อค|เร่งเอง|"
                r"รถพุ่ง"
            ),
            HAZARD,
            STRONG,
            "เบรคแตก/ถุงลมไม่ทำงาน (vehicle defect)",
        ),
        _t(
            r"(?<!ไวรัส)(?:ตา|ผิวหน้า|ผิว|หน้า|เหงือก|ปาก|หนังศีรษะ|หนังหัว|ตับ|ไต|"
            r"กระเพาะ|ลำไส้)(?:ก็|จะ|เลย)?อักเสบ",
            GENERAL,
            MEDIUM,
            "อักเสบ (inflamed eyes, skin, gums)",
        ),
        _t(
            (r"เรียกคืน|เรียกรถคืน|เรียกเก็บคืน|ถูกเรียกคืน|ถอนออกจากตลาด|ระงับการจำหน่าย|" r"สั่งเก็บ|อย\.\s*สั่ง"),
            HAZARD,
            MEDIUM,
            "เรียกคืน (recall)",
        ),
        _t(r"แยงตา|ตาพร่า|แสบตา", HAZARD, MEDIUM, "แยงตา (dazzling headlights)"),
        _t(
            (r"บาดเจ็บ|เจ็บตัว|เลือดออก|แผลเปิด|ติดคอ|สำลัก|ฟันบิ่น|ฟันหัก|ลื่นล้ม|หกล้ม|" r"ขาหัก|แขนหัก|เสียชีวิต"),
            INJURY,
            WEAK,
            "บาดเจ็บ (injury)",
        ),
        _t(r"แผล|บาด|ตาย", INJURY, WEAK, "แผล/ตาย (wound, death)", True),
        _t(r"ผลข้างเคียง|อาการข้างเคียง", SERIOUS, MEDIUM, "ผลข้างเคียง (side effects)"),
    ),
    products=(
        (
            r"อาหาร|ร้าน|สาขา|เมนู|บุฟเฟ่ต์|บุฟเฟต์|บุฟ|ชาบู|สุกี้|หมูกระทะ|ปิ้งย่าง|ปิ้ง|"
            r"ย่าง|ฮอตพอท|hotpot|หม้อ|หมู|เนื้อ|ไก่|เป็ด|ปลา|กุ้ง|ปู|หอย|ทะเล|ซีฟู้ด|ข้าว|"
            r"ก๋วยเตี๋ยว|บะหมี่|หมี่|มาม่า|ส้มตำ|ยำ|ลาบ|ซูชิ|พิซซ่า|เบอร์เกอร์|ไก่ทอด|ขนม|"
            r"เค้ก|ไอติม|ไอศกรีม|นม|โยเกิร์ต|ชานม|ชาเย็น|ชา|กาแฟ|น้ำ|น้ำผลไม้|เครื่องดื่ม|"
            r"น้ำอัดลม|เหล้า|เบียร์|ไวน์|วอดก้า|ค็อกเทล|สปาย|ไวน์คูลเลอร์|แอลกอฮอล์"
        ),
        (
            r"ยา|อาหารเสริม|วิตามิน|วัคซีน|ครีม|โลชั่น|เซรั่ม|โฟม|โฟมล้างหน้า|คลีนซิ่ง|"
            r"ไมเซล่า|โทนเนอร์|น้ำตบ|มาส์ก|มาร์ค|มาร์ก|กันแดด|รองพื้น|แป้ง|คอนซีลเลอร์|"
            r"ลิป|ลิปสติก|ลิปมัน|มาสคาร่า|อายไลเนอร์|อายโรลออน|เครื่องสำอาง|สกินแคร์|สบู่|"
            r"ครีมอาบน้ำ|แชมพู|ครีมนวด|ยาย้อมผม|น้ำยา|น้ำหอม|โรลออน|ผ้าอนามัย|"
            r"ผ้าอนามัยแบบสอด|ผ้าอ้อม|แพมเพิส|ทิชชู่เปียก|ยาสีฟัน|ผงซักฟอก|บุหรี่ไฟฟ้า|"
            r"บุหรี่|พอต|พ็อต|น้ำยาบุหรี่|ไฮไลท์|ไฮไลต์|บลัช|บลัชออน|อายแชโดว์|พาเลท|"
            r"คุชชั่น|ลิปทินท์|ทินท์|สครับ|เจลล้างหน้า|ยาสระผม|ครีมกันแดด|สเปรย์"
        ),
        (
            r"โทรศัพท์|มือถือ|ไอโฟน|แบต|แบตเตอรี่|สายชาร์จ|ที่ชาร์จ|หัวชาร์จ|"
            r"พาวเวอร์แบงค์|แบตสำรอง|หูฟัง|โน้ตบุ๊ค|ไดร์เป่าผม|เตารีด|ไมโครเวฟ|หม้อทอด|"
            r"หม้อหุงข้าว|ของเล่น|รถ|รถยนต์|กระบะ|มอเตอร์ไซค์|มอไซค์|ไฟหน้า|ไฟตัดหมอก|"
            r"ไฟสูง|เบรค|เบรก|ถุงลม|ยาง|เครื่องยนต์|แท็กซี่|รถตู้|รถเมล์|เรือ|เครื่องบิน|"
            r"โรงแรม|สระว่ายน้ำ|สปา|คลินิก|สินค้า|ผลิตภัณฑ์|ยี่ห้อ|แบรนด์|ตัวนี้|อันนี้|"
            r"สูตรนี้|รุ่นนี้|ล็อต|ล๊อต|ของเค้า|ของเขา|ของร้าน"
        ),
        _TH_COSMETIC_BRANDS,
        _TH_FOOD_BRANDS,
    ),
    cues=(
        (
            r"(?:กิน|ทาน|แดก|ดื่ม|ซด|ใช้|ทา|ใส่|ลอง|ล้าง|ฉีด|สูบ|ดูด|ปัด|พ่น|แต้ม|สระ|"
            r"หยอด|เคี้ยว|ซื้อ)(?:[^\s]{0,25}?)(?:แล้ว|ละ|ปุ๊บ|เสร็จ|ไป|เข้าไป|มา|ทีไร|ครั้งแรก)"
        ),
        (
            r"หลัง(?:จาก)?(?:กิน|ทาน|ดื่ม|ใช้|ทา|แดก|ไป)|ตั้งแต่(?:กิน|ใช้|ดื่ม|แดก|ทา|"
            r"ไป)|ทุกครั้งที่(?:กิน|ดื่ม|ใช้|ทา)|ทีไร|ทุกที|ทุกรอบ|ทุกครั้ง"
        ),
        (
            r"ทำให้|ทำ(?:กู|กุ|ผม|เรา|ฉัน|พี่|หนู|นุ|ลูก|แม่|พ่อ)|เป็นเพราะ|เพราะ(?:กิน|"
            r"ใช้|ดื่ม|แดก)|เพราะ|จาก(?:การ)?(?:กิน|ดื่ม|ใช้)|ได้รับเชื้อ|ได้รับ|"
            r"เจอ(?:ใน)?|พบ(?:ใน)?|มีใน|อยู่ใน|ติดมา(?:กับ)?|ในจาน|ในแก้ว|ในชาม|ในเนื้อ|"
            r"ในหมู"
        ),
    ),
    consumption=(r"กิน|ทาน|แดก|ดื่ม|ใช้|ทา|สั่ง|ลอง|ซื้อ|ไป|สูบ|ดูด|ใส่|รีวิว",),
    rumour=(
        (
            r"ได้ยิน(?:มา)?ว่า|เขาว่า|เค้าว่า|เขาบอกว่า|เค้าบอกว่า|ข่าวว่า|มีข่าว|ข่าว|"
            r"ลือ|ข่าวลือ|มีคนบอก|มีคนแชร์|คนแชร์|แชร์ต่อ|เตือน|ระวัง|อย่าไป(?:กิน|ซื้อ|"
            r"ใช้)|อย่า(?:กิน|ซื้อ|ใช้)|เลิก(?:กิน|ใช้|ซื้อ)|ไม่กล้า(?:กิน|ใช้)|เคส|"
            r"ดราม่า|ประเด็น|แถลง|ฟ้อง|ร้องเรียน|อย\.|สคบ"
        ),
    ),
    figurative=(
        (
            r"(?:ทีม|ฝ่าย|พรรค|ประเทศ|นักกีฬา)\S{0,8}แพ้|แพ้ชนะ|ยอมแพ้|พ่ายแพ้|แพ้ทาง|ไม่แพ้|แพ้คดี|แพ้ภัย|ขี้แพ้|แพ้ใจ|แพ้รัก|"
            r"ผู้แพ้|ฝ่ายแพ้|แพ้ให้|แพ้ไป\s*[0-9๐-๙]|แพ้\s*[0-9๐-๙]|แพ้เลือกตั้ง|แพ้โหวต|"
            r"แพ้หลุดลุ่ย|แพ้เห็นๆ|แพ้เยอะ|แพ้ราคา|แพ้ยอด|แพ้ตรง|แพ้อย่างเดียว|กลัวแพ้|"
            r"แพ้(?:ทีม|คู่|ฝ่าย|ฮอนด้า|โตโยต้า|มาสด้า|civic|ซีวิค|ยาริส|city|ซิตี้|zs|"
            r"hrv|mazda|swift|สวิฟ|ฟอร์ด|ford|cx)|แพ้(?:ทุก|หมด)?(?:อย่าง)?เลย(?:ค่ะ|"
            r"ครับ)?\s*$|(?:เด็ก|คน)?ขี้แพ้|ผิวแพ้ง่าย|ผิวบอบบางแพ้ง่าย|แพ้ง่ายก็ใช้ได้|"
            r"สำหรับผิวแพ้ง่าย|เหมาะกับผิวแพ้ง่าย|ทดสอบการแพ้|กลัวว่าจะเกิดการแพ้|กลัวแพ้|"
            r"กลัว[^\s]{0,15}?แพ้|แพ้\s*(?:honda|toyota|mazda|ford|nissan|isuzu|"
            r"mitsubishi|suzuki|chevrolet|mg|bmw|benz|civic|city|yaris|jazz|hr-?v|cr-?v|"
            r"cx-?\d|vios|altis|fortuner|d-?max)|ว่าแพ้มั้ย|แพ้มั้ย|แพ้ไหม|แพ้หรือเปล่า|"
            r"แพ้หรือไม่|ภูมิแพ้|แพ้อากาศ|แพ้เหงื่อ|แพ้แดด|แพ้แสงแดด|แพ้ฝุ่น|แพ้ยุง|"
            r"แพ้กลิ่น"
        ),
        (
            r"(?:รถ|ขับ|จอด|ถอย|ผ่อน|โบก|แท็กซี่|ตัวถัง)[^\s]{0,12}คัน|"
            r"[0-9๐-๙,.]+\s*(?:กว่า|ๆ)?\s*คัน|(?:เต็ม|บาง|อีก|แต่ละ|ต่อ|ซื้อ|จอง|ยาริส|"
            r"ซีวิค|วีออส|ฟอร์จูนเนอร์|ฟอจูนเนอร์|ดีแมค|ดีแม็ก|รีโว่|มาร์ช|อัลติส|แจ๊ส|"
            r"ซิตี้|อัลเมร่า|นิสสัน\S*|มาสด้า\S*|ฮอนด้า|โตโยต้า)\s?คัน|คัน(?:ขับ|เท่า|"
            r"ไม่กี่|เป็น|ซีวิค)|คัน(?:ละ|นี้|นั้น|นู้น|ที่|แรก|เดียว|ใหม่|เก่า|โปรด|ไหน|"
            r"หน้า|หลัง|ข้าง|ต่อไป|นึง|หนึ่ง|นุง|จริง|ใหญ่|เล็ก|จิ๋ว|ดำ|ขาว|แดง|สวย|เร่ง|"
            r"โยก|เบ็ด|ธนู|นา|ทรี|ไซ|ส์|ร้าย|เดิม|หล้ง|อื่น|เป็นล้าน|ล่ะ|คันซีวิค)|(?:สอง|"
            r"สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ร้อย|พัน|หมื่น|แสน|ล้าน|หลาย|ทุก|ซัก|สัก|"
            r"จัก|นับ|กี่|ทั้ง|รอบ)คัน|คันทรี|ไฮคันทรี|ไฮ คันทรี|คันไซ|ซานส์คันส์|"
            r"คันปาก(?:บันเทิง)"
        ),
        (
            r"ระเบิดความ\S*|ระเบิด(?:ฟอร์ม|พลัง|เต็ม|ความมันส์|ความสนุก|ความติส)|"
            r"ขายระเบิด|ยอด(?:ขาย)?ระเบิด|หัว(?:จะ)?ระเบิด|ระเบิดเวลา|ระเบิดระเบ้อ|"
            r"ลูกชิ้นระเบิด|ใจ(?:จะ)?ระเบิด|หัวใจ(?:จะ)?ระเบิด|อารมณ์ระเบิด|ระเบิดปรมณู|"
            r"ระเบิดอารมณ์|เอาให้ระเบิด|ระเบิดลง|ฮาระเบิด|มันส์ระเบิด"
        ),
        (
            r"(?:เห็น|เหน|อ่าน|ดู|นึก|ได้ยิน|ฟัง|คิดถึง|เจอหน้า|เลื่อน|ข่าว|"
            r"รูป)[^\n]{0,80}?(?:จะ|แทบ|อยาก|ก็จะ)\s*(?:อ้วก|อ๊วก|อาเจียน)|(?:อิ่ม|"
            r"แน่นท้อง|กินจน|อิ่มจน|เลี่ยน|หวานจน|ขมจน|เหม็น(?:จน)?|"
            r"ได้กลิ่น(?:แล้ว)?)\s*(?:จะ|แทบ)?\s*(?:อ้วก|อ๊วก)|ไม่อ้วกไม่(?:กลับ|เลิก)|"
            r"จะอ้วก(?:กับ|เลย)?\s*$|อ้วกแตกภาพตัด"
        ),
        (
            r"ปวดท้อง(?:ประจำเดือน|เมนส์|เมน|น้อย)|ปวดท้องหิว|หิวจนปวดท้อง|หายป่วย|"
            r"ป่วยการเมือง|ป่วยจิต|ตรรกะ(?:เรา)?(?:ไม่ได้)?ป่วย|ขำ(?:จน)?(?:จะ)?ตาย|"
            r"หัวเราะ(?:จน)?(?:จะ)?ตาย|(?:เหนื่อย|ง่วง|หิว|ร้อน|หนาว|อร่อย|เขิน|ฟิน|ดีใจ|"
            r"เสียใจ|เครียด|เบื่อ)(?:จน)?(?:จะ)?ตาย|ตายแน่|ตายๆ|ตายแล้ว|"
            r"จะตาย(?:อยู่แล้ว)?$|ตัวแสบ|แสบตับ|(?:หวาน|เผ็ด|ขม|เปรี้ยว|เค็ม|"
            r"ฉุน)(?:สุดๆ)?จน(?:แสบ|บาด)(?:คอ|ปาก|ลิ้น)|(?:อร่อย|กิน|อิ่ม|"
            r"แดก)(?:\S{0,6})?จน(?:ตัว|พุง|ท้อง)?(?:บวม|แตก)|เจ็บใจ|เจ็บปวด(?:ใจ)?|บาดใจ|"
            r"แผลใจ|เจ็บตัวฟรี|ไม่เจ็บตัว"
        ),
        (
            r"คันละ|หนู(?:ๆ|ก็|จะ|ขอ|อยาก|ชอบ|เป็น|ไม่|ได้|ว่า|รู้|คิด|ใช้|กิน|ซื้อ|หาย)|"
            r"น้องหนู|หนูน้อย|แม่หนู|ลูกหนู|พลาสติก(?:แทน|ใช้ครั้งเดียว)|ถุงพลาสติก|"
            r"ขยะพลาสติก|ลดพลาสติก|กล่องพลาสติก|หลอดพลาสติก|ไม่ใช้พลาสติก|หมดอายุ(?:บัตร|"
            r"วัน|แล้วยัง|การใช้งาน|สมาชิก)|บัตร(?:\S{0,6})?หมดอายุ|"
            r"โค้ด(?:\S{0,10})?หมดอายุ|โปร(?:\S{0,6})?หมดอายุ|ต่ออายุ|ก่อนหมดอายุ|"
            r"หลังหมดอายุ|ดิบดี|ดิบๆ|มันดิบ|เดินดิบ|หน้าบูด|บูดบึ้ง|ชาบู|บูดู|ชีวิตเน่า|"
            r"เน่าเฟะ|สมองเน่า|อนาคตเน่า|ราคาเน่า"
        ),
    ),
    negators=(
        (
            r"ไม่|มิใช่|มิได้|ไม่มี|ไม่เคย|ไม่ได้|ไม่ใช่แค่|ไม่ทำให้(?:เกิด)?(?:การ|"
            r"อาการ)?|ไม่ค่อย|ปราศจาก|ไร้|ไม่ใช่|ไม่เป็น|ไม่พบ|ลด|หาย|ไม่ต้องกลัว|"
            r"ไม่เกิด(?:การ|อาการ)?|ไม่ก่อให้เกิด(?:การ|อาการ)?|"
            r"ไม่มีส่วนผสม(?:ที่)?(?:ทำ)?ให้(?:เกิด)?|แก้|บรรเทา|รักษา|ป้องกัน|ต้าน"
        ),
    ),
    remedy=(
        (
            r"ช่วย(?:ลด|แก้|บรรเทา|รักษา|ป้องกัน|ให้|ฟื้นฟู|ปลอบ|ต้าน|กำจัด|ขจัด)|"
            r"ลด(?:อาการ|การ|ปัญหา|รอย|สิว|ผื่น|ปวด)|แก้(?:อาการ|ปวด|ท้อง|ไอ|ไข้|พิษ|ผื่น|"
            r"คัน)|รักษา(?:อาการ|โรค|สิว|ผื่น|แผล|มะเร็ง)?|บรรเทา|ป้องกัน|สรรพคุณ|ต้าน|"
            r"เหมาะกับ|เหมาะสำหรับ|สำหรับผิว|อ่อนโยน|ไม่ระคายเคือง|ไม่แพ้|ผ่านการทดสอบ|"
            r"ปลอดภัย(?:ต่อ|สำหรับ)|ไม่มีสาร|ปราศจาก|แพทย์ผิวหนัง|ยารักษา|สมุนไพร|ยาแก้|"
            r"ดีต่อ|บำรุง|หายขาด|หายเป็นปลิดทิ้ง"
        ),
        (
            r"โปรโมชั่น|โปรโมชัน|ลดราคา|ราคาพิเศษ|ส่วนลด|สั่งซื้อ|พร้อมส่ง|ส่งฟรี|"
            r"สนใจ(?:ทัก|สั่ง|ติดต่อ|สอบถาม)|ทักแชท|ทักไลน์|แอดไลน์|inbox|IB|ib|ไลน์\s*@|"
            r"line\s*@|ติดต่อสอบถาม|สอบถามรายละเอียด|โทร\s*0|คลิก|ลงทะเบียน|แจกฟรี|ของแถม|"
            r"บาท/|ราคา\s*[0-9๐-๙]+"
        ),
    ),
    info=(
        (
            r"อาการ(?:ที่พบ|ทั่วไป|ของโรค|เตือน|ดังนี้|ได้แก่|เบื้องต้น)|ผู้ป่วย|คนไข้|"
            r"สาเหตุ(?:ของ|หลัก|เกิด)?|วิธี(?:ป้องกัน|รักษา|ดูแล|แก้)|ควร(?:ปรึกษา|พบ|"
            r"ไปพบ)แพทย์|ปรึกษาแพทย์|แพทย์|หมอ(?:แนะนำ|บอกว่า)|โรค|ภาวะ|งานวิจัย|ผลวิจัย|"
            r"ข้อมูล|บทความ|สุขภาพ|ความรู้|สัญญาณ|ปัจจัยเสี่ยง|ตรวจสุขภาพ|มูลนิธิ|บริจาค|"
            r"ร่วมบุญ|รณรงค์|สัปดาห์|\d+\.\s*\S+.*\d+\.\s*\S+.*\d+\.\s"
        ),
    ),
    first_person=(
        (
            r"กู|กุ|ผม|เรา|ฉัน|ชั้น|หนู|นุ|นุ้ง|ตัวเอง|เค้าเอง|พี่|ลูก(?:เรา|ผม|ฉัน)?|"
            r"แม่(?:เรา|ผม|ฉัน)?|แฟน|เพื่อน|ที่บ้าน|ครอบครัว"
        ),
    ),
)

# --------------------------------------------------------------------------- Indonesian

_ID = LanguageLexicon(
    code="id",
    script="latin",
    harm=(
        _t(r"keracunan(?: makanan)?|diracun", GI, STRONG, "keracunan (poisoning)"),
        _t(
            (
                r"diare|mencret|menceret|murus|bolak[- ]?balik (?:ke )?(?:wc|toilet|"
                r"kamar mandi|belakang)|buang[- ]buang air|bab terus|muntaber"
            ),
            GI,
            STRONG,
            "diare (diarrhoea)",
        ),
        _t(
            (
                r"sakit perut|perut(?: \w+){0,2} (?:sakit|mules|mulas|melilit|perih|kembung|"
                r"panas|tidak enak|gak enak|ga enak|nggak enak|bermasalah)|mules|mulas|"
                r"melilit|maag (?:saya |aku |gue )?kambuh|asam lambung (?:naik|kambuh)"
            ),
            GI,
            STRONG,
            "sakit perut (stomach ache)",
        ),
        _t(
            (
                r"muntah(?:[- ]muntah)?|memuntahkan|ingin muntah|mau muntah|mual(?:[- ]mual)?|"
                r"eneg|enek|(?<!ikan )kembung"
            ),
            GI,
            MEDIUM,
            "muntah/mual (vomiting, nausea)",
        ),
        _t(
            (
                r"gatal(?:[- ]gatal)?|gatel(?:[- ]gatel)?|ruam|bentol(?:[- ]bentol)?|biduran|"
                r"kaligata|bintik[- ]bintik merah|merah[- ]merah|kemerahan|iritasi|perih|"
                r"panas di (?:kulit|wajah|muka)|kulit (?:jadi )?(?:terbakar|mengelupas|kering|"
                r"merah)|mengelupas|melepuh|lecet|(?:muka|wajah|kulit|bibir|mata|"
                r"kulit kepala)(?: \w+){0,2} (?:jadi |menjadi |langsung |malah )?(?:merah|"
                r"panas|perih|melepuh|bengkak|mengelupas|terbakar|iritasi|gatal|luka|"
                r"berdarah)"
            ),
            SKIN,
            MEDIUM,
            "gatal/ruam/iritasi (itching, rash, irritation)",
        ),
        _t(r"alergi|alergian", SKIN, WEAK, "alergi (allergy)"),
        _t(
            (
                r"jerawatan|beruntusan|bruntusan|breakout|bopeng|komedo (?:makin|jadi)|"
                r"jerawat (?:makin|jadi|tambah|bermunculan|muncul|keluar|meradang)|(?:muncul|"
                r"tumbuh|keluar) jerawat"
            ),
            SKIN,
            MEDIUM,
            "jerawatan (breakout)",
        ),
        _t(r"jerawat", SKIN, WEAK, "jerawat (acne)"),
        _t(
            r"tidak cocok|gak cocok|ga cocok|nggak cocok|enggak cocok",
            SKIN,
            WEAK,
            "tidak cocok (skin reaction)",
        ),
        _t(
            r"bengkak|membengkak|sesak napas|sesak nafas|sulit bernapas|pingsan|kejang",
            GENERAL,
            MEDIUM,
            "bengkak/sesak (swelling, breathlessness)",
        ),
        _t(
            (
                r"pusing|sakit kepala|kepala (?:sakit|pusing|pening|nyut)|pening|lemas|lemes|"
                r"meriang|demam|panas dalam|radang tenggorokan|tenggorokan (?:sakit|gatal|"
                r"tidak enak|perih)|batuk(?:[- ]batuk)?|sakit gigi|gigi (?:ngilu|sakit)"
            ),
            GENERAL,
            WEAK,
            "pusing/tidak enak badan (unwell)",
        ),
        _t(
            (
                r"(?:pusing|sakit kepala|gatal(?:[- ]gatal)?|jerawatan|mual|sakit perut|perih|"
                r"panas|lemas|deg-degan|jantung berdebar)(?: \w+){0,2} (?:setelah|habis|abis|"
                r"sehabis|sesudah|gara[- ]gara|karena|sejak|akibat) (?:makan|minum|pakai|"
                r"memakai|menggunakan|mencoba|coba|mengonsumsi|produk|obat|krim|\w+)"
            ),
            GENERAL,
            MEDIUM,
            "gejala karena produk (symptom from product)",
        ),
        _t(
            (
                r"(?:jadi|langsung|malah|bikin|membuat|sampai|bisa) sakit|sakit (?:setelah|"
                r"habis|abis|gara|karena)|jatuh sakit|tidak enak badan|gak enak badan|"
                r"ga enak badan"
            ),
            GENERAL,
            MEDIUM,
            "sakit (ill)",
        ),
        _t(
            (
                r"(?:masuk|dilarikan ke|dibawa ke|dirawat di|opname di|dilarikan|"
                r"ke) (?:rumah sakit|rs|ugd|igd|klinik|puskesmas)|dirawat inap|opname|"
                r"rawat inap"
            ),
            SERIOUS,
            MEDIUM,
            "masuk rumah sakit (hospitalised)",
        ),
        _t(
            (
                r"karsinogen(?:ik)?|(?:sebabkan|menyebabkan|penyebab|picu|memicu|pemicu|bikin|"
                r"membuat|timbulkan|menimbulkan|berisiko|risiko) (?:\w+ )?kanker|"
                r"kanker(?: \w+)? (?:gara[- ]gara|karena|akibat)"
            ),
            SERIOUS,
            STRONG,
            "sebabkan kanker (causes cancer)",
        ),
        _t(r"kanker", SERIOUS, WEAK, "kanker (cancer)"),
        _t(r"meninggal(?: dunia)?|tewas|kematian", SERIOUS, WEAK, "meninggal (death)"),
        _t(r"efek samping", SERIOUS, MEDIUM, "efek samping (side effects)"),
        _t(
            (
                r"tercemar (?:bakteri|e\.? ?coli|salmonella|zat|bahan|limbah)|"
                r"terkontaminasi (?:bakteri|\w+)|mengandung bakteri|bakteri (?:e\.? ?coli|"
                r"salmonella)|salmonella"
            ),
            CONTAMINATION,
            STRONG,
            "tercemar bakteri (contaminated)",
        ),
        _t(
            (
                r"mengandung (?:zat |bahan )?(?:merkuri|boraks|formalin|timbal|rhodamin\w*|"
                r"methanyl \w+|hidrokuinon|hydroquinone|pewarna tekstil|bahan kimia "
                r"berbahaya|zat berbahaya|bahan berbahaya|racun)"
            ),
            HAZARD,
            MEDIUM,
            "mengandung zat berbahaya (contains hazardous substance)",
        ),
        _t(
            (
                r"(?:tangan|kaki|lengan|jari|tulang|gigi|hidung|rusuk)(?: \w+){0,2} patah|"
                r"patah tulang|(?:harus |sampai )?dijahit|jahitan"
            ),
            INJURY,
            MEDIUM,
            "patah tulang (broken bone)",
        ),
        _t(
            (
                r"(?:tersedak|keselek) (?:\w+ ){0,3}(?:mainan|permen|jelly|jeli|agar|tutup|"
                r"baterai|koin|magnet|bagian|manik)|menelan (?:\w+ ){0,2}(?:magnet|baterai|"
                r"koin|bagian|manik|mainan)"
            ),
            INJURY,
            MEDIUM,
            "tersedak bagian produk (choking on a part)",
        ),
        _t(
            (
                r"(?:helm|kursi|kursi bayi|tangga|tangga lipat|car seat|stroller|kereta bayi|"
                r"ayunan|rak|lemari|sandal|sepatu|mainan)(?:,? \w+){0,3} (?:pecah|retak|patah|"
                r"ambruk|roboh|lepas|copot|jebol|licin|tajam)(?:,? \w+){0,8},? (?:jatuh|"
                r"terjatuh|luka|terluka|benjol|memar|berdarah|cedera|patah|terbentur|keseleo|"
                r"terkilir|tergores|sobek)|luka sobek|keseleo|terkilir|benjol|"
                r"jantung (?:\w+ )?(?:berdebar|berdebar-debar)|keringat dingin|kram perut|"
                r"diare berdarah|dirawat di rumah sakit|melelehkan|"
                r"(?:bikin|membuat|menyebabkan|jadi|malah) (?:\w+ ){0,3}infeksi|"
                r"infeksi (?:telinga|mata|kulit|kuku|gusi|saluran kencing|jamur)|"
                r"(?:telinga|mata|kulit|kuku|gusi|luka)(?: \w+){0,2} (?:jadi |malah )?infeksi|"
                r"(?:anak|bayi|adik|ponakan|keponakan)(?: \w+){0,2} (?:sempat |langsung )?"
                r"(?:terbentur|kejedot|kebentur|terjepit|kejepit)|"
                r"cat(?: \w+){0,4} (?:mengelupas|terkelupas|ngelupas|rontok)(?:,? \w+){0,6} "
                r"(?:menggigit(?:nya)?|mengunyah(?:nya)?|menjilat(?:nya)?|tertelan|ketelan|"
                r"kemakan)"
            ),
            GENERAL,
            MEDIUM,
            "cedera/gejala karena produk (injury or symptom from a product)",
        ),
        _t(
            (
                r"(?:bikin|membuat|menyebabkan|bikinin) (?:\w+ ){0,2}(?:jantung (?:\w+ )?"
                r"(?:berdebar|deg-degan)|sesak napas|sesak nafas|pingsan|kejang|diare|"
                r"sakit perut|gatal-gatal|bentol|ruam|alergi)"
            ),
            GENERAL,
            MEDIUM,
            "produk bikin gejala (product caused symptom)",
        ),
        _t(
            (
                r"beracun|berbahaya|bahaya|zat berbahaya|bahan berbahaya|"
                r"mengandung (?:merkuri|boraks|formalin|timbal|bahan kimia)|merkuri|boraks|"
                r"formalin|pewarna tekstil|racun|tercemar|terkontaminasi|kontaminasi"
            ),
            HAZARD,
            WEAK,
            "berbahaya (hazardous)",
        ),
        _t(
            (
                r"(?:ada |ketemu |menemukan |nemu |terdapat )?(?:ulat|belatung|kecoa|kecoak|"
                r"cicak|tikus|lalat|semut|rambut|kuku|plastik|staples|steples|pecahan kaca|"
                r"beling|serpihan|paku|kawat|batu|kerikil|kaca|potongan kaca|potongan "
                r"plastik)(?: \w+){0,2} (?:di|dalam|pada) (?:\w+ )?(?:makanan|minuman|nasi|"
                r"mie|mi|sayur|sup|kuah|piring|mangkok|mangkuk|gelas|botol|roti|kue|daging|"
                r"ayam|bakso|pesanan|menu|brokoli|sambal|es|sarden|kaleng|susu|snack|"
                r"jajanan)|"
                r"berulat|ada ulat|ada belatung|ada kecoa|ada rambut|ulat nya|"
                r"(?:nemu|ketemu|menemukan|ditemukan|ada|terdapat) (?:\w+ )?(?:kecoa|kecoak|"
                r"belatung|ulat|rambut|lalat|cicak|semut|pecahan kaca|beling|plastik|"
                r"staples|paku|kawat)(?: \w+){0,2} (?:di|dalam|pada) (?:\w+ ){0,2}"
                r"(?:makanan|minuman|nasi|mie|mi|sayur|sup|kuah|roti|kue|daging|ayam|bakso|"
                r"pesanan|menu|salad|es|teh|kopi|jus|susu|piring|mangkok|mangkuk|gelas|"
                r"botol|bungkus|kemasan)|"
                r"(?:di|dalam|di dalam) (?:\w+ ){0,1}(?:makanan|minuman|nasi|mie|mi|sup|kuah|"
                r"roti|kue|daging|ayam|bakso|pesanan|sarden|kaleng|susu|snack|jajanan|kemasan|"
                r"bungkus|botol|gelas)(?: \w+){0,5} (?:ada|ketemu|nemu|terdapat|ditemukan) "
                r"(?:\w+ )?(?:potongan kaca|pecahan kaca|serpihan kaca|beling|kecoa|kecoak|"
                r"belatung|ulat|cicak|paku|kawat|staples|potongan plastik|serpihan logam)"
            ),
            CONTAMINATION,
            STRONG,
            "serangga/benda asing di makanan (pests, foreign objects)",
        ),
        _t(
            (
                r"basi|busuk|berjamur|jamuran|berlendir|tengik|asam seperti sudah basi|"
                r"kadaluarsa|kedaluwarsa|kadaluwarsa|expired|lewat (?:masa )?kadaluarsa|"
                r"kurang matang|belum matang|mentah"
            ),
            CONTAMINATION,
            WEAK,
            "basi/kadaluarsa (spoiled, expired)",
        ),
        _t(
            (
                r"(?:baterai|batre|batrai|hp|handphone|ponsel|power ?bank|charger|casan|"
                r"tabung gas|gas elpiji|elpiji|kompor|rice cooker|magic com|vape|"
                r"rokok elektrik|setrika|kipas|pemanas(?: air| ruangan)?|water heater|"
                r"dispenser|kulkas|lemari es|mesin cuci|kompor listrik|oven|microwave|"
                r"blender|catokan|hair ?dryer|"
                r"colokan|stop kontak|kabel|sepeda listrik|motor listrik|mainan|"
                r"lampu)(?: \w+){0,4} (?:meledak|terbakar|kebakaran|berasap|menggembung|"
                r"korsleting|konslet|hangus|panas sekali|meleleh|nyetrum|menyetrum|"
                r"kesetrum|percikan api|bocor)"
            ),
            HAZARD,
            MEDIUM,
            "baterai meledak (product exploded)",
        ),
        _t(
            (
                r"meledak|ledakan|terbakar|kebakaran|hangus|korsleting|konslet|kesetrum|"
                r"tersetrum|kesengat listrik|overheat|kepanasan|berasap|mengeluarkan asap|"
                r"meleleh|nyetrum|setrum|"
                r"baterai (?:menggembung|kembung|bocor)"
            ),
            HAZARD,
            WEAK,
            "meledak/terbakar (explosion, fire)",
        ),
        _t(
            (
                r"rem blong|rem (?:tidak|gak|ga) berfungsi|airbag (?:tidak|gak|"
                r"ga) (?:mengembang|keluar|berfungsi)|ditarik (?:dari peredaran|kembali)|"
                r"penarikan (?:produk|kembali)|recall|(?:ditarik|menarik|menarik kembali) "
                r"(?:\w+ ){0,4}dari (?:peredaran|pasaran)|"
                r"(?:bpom|pemerintah|kemenkes)(?: \w+){0,3} (?:menarik|melarang|mencabut "
                r"izin)|(?:rem|remnya|rem nya)(?: \w+){0,4} (?:blong|tidak berfungsi|"
                r"gak berfungsi|ga berfungsi|nggak berfungsi|tidak pakem|gak pakem)"
            ),
            HAZARD,
            MEDIUM,
            "rem blong/penarikan produk (vehicle defect, recall)",
        ),
        _t(
            (
                r"terpeleset|tergelincir|terjatuh|jatuh|tersedak|keselek|tersiram|tertusuk|"
                r"teriris|terluka|luka(?:[- ]luka)?|cedera|memar|berdarah"
            ),
            INJURY,
            WEAK,
            "terluka (injury)",
        ),
        _t(
            (
                r"kaporit(?: \w+){0,3} (?:perih|pedih|sakit)|mata (?:saya |aku )?(?:perih|"
                r"pedih|merah|sakit|gatal)"
            ),
            HAZARD,
            MEDIUM,
            "mata perih (eye irritation)",
        ),
    ),
    products=(
        (
            r"makanan|minuman|menu|masakan|hidangan|pesanan|porsi|restoran|resto|"
            r"rumah makan|warung|warteg|kafe|cafe|kedai|depot|outlet|cabang|gerai|"
            r"katering|catering|ayam|daging|sapi|kambing|bebek|ikan|seafood|udang|"
            r"kepiting|cumi|kerang|sayur|brokoli|nasi|mi|mie|bakmi|indomie|popmi|bakso|"
            r"sate|soto|sup|seblak|gorengan|batagor|siomay|kue|roti|donat|es krim|susu|"
            r"yogurt|jus|kopi|teh|es|air|sambal|saus|snack|camilan|jajanan|frozen food|"
            r"jamur|sarden|kornet|nugget|sosis"
        ),
        (
            r"produk|obat|vitamin|suplemen|jamu|vaksin|krim|cream|serum|masker|lotion|"
            r"losion|toner|sabun|sampo|shampo|shampoo|pembersih|facial wash|sunscreen|"
            r"tabir surya|bedak|foundation|lipstik|lip|maskara|kosmetik|skincare|"
            r"skin care|make ?up|pemutih|pembalut|popok|deodoran|parfum|pasta gigi|odol|"
            r"detergen|rokok|vape|liquid"
        ),
        (
            r"hp|handphone|telepon genggam|ponsel|smartphone|baterai|batre|charger|casan|"
            r"cas|powerbank|laptop|kipas|setrika|rice cooker|magic com|kompor|tabung gas|"
            r"elpiji|mainan|mobil|motor|sepeda|rem|kendaraan|bus|kereta|pesawat|ojek|"
            r"taksi|hotel|kolam renang|kolam|lantai|wahana|tangga|merek|merk|brand|"
            r"tempat tidur|kasur|ranjang|boks bayi|kursi bayi|car seat|helm|headset|"
            r"earphone|headphone|kacamata"
        ),
    ),
    cues=(
        (
            r"setelah (?:makan|minum|pakai|memakai|menggunakan|mencoba|coba|mengonsumsi|"
            r"konsumsi|dipakai|diminum|dimakan|beli|membeli)|habis (?:makan|minum|pakai|"
            r"coba|beli)|abis (?:makan|minum|pakai|coba|beli)|sehabis (?:makan|minum|"
            r"pakai)|sesudah (?:makan|minum|pakai)|selesai (?:makan|minum)|pas (?:makan|"
            r"minum|pakai)|waktu (?:makan|minum|pakai)|begitu (?:makan|minum|pakai)|"
            r"baru (?:makan|minum|pakai|coba)"
        ),
        (
            r"gara[- ]gara|gara2|karena|akibat|efek(?:nya)?|dampak(?:nya)?|bikin|membuat|"
            r"buat (?:saya|aku|gue|gua|anak|kami)|dari (?:makan|minum|pakai)|kapok|"
            r"menyesal|nyesel|pakai (?:produk|ini|itu)"
        ),
    ),
    consumption=(
        r"pakai|memakai|makan|minum|mencoba|coba|beli|pesan|jadi|malah|langsung|ternyata",
    ),
    rumour=(
        (
            r"katanya|kata nya|kabarnya|kabar nya|denger[- ]denger|dengar[- ]dengar|"
            r"denger2|konon|rumor|isu|viral|hati[- ]hati|awas|waspada|jangan (?:beli|"
            r"makan|minum|pakai|ke sini|kesini|datang)|hoaks|hoax|beritanya|berita|"
            r"laporan|dilaporkan|bpom"
        ),
    ),
    figurative=(
        (
            r"sakit hati|sakit jiwa|sakit nya itu|makan hati|sakit (?:kuping|telinga)|"
            r"hati (?:yang )?sakit|bikin sakit hati|sakit (?:kepala )?(?:lihat|melihat|"
            r"mikirin|memikirkan|dengar|mendengar)|negeri (?:ku )?(?:yang )?sudah sakit|"
            r"(?:mau|ingin|pengen|bikin) muntah (?:lihat|melihat|dengar|mendengar|baca|"
            r"membaca)|muntah (?:lihat|melihat|dengar)|lihat muka(?: \w+){0,3} (?:mau|"
            r"ingin) muntah|auto mual|bikin eneg|isu(?: \w+){0,3} bikin eneg"
        ),
        (
            r"pusing (?:pilih|memilih|milih|cari|mencari|antre|antri|mikir|lihat|melihat|"
            r"liat|tujuh keliling|ambil|bayar)|ambil pusing|(?:macet|antre|antrean|"
            r"antri)(?: \w+){0,2} (?:bikin |sampai )?(?:pusing|sakit perut|mual)|"
            r"bikin pusing(?! setelah)|kebakaran jenggot|terbakar (?:cemburu|emosi|amarah|"
            r"semangat)|alergi (?:dengan|terhadap|sama|jika|kalau|pada)? ?(?:kritik|orang|"
            r"partai|pki|nazi|simbol|kata|jne|politik|demokrasi|kebenaran|islam|agama|"
            r"perbedaan|koruptor|maling)|jatuh (?:cinta|hati|pada|pilihan|harga|tempo|"
            r"citra|miskin)|jatuh nya|pilihan (?:saya |kami )?jatuh|menjatuhkan|"
            r"tidak cocok (?:untuk|buat|dengan|di|jika|kalau|jadi|menjadi|memimpin|"
            r"diterapkan|digunakan|dengan lidah|di lidah)|cocok (?:untuk|buat)|"
            r"bahaya laten|(?:membahayakan|berbahaya) (?:bagi|untuk) (?:bangsa|negara|"
            r"demokrasi|nkri|umat|indonesia)|bahaya (?:besar )?(?:buat|bagi) (?:nkri|"
            r"bangsa|negara)|racun (?:politik|agama)|meracuni (?:umat|pikiran)|"
            r"busuk (?:hati|otak)|otak(?: \w+){0,2} busuk|(?:politik|partai|politikus|"
            r"cara|orang|manusia|karyawan|kutu|pemimpin|mulut|bangkai) (?:yang )?busuk|"
            r"kebusukan|luka lama|(?:betina|perempuan|cewek|cewe|wanita|janda) gatal|"
            r"gatal (?:banget )?(?:sama|ke|pada) (?:cowok|laki|pria)|melukai hati|"
            r"basi (?:sama|tahu|lah)|(?:berita|lagu|lelucon|jokes?|alasan|isu|gosip|topik|"
            r"info|candaan|lawakan|kata[- ]kata|gombalan|modus|trik)(?: \w+){0,2} "
            r"(?:sudah |udah |udh )?basi|^\s*(?:sudah |udah )?basi\s*$|^\s*sakit\s*$|"
            r"lecet[- ]lecet seperti tergesek|layar guard lecet|pedas(?: \w+){0,3} "
            r"(?:bisa |bikin |membuat |sampai )+(?:mulas|mules|sakit perut|keringetan)|"
            r"(?:lampu|cahaya|layar|silau)(?: \w+){0,3} (?:membuat|bikin) mata "
            r"(?:\w+ )?(?:sakit|perih)|(?:harga\w*|macet|cuaca|tugas|kerjaan|pekerjaan|"
            r"utang|hutang|tagihan|politik\w*|berita|ujian)(?: \w+){0,3} (?:bikin|membuat) "
            r"(?:\w+ )?(?:sakit kepala|pusing|mual|muntah|mules|mulas)"
        ),
        (
            r"kecoa (?:bacot|gede)|daki kecoa|tikus[- ](?:tikus )?got|tikus kantor|"
            r"semprot kecoa|apbd(?: \w+){0,4} kecoa|tidak (?:suka|"
            r"benci)(?: \w+){0,2} kecoa|membenci kecoa"
        ),
        (
            r"sayang (?:nya )?(?:ada )?lalat|banyak (?:sekali )?lalat|lalat (?:banyak|"
            r"beterbangan|keliweran)|(?:banyak )?nyamuk|banyak tikus|tikus lari"
        ),
    ),
    negators=(
        r"tidak|tak|gak|ga|nggak|enggak|ngga|bukan|tanpa|belum|anti|bebas|aman dari|no",
        # A treatment verb cancels the symptom it treats: "meredakan diare".
        (
            r"mengobati|menyembuhkan|meredakan|mencegah|menghilangkan|mengatasi|"
            r"mengurangi|ampuh (?:untuk|buat|atasi)|atasi|redakan|hilangkan|"
            r"(?:obat|manjur|ampuh|mujarab) (?:untuk|buat)"
        ),
    ),
    remedy=(
        (
            r"(?:obat|lotion|losion|krim|cream|sabun|serum|masker|toner|facial wash|"
            r"produk|salep|gel) (?:anti[- ]?)?jerawat|untuk jerawat|buat jerawat|"
            r"mengobati|menyembuhkan|meredakan|mencegah|obat (?:sakit|maag|batuk|pusing|"
            r"diare|gatal|jerawat|alergi)|ampuh(?: buat| untuk)?|cocok (?:untuk|buat|"
            r"banget)|aman (?:untuk|buat|di)|untuk kulit sensitif|bekas jerawat|"
            r"menghilangkan|mengatasi|mengurangi|membantu|sehat|menyehatkan|bermanfaat|"
            r"manfaat|khasiat|berkhasiat|diskon|promo|gratis|beli sekarang|order sekarang|"
            r"manjur|mujarab|cepat sembuh|berita (?:palsu|bohong)|tidak benar|hoaks|hoax"
        ),
    ),
    info=(
        (
            r"gejala|penyebab|pencegahan|cara mencegah|pasien|penderita|penyakit|"
            r"dokter(?: \w+){0,2} (?:bilang|menyarankan|mengatakan)|menurut (?:dokter|"
            r"penelitian|studi|ahli)|penelitian|studi|daftar obat|tips|kesehatan|wabah|"
            r"kasus"
        ),
    ),
    first_person=(
        (
            r"saya|aku|aq|gue|gua|gw|ku|kami|kita|anak saya|anak ku|anak aku|istri saya|"
            r"suami saya|keluarga (?:saya|kami)|teman (?:saya|ku)"
        ),
    ),
)

# --------------------------------------------------------------------------- German

_DE = LanguageLexicon(
    code="de",
    script="latin",
    harm=(
        _t(
            r"lebensmittelvergiftung|fischvergiftung|salmonellenvergiftung|vergiftet|vergiftung",
            GI,
            STRONG,
            "Vergiftung (poisoning)",
        ),
        _t(
            (
                r"durchfall|dünnpfiff|dünnschiss|magen-?darm(?:-?(?:infekt|grippe|virus))?|"
                r"brechdurchfall"
            ),
            GI,
            STRONG,
            "Durchfall (diarrhoea)",
        ),
        _t(
            (
                r"(?:bauch|magen|darm)(?:schmerzen|weh|krämpfe|krampf|probleme|beschwerden|"
                r"grummeln)|bauchweh|magenverstimmung|sodbrennen"
            ),
            GI,
            STRONG,
            "Bauchschmerzen (stomach ache)",
        ),
        _t(
            (
                r"erbrochen|erbrechen|übergeben|übergab|kotzt?e|gekotzt|kotzen|reihern|"
                r"gereihert|brechreiz"
            ),
            GI,
            MEDIUM,
            "Erbrechen (vomiting)",
        ),
        _t(
            (
                r"(?:mir|uns|ihm|ihr|ihnen) (?:ist|war|wurde|wird|wurd) (?:\w+ )?(?:so |"
                r"total |richtig |voll |echt |mega |extrem )?(?:übel|schlecht)|übelkeit|"
                r"(?:schlecht|übel) geworden|(?:ist|war|wurde|wird) (?:es )?(?:mir|uns|ihm|ihr|"
                r"ihnen) (?:\w+ )?(?:so |total |richtig |voll |echt |mega |extrem |"
                r"furchtbar |sehr )?(?:übel|kotzübel|speiübel|schlecht)"
            ),
            GI,
            MEDIUM,
            "Übelkeit (nausea)",
        ),
        _t(
            (
                r"krank (?:geworden|gemacht|gemacht|davon|macht|machen|machte)|"
                r"(?:macht|machte|machen|hat mich|"
                r"haben mich|hat uns)(?: [\w-]+){0,4} krank|krank nach|erkrankt|erkrankungen?"
            ),
            GENERAL,
            MEDIUM,
            "krank (ill)",
        ),
        _t(r"krank", GENERAL, WEAK, "krank (ill)"),
        _t(
            (
                r"(?:haut)?ausschlag|ausschläge|quaddeln|pusteln|nesselsucht|ekzem\w*|"
                r"neurodermitis|rote (?:punkte|flecken|pickel)|allergische[nrs]? "
                r"(?:reaktion|schock)|allergieschock|anaphylakt\w*|blasen (?:auf|an)"
            ),
            SKIN,
            STRONG,
            "Ausschlag (rash, allergic reaction)",
        ),
        _t(r"allergie|allergien|allergisch", SKIN, WEAK, "Allergie (allergy)"),
        _t(r"brennt|brennen|brannte", SKIN, WEAK, "Brennen (burning)"),
        _t(
            (
                r"juckt|jucken|juckreiz|gejucke|gerötet|rötungen?|gereizt|hautreizung(?:en)?|"
                r"reizung(?:en)?|"
                r"unverträglich\w*"
            ),
            SKIN,
            MEDIUM,
            "Juckreiz/Brennen (itching, burning)",
        ),
        _t(r"pickel|unreinheiten|pickelig", SKIN, WEAK, "Pickel (breakout)"),
        _t(
            r"haarausfall|haare (?:fallen|fielen|sind) (?:\w+ )?aus",
            SKIN,
            MEDIUM,
            "Haarausfall (hair loss)",
        ),
        _t(
            (
                r"verbrannt|\w*verbrennung(?:en)?|verätzt|\w*verätzung(?:en)?|brandwunde|"
                r"brandblasen?|\w*verbrühung(?:en)?|verbrüht"
            ),
            SKIN,
            MEDIUM,
            "Verbrennung (burn)",
        ),
        _t(r"geschwollen|schwellung|angeschwollen", SKIN, MEDIUM, "Schwellung (swelling)"),
        _t(
            r"\w*entzündung(?:en)?|entzündet|infektion|infiziert",
            GENERAL,
            MEDIUM,
            "Entzündung (inflammation, infection)",
        ),
        _t(
            r"kopfschmerzen|kopfweh|migräne|schwindel|schwindelig|benommen",
            GENERAL,
            WEAK,
            "Kopfschmerzen (headache)",
        ),
        _t(
            (
                r"(?:kopfschmerzen|kopfweh|migräne|schwindel|juckreiz|pickel|übelkeit|"
                r"herzrasen|hautreizungen|haarausfall|schlaflosigkeit)(?: \w+){0,2} (?:von|"
                r"vom|nach|durch|wegen|seit) (?:dem|der|den|diesem|dieser|einem|einer|meinem|"
                r"meiner|neuen|\w+)"
            ),
            GENERAL,
            MEDIUM,
            "Symptom durch Produkt (symptom from product)",
        ),
        _t(
            (
                r"(?:seit|seitdem|nachdem) (?:ich|wir|er|sie|mein \w+|meine \w+)(?: [\w-]+){0,4} "
                r"(?:nehme|nehmen|nimmt|genommen|esse|essen|isst|gegessen|trinke|trinken|"
                r"trinkt|getrunken|benutze|benutzen|benutzt|verwende|verwenden|verwendet|"
                r"nutze|nutzen|nutzt|genutzt|aufgetragen|auftrage)(?: [\w-]+){0,5} "
                r"(?:kopfschmerzen|kopfweh|migräne|schwindel|juckreiz|pickel|übelkeit|"
                r"herzrasen|hautreizungen|haarausfall|schlaflosigkeit|ausschlag|durchfall|"
                r"bauchschmerzen|magenschmerzen|bauchkrämpfe|magenkrämpfe|krämpfe|"
                r"rote flecken|akne|ekzem|atemnot|brennen)"
            ),
            GENERAL,
            MEDIUM,
            "seit der Einnahme Symptome (symptoms since using)",
        ),
        _t(
            (
                r"(?:hat|haben|hatte|hatten) (?:mir|uns|ihm|ihr|meinem \w+|meiner \w+) "
                r"(?:\w+ ){0,3}(?:einen |eine |ein )?(?:\w+ )?(?:ausschlag|durchfall|"
                r"bauchschmerzen|kopfschmerzen|juckreiz|pickel|allergische reaktion|"
                r"stromschlag|verbrennungen?|magen-?darm\w*|lebensmittelvergiftung|"
                r"übelkeit|krämpfe) (?:beschert|verpasst|gegeben|eingebrockt|gebracht|"
                r"verursacht|ausgelöst|eingehandelt)"
            ),
            GENERAL,
            MEDIUM,
            "Produkt hat Symptom verursacht (product caused symptom)",
        ),
        _t(
            r"nebenwirkung(?:en)?|wechselwirkung(?:en)?",
            SERIOUS,
            MEDIUM,
            "Nebenwirkungen (side effects)",
        ),
        _t(
            (
                r"(?:ins|im) krankenhaus|notaufnahme|notarzt|krankenwagen|rettungswagen|"
                r"intensivstation|klinik"
            ),
            SERIOUS,
            MEDIUM,
            "Krankenhaus (hospital)",
        ),
        _t(
            (
                r"krebserregend|krebsverdacht|krebsrisiko|krebs (?:auslösen|auslöst|"
                r"verursacht|erzeugen)|löst krebs aus|verursacht krebs"
            ),
            SERIOUS,
            STRONG,
            "krebserregend (carcinogenic)",
        ),
        _t(r"krebs", SERIOUS, WEAK, "Krebs (cancer)"),
        _t(r"gestorben (?:nach|an)|tot nach|todesfälle?|tödlich", SERIOUS, MEDIUM, "Tod (death)"),
        _t(
            (
                r"giftig|giftstoffe?|schadstoffe?|schadstoffbelastet|belastet mit|"
                r"gesundheitsschädlich|schädlich|gefährlich|gesundheitsgefahr|weichmacher|"
                r"glyphosat|mineralöl|pestizide?|verseucht|kontaminiert|verunreinigt|blei|"
                r"quecksilber|arsen|cadmium|schwermetalle?|bleibelastet"
            ),
            HAZARD,
            WEAK,
            "giftig/schädlich (toxic, harmful)",
        ),
        _t(
            (
                r"salmonellen|listerien|ehec|e\.? ?coli|keime|keimbelastet|noroviren|"
                r"norovirus|bakterien"
            ),
            CONTAMINATION,
            STRONG,
            "Keime (pathogens)",
        ),
        _t(
            (
                r"(?:glassplitter|glasscherben|scherben|metallteile|metallsplitter|"
                r"plastikteile|fremdkörper|maden|würmer|kakerlaken?|schaben|insekten|mäuse|"
                r"maus|ratte|schimmel) (?:in|im|auf) (?:meinem|meiner|dem|der|einem|einer|"
                r"unserem|unserer|dem)?\s?\w+|fremdkörper|glassplitter|glasscherbe|"
                r"glasstück|maden|kakerlaken?|(?:in|im|auf) (?:meinem|meiner|dem|der|einem|"
                r"einer|unserem|unserer|den|die|das)? ?[\w-]+(?: [\w-]+){0,3} (?:war|waren|"
                r"ist|sind|lag|lagen|fand|fanden|gefunden|entdeckt|steckte|schwamm|wurde|"
                r"wurden)(?: \w+){0,2} "
                r"(?:eine?n?|ein paar|mehrere|zwei|drei|lauter|viele)? ?(?:tote |lebende )?"
                r"(?:schnecke|nacktschnecke|fliege|fliegen|wurm|würmer|made|maden|käfer|"
                r"spinne|kakerlake|schabe|maus|haare?|glasscherben?|glassplitter|"
                r"metallstück|plastikstück|plastikteil|schraube|stein|knochensplitter|"
                r"schimmel|pflaster|glas|glasstücke?|glasstückchen|metall\w*|draht|"
                r"plastik\w*|mäusekot|mausekot|kot|haar|insekt\w*|ungeziefer|nadel|"
                r"splitter)|(?:haare?|schnecke|fliege|wurm|käfer|kakerlake|"
                r"glasscherbe|plastikteil|schimmel|plastik|glas|metall|stück plastik|stück "
                r"glas|stück metall) (?:im|in der|in meinem|in meiner|auf dem|auf der|in den) "
                r"(?:essen|salat|brot|brötchen|suppe|pizza|burger|döner|getränk|kaffee|"
                r"joghurt|müsli|reis|nudeln|gericht|teller|sandwich|eis|kuchen|croissant|"
                r"chips|kartoffelchips|dose|wurst|käse|schokolade|keks|kekse)"
            ),
            CONTAMINATION,
            STRONG,
            "Fremdkörper/Ungeziefer (foreign object, pests)",
        ),
        _t(
            r"schimmel|verschimmelt|schimmelig|verdorben|vergammelt|abgelaufen|ranzig",
            CONTAMINATION,
            WEAK,
            "verdorben (spoiled)",
        ),
        _t(
            (
                r"(?:akku|handy|smartphone|e-?zigarette|powerbank|ladegerät|ladekabel|laptop|"
                r"gasflasche|schnellkochtopf|airbag|föhn|haartrockner|glätteisen|"
                r"wasserkocher|toaster|heizlüfter|heizdecke|wärmflasche|steckdose|stecker|"
                r"netzteil|kabel|lampe|herd|ofen|fritteuse|heißluftfritteuse|e-?bike|"
                r"e-?scooter|roller|auto|staubsauger|mixer|standmixer|küchenmaschine|"
                r"babyphone|heizstrahler|heizkissen|spielzeug|batterien?|akkus)[\w-]*"
                r"(?:\s+[\w-]+){0,7}\s+(?:explodiert|"
                r"in flammen|feuer gefangen|in brand geraten|überhitzt|geschmolzen|geplatzt|"
                r"gequalmt|qualmt|geraucht|raucht|funken|gefunkt|brennt|gebrannt|"
                r"angeschmort|durchgeschmort|kurzschluss|(?:zu )?qualmen|(?:zu )?schmelzen|"
                r"heiß geworden|in brand gesetzt|auseinandergeflogen|zersprungen|"
                r"zerborsten|ausgelaufen)"
            ),
            HAZARD,
            MEDIUM,
            "Akku explodiert (product exploded)",
        ),
        _t(
            (
                r"explodiert|explodieren|explosion|in die luft geflogen|feuer gefangen|"
                r"in flammen|in brand geraten|brannte|abgebrannt|brandgefahr|brandschaden|"
                r"kurzschluss|stromschlag|überhitzt|überhitzung|geschmolzen|qualmt|raucht"
            ),
            HAZARD,
            WEAK,
            "explodiert/Brand (explosion, fire)",
        ),
        _t(
            (
                r"rückruf(?:aktion|e|s)?|zurückgerufen|ruft (?:\w+ ){0,4}zurück|"
                r"rufen (?:\w+ ){0,4}zurück"
            ),
            HAZARD,
            MEDIUM,
            "Rückruf (recall)",
        ),
        _t(
            (
                r"\w*bremsen? (?:versagt|versagen|ausgefallen|funktionier\w* nicht)|"
                r"(?:\w*bremsen?|lenkung|airbags?|rauchmelder|feuermelder|co-?melder|"
                r"feuerlöscher|sicherheitsgurt\w*|gurt|kindersitz\w*)(?: [\w-]+){1,9} "
                r"(?:versagt|ausgefallen|blockiert|nicht ausgelöst|nicht funktioniert|"
                r"lös(?:en|t|te|ten) (?:\w+ )?nicht aus|"
                r"nicht angeschlagen|funktioniert(?:e)? nicht)|"
                r"airbags? (?:\w+ )?(?:nicht ausgelöst|versagt|defekt)|lenkung (?:blockiert|"
                r"versagt)|bremsversagen"
            ),
            HAZARD,
            STRONG,
            "Bremsversagen (vehicle defect)",
        ),
        _t(r"defekt|mangelhaft|fehlerhaft", HAZARD, WEAK, "defekt (defect)"),
        _t(
            (
                r"(?:mund|lippe|lippen|zunge|zahnfleisch|gaumen|finger|hand|hände)(?: \w+)? "
                r"(?:aufgeschnitten|zerschnitten|verletzt|verbrannt|verbrüht|aufgerissen)|"
                r"zahn (?:\w+ )?(?:abgebrochen|ausgebrochen|angebrochen)|"
                r"(?:hab|habe|hat|hatte) mir (?:\w+ ){0,3}(?:den|die|das|einen) (?:zahn|mund|"
                r"finger|hand|lippe|zunge|gaumen)(?: \w+){0,2} (?:aufgeschnitten|geschnitten|"
                r"abgebrochen|verbrannt|verbrüht|verletzt)"
            ),
            INJURY,
            MEDIUM,
            "Verletzung durch Produkt (injury from product)",
        ),
        _t(
            (
                r"(?:einen |nen )?stromschlag (?:bekommen|gekriegt|abbekommen|verpasst|"
                r"gegeben)|(?:hat|haben) mir (?:\w+ ){0,2}(?:einen |nen )?stromschlag"
            ),
            HAZARD,
            MEDIUM,
            "Stromschlag (electric shock from product)",
        ),
        _t(
            (
                r"(?:giftige|schädliche|gefährliche|krebserregende|gesundheitsschädliche) "
                r"(?:stoffe|substanzen|chemikalien|dämpfe|gase)|(?:leber|nieren|herz|magen|"
                r"darm)(?:probleme|schäden|schaden|versagen|beschwerden)"
            ),
            HAZARD,
            MEDIUM,
            "giftige Stoffe/Organschäden (toxic substances, organ damage)",
        ),
        _t(
            (
                r"(?:arm|bein|handgelenk|knöchel|fuß|zeh|zehe|finger|rippen?|nase|"
                r"schlüsselbein|hüfte|knochen|kiefer) (?:\w+ )?(?:gebrochen|angebrochen)|"
                r"(?:arm|bein|handgelenk|knöchel|fuß|zeh|finger|rippen|nasenbein|"
                r"schlüsselbein|hüft|knochen|kiefer)bruch|(?:musste|müssen|wurde) "
                r"(?:\w+ )?genäht|platzwunde"
            ),
            INJURY,
            MEDIUM,
            "Knochenbruch (broken bone)",
        ),
        _t(
            (
                r"gehirnerschütterung|platzwunde|prellung(?:en)?|schnittwunde|"
                r"(?:hat|haben) (?:mich|ihn|sie|uns|mein \w+|meine \w+|meinen \w+)"
                r"(?: \w+){0,3} verletzt|(?:unter|mit) (?:mir|ihm|ihr|uns|meinem \w+|"
                r"meiner \w+) (?:\w+ )?(?:zusammengebrochen|zusammengeklappt|gerissen|"
                r"umgekippt|eingebrochen|durchgebrochen)|über den lenker geflogen|"
                r"(?:e-?scooter|roller|fahrrad|e-?bike|kinderwagen|\w*schaukel|leiter|"
                r"\w*sitz)(?: [\w-]+){1,6} (?:blockiert|gerissen|durchgebrochen|"
                r"auseinandergefallen|aus der halterung gerutscht|zusammengebrochen)|"
                r"sprosse (?:\w+ )?gebrochen|"
                r"(?:sich|mich|dich|uns) (?:\w+ ){0,2}(?:an|mit|bei|durch) (?:[\w-]+,? ){1,6}"
                r"(?:geschnitten|verletzt|verbrannt|verbrüht|eingeklemmt|gequetscht|"
                r"aufgeschnitten|aufgeschürft)"
            ),
            INJURY,
            MEDIUM,
            "Verletzung durch Produkt (injury from product)",
        ),
        _t(
            (
                r"(?:ganze|halbe) nacht (?:\w+ ){0,2}(?:auf (?:dem|der) (?:klo|toilette|wc)|"
                r"über (?:dem|der) (?:klo|kloschüssel|schüssel|eimer)) (?:verbracht|gesessen|"
                r"gehangen|gehockt|gehangen)|(?:nicht mehr|kaum) vom klo (?:runter|weg)gekommen|"
                r"(?:stundenlang|dauernd|ständig) (?:auf (?:dem|der) )?(?:klo|toilette)"
            ),
            GI,
            STRONG,
            "Nacht auf dem Klo (up all night on the toilet)",
        ),
        _t(
            (
                r"(?:augen|auge|ohren|ohr|haut|kopf|bauch|magen|zähne|zahn|gelenke|hals|"
                r"kopfhaut|lippen|zunge)(?: \w+){0,2} (?:tun|tut|taten|tat|brennen|brennt|"
                r"brannten|brannte|jucken|juckt|juckten|juckte) (?:\w+ ){0,5}(?:weh|wie feuer)"
                r"|(?:augen|ohren|haut|kopfhaut|lippen) (?:\w+ ){0,2}(?:brennen|brannten|"
                r"jucken|juckten|sind (?:ganz |total )?(?:rot|entzündet|geschwollen))|"
                r"(?:brennen|brannten|jucken|juckten|tränen|tränten) (?:mir )?(?:meine |die |"
                r"seine |ihre )?(?:augen|ohren|lippen|kopfhaut)"
            ),
            GENERAL,
            MEDIUM,
            "tut weh/brennt (hurts, burns)",
        ),
        _t(
            (
                r"(?:lack|farbe|beschichtung|plastik|kunststoff)(?: \w+){0,4} (?:blättert|"
                r"blätterte|platzt|platzte|bröckelt|bröckelte|splittert|splitterte) (?:\w+ )?ab"
                r"(?:,? \w+){0,8} (?:gekaut|gelutscht|abgebissen|verschluckt|in den mund "
                r"genommen|im mund)"
            ),
            HAZARD,
            MEDIUM,
            "Kind kaut an abblätterndem Lack (child chewing on a hazard)",
        ),
        _t(
            (
                r"(?:den |meinen |seinen )?magen verdorben|atemnot|atembeschwerden|"
                r"atemprobleme|kurzatmig|erstickungsanfall|(?:schwarz vor augen|umgekippt|"
                r"ohnmächtig|bewusstlos)|(?:milch|joghurt|fleisch|hackfleisch|fisch|"
                r"hähnchen|wurst|käse|sahne|eier|salat|essen|pilze)(?: [\w-]+){0,3} "
                r"(?:war|waren|ist|sind) (?:schon |total |komplett |bereits )?(?:schlecht|"
                r"sauer|verdorben|gekippt|schimmlig|giftig)|blutige[nr]? durchfall|"
                r"legionellen|mikroplastik"
            ),
            GENERAL,
            MEDIUM,
            "Magen verdorben/Atemnot (upset stomach, breathing trouble)",
        ),
        _t(
            (
                r"verletzt|verletzung(?:en)?|schnittwunde|geschnitten|verschluckt|erstickt|"
                r"zahn (?:abgebrochen|ausgebrochen)|gestürzt|ausgerutscht|aufgeschnitten|"
                r"geblutet|blutet|blutete|blutung"
            ),
            INJURY,
            WEAK,
            "Verletzung (injury)",
        ),
    ),
    products=(
        (
            r"essen|gericht|mahlzeit|burger|döner|pizza|pommes|fleisch|hähnchen|huhn|"
            r"chicken|fisch|meeresfrüchte|salat|sushi|nudeln|reis|suppe|wurst|eis|milch|"
            r"käse|joghurt|saft|getränk\w*|limo|cola|kaffee|tee|bier|wein|schnaps|wodka|"
            r"wasser|snack|chips|schokolade|süßigkeiten|müsli|brot|brötchen|kuchen|"
            r"babynahrung"
        ),
        (
            r"medikament\w*|medis|tablette\w*|pille\w*|impfung|impfstoff|spritze|"
            r"nahrungsergänzung\w*|vitamin\w*|creme|lotion|serum|shampoo|duschgel|seife|"
            r"make-?up|deo|parfüm|zahnpasta|binden|tampons?|windeln|feuchttücher|"
            r"waschmittel|e-?zigarette\w*|verdampfer|liquid|kontaktlinse\w*|linsen\w*|"
            r"wimpern\w*|kleber|haarfarbe|färbemittel|sonnencreme|gesichtsmaske|maske|"
            r"\w*futter|\w*flaschen?|becher|geschirr|rauchmelder|trampolin|scooter|"
            r"fahrrad|heizlüfter|wasserkocher|mineralwasser|leitungswasser|trinkwasser|"
            r"kopfhörer|sonnenbrille|kauknochen|leiter|\w*schaukel|kindersitz|matratze|"
            r"kinderbett|lack|pilze|hackfleisch|massage|öl|hustentropfen|putzmittel|"
            r"mixer|staubsauger|babyphone|heizstrahler|energy-?\w*|kebab|currywurst"
        ),
        (
            r"handy|iphone|smartphone|akku|ladekabel|ladegerät|powerbank|laptop|kopfhörer|"
            r"föhn|toaster|wasserkocher|heizung|\w*spielzeug\w*|kinderwagen|autositz|auto|wagen|"
            r"fahrzeug|bremse\w*|airbag\w*|reifen|motor|restaurant|imbiss|lieferdienst|"
            r"lokal|kantine|mensa|bäcker\w*|hotel|schwimmbad|produkt\w*|marke|hersteller|"
            r"\w*gerät|rutsche|klettergerüst|hüpfburg|spielplatz|laufrad|\w*stuhl|hochbett"
        ),
    ),
    cues=(
        (
            r"nach (?:dem|der|den|einem|einer|meinem|meiner) (?:essen|trinken|verzehr|"
            r"genuss|besuch|benutzen|auftragen|\w+)|nachdem (?:ich|wir|er|sie)|"
            r"seit (?:ich|wir)|seitdem|seit (?:dem|der|den|diesem|dieser|diesen) [\w-]+"
        ),
        (
            r"von (?:dem|der|den|diesem|dieser|diesen|deren|denen)|davon|wegen|"
            r"durch (?:das|die|den)|hat mich|haben mich|hat uns|macht(?:e)? mich|"
            r"verursach\w*|ausgelöst|auslösen|löst \w+ aus|jedes mal wenn|immer wenn|"
            r"gibt (?:mir|einem)|geben (?:mir|einem)|vom|beim|bei (?:dem|der|diesem|dieser|"
            r"einem|einer)|(?:mir|uns) (?:\w+ ){0,5}(?:geholt|eingefangen|zugezogen)"
        ),
    ),
    consumption=(
        (
            r"bekommen|gekriegt|gegessen|getrunken|benutzt|verwendet|probiert|aufgetragen|"
            r"eingenommen|genommen|essen|trinken|benutzen"
        ),
    ),
    rumour=(
        (
            r"angeblich|offenbar|anscheinend|gerücht\w*|soll(?:en)? (?:angeblich )?|"
            r"(?:hab(?:e)?|habe ich|hab ich) (?:\w+ )?gelesen|leute,? |"
            r"hab(?:e)? gehört|man sagt|warnung|warnt|achtung|vorsicht|finger weg|studie|"
            r"test(?:sieger)?|ökotest|öko-test|stiftung warentest|verbraucherzentrale|"
            r"rückruf"
        ),
    ),
    figurative=(
        (
            r"zum kotzen|könnt(?:e)? (?:\w+ )?kotzen|kotzen (?:wenn|wie|bei)|(?:möchte|"
            r"will|würde) (?:milde |gleich )?kotzen|ausgekotzt|fressen lieben kotzen|"
            r"#könntkotzen|krank(?:e|en|er|es)? (?:welt|gesellschaft|typ|typen|scheiß|"
            r"scheiss|politik|leute|menschen|system|hirn|idee)|krankgeschrieben|"
            r"krankmeldung|krankenkasse\w*|krankenversicherung|krankenpfleger\w*|"
            r"krankenzimmer\w*|gesundheitsfonds|(?:lach|lache|lachen|lachten) (?:mich|uns|"
            r"dich|sich) tot|tot (?:müde|lachen)|explodier\w* (?:die )?(?:preise|"
            r"besucherzahlen|kosten|mieten|zahlen)|besucherzahlen explodieren|(?:herz|"
            r"kopf) (?:\w+ )?explodiert|hab(?:e)? (?:so )?schlechte laune|schlecht drauf|"
            r"schlechte(?:r|n)? (?:laune|idee|gewissen|tag|plätze|dialoge|englisch|"
            r"internet\w*)|nicht schlecht|gar nicht (?:so )?schlecht|schlechter|"
            r"schlechtem|am schlechtesten|brennend (?:interessiert|gern)|"
            r"brennt (?:mir )?(?:auf der seele|unter den nägeln)|verbrannt(?:e|es)? erde|"
            r"menschenrechtsverletzung\w*|verletzt(?:e|en)? (?:gefühle|stolz|ego)|"
            r"tolles gefühl nur verletzt|(?:politik|regierung|politiker\w*|nachrichten|"
            r"news|leute|menschen|typen?|arbeit|job|chef\w*|schule|wetter|bahn|"
            r"montage?|gesellschaft|system|welt|ihr|du|stress|lärm|werbung|preise|"
            r"kollegen|nachbarn?) (?:[\w-]+ ){0,3}mach(?:t|en|te|ten) (?:mich|einen|uns) "
            r"(?:\w+ )?krank|(?:vom|von der|vor) (?:vielen |ganzen |langen )?(?:arbeiten|"
            r"arbeit|lernen|lesen|zocken|weinen|lachen|schreien|stress|wetter|zugfahren|"
            r"autofahren|sport|training|bildschirm|computer|handy|feiern|saufen|warten)"
        ),
        (
            r"(?:kopfschmerzen|kopfweh|übel|schlecht|krank|bauchschmerzen) (?:\w+ ){0,2}"
            r"(?:von|vor|wegen) (?:diese[nmr]?|den|der|dem|die|lauter)? ?(?:politiker\w*|"
            r"politik|regierung|leute\w*|menschen|nachrichten|news|aufregung|nervosität|"
            r"angst|sorge|stress|lärm|kollegen|chef\w*|typen?|prüfung\w*)|krank vor "
            r"(?:sorge|angst|liebe|heimweh|eifersucht)"
        ),
    ),
    negators=(
        r"nicht|kein|keine|keinen|keiner|keinem|nie|niemals|ohne|frei von|null|weder|nix",
        # A treatment verb cancels the symptom it treats: "hilft gegen Pickel".
        (
            r"hilft (?:gegen|bei)|helfen (?:gegen|bei)|hilfe (?:gegen|bei)|mittel gegen|"
            r"creme gegen|lindert|lindern|beruhigt|heilt|beseitigt|bekämpft|vorbeugen gegen"
        ),
    ),
    remedy=(
        (
            r"hilft (?:gegen|bei)|gegen (?:pickel|kopfschmerzen|durchfall|übelkeit|"
            r"juckreiz|sodbrennen|bauchschmerzen|schmerzen|allergien)|lindert|beruhigt|"
            r"für empfindliche haut|hypoallergen|dermatologisch getestet|gut verträglich|"
            r"verträglich|gesund|heilt|heilung|therapie|behandlung|tipps?|rabatt|angebot|"
            r"gewinnen|gewinnspiel|jetzt kaufen|sonderpreis|nur (?:ein )?gerücht|"
            r"falschmeldung|fake ?news|entwarnung|kein rückruf|alles (?:ist )?sicher|"
            r"(?:akne|pickel|ausschlag|ekzem\w*|juckreiz|schmerzen|kopfschmerzen|rötung\w*|"
            r"unreinheiten|neurodermitis) (?:ist|sind|war|waren) (?:\w+ ){0,2}(?:weg|"
            r"verschwunden|besser|geheilt|abgeklungen)|(?:ist|sind|war|waren) (?:meine?n? |"
            r"die |der |das )?(?:akne|pickel|ausschlag|ekzem\w*|juckreiz|schmerzen|"
            r"kopfschmerzen|rötung\w*|unreinheiten|neurodermitis) (?:\w+ )?(?:weg|"
            r"verschwunden|besser|geheilt|abgeklungen)"
        ),
    ),
    info=(
        (
            r"symptome|ursachen|vorbeugen|vorbeugung|patienten|studie|forschung|"
            r"gesundheitslehre|ratgeber|#gesundheit|#medizin|aufklärung|weltkrebstag|"
            r"prävention"
        ),
    ),
    first_person=(r"ich|mir|mich|mein|meine|meinen|meinem|meiner|wir|uns|unser|unsere",),
)

# --------------------------------------------------------------------------- Other languages
# Small lexicons so posts in Spanish, French, Italian and Portuguese degrade gracefully.

_ES = LanguageLexicon(
    code="es",
    script="latin",
    harm=(
        _t(
            r"intoxicaci[oó]n(?: alimentaria)?|intoxicad[oa]s?|me intoxiqu[eé]|envenenad[oa]s?",
            GI,
            STRONG,
            "intoxicación",
        ),
        _t(
            (
                r"diarrea|v[oó]mit(?:o|os|ar|é|e)|vomit[eé]|dolor de (?:est[oó]mago|barriga|"
                r"panza|tripa)|me cay[oó] mal"
            ),
            GI,
            STRONG,
            "diarrea/vómito",
        ),
        _t(
            (
                r"alergia|al[eé]rgic[oa]|sarpullido|ronchas|erupci[oó]n|picaz[oó]n|"
                r"irritaci[oó]n|quemadura|me quem[oó]"
            ),
            SKIN,
            MEDIUM,
            "alergia/irritación",
        ),
        _t(
            (
                r"explot(?:ó|o|ado|ada|aron)|estall[oó]|se incendi[oó]|incendio|"
                r"retirad[oa] del mercado|retira(?:da)?|llamado a revisi[oó]n"
            ),
            HAZARD,
            WEAK,
            "explosión/retirada",
        ),
        _t(
            (
                r"me enferm[oó]|me enfermé|enferm[oó] a|hospitalizad[oa]|cancer[ií]gen[oa]|"
                r"causa c[aá]ncer"
            ),
            SERIOUS,
            MEDIUM,
            "enfermedad",
        ),
    ),
    products=(
        (
            r"comida|restaurante|producto|bebida|crema|champ[uú]|medicamento|pastillas?|"
            r"tel[eé]fono|bater[ií]a|coche|carro|vaso|botella|marca"
        ),
    ),
    cues=(
        (
            r"despu[eé]s de (?:comer|beber|tomar|usar)|me (?:hizo|dio|caus[oó])|"
            r"por culpa de|por (?:comer|beber|usar)|en la mano"
        ),
    ),
    rumour=(r"dicen que|al parecer|supuestamente|cuidado|ojo con",),
    figurative=(
        r"(?:cabeza|coraz[oó]n) (?:me )?(?:va a )?explot\w*|le explotar[aá] la cabe(?:z|s)a",
    ),
    negators=(r"no|sin|nunca|ni",),
    remedy=(r"alivia|cura|para (?:el|la) (?:dolor|alergia)|tratamiento|medicina natural",),
    info=(r"s[ií]ntomas|pacientes",),
    first_person=(r"yo|me|mi|mis|nosotros",),
)

_FR = LanguageLexicon(
    code="fr",
    script="latin",
    harm=(
        _t(
            r"intoxication(?: alimentaire)?|intoxiqu[ée]s?|empoisonn[ée]s?",
            GI,
            STRONG,
            "intoxication",
        ),
        _t(
            r"diarrh[ée]e|vomi(?:r|s|t|ssements?)|mal au ventre|mal [àa] l'estomac|nauséeux",
            GI,
            STRONG,
            "diarrhée/vomissements",
        ),
        _t(
            (
                r"allergie|allergique|boutons|plaques rouges|d[ée]mangeaisons?|irritation|"
                r"br[ûu]lure"
            ),
            SKIN,
            MEDIUM,
            "allergie/irritation",
        ),
        _t(
            (
                r"explos[ée]|a explos[ée]|pris feu|incendie|rappel(?: de produits?| conso)?|"
                r"rappel[ée]s?"
            ),
            HAZARD,
            WEAK,
            "explosion/rappel",
        ),
        _t(
            (
                r"malade(?:s)? apr[èe]s|rendu malade|hospitalis[ée]s?|canc[ée]rig[èe]ne|"
                r"cause le cancer"
            ),
            SERIOUS,
            MEDIUM,
            "malade",
        ),
    ),
    products=(
        (
            r"nourriture|restaurant|produit|boisson|cr[èe]me|shampo(?:o|ing)|"
            r"m[ée]dicament|t[ée]l[ée]phone|batterie|voiture|marque"
        ),
    ),
    cues=(r"apr[èe]s avoir (?:mang[ée]|bu|utilis[ée])|m'a rendu|[àa] cause de|en mangeant",),
    rumour=(r"il para[iî]t|apparemment|soi-disant|attention",),
    figurative=(
        (
            r"envie de vomir (?:quand|en voyant)|me d[ée]go[uû]te|je vous rappelle|"
            r"rappelons|rappelle (?:que|l')|explosion souterraine"
        ),
    ),
    negators=(r"ne|pas|sans|jamais|aucun",),
    remedy=(r"soulage|soigne|traitement",),
    info=(r"sympt[ôo]mes|patients",),
    first_person=(r"je|j'|moi|mon|ma|mes|nous",),
)

_IT = LanguageLexicon(
    code="it",
    script="latin",
    harm=(
        _t(
            r"intossicazione(?: alimentare)?|intossicat[oiae]|avvelenat[oiae]",
            GI,
            STRONG,
            "intossicazione",
        ),
        _t(
            r"diarrea|vomit(?:o|ato|are)|mal di pancia|mal di stomaco", GI, MEDIUM, "diarrea/vomito"
        ),
        _t(
            r"allergia|allergic[oa]|eruzione|prurito|irritazione|ustion[ei]|ustionat[oiae]",
            SKIN,
            MEDIUM,
            "allergia/irritazione",
        ),
        _t(
            (
                r"esplos[oa]|[èe] esplos[oa]|incendio|preso fuoco|richiamo|"
                r"ritirat[oiae] dal mercato"
            ),
            HAZARD,
            WEAK,
            "esplosione/richiamo",
        ),
        _t(
            r"ricoverat[oiae]|cancerogen[oaie]|causa il cancro|stat[oa] male dopo",
            SERIOUS,
            MEDIUM,
            "ricovero",
        ),
    ),
    products=(
        (
            r"cibo|ristorante|prodotto|bevanda|crema|shampoo|farmaco|telefono|batteria|"
            r"auto|macchina|marca|fabbrica"
        ),
    ),
    cues=(r"dopo (?:aver|avere) (?:mangiato|bevuto|usato)|mi ha fatto|a causa di|per colpa di",),
    rumour=(r"pare che|sembra che|dicono che|attenzione",),
    figurative=(
        (
            r"mi fa venire (?:più )?vomito|vorrei (?:fare )?(?:è )?vomitare|"
            r"incidente sul lavoro|mi sto sentendo male"
        ),
    ),
    negators=(r"non|senza|mai|nessun",),
    remedy=(r"disintossicanti|allevia|cura|rimedio",),
    info=(r"sintomi|pazienti|incidente sul lavoro|fabbrica|dipendenti",),
    first_person=(r"io|mi|mio|mia|miei|noi",),
)

_PT = LanguageLexicon(
    code="pt",
    script="latin",
    harm=(
        _t(
            r"intoxica[çc][ãa]o(?: alimentar)?|intoxicad[oa]s?|envenenad[oa]s?",
            GI,
            STRONG,
            "intoxicação",
        ),
        _t(
            (
                r"diarreia|v[ôo]mit(?:o|ei|ar)|vomitei|dor de barriga|dor de est[ôo]mago|"
                r"passei mal|passou mal"
            ),
            GI,
            MEDIUM,
            "diarreia/vômito",
        ),
        _t(
            (
                r"alergia|al[ée]rgic[oa]|manchas vermelhas|coceira|irrita[çc][ãa]o|queimadura|"
                r"queimou"
            ),
            SKIN,
            MEDIUM,
            "alergia/irritação",
        ),
        _t(
            r"explodiu|explos[ãa]o|pegou fogo|inc[êe]ndio|recall|recolhid[oa]s?",
            HAZARD,
            WEAK,
            "explosão/recall",
        ),
        _t(
            r"hospitalizad[oa]|internad[oa]|cancer[íi]gen[oa]|causa c[âa]ncer",
            SERIOUS,
            MEDIUM,
            "hospitalização",
        ),
    ),
    products=(
        (
            r"comida|restaurante|produto|bebida|creme|xampu|rem[ée]dio|celular|bateria|"
            r"carro|marca|lata|enlatados"
        ),
    ),
    cues=(r"depois de (?:comer|beber|usar|tomar)|me deu|por causa d[oa]|s[óo] de (?:comer|usar)",),
    rumour=(r"dizem que|parece que|cuidado",),
    figurative=(r"s[óo] de ver[^.!?]{0,80}|assistindo|#masterchef\w*|quase desmaiei",),
    negators=(r"n[ãa]o|sem|nunca|nenhum",),
    remedy=(r"alivia|cura|tratamento|rem[ée]dio para",),
    info=(r"sintomas|pacientes",),
    first_person=(r"eu|me|meu|minha|n[óo]s",),
)

GENERIC_PRODUCT_WORDS: frozenset[str] = frozenset(
    """product products brand brands item items order orders batch lot produk merek merk
    brand produkt produkte marke hersteller สินค้า ผลิตภัณฑ์ ยี่ห้อ แบรนด์ ตัวนี้ อันนี้ สูตรนี้
    รุ่นนี้ ของเค้า ของเขา ของร้าน""".split()
)
"""Product words that say little about *what* is blamed; evidence prefers concrete ones."""

DEFAULT_LEXICON: Mapping[str, LanguageLexicon] = {
    lex.code: lex for lex in (_EN, _TH, _ID, _DE, _ES, _FR, _IT, _PT)
}
"""The built-in lexicons, keyed by ISO 639-1 code."""

LANGUAGE_ALIASES: Mapping[str, str] = {
    "ms": "id",
    "in": "id",
    "zsm": "id",
    "ind": "id",
    "tha": "th",
    "eng": "en",
    "deu": "de",
    "ger": "de",
    "gsw": "de",
}
"""Language codes read as one of the lexicon languages (Malay reads as Indonesian)."""
