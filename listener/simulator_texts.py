"""Phrase banks for the scenario simulator, written natively per language.

Nothing here is a word-for-word translation: each language has its own openers,
bodies, closers, slang and spelling habits. Placeholders, filled by
`listener.simulator`:

- ``{p}`` a product name of the post's brand (e.g. "Nuvola Berry"),
- ``{b}`` the brand or company name ("Nuvola", "Nuvola Drinks"),
- ``{h}`` the brand's handle ("@nuvoladrinks"),
- ``{c}`` a competitor's product,
- ``{city}`` a city where the language is spoken,
- ``{z}`` the launched product ("Nuvola Zero"),
- ``{who}``, ``{whom}``, ``{when}`` people and times in illness claims,
- ``{user}`` the handle being replied to.

Regular banks never mention illness caused by a product: only the `CLAIM_*`
banks do, and the simulator uses those solely inside the illness event.
`HARD_NEGATIVES` use words such as "sick" or "krank" without blaming a product.
"""

from __future__ import annotations

Phrases = tuple[str, ...]
PartBank = dict[str, Phrases]
"""Parts of a composed post: ``openers``, ``bodies``, ``closers``."""

LANGUAGES: Phrases = ("en", "de", "id", "th")
SENTIMENTS: Phrases = ("positive", "neutral", "negative")

# --- regular posts -----------------------------------------------------------------

ORGANIC: dict[str, dict[str, PartBank]] = {
    "en": {
        "positive": {
            "openers": (
                "ok so",
                "ngl",
                "honestly",
                "PSA:",
                "update:",
                "can confirm:",
                "lowkey",
                "real talk:",
                "y'all.",
                "not gonna lie,",
                "hot take:",
                "small joys:",
            ),
            "bodies": (
                "{p} is sick, not even joking",
                "the new {p} flavour is actually sick",
                "{p} just hits different after a long shift",
                "grabbed a {p} on the way to work and now I want five more",
                "can't stop buying {p}, my recycling bin is judging me",
                "{p} + pizza night = perfect",
                "{p} is the only fizzy drink my whole family agrees on",
                "finally found {p} at the corner shop in {city}",
                "{p} tastes like actual fruit, not a scented candle",
                "switched from {c} to {p} and I'm not looking back",
                "an ice cold {p} on a Friday is peak happiness",
                "props to {h}, the {p} cans are fully recyclable now",
                "the bubbles in {p} are so fine it feels fancy for like two quid",
                "{p} in the office fridge has improved morale by 300%",
                "bought a crate of {p} for the party and it was gone in an hour",
                "whoever designed the new {p} cans deserves a raise",
                "{p} with a slice of lime is my whole personality now",
                "not me drinking {p} at 9am",
                "tried {p} for the first time today, ok I get the hype",
                "{p} slaps. that's the tweet",
                "my order came a day early and the {p} was still cold somehow. love you {h}",
                "{p} is criminally underrated",
                "road trip essentials: snacks, playlist, six cans of {p}",
                "{p} over {c} any day of the week",
            ),
            "closers": (
                "no notes",
                "highly recommend",
                "obsessed",
                "that's it, that's the post",
                "10/10",
                "thank me later",
                "go try it",
                "what a time to be alive",
                "can't wait for the next flavour",
                "love to see it",
                "drink of the year for me",
                "buying more tomorrow",
            ),
        },
        "neutral": {
            "openers": (
                "quick q:",
                "random question:",
                "genuine question,",
                "hmm",
                "so",
                "fyi",
                "curious:",
                "serious question:",
            ),
            "bodies": (
                "does {p} have caffeine in it?",
                "where can I buy {p} in {city}?",
                "is {p} vegan? can't find it on the label",
                "anyone know if {p} comes in glass bottles?",
                "{p} or {c}, which one should I get for the party?",
                "what's the sugar content of {p} compared to {c}?",
                "saw {p} on offer at the supermarket, 3 for 2",
                "{b} is sponsoring the fun run in {city} this weekend apparently",
                "just noticed {p} changed the can design",
                "is {p} still sold in the big 1.5l bottles?",
                "how long does {p} stay fizzy after opening?",
                "the {p} ad is on every bus stop in {city} right now",
                "trying {p} today, will report back",
                "does anyone actually know who owns {b}?",
                "{p} was part of the meal deal today",
                "why is {p} sold out everywhere near me, is there a shortage?",
                "{h} do you ship to {city}?",
                "{p} vs {c} taste test at the office tomorrow, any predictions?",
                "are the {p} multipacks cheaper online or in store?",
            ),
            "closers": (
                "thanks in advance",
                "anyone?",
                "asking for a friend",
                "just wondering",
                "any tips?",
                "cheers",
                "ty",
                "let me know",
            ),
        },
        "negative": {
            "openers": (
                "ugh",
                "seriously",
                "not gonna lie",
                "rant:",
                "so annoyed.",
                "again?!",
                "come on",
                "honestly",
                "sigh.",
                "unreal.",
            ),
            "bodies": (
                "delivery late again. third time this month {h}",
                "{p} went up 30p again, what are we even paying for",
                "the last crate of {p} was half flat",
                "{p} tastes way too sweet since they changed the recipe",
                "two dented cans of {p} in my order, great packaging guys",
                "oh great, {p} is out of stock again. love that for me",
                "nothing says premium like a warm, flat can of {p}",
                "wow, {h} customer service took 9 days to reply. truly impressive",
                "why does {p} taste like it was made with tap water now",
                "the new {p} cans are impossible to open if you have nails",
                "{p} used to be my favourite but the new flavour is just sad",
                "ordered {p}, got {c}. how",
                "the {b} app charged me twice for one order",
                "still waiting on a refund from {h}, 3 weeks now",
                "paid for express shipping and {p} arrived 5 days later",
                "{p} in plastic bottles now? really?",
                "the {p} ad before every single video is driving me insane",
                "so {b} discontinued my favourite flavour without telling anyone. "
                "cool. cool cool cool",
                "{p} has lost all its fizz lately, it's just sweet water now",
                "a six-pack of {p} for how much?? no thanks",
                "love paying extra for a smaller can of {p}. thanks {b}",
            ),
            "closers": (
                "do better",
                "not impressed",
                "done with this",
                "sort it out",
                "unbelievable",
                "last time I'm ordering",
                "as usual",
                "fix it pls",
                "smh",
            ),
        },
    },
    "de": {
        "positive": {
            "openers": (
                "Ehrlich gesagt:",
                "Kurz und knapp:",
                "Leute,",
                "Also",
                "Muss mal gesagt werden:",
                "Update:",
                "Kleiner Tipp:",
            ),
            "bodies": (
                "{p} ist einfach der beste Durstlöscher nach dem Training",
                "endlich gibt's {p} auch bei uns in {city} im Supermarkt",
                "hab heute zum ersten Mal {p} probiert und bin sofort verliebt",
                "{p} eiskalt auf dem Balkon, mehr braucht der Feierabend nicht",
                "die neue Dose von {p} sieht richtig edel aus",
                "wer braucht Sekt, wenn es {p} gibt",
                "{p} schmeckt nach echter Frucht und nicht nach Chemie",
                "unser Büro-Kühlschrank ist jetzt voll mit {p}, die Stimmung steigt",
                "von {c} auf {p} umgestiegen und keine Sekunde bereut",
                "{p} mit Minze und viel Eis, probiert das mal",
                "{p} ist für mich das Getränk des Jahres",
                "die Lieferung von {h} kam schneller als gedacht, danke!",
                "{p} geht immer, egal ob zum Grillen oder zum Zocken",
                "{p} ist krass gut, hätte ich nicht gedacht",
            ),
            "closers": (
                "Klare Empfehlung!",
                "Mega!",
                "Nachkaufen ist Pflicht",
                "Einfach top",
                "Absolut lecker",
                "Danke dafür",
                "Bin Fan",
                "Läuft bei mir",
            ),
        },
        "neutral": {
            "openers": ("Kurze Frage:", "Frage an die Runde:", "Mal was anderes:", "Hm,", "Info:"),
            "bodies": (
                "hat {p} eigentlich Koffein drin?",
                "weiß jemand, wo man {p} in {city} bekommt?",
                "ist {p} vegan? Auf der Dose steht nichts dazu",
                "gibt es {p} auch in Glasflaschen?",
                "{p} oder {c} für die Geburtstagsfeier, was meint ihr?",
                "wie viel Zucker hat {p} im Vergleich zu {c}?",
                "{p} ist diese Woche im Angebot, falls es jemanden interessiert",
                "seit wann gehört {b} eigentlich zu einem großen Konzern?",
                "mir ist aufgefallen, dass {p} ein neues Etikett hat",
                "liefert {h} auch nach Österreich?",
                "probiere heute mal {p}, berichte später",
                "warum ist {p} bei uns überall ausverkauft?",
                "gibt es {p} irgendwo im Mehrweg-Kasten?",
            ),
            "closers": ("Danke vorab!", "Jemand?", "Nur so aus Neugier", "Wäre nett", "Grüße"),
        },
        "negative": {
            "openers": (
                "Boah,",
                "Ernsthaft,",
                "Ärgerlich:",
                "Mal ehrlich:",
                "Sorry, aber",
                "Nervig:",
            ),
            "bodies": (
                "Lieferung schon wieder zu spät, das dritte Mal diesen Monat {h}",
                "{p} ist schon wieder teurer geworden, echt jetzt?",
                "die halbe Kiste {p} war komplett ohne Kohlensäure",
                "seit der Rezeptänderung ist {p} viel zu süß",
                "na toll, {p} mal wieder ausverkauft. Danke auch",
                "zwei Dosen {p} kamen verbeult an, super Verpackung",
                "der Kundenservice von {h} antwortet seit zwei Wochen nicht",
                "{p} schmeckt inzwischen wie Sprudelwasser mit Zucker",
                "die App von {b} hat mir die Bestellung doppelt abgebucht",
                "{p} jetzt in Plastikflaschen? Ernsthaft?",
                "bestellt war {p}, geliefert wurde {c}. Wie kann das passieren",
                "ganz großes Kino, wie {b} meine Lieblingssorte einfach streicht",
                "für den Preis von {p} bekomme ich woanders zwei Flaschen",
            ),
            "closers": (
                "Enttäuschend",
                "So nicht",
                "Nie wieder online bestellt",
                "Bitte mal klären",
                "Echt schade",
                "Unmöglich",
            ),
        },
    },
    "id": {
        "positive": {
            "openers": ("jujur,", "sumpah", "guys", "fix", "asli", "btw", "gais,"),
            "bodies": (
                "{p} enak banget, seger parah",
                "akhirnya nemu {p} di minimarket deket rumah di {city}",
                "pertama kali coba {p} dan langsung jatuh cinta",
                "{p} dingin pas siang bolong itu nikmat banget",
                "gila sih {p} enak parah",
                "kemasan baru {p} keren abis",
                "pindah dari {c} ke {p} dan nggak nyesel sama sekali",
                "{p} cocok banget buat temen makan gorengan",
                "stok {p} di kulkas kantor langsung habis dalam sehari",
                "rasa buahnya {p} kerasa asli, nggak kayak sirup",
                "pesen {p} lewat app {b} cepet banget nyampenya",
                "{p} tuh minuman wajib kalau nongkrong",
                "rekomendasi dari temen, ternyata {p} emang mantap",
                "buka puasa pakai {p} dingin, juara",
            ),
            "closers": (
                "recommended banget",
                "mantul",
                "bakal beli lagi",
                "wajib coba",
                "the best lah",
                "suka banget",
                "ga nyesel",
            ),
        },
        "neutral": {
            "openers": ("mau nanya dong,", "numpang tanya,", "eh", "btw", "info dong,"),
            "bodies": (
                "{p} ada kafeinnya nggak ya?",
                "beli {p} di {city} di mana ya?",
                "{p} halal nggak sih? di kalengnya nggak ada logonya",
                "{p} atau {c}, enakan mana?",
                "kadar gulanya {p} berapa ya dibanding {c}?",
                "lagi ada promo {p} beli 2 gratis 1 di supermarket",
                "{h} kirim ke luar Jawa nggak?",
                "baru sadar desain kaleng {p} ganti",
                "hari ini mau coba {p}, nanti aku kabarin",
                "kenapa {p} kosong terus di mana-mana ya?",
                "{p} ada ukuran botol besar nggak?",
                "iklan {b} muncul terus di YouTube",
            ),
            "closers": (
                "makasih sebelumnya",
                "ada yang tau?",
                "cuma penasaran",
                "thanks ya",
                "share dong",
            ),
        },
        "negative": {
            "openers": ("kesel banget,", "duh", "parah sih,", "serius deh,", "astaga,"),
            "bodies": (
                "pengiriman telat lagi, udah ketiga kalinya bulan ini {h}",
                "{p} naik harga lagi, mahal banget sekarang",
                "setengah dus {p} udah nggak ada sodanya",
                "sejak ganti resep, {p} kemanisan",
                "wah mantap, {p} habis lagi. makasih ya",
                "dua kaleng {p} penyok pas nyampe",
                "CS {h} nggak bales-bales udah dua minggu",
                "{p} sekarang rasanya kayak air gula doang",
                "app {b} error pas checkout, saldo kepotong dua kali",
                "pesen {p} yang dateng malah {c}, gimana sih",
                "keren banget {b}, rasa favoritku dihapus tanpa kabar",
                "refund dari {h} belum masuk juga",
            ),
            "closers": ("kecewa", "tolong diperbaiki", "kapok", "nggak lagi-lagi", "payah"),
        },
    },
    "th": {
        "positive": {
            "openers": ("บอกเลยว่า", "ขอรีวิวหน่อย", "จริงๆ นะ", "โอ้ย", "แนะนำ"),
            "bodies": (
                "{p} อร่อยมาก สดชื่นสุดๆ",
                "เพิ่งลอง {p} ครั้งแรก ติดใจเลย",
                "{p} เย็นๆ ตอนบ่ายคือฟินมาก",
                "เจอ {p} ที่ร้านสะดวกซื้อแถวบ้านแล้ว ดีใจมาก",
                "{p} คือปังมาก ต้องลอง",
                "แพ็กเกจใหม่ของ {p} สวยมาก",
                "เปลี่ยนจาก {c} มาเป็น {p} ไม่ผิดหวังเลย",
                "{p} รสชาติผลไม้จริงๆ ไม่หวานเลี่ยน",
                "ตู้เย็นที่ออฟฟิศมี {p} เต็มเลย ทุกคนแฮปปี้",
                "สั่ง {p} ผ่านแอป {b} ส่งไวมาก",
                "{p} กินคู่กับส้มตำคือที่สุด",
                "ใครยังไม่เคยลอง {p} ต้องลองนะ ดีย์มาก",
            ),
            "closers": ("ซื้อซ้ำแน่นอน", "ชอบมากกก", "แนะนำเลย", "ดีงาม", "รักเลย", "555"),
        },
        "neutral": {
            "openers": ("สอบถามหน่อย", "ขอถามหน่อยค่ะ", "ใครรู้บ้าง", "เอ่อ", "แจ้งข่าว"),
            "bodies": (
                "{p} มีคาเฟอีนไหมคะ",
                "ซื้อ {p} ที่{city}ได้ที่ไหนบ้างครับ",
                "{p} กับ {c} อันไหนอร่อยกว่ากัน",
                "{p} น้ำตาลเยอะไหม",
                "ตอนนี้ {p} ลดราคาอยู่นะ ซื้อ 2 แถม 1",
                "{h} ส่งต่างจังหวัดไหมครับ",
                "เพิ่งเห็นว่า {p} เปลี่ยนดีไซน์กระป๋อง",
                "วันนี้จะลอง {p} เดี๋ยวมารีวิว",
                "ทำไม {p} หมดทุกร้านเลย",
                "{p} มีขวดใหญ่ขายไหม",
                "โฆษณา {b} เต็มรถไฟฟ้าเลย",
            ),
            "closers": ("ขอบคุณค่ะ", "ขอบคุณครับ", "ใครรู้ช่วยบอกที", "แค่สงสัย", "ช่วยตอบที"),
        },
        "negative": {
            "openers": ("หงุดหงิดมาก", "เซ็งเลย", "จริงๆ นะ", "บ่นหน่อย", "อีกแล้วเหรอ"),
            "bodies": (
                "ส่งช้าอีกแล้ว เป็นครั้งที่สามของเดือนนี้ {h}",
                "{p} ขึ้นราคาอีกแล้ว แพงไป",
                "{p} ครึ่งลังไม่มีซ่าเลย",
                "ตั้งแต่เปลี่ยนสูตร {p} หวานเกินไป",
                "ดีใจจัง {p} หมดอีกแล้ว",
                "กระป๋อง {p} บุบมาสองกระป๋อง",
                "แอดมิน {h} ไม่ตอบแชทเลย สองอาทิตย์แล้ว",
                "{p} ตอนนี้รสชาติเหมือนน้ำหวานธรรมดา",
                "แอป {b} ตัดเงินซ้ำสองรอบ",
                "สั่ง {p} แต่ได้ {c} มาแทน งงมาก",
                "เก่งมาก {b} เลิกขายรสที่ชอบแบบไม่บอกกันเลย",
            ),
            "closers": ("ผิดหวัง", "ช่วยแก้ไขด้วย", "เข็ดแล้ว", "ไม่ซื้ออีกแล้ว", "แย่มาก"),
        },
    },
}

EMOJI: dict[str, Phrases] = {
    "positive": ("😍", "🔥", "🙌", "💯", "✨", "😋", "🥤", "💜", "👌", "🫶", "🤤"),
    "neutral": ("🤔", "👀", "🥤", "🛒", "📦"),
    "negative": ("😤", "🙄", "😒", "👎", "😩", "💀", "🫠", "😑"),
}

HASHTAGS: dict[str, Phrases] = {
    "en": ("#sparkling", "#softdrinks", "#drinks", "#thirsty", "#snacktime", "#fridayfeeling"),
    "de": ("#erfrischung", "#getränke", "#feierabend", "#sprudel"),
    "id": ("#minuman", "#segar", "#jajan", "#kulinerjakarta"),
    "th": ("#เครื่องดื่ม", "#ของอร่อย", "#รีวิว", "#ของมันต้องมี"),
}

CITIES: dict[str, Phrases] = {
    "en": (
        "London",
        "Manchester",
        "Leeds",
        "Dublin",
        "Sydney",
        "Toronto",
        "Chicago",
        "Austin",
        "Bristol",
        "Glasgow",
    ),
    "de": ("Berlin", "Hamburg", "München", "Köln", "Wien", "Zürich", "Leipzig", "Stuttgart"),
    "id": ("Jakarta", "Bandung", "Surabaya", "Jogja", "Medan", "Denpasar", "Makassar"),
    "th": ("กรุงเทพ", "เชียงใหม่", "ภูเก็ต", "ขอนแก่น", "หาดใหญ่", "พัทยา"),
}

HARD_NEGATIVES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("positive", "this song is sick, blasting it with a cold {p} in hand"),
        ("positive", "I was sick all week, {p} is the only thing I could drink"),
        ("positive", "that last-minute goal was sick!! celebrating with a {p}"),
        ("negative", "sick of {p} being sold out every single weekend"),
        ("neutral", "home sick with a cold, does {p} count as hydration?"),
        ("positive", "flu season got me but soup and {p} are carrying me through"),
        ("positive", "ngl that {b} ad is sick"),
        ("neutral", "called in sick today, rewatching old sitcoms with a {p}"),
    ),
    "de": (
        (
            "positive",
            "lag die ganze Woche krank im Bett, {p} war das Einzige, worauf ich Lust hatte",
        ),
        ("positive", "der Song ist krass, perfekt mit einem kalten {p}"),
        ("neutral", "bin erkältet zu Hause, zählt {p} eigentlich als Flüssigkeit?"),
    ),
    "id": (
        ("positive", "lagi sakit seminggu, cuma {p} yang enak diminum"),
        ("positive", "lagunya gila sih, apalagi sambil minum {p}"),
        ("neutral", "lagi flu nih, boleh nggak sih minum {p}?"),
    ),
    "th": (
        ("positive", "ป่วยเป็นไข้ทั้งอาทิตย์ มีแค่ {p} ที่อยากดื่ม"),
        ("positive", "เพลงนี้โคตรปัง ฟังไปดื่ม {p} ไป"),
        ("neutral", "เป็นหวัดอยู่ ดื่ม {p} ได้ไหมนะ"),
    ),
}

# --- app-store reviews and news ------------------------------------------------------

APP_REVIEWS: dict[str, dict[str, Phrases]] = {
    "en": {
        "positive": (
            "Ordering {p} through the {b} app takes 30 seconds. Love the loyalty stamps.",
            "Smooth app, my {p} gets delivered next day every time.",
            "Great app, reordering my weekly crate of {p} is one tap.",
            "Finally an app from {b} that doesn't log me out every day. Five stars.",
        ),
        "neutral": (
            "App works fine. Would be nice to filter {b} drinks by flavour.",
            "Does what it says. Delivery slots for {p} could be wider.",
            "Okay app. Why can't I pay with gift cards from {b}?",
        ),
        "negative": (
            "Delivery late again. The app says my {p} was delivered, it wasn't.",
            "The {b} app crashes at checkout every single time.",
            "Charged twice for one crate of {p}. Support never answered.",
            "Latest update logged me out and deleted my {b} loyalty points.",
        ),
    },
    "de": {
        "positive": (
            "Bestellung von {p} in der {b} App klappt super schnell.",
            "Endlich eine App, mit der ich {p} im Abo bekomme. Top!",
        ),
        "neutral": (
            "Funktioniert. Ein Filter nach Sorten wäre bei {b} praktisch.",
            "Solide App, Lieferfenster für {p} könnten flexibler sein.",
        ),
        "negative": (
            "Lieferung wieder zu spät, die App von {b} zeigt falsche Zeiten.",
            "App stürzt beim Bezahlen ab, {p} konnte ich nicht bestellen.",
        ),
    },
    "id": {
        "positive": (
            "Pesan {p} lewat app {b} gampang banget, poinnya lumayan.",
            "Aplikasinya lancar, {p} selalu dateng tepat waktu.",
        ),
        "neutral": (
            "Aplikasi oke, tapi belum bisa bayar pakai e-wallet selain punya {b}.",
            "Lumayan, semoga ada filter rasa buat {p}.",
        ),
        "negative": (
            "Pesanan {p} telat terus, status di app {b} nggak update.",
            "App {b} force close pas bayar, nyebelin.",
        ),
    },
    "th": {
        "positive": (
            "สั่ง {p} ผ่านแอป {b} ง่ายมาก ได้แต้มด้วย",
            "แอปใช้ง่าย {p} ส่งตรงเวลาทุกครั้ง",
        ),
        "neutral": (
            "แอปโอเค อยากให้มีตัวกรองรสชาติของ {b}",
            "ใช้ได้ แต่อยากให้มีช่วงเวลาส่ง {p} มากกว่านี้",
        ),
        "negative": (
            "แอป {b} เด้งออกตอนจ่ายเงินตลอด",
            "ส่ง {p} ช้าทุกครั้ง สถานะในแอปไม่อัปเดต",
        ),
    },
}

NEWS: dict[str, dict[str, Phrases]] = {
    "en": {
        "neutral": (
            "{b} opens new bottling line near {city}. The sparkling-drinks maker said the site "
            "would employ about {n} people.",
            "{b} names new head of marketing. The soft-drinks company said the appointment takes "
            "effect next month.",
            "Supermarkets in {city} add {p} to shelves. Retailers said the range would be stocked "
            "in about {n} stores.",
            "{b} sponsors the {city} city marathon. The company will hand out drinks at {n} "
            "stations along the route.",
            "Soft-drink volumes steady this autumn, {b} says. The company reported sales broadly "
            "in line with last year.",
            "{b} trials refillable bottles in {city}. The pilot runs for three months in {n} "
            "shops.",
        ),
        "positive": (
            "{b} wins packaging award for recyclable cans. Judges praised the switch to fully "
            "recyclable aluminium.",
            "{b} posts record quarter as {p} sales climb. The company said demand grew in all of "
            "its markets.",
        ),
        "negative": (
            "{b} raises prices for the second time this year. The company cited higher costs for "
            "sugar and aluminium.",
            "Shoppers report {p} shortages. Retailers in {city} said deliveries had been delayed "
            "for weeks.",
        ),
    },
    "de": {
        "neutral": (
            "{b} eröffnet neue Abfüllanlage bei {city}. Dort sollen rund {n} Menschen arbeiten.",
            "Handelsketten in {city} nehmen {p} ins Sortiment. Die Getränke sollen in etwa {n} "
            "Filialen erhältlich sein.",
            "{b} testet Mehrwegflaschen in {city}. Der Versuch läuft drei Monate.",
        ),
        "positive": (
            "{b} erhält Verpackungspreis für recycelbare Dosen. Die Jury lobte den Umstieg auf "
            "Aluminium.",
        ),
        "negative": (
            "{b} erhöht erneut die Preise. Das Unternehmen verweist auf gestiegene Kosten für "
            "Zucker und Aluminium.",
        ),
    },
    "id": {
        "neutral": (
            "{b} resmikan pabrik pembotolan baru di dekat {city}. Pabrik ini akan menyerap sekitar "
            "{n} tenaga kerja.",
            "Jaringan supermarket di {city} mulai menjual {p}. Produk tersedia di sekitar {n} "
            "gerai.",
        ),
        "positive": (
            "Penjualan {p} melonjak, {b} catat kuartal terbaik. Permintaan naik di semua pasar.",
        ),
        "negative": (
            "{b} kembali naikkan harga. Perusahaan menyebut biaya gula dan aluminium meningkat.",
        ),
    },
    "th": {
        "neutral": (
            "{b} เปิดไลน์การผลิตใหม่ใกล้{city} คาดว่าจะจ้างงานราว {n} คน",
            "ซูเปอร์มาร์เก็ตใน{city}เริ่มวางจำหน่าย {p} แล้วกว่า {n} สาขา",
        ),
        "positive": ("{b} ทำยอดขายสูงสุดเป็นประวัติการณ์ หลัง {p} ได้รับความนิยมต่อเนื่อง",),
        "negative": ("{b} ปรับขึ้นราคาอีกครั้ง อ้างต้นทุนน้ำตาลและอะลูมิเนียมสูงขึ้น",),
    },
}

# --- the launch (Nuvola Zero) --------------------------------------------------------

LAUNCH: dict[str, dict[str, Phrases]] = {
    "en": {
        "positive": (
            "{z} is finally here and it's sick",
            "zero sugar and {z} still tastes like the real thing?? how",
            "just grabbed {z}, the citrus-berry combo is unreal",
            "been waiting for {z} all month. worth it",
            "{z} launch day! my fridge is ready",
            "tried {z} at lunch, genuinely can't tell it's sugar free",
            "{z} might be the best thing {b} has ever made",
            "the {z} cans are gorgeous, straight onto my shelf",
            "ok {z} is dangerously good, already on can number three",
            "free {z} at the station this morning, good vibes all round",
            "new fav unlocked: {z}",
            "{z} after the gym = finally a fizzy drink without the guilt",
            "{h} you absolutely nailed {z}",
        ),
        "neutral": (
            "is {z} available in {city} yet?",
            "how much is {z}? can't find a price anywhere",
            "what sweetener does {z} use?",
            "{z} is out today apparently",
            "{z} vs the sugar-free {c}, anyone compared them?",
            "seeing {z} ads everywhere, is it worth trying?",
        ),
        "negative": (
            "{z} tastes like sweetener to me, pass",
            "{z} sold out before I even got there, thanks {h}",
            "everyone's hyping {z} but it's just the old stuff without sugar",
            "paid full price for {z} and the cans are smaller. nice one",
        ),
    },
    "de": {
        "positive": (
            "{z} ist endlich da und schmeckt richtig gut",
            "ohne Zucker und trotzdem so lecker? {z} überrascht mich",
            "gerade {z} probiert, den Unterschied merkt man kaum",
            "auf {z} habe ich lange gewartet, hat sich gelohnt",
            "{z} im Kühlschrank, das Wochenende kann kommen",
            "die Dosen von {z} sind echt schick",
        ),
        "neutral": (
            "gibt es {z} schon in {city}?",
            "welcher Süßstoff ist in {z}?",
            "{z} kommt heute raus, habe ich gelesen",
        ),
        "negative": (
            "{z} schmeckt mir zu sehr nach Süßstoff",
            "{z} überall ausverkauft, toll gemacht {h}",
        ),
    },
    "id": {
        "positive": (
            "{z} akhirnya rilis dan enak banget",
            "nol gula tapi rasanya tetep mantap, {z} juara",
            "barusan coba {z}, seger parah",
            "udah nunggu {z} dari lama, worth it",
            "{z} wajib masuk kulkas",
            "kalengnya {z} lucu banget",
        ),
        "neutral": (
            "{z} udah ada di {city} belum?",
            "{z} pakai pemanis apa ya?",
            "katanya {z} rilis hari ini",
        ),
        "negative": (
            "{z} rasanya kayak pemanis buatan, kurang cocok",
            "{z} udah habis di mana-mana, gimana sih {h}",
        ),
    },
    "th": {
        "positive": (
            "{z} มาแล้ว อร่อยมาก",
            "ไม่มีน้ำตาลแต่อร่อยเหมือนเดิม {z} ดีงาม",
            "เพิ่งลอง {z} สดชื่นสุดๆ",
            "รอ {z} มานาน คุ้มค่าการรอคอย",
            "{z} กระป๋องสวยมาก",
            "ติด {z} แล้ว",
        ),
        "neutral": (
            "{z} มีขายที่{city}หรือยัง",
            "{z} ใช้สารให้ความหวานอะไร",
            "ได้ยินว่า {z} วางขายวันนี้",
        ),
        "negative": (
            "{z} หวานแบบสารให้ความหวาน ไม่ค่อยชอบ",
            "{z} หมดทุกที่เลย {h}",
        ),
    },
}

LAUNCH_ANNOUNCEMENT: dict[str, str] = {
    "en": "It's here. Nuvola Zero: all the sparkle of Nuvola, zero sugar. In stores from today "
    "#NuvolaZero #nuvola",
    "de": "Jetzt neu: Nuvola Zero. Der volle Nuvola-Geschmack, null Zucker. Ab heute im Handel "
    "#NuvolaZero",
    "id": "Kenalan sama Nuvola Zero: segernya Nuvola, tanpa gula. Mulai hari ini di toko "
    "favoritmu #NuvolaZero",
    "th": "Nuvola Zero มาแล้ว! ซ่าสดชื่นแบบ Nuvola ไม่มีน้ำตาล วางขายแล้ววันนี้ #NuvolaZero",
}

LAUNCH_NEWS: dict[str, tuple[Phrases, str]] = {
    "en": (
        (
            "Nuvola Drinks launches sugar-free Nuvola Zero",
            "Nuvola Drinks unveils Nuvola Zero",
            "Sparkling-drinks maker Nuvola goes sugar-free with Nuvola Zero",
        ),
        "Sparkling-drinks maker Nuvola Drinks on Friday launched Nuvola Zero, a sugar-free "
        "version of its best-selling range, in four markets. The company said the drink would "
        "be in supermarkets from today, priced in line with Nuvola Citrus and Nuvola Berry.",
    ),
    "de": (
        (
            "Nuvola Drinks bringt zuckerfreies Nuvola Zero auf den Markt",
            "Nuvola Zero: Getränkehersteller setzt auf null Zucker",
        ),
        "Der Getränkehersteller Nuvola Drinks hat am Freitag Nuvola Zero vorgestellt, eine "
        "zuckerfreie Variante seiner bekanntesten Sorten. Das Getränk soll ab sofort im Handel "
        "erhältlich sein und so viel kosten wie Nuvola Citrus und Nuvola Berry.",
    ),
}

LAUNCH_NEWS_TAILS: Phrases = (
    "",
    " (Reporting by staff.)",
    " Additional reporting by our business desk.",
    " The company did not give sales targets.",
)

# --- the illness claim ---------------------------------------------------------------

CLAIM_PEOPLE: dict[str, dict[str, Phrases]] = {
    "en": {
        "who": (
            "my kid",
            "my son",
            "my daughter",
            "my 7yo",
            "my husband",
            "my wife",
            "my flatmate",
            "my little sister",
            "I",
            "my mum",
        ),
        "whom": (
            "my kid",
            "my son",
            "my daughter",
            "my husband",
            "my wife",
            "my flatmate",
            "me",
            "my mum",
        ),
        "when": (
            "last night",
            "this morning",
            "yesterday",
            "this afternoon",
            "an hour ago",
            "earlier today",
            "at lunch",
        ),
    },
    "de": {
        "who": (
            "mein Sohn",
            "meine Tochter",
            "mein Kind",
            "mein Mann",
            "meine Frau",
            "mein Mitbewohner",
            "meine Schwester",
        ),
        "whom": ("meinem Sohn", "meiner Tochter", "meinem Kind", "meinem Mann", "mir"),
        "when": (
            "gestern Abend",
            "heute früh",
            "heute Nachmittag",
            "vor einer Stunde",
            "letzte Nacht",
        ),
    },
    "id": {
        "who": ("anakku", "adikku", "suamiku", "istriku", "aku", "ponakanku", "temen kosku"),
        "whom": ("anakku", "adikku", "suamiku", "aku"),
        "when": ("semalam", "tadi pagi", "tadi siang", "kemarin", "sejam yang lalu"),
    },
    "th": {
        "who": ("ลูกชาย", "ลูกสาว", "น้องชาย", "แฟน", "เรา", "แม่", "เพื่อนร่วมห้อง"),
        "whom": ("ลูกชาย", "ลูกสาว", "แฟน", "เรา"),
        "when": ("เมื่อคืน", "เมื่อเช้า", "เมื่อบ่าย", "เมื่อวาน", "เมื่อชั่วโมงก่อน"),
    },
}

CLAIM_ORIGINALS: dict[str, Phrases] = {
    "en": (
        "my kid threw up after drinking {p}",
        "{who} threw up {when} after drinking {p}",
        "{who} threw up twice {when}, the only thing different was a can of {p}",
        "{who} had horrible stomach cramps {when} right after a bottle of {p}",
        "ended up in hospital {when}. {who} had drunk {p} an hour before",
        "doctor says it looks like food poisoning. {who} only had {p} {when}",
        "{who} was vomiting all night after {p}. something is wrong with this batch",
        "{p} gave {whom} stomach cramps and vomiting {when}",
        "{who} threw up in the car {when}, we'd just shared a {p}",
        "food poisoning from {p}?? {who} spent the whole night throwing up",
        "sitting in the hospital waiting room. {who} got stomach cramps right after {p}",
        "{who} drank {p} at lunch and was throwing up by the afternoon",
    ),
    "de": (
        "{who} hat sich {when} nach {p} übergeben",
        "{who} hatte {when} heftige Bauchkrämpfe, das Einzige war eine Dose {p}",
        "Wir waren {when} in der Notaufnahme. {who} hatte vorher {p} getrunken",
        "Lebensmittelvergiftung durch {p}? {who} hat die ganze Nacht erbrochen",
        "{who} musste {when} ins Krankenhaus, vorher gab es {p}",
        "Nach {p} Bauchkrämpfe und Erbrechen bei {whom}",
    ),
    "id": (
        "{who} muntah-muntah {when} setelah minum {p}",
        "{who} kram perut parah {when}, cuma minum {p} doang",
        "{who} masuk rumah sakit {when}, dokter bilang keracunan. sebelumnya minum {p}",
        "keracunan {p}?? {who} muntah terus dari {when}",
        "abis minum {p} {when}, {who} langsung sakit perut dan muntah",
    ),
    "th": (
        "{who}ดื่ม {p} {when} แล้วอาเจียนหนักมาก",
        "{when} {who}ปวดท้องหนักมากหลังดื่ม {p}",
        "{who}ต้องไปโรงพยาบาล{when} หมอบอกว่าอาหารเป็นพิษ ก่อนหน้านั้นดื่มแค่ {p}",
        "อาหารเป็นพิษจาก {p} หรือเปล่า {who}อ้วกทั้งคืน",
        "ดื่ม {p} ไปกระป๋องเดียว {who}ปวดท้องแล้วก็อาเจียน",
    ),
}

CLAIM_ME_TOO: dict[str, Phrases] = {
    "en": (
        "same here!! {who} got stomach cramps after {p} {when}",
        "this happened to us too, {who} threw up after {p}",
        "not just you, {who} was vomiting after a can of {p} {when}",
        "wait, {who} also had stomach cramps after {p}. what is in it??",
        "oh no. {who} threw up {when} and we bought a crate of {p} on saturday",
        "seeing all these posts... {who} was in hospital {when} after {p}, I thought it was a bug",
    ),
    "de": (
        "Bei uns auch! {who} hat sich {when} nach {p} übergeben",
        "Das ist kein Einzelfall, {who} hatte auch Bauchkrämpfe nach {p}",
        "Ich dachte, das war ein Infekt, aber {who} hat sich auch nach {p} übergeben",
    ),
    "id": (
        "sama! {who} juga muntah setelah minum {p} {when}",
        "bukan cuma kamu, {who} juga kram perut abis minum {p}",
        "pantesan, {who} juga sakit perut abis minum {p} {when}",
    ),
    "th": (
        "เหมือนกันเลย {who}ก็อาเจียนหลังดื่ม {p} {when}",
        "ไม่ใช่แค่คุณ {who}ก็ปวดท้องหลังดื่ม {p}",
    ),
}

CLAIM_CLOSERS: dict[str, Phrases] = {
    "en": (
        "anyone else??",
        "what is going on {h}?",
        "please check your batches {h}",
        "be careful with this stuff",
        "never buying it again",
        "#nuvola",
        "has this happened to anyone else?",
        "please share",
        "I'm so angry right now",
        "we kept the can.",
    ),
    "de": (
        "Hat das noch jemand?",
        "Was ist da los {h}?",
        "Bitte Charge prüfen {h}",
        "Passt auf euch auf",
        "Nie wieder",
        "Die Dose haben wir aufbewahrt",
    ),
    "id": (
        "ada yang ngalamin juga?",
        "{h} tolong dicek",
        "hati-hati ya guys",
        "kapok",
        "kalengnya masih aku simpen",
        "tolong share",
    ),
    "th": (
        "มีใครเป็นแบบนี้บ้าง",
        "{h} ช่วยตรวจสอบด้วย",
        "ระวังกันด้วยนะ",
        "ไม่กล้าดื่มอีกแล้ว",
        "ยังเก็บกระป๋องไว้อยู่",
        "ช่วยแชร์ด้วย",
    ),
}

QUOTE_COMMENTS: dict[str, Phrases] = {
    "en": (
        "this is scary",
        "wait what",
        "ok I'm not drinking this anymore",
        "has anyone else seen this??",
        "sharing so people see it",
        "yikes",
        "not again",
        "{h} explain",
    ),
    "de": (
        "Krass, stimmt das?",
        "Oh nein",
        "Teilen, damit es alle sehen",
        "Hat das noch jemand erlebt?",
    ),
    "id": ("serem banget", "hah beneran?", "share biar pada tau", "ya ampun"),
    "th": ("น่ากลัวมาก", "จริงเหรอ", "แชร์ให้รู้กัน", "ใครเจอแบบนี้บ้าง"),
}

CLAIM_QUESTIONS: dict[str, Phrases] = {
    "en": (
        "is the {p} food poisoning thing real? seeing it everywhere",
        "wait why is everyone saying {p} makes you throw up?",
        "has {h} said anything about the {p} hospital posts?",
    ),
    "de": ("Stimmt das mit den Bauchkrämpfen nach {p}?",),
    "id": ("beneran {p} bikin keracunan?",),
    "th": ("เรื่อง {p} ทำให้อาหารเป็นพิษจริงไหม",),
}

CRISIS_REACTIONS: dict[str, Phrases] = {
    "en": (
        "not touching {b} until they explain what's going on",
        "{h} you need to answer people, this is serious",
        "threw out every {p} in our fridge just in case",
        "this is why I stick to water. sorry {b}",
        "{b} staying silent right now is not a good look",
        "cancelled my {b} subscription tonight",
        "my local shop already took {p} off the shelf",
    ),
    "de": (
        "Finger weg von {b}, bis das geklärt ist",
        "{h} ihr müsst euch dazu äußern",
        "Alle Dosen {p} sind bei uns erst mal weg",
    ),
    "id": (
        "stop beli {b} dulu sampai ada penjelasan",
        "{h} tolong klarifikasi",
        "semua {p} di kulkas udah aku buang",
    ),
    "th": ("เลิกซื้อ {b} ก่อนจนกว่าจะมีคำชี้แจง", "{h} ช่วยออกมาชี้แจงด้วย"),
}

CRISIS_STATEMENT: dict[str, str] = {
    "en": "Update on Nuvola Citrus: we have seen the posts about people feeling unwell and we "
    "are investigating with independent labs. If you have a can from this week, please "
    "keep it and DM us the batch code. Your safety comes first. – Nuvola Drinks",
    "de": "Zu Nuvola Citrus: Wir nehmen die Berichte sehr ernst und lassen unabhängige Labore "
    "prüfen. Bitte bewahrt betroffene Dosen auf und schickt uns die Chargennummer per DM. "
    "– Nuvola Drinks",
    "id": "Soal Nuvola Citrus: kami sudah membaca semua laporan dan sedang menyelidikinya "
    "bersama laboratorium independen. Mohon simpan kalengnya dan kirim kode produksinya "
    "lewat DM. – Nuvola Drinks",
    "th": "ชี้แจงเรื่อง Nuvola Citrus: เราได้รับทราบทุกโพสต์แล้ว และกำลังตรวจสอบร่วมกับห้องแล็บอิสระ "
    "หากยังมีกระป๋องอยู่ โปรดเก็บไว้และส่งรหัสการผลิตมาทาง DM – Nuvola Drinks",
}

CRISIS_NEWS: dict[str, tuple[Phrases, str]] = {
    "en": (
        (
            "Nuvola Drinks investigating social media reports about Nuvola Citrus",
            "Nuvola Drinks looks into customer complaints over Nuvola Citrus",
        ),
        "Nuvola Drinks said it was investigating posts on social media in which customers said "
        "they had felt unwell after drinking Nuvola Citrus. The company said it had found no "
        "fault in its production so far and asked customers to share batch codes.",
    ),
    "de": (
        ("Nuvola Drinks prüft Beschwerden über Nuvola Citrus",),
        "Nuvola Drinks prüft nach eigenen Angaben Beiträge in sozialen Netzwerken, in denen "
        "Kundinnen und Kunden von Unwohlsein nach dem Genuss von Nuvola Citrus berichten. "
        "Ein Fehler in der Produktion sei bislang nicht gefunden worden.",
    ),
    "id": (
        ("Nuvola Drinks selidiki keluhan konsumen soal Nuvola Citrus",),
        "Nuvola Drinks menyatakan sedang menyelidiki unggahan di media sosial dari konsumen "
        "yang mengaku merasa tidak enak badan setelah minum Nuvola Citrus.",
    ),
}

# --- the brands' own replies ---------------------------------------------------------

OWNED_REPLIES: dict[str, dict[str, dict[str, Phrases]]] = {
    "Nuvola": {
        "en": {
            "complaint": (
                "{user} so sorry about this! Please DM us your order number and we'll make it "
                "right. – Nuvola Care",
                "{user} that's not the experience we want for you. Could you send us a DM with "
                "the details? – Nuvola Care team",
                "{user} thanks for flagging, we've passed this on to our delivery partner. DM us "
                "and we'll sort a refund. – Nuvola Care",
                "{user} oh no, sorry! Send us a photo by DM and we'll replace it. – Nuvola Care",
            ),
            "question": (
                "{user} hi! You'll find ingredients and stockists on nuvola.example.com "
                "– Team Nuvola",
                "{user} great question! Drop us a DM and we'll get you the details. – Team Nuvola",
                "{user} hey! Our store finder on nuvola.example.com shows the nearest shops. "
                "– Team Nuvola",
            ),
            "crisis": (
                "{user} we're very sorry to hear this and we take it extremely seriously. Please "
                "DM us the batch code on the can so our quality team can look into it today. "
                "– Nuvola Care",
                "{user} thank you for telling us. Our quality team is investigating. Could you "
                "DM us where and when you bought it? – Nuvola Care",
                "{user} we're so sorry. Please keep the can and DM us, we'll call you back today. "
                "– Nuvola Care",
            ),
        },
        "de": {
            "complaint": (
                "{user} Das tut uns leid! Schreib uns bitte deine Bestellnummer per DM, wir "
                "kümmern uns. – Dein Nuvola Team",
                "{user} Danke für den Hinweis, wir klären das mit unserem Lieferdienst. "
                "– Dein Nuvola Team",
            ),
            "question": (
                "{user} Hallo! Zutaten und Händler findest du auf nuvola.example.com "
                "– Dein Nuvola Team",
            ),
            "crisis": (
                "{user} Das tut uns sehr leid, wir nehmen das ernst. Schick uns bitte die "
                "Chargennummer per DM. – Dein Nuvola Team",
            ),
        },
        "id": {
            "complaint": (
                "{user} mohon maaf ya kak! Boleh DM nomor pesanannya, kami bantu cek. – Tim Nuvola",
                "{user} maaf atas ketidaknyamanannya, kami teruskan ke kurir ya. – Tim Nuvola",
            ),
            "question": (
                "{user} halo kak! Info lengkap ada di nuvola.example.com ya – Tim Nuvola",
            ),
            "crisis": (
                "{user} kami sangat menyesal mendengarnya. Mohon DM kode produksi di kalengnya "
                "agar tim kualitas kami bisa cek. – Tim Nuvola",
            ),
        },
        "th": {
            "complaint": (
                "{user} ขออภัยมากค่ะ รบกวนส่งเลขคำสั่งซื้อทาง DM นะคะ – ทีม Nuvola",
                "{user} ขอบคุณที่แจ้งนะคะ เราประสานกับขนส่งให้แล้วค่ะ – ทีม Nuvola",
            ),
            "question": ("{user} สวัสดีค่ะ ดูรายละเอียดได้ที่ nuvola.example.com ค่ะ – ทีม Nuvola",),
            "crisis": (
                "{user} เสียใจมากค่ะ รบกวนส่งรหัสการผลิตบนกระป๋องทาง DM เพื่อให้ทีมตรวจสอบค่ะ – ทีม Nuvola",
            ),
        },
    },
    "Fizzly": {
        "en": {
            "complaint": (
                "{user} sorry to hear that! DM us your order details and we'll fix it. "
                "– Fizzly Support",
                "{user} not cool, we know. Drop us a DM and we'll make it up to you. "
                "– Fizzly Support",
            ),
            "question": (
                "{user} hey! All the details are on fizzly.example.com – Fizzly Support",
                "{user} good q! Send us a DM and we'll check for you. – Fizzly Support",
            ),
        },
        "de": {
            "complaint": ("{user} Sorry! Schreib uns per DM, wir regeln das. – Fizzly Support",),
            "question": ("{user} Hi! Infos gibt's auf fizzly.example.com – Fizzly Support",),
        },
        "id": {
            "complaint": ("{user} maaf ya kak, DM kami biar dibantu. – Fizzly Support",),
            "question": ("{user} halo! Info lengkap di fizzly.example.com – Fizzly Support",),
        },
        "th": {
            "complaint": ("{user} ขออภัยค่ะ ทักแชทมาได้เลย เราจะช่วยดูให้ – Fizzly Support",),
            "question": ("{user} สวัสดีค่ะ ดูข้อมูลได้ที่ fizzly.example.com – Fizzly Support",),
        },
    },
}

# --- author handles ------------------------------------------------------------------

HANDLE_PARTS: dict[str, tuple[Phrases, Phrases]] = {
    "en": (
        (
            "jess",
            "tom",
            "priya",
            "marcus",
            "kayla",
            "ben",
            "sofia",
            "liam",
            "aisha",
            "dan",
            "chloe",
            "omar",
            "hannah",
            "jake",
            "mia",
            "ryan",
            "zoe",
            "sam",
            "nina",
            "leo",
            "grace",
            "ethan",
            "ruby",
            "noah",
            "ella",
            "finn",
            "maya",
            "josh",
            "lucy",
            "alex",
        ),
        (
            "fizzfan",
            "sodaqueen",
            "cantwait",
            "nightowl",
            "gymrat",
            "plantmom",
            "bookworm",
            "retrogamer",
            "hikes",
            "citygirl",
            "snacklord",
            "vibes",
            "daily",
            "irl",
            "xo",
            "uk",
            "txt",
            "eats",
            "runs",
            "draws",
        ),
    ),
    "de": (
        (
            "lena",
            "jonas",
            "mia",
            "lukas",
            "anna",
            "felix",
            "lea",
            "paul",
            "marie",
            "finn",
            "sophie",
            "max",
            "laura",
            "tim",
            "julia",
            "niklas",
            "clara",
            "moritz",
            "nele",
            "jan",
        ),
        (
            "kiezkind",
            "kaffeejunkie",
            "nordlicht",
            "bergfex",
            "zockt",
            "isst",
            "liest",
            "ausberlin",
            "ausmuc",
            "hh",
            "koeln",
            "radelt",
        ),
    ),
    "id": (
        (
            "putri",
            "budi",
            "dewi",
            "rizky",
            "sari",
            "agus",
            "intan",
            "fajar",
            "ayu",
            "dimas",
            "nabila",
            "bayu",
            "tari",
            "yoga",
            "wulan",
            "rangga",
            "citra",
            "eko",
            "nisa",
            "galih",
        ),
        (
            "kece",
            "jajan",
            "santuy",
            "official",
            "id",
            "jkt",
            "bdg",
            "sby",
            "gabut",
            "mager",
            "ngopi",
        ),
    ),
    "th": (
        (
            "ploy",
            "beam",
            "pim",
            "nong",
            "tonkla",
            "mint",
            "fern",
            "earth",
            "bank",
            "praew",
            "kaew",
            "mook",
            "boss",
            "jane",
            "nut",
            "bow",
            "namwan",
            "gun",
            "pang",
            "toey",
        ),
        ("th", "bkk", "cnx", "aroi", "chill", "daily", "lover", "zaa", "jung", "kub"),
    ),
}
