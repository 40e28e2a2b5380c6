"""Writes a corpus of RSS feeds for benches/search.sh.

search_corpus.py OUT_DIR ENTRIES FEEDS [FIRST_FEED FIRST_ENTRY]

FIRST_FEED and FIRST_ENTRY (default 0) number the feeds and the entries'
URLs from there, drawn from another seed: benches/scale.sh writes further
feeds beside a corpus.

Each entry is 4 to 8 sentences drawn (seeded) from templates in English,
French, Spanish, Korean and Catalan about SSE practices and ordinary news,
with their slots (city, organization, numbers, year) filled at random, so
that items differ as real ones do; one entry in twenty repeats an earlier
entry's text under another URL (a syndicated copy), so that near-duplicate
groups exist. Publication dates spread over 2015-2025.
"""
import os
import random
import sys
from email.utils import formatdate
from xml.sax.saxutils import escape

CITIES = ["Montréal", "Seoul", "Barcelona", "Bilbao", "Lyon", "Nantes", "Bogotá", "Dakar",
          "Gwangju", "Busan", "Québec", "Lisbon", "Bologna", "Leeds", "Preston", "Montevideo",
          "Mexico", "São Paulo", "Tunis", "Donostia"]
ORGS = ["Coop Alpha", "Solidar", "La Ruche", "Hanbit", "Tejido", "Commonwealth", "Mosaic",
        "Terra", "Norte", "Saenggak", "Arrel", "Phoenix", "Nexus", "Kalea"]

T = {
    "en": [
        "The city council of {city} launched a {n} million fund for housing cooperatives.",
        "A worker cooperative of {n} members now runs the bakery of {org} in {city}.",
        "{org} is a social enterprise that trains young people and hired {n} of them in {year}.",
        "The community land trust of {city} keeps {n} homes affordable by owning the land.",
        "Fair trade shops in {city} sold coffee from {n} producer cooperatives last year.",
        "The credit union lent {n} thousand euros to small firms of the social economy.",
        "Residents of {city} voted on a participatory budget of {n} million in {year}.",
        "An energy cooperative installed solar panels on {n} school roofs in {city}.",
        "Weather forecasts predict heavy rain in {city} over the weekend.",
        "The football club of {city} signed a new striker for {n} million.",
        "Traffic was heavy on the ring road of {city} on {year}'s holiday weekend.",
        "A platform cooperative of couriers in {city} now counts {n} members.",
    ],
    "fr": [
        "La ville de {city} a lancé un fonds de {n} millions pour les coopératives d'habitation.",
        "Une coopérative de travail de {n} membres gère la boulangerie {org} à {city}.",
        "{org} est une entreprise d'insertion qui a embauché {n} personnes en {year}.",
        "Le réseau de l'économie sociale et solidaire de {city} regroupe {n} entreprises.",
        "Une monnaie locale circule depuis {year} chez {n} commerçants de {city}.",
        "La finance solidaire a financé {n} projets de l'économie sociale à {city}.",
        "Le conseil municipal de {city} a adopté une politique d'achat public responsable.",
        "La météo annonce un week-end ensoleillé à {city}.",
        "Le festival de musique de {city} a accueilli {n} mille spectateurs en {year}.",
        "Une coopérative agricole de {city} vend les produits de {n} fermes.",
    ],
    "es": [
        "El ayuntamiento de {city} puso en marcha un programa para las cooperativas de vivienda.",
        "La cooperativa de trabajo {org} cuenta con {n} socias y produce conservas en {city}.",
        "La red de economía solidaria de {city} organiza un mercado social con {n} entidades.",
        "La banca ética concedió {n} préstamos a empresas de inserción en {year}.",
        "El gobierno aprobó una ley de economía social que reconoce a {n} cooperativas.",
        "Una comunidad energética reparte la electricidad solar entre {n} vecinos de {city}.",
        "El comercio justo crece en {city} con {n} tiendas en {year}.",
        "El equipo de {city} ganó el partido en el último minuto.",
        "El tráfico en la autopista de {city} fue intenso durante el puente de {year}.",
    ],
    "ko": [
        "{city}시는 올해 사회적경제기업 {n}곳에 공공구매를 확대하기로 했다.",
        "{city}의 주택협동조합은 청년 조합원들과 함께 공동체주택 {n}채를 지었다.",
        "{city}에서 마을기업들의 육성을 위한 지원센터가 {year}년에 새로 개소했다.",
        "지역화폐로 지급된 지원금이 {city} 전통시장의 매출을 {n}% 늘렸다.",
        "사회적금융기관들은 취약계층의 창업자 {n}명에게 소액대출을 제공했다.",
        "{city}의 생활협동조합들이 친환경 먹거리를 학교급식에 공급한다.",
        "공정무역마을 운동에 참여한 지자체는 {n}곳으로 늘었다.",
        "{city}의 프로야구팀이 {year}년 우승을 차지했다.",
        "{city}에 주말 동안 많은 비가 내릴 것으로 예상된다.",
    ],
    "ca": [
        "L'Ajuntament de {city} ha impulsat un programa de suport a l'economia social i solidària.",
        "La cooperativa de treball {org} dona feina a {n} persones sòcies del barri.",
        "Les cooperatives d'habitatge en cessió d'ús garanteixen {n} pisos assequibles.",
        "El temps serà assolellat durant tot el cap de setmana a {city}.",
        "La Xarxa d'Economia Solidària organitza la fira del mercat social de {year}.",
    ],
}
TITLES = {
    "en": "News from {city}: {org}",
    "fr": "Nouvelles de {city} : {org}",
    "es": "Noticias de {city}: {org}",
    "ko": "{city} 소식: {org}",
    "ca": "Notícies de {city}: {org}",
}
WEIGHTS = {"en": 3, "fr": 3, "es": 3, "ko": 2, "ca": 1}


def fill(template, rng):
    return template.format(city=rng.choice(CITIES), org=rng.choice(ORGS),
                           n=rng.randint(2, 900), year=rng.randint(2015, 2025))


def main():
    out, entries, feeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    first_feed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    first_entry = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    os.makedirs(out, exist_ok=True)
    rng = random.Random(5 + first_feed)
    langs = [lang for lang, w in WEIGHTS.items() for _ in range(w)]
    per_feed = [entries // feeds + (1 if i < entries % feeds else 0) for i in range(feeds)]
    bodies = []
    n = first_entry
    for f, count in enumerate(per_feed, start=first_feed):
        items = []
        for _ in range(count):
            if bodies and rng.random() < 0.05:
                lang, title, html = rng.choice(bodies)
            else:
                lang = rng.choice(langs)
                sentences = [fill(rng.choice(T[lang]), rng) for _ in range(rng.randint(4, 8))]
                html = "".join(f"<p>{escape(s)}</p>" for s in sentences)
                title = fill(TITLES[lang], rng)
                if len(bodies) < 5000:
                    bodies.append((lang, title, html))
            date = formatdate(1_420_070_400 + rng.randint(0, 11 * 365 * 86400), usegmt=True)
            items.append(
                f"<item><title>{escape(title)}</title>"
                f"<link>http://bench.invalid/{lang}/item-{n}</link>"
                f"<guid>item-{n}</guid><pubDate>{date}</pubDate>"
                f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
            )
            n += 1
        with open(os.path.join(out, f"feed-{f}.xml"), "w", encoding="utf-8") as fh:
            fh.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                f"<channel><title>Search bench feed {f}</title><link>http://bench.invalid/</link>"
                "<description>search benchmark corpus</description>"
                + "".join(items)
                + "</channel></rss>"
            )


if __name__ == "__main__":
    main()
