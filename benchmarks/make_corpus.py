"""A synthetic news corpus for benchmarks: real sentence structures, varied entities.

Every article is a headline plus paragraphs written from sentence templates
(partnerships, deals, executives, launches, suppliers, rivals, hedged and
denied claims, and plain market colour), filled with entities drawn from
generated company names, people, places and product models, mixed with
a few well-known brands. The same ``--seed`` always gives the same corpus,
so anyone can reproduce a benchmark without a big file in the repository.

    python benchmarks/make_corpus.py /tmp/kg-bench --articles 2000
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SYLLABLES = (
    "nor", "va", "ke", "strel", "lu", "men", "tor", "qui", "sa", "bri", "zen", "ox", "ar",
    "del", "ta", "ri", "mo", "lex", "fin", "cor", "py", "ra", "vel", "ion", "ka", "so",
    "tri", "gon", "al", "phi", "ne", "do", "ver", "ix", "op", "tal", "wen", "gro", "me",
)  # fmt: skip
ORG_SUFFIXES = (
    "", "", "", " Technologies", " Labs", " Systems", " Optics", " Semiconductor", " Mobile",
    " Electronics", " Group", " Devices", " Imaging", " Networks",
)  # fmt: skip
KNOWN_ORGS = (
    "Xiaomi", "Huawei", "Leica", "Zeiss", "Hasselblad", "Samsung", "Sony", "Oppo", "Vivo",
    "Apple", "Google", "Nokia", "Motorola", "Sharp", "Honor", "OnePlus", "Qualcomm", "MediaTek",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "Rahul", "Mei", "Jonas", "Fatima", "Carlos", "Yuki", "Olga", "Daniel", "Amara",
    "Lukas", "Priya", "Tomás", "Ingrid", "Kwame", "Sofia", "Hiroshi", "Elena", "Marcus", "Leila",
    "Wei", "Nadia", "Pieter", "Grace", "Omar", "Chloe", "Mateo", "Astrid", "Ravi", "Julia",
)  # fmt: skip
LAST_NAMES = (
    "Keller", "Sharma", "Lindqvist", "Okafor", "Moreau", "Tanaka", "Novak", "Haddad", "Brennan",
    "Castillo", "Zhou", "Petrov", "Adeyemi", "Fischer", "Rossi", "Nakamura", "Larsen", "Mendes",
    "Whitfield", "Kowalski", "Banerjee", "Svensson", "Duarte", "Osei", "Hartmann", "Liang",
)  # fmt: skip
PLACES = (
    "Berlin", "Shenzhen", "Munich", "Seoul", "Tokyo", "Helsinki", "Austin", "Toronto", "Lyon",
    "Bangalore", "Taipei", "Stockholm", "Zurich", "Osaka", "Dublin", "Singapore", "Warsaw",
    "Milan", "Boston", "Nairobi", "Melbourne", "Barcelona", "Eindhoven", "Kraków", "Wetzlar",
)  # fmt: skip
PRODUCT_LINES = ("Nova", "Aria", "Pulse", "Vista", "Orbit", "Edge", "Lumen", "Flex", "Prime")
PRODUCT_TAILS = ("", "", " Pro", " Ultra", " Plus", " Lite", " Max", " Mini")
OUTLETS = ("Daily Circuit", "The Signal Desk", "Handset Weekly", "Lens & Chip", "Market Wire")
PARTS = ("image sensors", "displays", "batteries", "camera modules", "modems", "lenses", "chips")
YEARS = tuple(range(1921, 2021))

# Sentence templates: {a} {b} organizations, {p} a person, {x} a product, {c} a place,
# {y} a year, {part} a component, {n} a number, {q} a quarter.
RELATION_TEMPLATES = (
    "{a} and {b} announced a strategic partnership on Tuesday to co-develop camera systems.",
    "{a} said it will team up with {b} on a new line of flagship phones.",
    "Executives at {a} confirmed that the company had signed a deal with {b} last month.",
    "{a} has ended its partnership with {b} after four years of joint work.",
    "{a} decided not to renew its contract with {b}, according to people familiar with the talks.",
    "{a} acquired {b} for an undisclosed sum, the companies said in a joint statement.",
    "In {y}, {a} was founded by engineers who had left a larger rival.",
    "{a} is headquartered in {c}, where it employs about {n} people.",
    "{p}, the chief executive of {a}, told analysts that margins would improve.",
    "{p} founded {a} in a small workshop and still sits on its board.",
    "{p}, who works for {a} as head of design, presented the prototype on stage.",
    "{a} supplies {part} to {b} under a contract that runs until next year.",
    "{a} took a minority stake in {b}, lifting its holding to {n} percent.",
    "{a} competes with {b} in the mid-range segment across Europe and Asia.",
    "The {x} will be the first phone to carry optics from {b}.",
    "The {x}, made by {a}, goes on sale in {c} next week.",
    "{a} is expected to announce a collaboration with {b} later this year.",
    "Reports suggest that {a} may acquire {b}, although neither company commented.",
    "{a} denied that it had ever worked with {b} on the sensor.",
    "The {x} does not carry {b} branding, a spokesperson for {a} said.",
    "{b} is a subsidiary of {a} and shares its research centre in {c}.",
    "Analysts at {b} believe {a} could double its shipments by the end of the {q} quarter.",
)
COLOUR_TEMPLATES = (
    "Shipments of premium handsets rose by {n} percent in the {q} quarter.",
    "The market has been crowded for years, and buyers now care more about cameras than chips.",
    "Prices for {part} have fallen steadily since the start of the year.",
    "Retailers in {c} reported long queues on the first day of sales.",
    "Investors reacted calmly, and the shares closed almost unchanged.",
    "Industry watchers expect the rivalry to intensify before the holiday season.",
    "The new model adds a larger sensor, a brighter screen and a faster charger.",
    "Several reviewers praised the low-light photos but criticised the battery life.",
    "Component shortages have eased, although logistics costs remain high.",
    "A spokesperson declined to give sales figures for the region.",
    "Competition in the foldable segment is expected to heat up next spring.",
    "Engineers spent almost two years tuning the colour science of the main camera.",
    "The launch event in {c} drew several hundred journalists and partners.",
    "Regulators have not yet approved the transaction, which still needs a review in {c}.",
    "Sales in emerging markets grew faster than in Europe for the {q} consecutive quarter.",
)
HEADLINES = (
    "{a} and {b} deepen ties as camera race heats up",
    "{a} unveils the {x}",
    "Why {a} is betting on {c}",
    "{a} shakes up its leadership under {p}",
    "{b} and {a}: what the deal means for buyers",
    "Inside the {x} launch in {c}",
)
QUARTERS = ("first", "second", "third", "fourth")


@dataclass(frozen=True)
class Cast:
    """The entities one article talks about."""

    orgs: tuple[str, ...]
    people: tuple[str, ...]
    places: tuple[str, ...]
    products: tuple[str, ...]


def org_names(rng: random.Random, count: int) -> tuple[str, ...]:
    """``count`` distinct invented company names ("Norvatal Optics", "Kestrix")."""
    names: dict[str, None] = {}
    while len(names) < count:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        names[stem + rng.choice(ORG_SUFFIXES)] = None
    return tuple(names)


def product_name(rng: random.Random, maker: str) -> str:
    model = f"{rng.choice(PRODUCT_LINES)} {rng.randint(2, 30)}{rng.choice(PRODUCT_TAILS)}"
    return f"{maker.split()[0]} {model}"


def cast_for(rng: random.Random, org_pool: tuple[str, ...]) -> Cast:
    orgs = [*rng.sample(org_pool, 4), *rng.sample(KNOWN_ORGS, 2)]
    rng.shuffle(orgs)
    people = tuple(
        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 3))
    )
    products = tuple(product_name(rng, rng.choice(orgs)) for _ in range(2))
    return Cast(tuple(orgs), people, tuple(rng.sample(PLACES, 2)), products)


def filled(template: str, rng: random.Random, cast: Cast) -> str:
    a, b = rng.sample(cast.orgs, 2)
    return template.format(
        a=a,
        b=b,
        p=rng.choice(cast.people),
        x=rng.choice(cast.products),
        c=rng.choice(cast.places),
        y=rng.choice(YEARS),
        part=rng.choice(PARTS),
        n=rng.randint(2, 90) if rng.random() < 0.7 else f"{rng.randint(1, 40) * 500:,}",
        q=rng.choice(QUARTERS),
    )


def paragraph(rng: random.Random, cast: Cast) -> str:
    sentences = []
    for _ in range(rng.randint(2, 4)):
        pool = RELATION_TEMPLATES if rng.random() < 0.55 else COLOUR_TEMPLATES
        sentences.append(filled(rng.choice(pool), rng, cast))
    return " ".join(sentences)


@dataclass(frozen=True)
class SyntheticArticle:
    id: str
    title: str
    source: str
    date: str
    body: str

    def markdown(self) -> str:
        """The article as kg reads it: YAML front matter, then the text."""
        front = f'title: "{self.title}"\nsource: {self.source}\ndate: {self.date}\n'
        return f"---\n{front}---\n{self.title}\n\n{self.body}\n"


def synthetic_articles(
    count: int, seed: int = 7, paragraphs: tuple[int, int] = (4, 8)
) -> Iterator[SyntheticArticle]:
    """``count`` articles, the same ones for the same ``seed``."""
    rng = random.Random(seed)
    pool = org_names(rng, max(60, count // 4))
    for index in range(count):
        cast = cast_for(rng, pool)
        title = filled(rng.choice(HEADLINES), rng, cast)
        body = "\n\n".join(paragraph(rng, cast) for _ in range(rng.randint(*paragraphs)))
        date = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        yield SyntheticArticle(f"synthetic-{index:06d}", title, rng.choice(OUTLETS), date, body)


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` articles as ``.md`` files under ``folder`` (100 per sub-folder)."""
    paths = []
    for article in synthetic_articles(count, seed):
        number = int(article.id.rsplit("-", 1)[1])
        path = folder / f"{number // 100:04d}" / f"{article.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article.markdown(), encoding="utf-8")
        paths.append(path)
    return paths


def word_count(text: str) -> int:
    return len(text.split())


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the .md articles")
    parser.add_argument("--articles", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    paths = write_corpus(args.folder, args.articles, args.seed)
    words = sum(word_count(p.read_text(encoding="utf-8")) for p in paths)
    echo(f"wrote {len(paths)} articles ({words} words) to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
