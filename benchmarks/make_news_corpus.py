"""A benchmark corpus of real news: the annotated articles, repeated with paragraphs shuffled.

Reads the real articles of ``dev/`` and ``dev2/`` in the shared corpus at run
time (they are other people's text: never copied into the repository) and
writes ``--articles`` copies of them, each with its body's paragraphs in an
order no other copy has and its own URL, so ``kg build`` reads every copy as a
new article (it skips an article whose text or URL it has already seen). The
same ``--seed`` always gives the same corpus.

    python benchmarks/make_news_corpus.py /tmp/kg-news --articles 400
"""

from __future__ import annotations

import argparse
import os
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path

import yaml

DEFAULT_CORPUS = (
    Path(os.environ.get("KG_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "corpus"
)
"""The shared corpus beside the repository, or in ``$KG_SHARED`` (as the tests find it)."""
PARTS = ("dev", "dev2")
ENUMERATED = 6
"""Up to this many paragraphs, a copy's order is drawn from the unused ones."""
MAX_SHUFFLES = 50
"""More paragraphs (720+ orders): shuffles tried before the article counts as used up."""


class CorpusMissing(Exception):
    """The shared corpus is not where we were told to read it."""


@dataclass(frozen=True)
class NewsArticle:
    """One real article: its front matter and its body's paragraphs."""

    stem: str
    meta: dict[str, str]
    paragraphs: tuple[str, ...]

    def copy(self, number: int, order: Sequence[int]) -> str:
        """Copy ``number`` as kg reads it: front matter (its own URL), then the
        paragraphs in ``order``."""
        meta = {**self.meta, "url": f"{self.meta.get('url', 'https://example.org/news')}"
                f"?kg-bench-copy={number}"}  # fmt: skip
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        body = "\n\n".join(self.paragraphs[i] for i in order)
        return f"---\n{front}---\n{body}\n"


def read_news(path: Path) -> NewsArticle:
    """A corpus file: YAML front matter between ``---`` lines, then paragraphs."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = {str(k): str(v) for k, v in (yaml.safe_load(front) or {}).items()}
    paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
    return NewsArticle(path.stem, meta, paragraphs)


def news_articles(corpus: Path) -> list[NewsArticle]:
    """The real articles of ``dev/`` and ``dev2/``, in file order."""
    paths = [p for part in PARTS for p in sorted((corpus / part).glob("*.txt"))]
    if not paths:
        raise CorpusMissing(
            f"no articles in {corpus}/dev or {corpus}/dev2; "
            "point --corpus (or KG_SHARED) at the shared corpus"
        )
    return [read_news(p) for p in paths]


def copies(
    articles: Sequence[NewsArticle], count: int, seed: int
) -> Iterator[tuple[NewsArticle, tuple[int, ...]]]:
    """``count`` (article, paragraph order) pairs, round robin over the articles;
    no order repeats for an article, and an article whose orders run out is left out.

    >>> a = NewsArticle("a", {}, ("one", "two"))
    >>> [order for _, order in copies([a], 2, seed=1)]
    [(0, 1), (1, 0)]
    """
    rng = random.Random(seed)
    seen: dict[str, set[tuple[int, ...]]] = {a.stem: set() for a in articles}
    live = list(articles)
    made = 0
    while made < count and live:
        for article in list(live):
            if made == count:
                break
            order = fresh_order(rng, len(article.paragraphs), seen[article.stem])
            if order is None:
                live.remove(article)
                continue
            made += 1
            yield article, order
    if made < count:
        raise CorpusMissing(f"the corpus gives only {made} distinct copies, not {count}")


def fresh_order(
    rng: random.Random, size: int, seen: set[tuple[int, ...]]
) -> tuple[int, ...] | None:
    """A paragraph order not in ``seen`` (added to it), or None when there is none left.

    Few paragraphs: drawn from the orders not used yet. Many: shuffled until new.
    """
    if size <= ENUMERATED:
        unused = [order for order in permutations(range(size)) if order not in seen]
        order = rng.choice(unused) if unused else None
    else:
        shuffled = list(range(size))
        for _ in range(MAX_SHUFFLES):
            rng.shuffle(shuffled)
            if tuple(shuffled) not in seen:
                break
        order = tuple(shuffled) if tuple(shuffled) not in seen else None
    if order is not None:
        seen.add(order)
    return order


def write_news_corpus(
    folder: Path, count: int, seed: int = 7, corpus: Path = DEFAULT_CORPUS
) -> list[Path]:
    """Write ``count`` copies as ``.txt`` files under ``folder`` (100 per sub-folder)."""
    paths = []
    for number, (article, order) in enumerate(copies(news_articles(corpus), count, seed)):
        path = folder / f"{number // 100:04d}" / f"{number:06d}-{article.stem}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article.copy(number, order), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the .txt articles")
    parser.add_argument("--articles", type=int, default=400, help="how many (default 400)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"the shared corpus (default {DEFAULT_CORPUS})")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        paths = write_news_corpus(args.folder, args.articles, args.seed, args.corpus)
    except CorpusMissing as err:
        echo(f"make_news_corpus: {err}")
        return 2
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    echo(f"wrote {len(paths)} real-news articles ({words} words) to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
