"""Writes a corpus of RSS feeds for benches/ingest.sh.

make_corpus.py OUT_DIR ENTRIES FEEDS

Each entry is a few paragraphs drawn at random (seeded, so every run writes
the same corpus) from sentence pools in English, French, Spanish and Catalan
about SSE practices and ordinary news, so that language detection and the
candidate detector do real work. Entries carry their full content.
"""
import os
import random
import sys
from email.utils import formatdate
from xml.sax.saxutils import escape

POOLS = {
    "en": [
        "The city council launched a community wealth building programme with local anchor institutions.",
        "A worker cooperative of forty members now runs the town's bakery and delivery service.",
        "The municipal fund has financed twelve housing cooperatives since it was created in 2015.",
        "Residents voted on the budget of the neighbourhood in an open assembly last week.",
        "The social enterprise trains young people who left school early and hires half of them.",
        "Weather forecasts predict heavy rain in the north of the country over the weekend.",
        "The football club signed a new striker for the coming season.",
        "A community land trust keeps homes affordable by owning the land beneath them.",
    ],
    "fr": [
        "La ville a lancé un fonds pour soutenir les coopératives d'habitation et les organismes sans but lucratif.",
        "Une coopérative d'intérêt collectif gère désormais la cantine scolaire avec des produits locaux.",
        "Le réseau de l'économie sociale et solidaire regroupe plus de trois cents entreprises de la région.",
        "Les épiceries solidaires permettent aux familles à faibles revenus d'acheter des produits frais.",
        "Le conseil municipal a adopté une politique d'achat responsable favorisant l'insertion.",
        "La météo annonce un week-end ensoleillé sur l'ensemble du territoire.",
        "Le festival de musique a accueilli vingt mille spectateurs cette année.",
        "Une monnaie locale complémentaire circule depuis cinq ans dans le pays basque.",
    ],
    "es": [
        "El ayuntamiento puso en marcha un programa de apoyo a las cooperativas de vivienda en cesión de uso.",
        "La cooperativa de trabajo cuenta con sesenta socias y produce conservas ecológicas.",
        "La red de economía solidaria organiza un mercado social con más de cien entidades.",
        "La banca ética ha concedido préstamos a empresas de inserción y proyectos de energía renovable.",
        "El gobierno regional aprobó una ley de economía social que reconoce a las cooperativas.",
        "El tráfico en la autopista fue intenso durante el puente festivo.",
        "El equipo local ganó el partido en el último minuto.",
        "Una comunidad energética reparte la electricidad solar entre los vecinos del barrio.",
    ],
    "ca": [
        "L'Ajuntament ha impulsat un programa de suport a l'economia social i solidària.",
        "La cooperativa de treball dona feina a vint-i-cinc persones sòcies del barri.",
        "La Xarxa d'Economia Solidària organitza la fira del mercat social cada any.",
        "Les cooperatives d'habitatge en cessió d'ús garanteixen pisos assequibles.",
        "El temps serà assolellat durant tot el cap de setmana a la costa.",
        "La biblioteca del poble ha ampliat l'horari d'obertura.",
    ],
}


def main():
    out, entries, feeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    rng = random.Random(42)
    langs = list(POOLS)
    per_feed = [entries // feeds + (1 if i < entries % feeds else 0) for i in range(feeds)]
    n = 0
    for f, count in enumerate(per_feed):
        items = []
        for _ in range(count):
            lang = langs[n % len(langs)]
            pool = POOLS[lang]
            paragraphs = [
                " ".join(rng.choice(pool) for _ in range(rng.randint(3, 5)))
                for _ in range(rng.randint(3, 5))
            ]
            html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            title = rng.choice(pool)[:80]
            date = formatdate(1_600_000_000 + n * 3600, usegmt=True)
            items.append(
                f"<item><title>{escape(title)} ({n})</title>"
                f"<link>http://bench.invalid/{lang}/item-{n}</link>"
                f"<guid>item-{n}</guid><pubDate>{date}</pubDate>"
                f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
            )
            n += 1
        with open(os.path.join(out, f"feed-{f}.xml"), "w", encoding="utf-8") as fh:
            fh.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                f"<channel><title>Bench feed {f}</title><link>http://bench.invalid/</link>"
                "<description>benchmark corpus</description>"
                + "".join(items)
                + "</channel></rss>"
            )


if __name__ == "__main__":
    main()
